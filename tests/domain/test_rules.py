"""The pure rules: progress to a reward, the words for amounts, card numbers, scan keys."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gudcity.domain.answers import AnswerFacts, answer_message, is_answered, is_good_news
from gudcity.domain.card_numbers import (
    format_card_number,
    is_valid_card_number,
    luhn_check_digit,
    new_card_number,
    normalize_card_number,
)
from gudcity.domain.labels import (
    added_message,
    amount_message,
    deducted_message,
    signed_amount,
    unit_message,
    wait_message,
)
from gudcity.domain.progress import RewardStep, affordable, progress_to_next_reward
from gudcity.domain.redemption_codes import REDEMPTION_ALPHABET, new_redemption_code
from gudcity.domain.scans import (
    ScanOutcome,
    scan_award_key,
    scan_invitation_key,
    scan_outcome_message,
)
from gudcity.i18n.catalogue import translator
from gudcity.models import ApprovalKind, ApprovalStatus, ProgramKind

POINTS, STAMPS = ProgramKind.POINTS, ProgramKind.STAMPS
ENGLISH = translator("en")


def said(*args) -> str:
    """What the counter reads after a scan, in English."""
    return ENGLISH.message(scan_outcome_message(*args))


def test_amounts_use_the_programs_unit_and_number():
    assert ENGLISH.message(amount_message(POINTS, 1)) == "1 point"
    assert ENGLISH.message(amount_message(POINTS, 25)) == "25 points"
    assert ENGLISH.message(amount_message(STAMPS, 1)) == "1 stamp"
    assert ENGLISH.message(amount_message(STAMPS, 6)) == "6 stamps"
    assert ENGLISH.message(unit_message(STAMPS)) == "stamps"
    assert ENGLISH.message(unit_message(POINTS, 1)) == "point"
    assert (signed_amount(10), signed_amount(-25), signed_amount(0)) == ("+10", "-25", "0")


LADDER = [RewardStep("Coffee", 20), RewardStep("Cake", 50)]


def way(balance: int, ladder, kind, language: str = "en") -> tuple[str, int]:
    progress = progress_to_next_reward(balance, ladder, kind)
    return translator(language).message(progress.next_reward), progress.percent


def test_progress_points_at_the_cheapest_reward_not_yet_covered():
    assert way(0, LADDER, POINTS) == ("20 points to Coffee", 0)
    assert way(30, LADDER, POINTS) == ("20 points to Cake", 60)
    assert way(49, LADDER, STAMPS) == ("1 stamp to Cake", 98)


def test_progress_reads_in_the_readers_language():
    assert way(49, LADDER, STAMPS, "fr")[0] == "1 tampon avant Cake"
    assert way(30, LADDER, POINTS, "es")[0] == "20 puntos para Cake"
    assert way(48, LADDER, STAMPS, "ar")[0] == "ختمان حتى Cake"


def test_progress_when_everything_or_nothing_is_in_reach():
    assert way(50, LADDER, POINTS) == ("Every reward is within reach", 100)
    assert way(50, [], POINTS) == ("No rewards yet", 0)
    assert affordable(20, 20) and not affordable(19, 20)


@given(st.integers(0, 10**6), st.lists(st.integers(1, 10**5), max_size=5))
def test_progress_is_a_percentage(balance, costs):
    ladder = [RewardStep(f"R{cost}", cost) for cost in sorted(costs)]
    assert 0 <= progress_to_next_reward(balance, ladder, POINTS).percent <= 100


def test_new_card_numbers_are_valid_and_readable():
    number = new_card_number()
    assert len(number) == 12 and is_valid_card_number(number)
    assert format_card_number(number) == f"{number[:4]} {number[4:8]} {number[8:]}"
    assert normalize_card_number(f" {number[:4]}-{number[4:8]} {number[8:]} ") == number


@given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.integers(0, 10), st.data())
def test_the_check_digit_catches_any_single_mistyped_digit(body, position, data):
    number = body + luhn_check_digit(body)
    wrong = data.draw(st.sampled_from([d for d in "0123456789" if d != number[position]]))
    assert not is_valid_card_number(number[:position] + wrong + number[position + 1 :])


def test_non_ascii_digits_are_not_card_numbers():
    assert not is_valid_card_number("١٢٣٤٥٦٧٨٩٠١٢")


def test_redemption_codes_avoid_look_alike_characters():
    codes = {new_redemption_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(set(code) <= set(REDEMPTION_ALPHABET) for code in codes)
    assert not set("01OI") & set(REDEMPTION_ALPHABET)


def test_a_scans_steps_have_short_distinct_keys():
    long_key = "k" * 128
    assert len(scan_award_key(long_key)) <= 128
    assert scan_award_key(long_key) != scan_invitation_key(long_key)
    assert scan_award_key("a") != scan_award_key("b")


def test_the_counter_reads_what_a_scan_gave():
    assert said(ScanOutcome.AWARDED, STAMPS, 1) == "+1 stamp awarded."
    assert said(ScanOutcome.AWARDED, POINTS, 10) == "+10 points awarded."
    assert "cooldown" in said(ScanOutcome.COOLDOWN, POINTS, None)
    assert said(ScanOutcome.COOLDOWN, STAMPS, None, 240) == (
        "Scanned. No stamps this time: next scan award in 4 min."
    )
    assert "invitation" in said(ScanOutcome.ENROLLMENT_REQUESTED, POINTS, None)


def test_the_counter_reads_a_scan_in_the_tabs_language():
    awarded = scan_outcome_message(ScanOutcome.AWARDED, POINTS, 15)
    waiting = scan_outcome_message(ScanOutcome.COOLDOWN, STAMPS, None, 240)
    assert translator("fr").message(awarded) == "+15 points attribués."
    assert translator("ar").message(awarded) == "تم منح +15 نقطة."
    assert translator("ar").message(scan_outcome_message(ScanOutcome.AWARDED, POINTS, 2)) == (
        "تم منح نقطتين."
    )
    assert translator("fr").message(waiting) == (
        "Scanné. Pas de tampons cette fois : le prochain scan en rapportera dans 4 min."
    )


@pytest.mark.parametrize(
    ("kind", "amount", "label", "added", "deducted"),
    [
        (POINTS, 1, "1 point", "Point added", "Point deducted"),
        (POINTS, 2, "2 points", "Points added", "Points deducted"),
        (POINTS, 0, "0 points", "Points added", "Points deducted"),
        (STAMPS, 1, "1 stamp", "Stamp added", "Stamp deducted"),
        (STAMPS, 12, "12 stamps", "Stamps added", "Stamps deducted"),
    ],
)
def test_every_word_follows_the_kind_and_the_number(kind, amount, label, added, deducted):
    assert ENGLISH.message(amount_message(kind, amount)) == label
    titles = (
        ENGLISH.message(added_message(kind, amount)),
        ENGLISH.message(deducted_message(kind, amount)),
    )
    assert titles == (added, deducted)
    assert ENGLISH.message(unit_message(kind, amount)) == label.split()[1]
    assert said(ScanOutcome.AWARDED, kind, amount) == f"+{label} awarded."


@pytest.mark.parametrize(
    ("seconds", "label"),
    [(1, "1 s"), (59, "59 s"), (60, "1 min"), (61, "2 min"), (240, "4 min"), (7200, "2 h")],
)
def test_a_wait_is_rounded_up(seconds, label):
    assert ENGLISH.message(wait_message(seconds)) == label


def _facts(kind, status, points=3, expired=False, program_kind=STAMPS):
    return AnswerFacts(kind, status, "Alice", "Coffee Club", program_kind, points, expired)


DEDUCTION, ENROLLMENT = ApprovalKind.POINTS_DEDUCTION, ApprovalKind.ENROLLMENT


@pytest.mark.parametrize(
    ("facts", "message", "answered", "good"),
    [
        (
            _facts(DEDUCTION, ApprovalStatus.APPROVED, 1),
            "Alice approved: 1 stamp taken off their card.",
            True,
            True,
        ),
        (
            _facts(DEDUCTION, ApprovalStatus.DECLINED, 1, program_kind=POINTS),
            "Alice declined the deduction of 1 point: the balance is unchanged.",
            True,
            False,
        ),
        (
            _facts(ENROLLMENT, ApprovalStatus.APPROVED, 0),
            "Alice accepted the invitation: enrolled in Coffee Club.",
            True,
            True,
        ),
        (
            _facts(ENROLLMENT, ApprovalStatus.APPROVED, 1),
            "Alice accepted the invitation: enrolled in Coffee Club, with +1 stamp for this visit.",
            True,
            True,
        ),
        (
            _facts(ENROLLMENT, ApprovalStatus.DECLINED),
            "Alice declined the invitation to Coffee Club.",
            True,
            False,
        ),
        (
            _facts(DEDUCTION, ApprovalStatus.PENDING, expired=True),
            "Alice did not answer in time: the request to deduct 3 stamps expired.",
            True,
            False,
        ),
        (_facts(ENROLLMENT, ApprovalStatus.PENDING), "Waiting for Alice to answer.", False, False),
    ],
)
def test_the_counter_reads_each_answer(facts, message, answered, good):
    assert ENGLISH.message(answer_message(facts)) == message
    assert (is_answered(facts), is_good_news(facts)) == (answered, good)
