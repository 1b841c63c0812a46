"""Every message the source code shows users, found by Babel's extractor, and what each
language's catalogue lacks.

    python -m gudcity.i18n.extract [LANGUAGE...]

prints, per language, the entries its catalogues miss (as `.po` text to translate and
paste into gudcity/locales/<language>/LC_MESSAGES/<area>.po) and the entries no code
uses any more. tests/domain/test_catalogues.py fails while either list is not empty.
"""

import contextlib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

from gudcity.i18n.catalogue import catalogues
from gudcity.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES

SOURCE = Path(__file__).resolve().parent.parent

# The calls whose first argument is a message: the pages' lookup `t`, the markers,
# the translator's methods, the labelled input, and every error a service raises (named
# by its class). Any other helper taking a msgid gets it marked with N_ where it is called.
_MARKERS = {
    "t": None,
    "N_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "NP_": (1, 2),
    "labelled_input": None,
}
_ERROR_CLASS = re.compile(r"^class (\w+Error)\(", re.MULTILINE)


def _error_classes() -> set[str]:
    names = {"ServiceError"}
    for path in SOURCE.rglob("*.py"):
        names.update(_ERROR_CLASS.findall(path.read_text(encoding="utf-8")))
    return names


@dataclass(frozen=True)
class Found:
    """A message in the source: its msgid (a pair for a plural) and where it is."""

    id: str | tuple[str, str]
    where: str

    @property
    def key(self) -> str:
        return self.id if isinstance(self.id, str) else self.id[0]


def extract() -> tuple[list[Found], list[str]]:
    """The messages, and the places where a message was an f-string (which no catalogue
    can hold: its words must be a msgid with `{placeholders}` instead)."""
    keywords = dict(_MARKERS) | {name: None for name in _error_classes()}
    found, warnings = [], io.StringIO()
    with contextlib.redirect_stderr(warnings):
        extracted = list(
            extract_from_dir(
                SOURCE,
                method_map=[("**.py", "python")],
                keywords=keywords,
                comment_tags=(),
                strip_comment_tags=True,
            )
        )
    for filename, line, message, _comments, _context in extracted:
        if isinstance(message, tuple):
            message = message if all(message) and len(message) == 2 else message[0]
        if message:
            found.append(Found(message, f"{filename}:{line}"))
    f_strings = [line.split(": warning")[0] for line in warnings.getvalue().splitlines()]
    return found, [place for place in f_strings if place]


def missing(language: str, found: list[Found]) -> Catalog:
    """The messages `language` lacks or leaves untranslated, as a catalogue to fill in."""
    have = {m.id if isinstance(m.id, str) else m.id[0]: m for c in catalogues(language) for m in c}
    lacking = Catalog(locale=language)
    for message in found:
        entry = have.get(message.key)
        forms = entry.string if entry is not None else None
        done = forms and (all(forms) if isinstance(forms, tuple) else True)
        if not done or entry.fuzzy:
            lacking.add(message.id, locations=[(message.where, None)])
    return lacking


def unused(language: str, found: list[Found]) -> list[str]:
    used = {message.key for message in found}
    return sorted(
        key
        for c in catalogues(language)
        for m in c
        if m.id and (key := m.id if isinstance(m.id, str) else m.id[0]) not in used
    )


def main(languages: list[str]) -> None:
    found, f_strings = extract()
    for place in f_strings:
        print(f"# an f-string as a message: {place}")
    for language in languages or [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]:
        lacking = missing(language, found)
        print(f"# {language}: {len(lacking)} missing, unused: {unused(language, found)}")
        write_po(sys.stdout.buffer, lacking, omit_header=True, width=100)
        sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
