"""The rules for what a business tells its customers, on any text at all: an address, a
phone, opening hours are stored in the shape promised, or refused with a ValidationError."""

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from gudcity.domain import contact
from gudcity.domain.errors import ServiceError, ValidationError
from tests.services.test_properties import SETTINGS, texts

PHONES = st.one_of(
    texts(),
    st.from_regex(r"\+?[0-9 ()\-./]{0,34}", fullmatch=True),
    st.sampled_from(["+44 20 7946 0958", "(555) 010-0199", "030.123.45", "1234", "+" + "9" * 16]),
)


def no_control_characters(text: str, *, newlines: bool = False) -> bool:
    allowed = {"\n"} if newlines else set()
    return all(unicodedata.category(c) != "Cc" or c in allowed for c in text)


def folded(text: str) -> bool:
    """Trimmed, with no run of spaces and no other whitespace character between words."""
    return text == " ".join(text.split()) and (not text or text == text.strip())


@SETTINGS
@given(typed=texts())
def test_an_address_is_one_folded_line_within_its_length_or_refused(typed):
    try:
        address = contact.clean_address(typed)
    except ValidationError:
        return
    assert folded(address) and len(address) <= contact.MAX_ADDRESS_LENGTH
    assert no_control_characters(address)


@SETTINGS
@given(typed=PHONES)
def test_a_phone_is_digits_and_marks_with_5_to_15_digits_or_refused(typed):
    try:
        phone = contact.clean_phone(typed)
    except ValidationError:
        return
    if phone:
        digits = sum(c.isdigit() for c in phone)
        assert contact.MIN_PHONE_DIGITS <= digits <= contact.MAX_PHONE_DIGITS
        assert set(phone) <= set("0123456789 +()-./") and folded(phone)
        assert len(phone) <= contact.MAX_PHONE_LENGTH


@SETTINGS
@given(typed=st.one_of(texts(), st.lists(texts(), max_size=10).map("\n".join)))
def test_opening_hours_are_folded_lines_within_bounds_or_refused(typed):
    try:
        hours = contact.clean_opening_hours(typed)
    except ValidationError:
        return
    lines = hours.split("\n") if hours else []
    assert len(lines) <= contact.MAX_HOURS_LINES and len(hours) <= contact.MAX_HOURS_LENGTH
    assert all(line and folded(line) for line in lines)
    assert no_control_characters(hours, newlines=True)


@SETTINGS
@given(typed=st.one_of(texts(), st.integers(), st.none(), st.binary(max_size=4)))
def test_the_validators_refuse_what_is_not_text_in_their_own_words(typed):
    for clean in (contact.clean_address, contact.clean_phone, contact.clean_opening_hours):
        try:
            clean(typed)
        except ServiceError:
            pass
        else:
            assert isinstance(typed, str)
