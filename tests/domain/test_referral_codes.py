"""Referral codes: a card's id signed; nothing else reads as one."""

from hypothesis import given
from hypothesis import strategies as st

from gudcity.domain.referral_codes import card_of_code, referral_code

KEY, OLD_KEY = "a key long enough for tests", "the key before the rotation"
card_ids = st.integers(min_value=1, max_value=2**31 - 1)


@given(card_ids)
def test_a_code_names_its_card_and_only_with_its_key(card_id):
    code = referral_code(card_id, KEY)
    assert card_of_code(code, [KEY]) == card_id
    assert card_of_code(code.upper(), [KEY]) == card_id
    assert card_of_code(code, ["another key entirely"]) is None


@given(card_ids)
def test_a_code_made_with_a_previous_key_still_works_while_that_key_is_kept(card_id):
    code = referral_code(card_id, OLD_KEY)
    assert card_of_code(code, [KEY, OLD_KEY]) == card_id
    assert card_of_code(code, [KEY]) is None


@given(card_ids, card_ids)
def test_a_signature_does_not_fit_another_card(card_id, other_id):
    signature = referral_code(card_id, KEY).split("-")[1]
    forged = f"{other_id}-{signature}"
    assert card_of_code(forged, [KEY]) == (card_id if other_id == card_id else None)


@given(st.one_of(st.text(max_size=80), st.none(), st.integers(), st.binary(max_size=20)))
def test_anything_else_is_no_code_and_raises_nothing(junk):
    assert card_of_code(junk, [KEY]) is None


def test_junk_around_a_real_signature_is_refused():
    code = referral_code(42, KEY)
    for junk in (code + "x", "0" + code, code.replace("-", ""), " " * 50 + code, "-1" + code):
        assert card_of_code(junk, [KEY]) is None
