"""The code a customer shows for a reward: its alphabet, how it is typed, its QR text."""

from hypothesis import given
from hypothesis import strategies as st

from gudcity.domain.redemption_codes import (
    CODE_STATE_LABELS,
    REDEMPTION_ALPHABET,
    REDEMPTION_CODE_LENGTH,
    is_reward_qr,
    is_well_formed,
    new_redemption_code,
    normalize_code,
    reward_qr_payload,
)
from gudcity.models import RewardCodeStatus


def test_codes_are_short_and_never_hold_a_character_that_reads_as_another():
    assert not set("0O1I") & set(REDEMPTION_ALPHABET)
    codes = {new_redemption_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == REDEMPTION_CODE_LENGTH == 8 and is_well_formed(c) for c in codes)


@given(st.text(alphabet=REDEMPTION_ALPHABET, min_size=8, max_size=8))
def test_a_code_typed_in_any_case_with_spaces_or_dashes_is_the_same_code(code):
    typed = f"  {code[:4].lower()} - {code[4:]}\t"
    assert normalize_code(typed) == code
    assert normalize_code(reward_qr_payload(code)) == code
    assert normalize_code(reward_qr_payload(code).lower()) == code


def test_what_is_not_a_code_is_told():
    assert not is_well_formed(normalize_code("ABCD-EFG"))  # too short
    assert not is_well_formed(normalize_code("ABCD-EFG0"))  # a zero
    assert not is_well_formed(normalize_code("ABCDEFGHJ"))  # too long
    assert normalize_code(None) == "" and normalize_code(42) == ""


def test_a_reward_qr_is_told_from_a_customer_card_qr():
    assert is_reward_qr("GCR.ABCDEFGH") and is_reward_qr(" gcr.abcdefgh")
    assert not is_reward_qr("GC1.MFRGGZDFMZTWQ2LK") and not is_reward_qr(None)


def test_every_state_has_its_word():
    assert [CODE_STATE_LABELS[s] for s in RewardCodeStatus] == [
        "Waiting",
        "Delivered",
        "Cancelled",
        "Expired",
    ]
