"""The message catalogues: one gettext `.po` file per language and area, read at start-up.

English is the source language: a msgid is the English text, so English needs no
catalogue, and a message a language lacks falls back to English (the catalogue
test, tests/domain/test_catalogues.py, fails before that can ship). Each language's
folder, gudcity/locales/<code>/LC_MESSAGES/, holds one `.po` file per area of the app
(gettext domains); they are read together as one catalogue.

Placeholders are `{name}`; a translation keeps the same names. Arguments are formatted
for the language here (numbers and dates by CLDR), so callers pass numbers and dates,
not text.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from gudcity.i18n.formatting import day
from gudcity.i18n.languages import DEFAULT_LANGUAGE, locale_of, supported

LOCALES = Path(__file__).resolve().parent.parent / "locales"


def N_(message: str) -> str:
    """Marks text as a message to translate later, where it is shown; returns it as it is."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a plural to translate later: (singular, plural) as they are."""
    return singular, plural


@dataclass(frozen=True)
class Message:
    """Words to show later, in the reader's language: stored as a msgid and its arguments.

    A plural message names the argument whose number picks the form (`count`).
    """

    id: str
    args: Mapping[str, Any] = field(default_factory=dict)
    plural: str | None = None
    count: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "args": dict(self.args)}
        if self.plural is not None:
            data |= {"plural": self.plural, "count": self.count}
        return data

    @classmethod
    def plural_of(cls, forms: tuple[str, str], count: int, **args: Any) -> "Message":
        """A message marked with NP_, for `count` (also its `{count}`)."""
        return cls(forms[0], {"count": count, **args}, forms[1], "count")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Message":
        return cls(data["id"], data.get("args") or {}, data.get("plural"), data.get("count"))


def catalogues(language: str) -> list[Catalog]:
    """Every `.po` file of a language, in name order."""
    folder = LOCALES / language / "LC_MESSAGES"
    result = []
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as file:
            result.append(read_po(file, locale=language, domain=path.stem))
    return result


class Translator:
    """One language's words: gettext underneath, arguments formatted for the locale.

    The method names are gettext's, so Babel's extractor finds the msgids passed to them.
    """

    def __init__(self, language: str, translations: NullTranslations) -> None:
        self.language = language
        self.locale = locale_of(language)
        self._translations = translations

    def gettext(self, msgid: str, /, **args: Any) -> str:
        """The translation of `msgid` with its `{placeholders}` filled."""
        return self._fill(self._translations.gettext(msgid), args)

    def ngettext(self, singular: str, plural: str, n: int, /, **args: Any) -> str:
        """The form of a message for `n` (Arabic has six); `n` is also `{count}`."""
        chosen = self._translations.ngettext(singular, plural, n)
        return self._fill(chosen, {"count": n, **args})

    def message(self, message: Message) -> str:
        """A stored or deferred message in this language."""
        if message.plural is None:
            return self.gettext(message.id, **message.args)
        n = int(message.args.get(message.count or "count", 0))
        return self.ngettext(message.id, message.plural, n, **message.args)

    def number(self, value: int | float) -> str:
        return format_decimal(value, locale=self.locale)

    def _fill(self, text: str, args: Mapping[str, Any]) -> str:
        if not args:
            return text
        return text.format_map({name: self._shown(value) for name, value in args.items()})

    def _shown(self, value: Any) -> str:
        if isinstance(value, Message):
            return self.message(value)
        if isinstance(value, date):
            return day(value, self.language)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return str(value)
        return self.number(value)


def _translations(language: str) -> NullTranslations:
    """A language's areas as one gettext catalogue."""
    merged: Translations | None = None
    for catalogue in catalogues(language):
        buffer = BytesIO()
        write_mo(buffer, catalogue)
        buffer.seek(0)
        area = Translations(buffer, domain=catalogue.domain)
        merged = area if merged is None else merged.merge(area)
    return merged or NullTranslations()


@cache
def translator(language: str) -> Translator:
    """The translator for a language GudCity speaks (English for anything else)."""
    language = supported(language) or DEFAULT_LANGUAGE
    if language == DEFAULT_LANGUAGE:
        return Translator(language, NullTranslations())
    return Translator(language, _translations(language))


@cache
def frontend_words(language: str) -> dict[str, str]:
    """The language's translations of single (not plural) messages, by msgid: what the
    pages look their fixed words up in. Empty for English, whose msgids are the words."""
    language = supported(language) or DEFAULT_LANGUAGE
    if language == DEFAULT_LANGUAGE:
        return {}
    return {
        message.id: message.string
        for catalogue in catalogues(language)
        for message in catalogue
        if message.id and isinstance(message.id, str) and message.string and not message.fuzzy
    }
