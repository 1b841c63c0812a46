"""The languages GudCity speaks, which way each is written, and a visitor's best match."""

from babel import Locale, negotiate_locale

DEFAULT_LANGUAGE = "en"

# Each language in its own words: the chooser's options (DESIGN §6).
LANGUAGES: dict[str, str] = {
    "en": "English",
    "ar": "العربية",
    "es": "Español",
    "fr": "Français",
}

# Languages written right to left: their pages get dir="rtl".
RIGHT_TO_LEFT = frozenset({"ar"})


def supported(code: str | None) -> str | None:
    """`code` if GudCity speaks it, else None (anything a client sends is checked here)."""
    return code if isinstance(code, str) and code in LANGUAGES else None


def direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


def locale_of(language: str) -> Locale:
    return Locale.parse(supported(language) or DEFAULT_LANGUAGE)


def _preferred(accept_language: str) -> list[str]:
    """The tags of an Accept-Language header, best first (q-values honoured)."""
    weighted = []
    for position, part in enumerate(accept_language.split(",")):
        tag, _, parameters = part.strip().partition(";")
        quality = 1.0
        if parameters.strip().startswith("q="):
            try:
                quality = float(parameters.strip()[2:])
            except ValueError:
                continue
        if tag and quality > 0:
            weighted.append((-quality, position, tag.strip().replace("_", "-")))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(accept_language: str | None) -> str:
    """The language to greet a visitor in, from their browser's Accept-Language."""
    preferred = _preferred(accept_language or "")[:20]
    match = negotiate_locale(preferred, list(LANGUAGES), sep="-")
    if match is None:  # "fr-CA" matches "fr": try the primary tags
        match = negotiate_locale([tag.split("-")[0] for tag in preferred], list(LANGUAGES))
    return match or DEFAULT_LANGUAGE
