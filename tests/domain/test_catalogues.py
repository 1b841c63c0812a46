"""Every message the code shows is in every language's catalogue, translated, with its
placeholders and all its plural forms; no catalogue keeps a message nothing shows."""

import re

import pytest
from babel import Locale

from gudcity.i18n.catalogue import catalogues, frontend_words, translator
from gudcity.i18n.extract import extract, missing, unused
from gudcity.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES

TRANSLATED = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


@pytest.fixture(scope="module")
def extracted():
    return extract()


def test_no_message_is_an_f_string(extracted):
    _, f_strings = extracted
    assert f_strings == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_is_translated(extracted, language):
    found, _ = extracted
    lacking = missing(language, found)
    assert [message.id for message in lacking if message.id] == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_catalogue_keeps_an_unused_message(extracted, language):
    found, _ = extracted
    assert unused(language, found) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders(language):
    wrong = []
    for catalogue in catalogues(language):
        for message in catalogue:
            if not message.id:
                continue
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            names = set().union(*(PLACEHOLDER.findall(i) for i in ids))
            for string in strings:
                got = set(PLACEHOLDER.findall(string))
                # A form for exactly one may leave the number out ("un tampon").
                if got - names or (names - got) - {"count"}:
                    wrong.append((catalogue.domain, message.id, string))
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_messages_have_every_form_of_the_language(language):
    forms = Locale.parse(language).plural_form.rules
    expected = len(forms) + 1  # CLDR's rules, and "other"
    short = []
    for catalogue in catalogues(language):
        assert catalogue.num_plurals == expected, catalogue.domain
        for message in catalogue:
            if isinstance(message.id, tuple) and len(message.string) != expected:
                short.append(message.id)
    assert short == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_message_has_one_translation_across_the_areas(language):
    seen: dict = {}
    clashes = []
    for catalogue in catalogues(language):
        for message in catalogue:
            if message.id and seen.setdefault(message.id, message.string) != message.string:
                clashes.append(message.id)
    assert clashes == []


def test_arabic_counts_in_six_forms():
    arabic = translator("ar")
    words = {
        n: arabic.ngettext("{count} stamp", "{count} stamps", n) for n in (0, 1, 2, 3, 11, 100)
    }
    assert len(set(words.values())) == 6


def test_the_pages_fixed_words_follow_the_language():
    assert frontend_words("en") == {}
    assert frontend_words("fr")["Log out"] != "Log out"
