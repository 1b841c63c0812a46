"""The tier rules: ladders checked, the rung a number reaches, the way up, the step down
at a window's end, and the multiplier's bonus."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gudcity.domain.errors import ValidationError
from gudcity.domain.tiers import (
    MAX_TIERS,
    NextTier,
    Tier,
    best_tier,
    check_ladder,
    check_window_days,
    keep_tier_message,
    level_by_balance,
    next_tier,
    next_tier_message,
    qualified_level,
    reviewed_level,
    tier_bonus,
    tier_bonus_key,
    window_message,
    window_start,
)
from gudcity.i18n.catalogue import translator
from gudcity.models import ProgramKind

ENGLISH = translator("en")
LADDER = (Tier("Bronze", 0), Tier("Silver", 500, 150), Tier("Gold", 2000, 200, ("Free coffee",)))

# Ladders as an owner could define them: increasing thresholds from 0.
thresholds = st.lists(
    st.integers(min_value=1, max_value=100_000), min_size=0, max_size=MAX_TIERS - 1, unique=True
).map(lambda rest: [0, *sorted(rest)])


@given(thresholds, st.integers(min_value=-10, max_value=200_000))
def test_the_level_reached_is_the_highest_threshold_met(steps, points):
    level = qualified_level(steps, points)
    assert 0 <= level < len(steps)
    assert level == 0 or points >= steps[level]
    assert level == len(steps) - 1 or points < steps[level + 1]


@given(thresholds, st.integers(0, 200_000), st.integers(0, 200_000))
def test_more_points_never_reach_a_lower_tier(steps, points, more):
    assert qualified_level(steps, points + more) >= qualified_level(steps, points)


@given(thresholds, st.integers(0, 200_000), st.integers(0, 200_000))
def test_by_balance_the_tier_is_capped_by_the_balance_and_by_the_points_earned(
    steps, earned, balance
):
    level = level_by_balance(steps, earned, balance)
    assert level == qualified_level(steps, min(earned, balance))
    assert level <= qualified_level(steps, earned)
    assert level <= qualified_level(steps, balance)


@given(thresholds, st.integers(0, MAX_TIERS), st.integers(0, 200_000))
def test_a_window_end_keeps_the_tier_or_steps_down_exactly_one(steps, level, window_points):
    level = min(level, len(steps) - 1)
    after = reviewed_level(steps, level, window_points)
    if level == 0 or window_points >= steps[level]:
        assert after == level
    else:
        assert after == level - 1


@given(st.integers(-1000, 10**9), st.integers(0, 2000))
def test_the_bonus_is_the_floor_of_the_extra_percent_and_never_negative(base, percent):
    bonus = tier_bonus(base, percent)
    assert bonus >= 0
    if base > 0 and percent > 100:
        assert bonus == base * (percent - 100) // 100
        assert bonus <= base * (percent - 100) / 100 < bonus + 1
    else:
        assert bonus == 0


def test_the_bonus_in_examples():
    assert tier_bonus(10, 150) == 5
    assert tier_bonus(3, 150) == 1  # 1.5 rounds down
    assert tier_bonus(1, 150) == 0
    assert tier_bonus(7, 100) == 0
    assert tier_bonus(7, 1000) == 63


@given(thresholds, st.integers(0, MAX_TIERS), st.integers(0, 200_000))
def test_the_way_up_names_the_next_tier_and_what_is_missing(steps, level, points):
    tiers = [Tier(f"T{n}", threshold) for n, threshold in enumerate(steps)]
    level = min(level, len(tiers) - 1)
    step = next_tier(tiers, level, points)
    if level == len(tiers) - 1:
        assert step is None
    else:
        assert step.name == tiers[level + 1].name
        assert step.missing == max(steps[level + 1] - points, 1)


def test_the_way_up_in_the_programs_words():
    step = next_tier(LADDER, 1, 1880)
    assert step == NextTier("Gold", 120)
    assert ENGLISH.message(next_tier_message(ProgramKind.POINTS, step)) == "120 more points to Gold"
    one = NextTier("Gold", 1)
    assert ENGLISH.message(next_tier_message(ProgramKind.STAMPS, one)) == "1 more stamp to Gold"
    assert ENGLISH.message(next_tier_message(ProgramKind.POINTS, None)) == (
        "You are in the top tier."
    )
    assert ENGLISH.message(window_message(90)) == "Counted over the last 90 days"
    assert window_message(None) is None
    assert ENGLISH.message(keep_tier_message(ProgramKind.POINTS, "Gold", 80, "Apr 1, 2026")) == (
        "80 more points by Apr 1, 2026 to keep Gold"
    )
    assert ENGLISH.message(keep_tier_message(ProgramKind.STAMPS, "Gold", 1, "Apr 1, 2026")) == (
        "1 more stamp by Apr 1, 2026 to keep Gold"
    )
    assert ENGLISH.message(keep_tier_message(ProgramKind.POINTS, "Gold", 0, "Apr 1, 2026")) == (
        "This window's points keep Gold (the window ends Apr 1, 2026)."
    )


def test_a_ladder_is_cleaned_and_an_empty_one_is_no_tiers():
    assert check_ladder([]) == ()
    cleaned = check_ladder([Tier("  Bronze ", 0), Tier("Gold", 10, 200, (" Free tea ", "", " "))])
    assert cleaned == (Tier("Bronze", 0), Tier("Gold", 10, 200, ("Free tea",)))


@pytest.mark.parametrize(
    "ladder",
    [
        [Tier("Silver", 5)],  # does not start at 0
        [Tier("Bronze", 0), Tier("Gold", 0)],  # not increasing
        [Tier("Bronze", 0), Tier("Gold", 100), Tier("Platinum", 50)],
        [Tier("Gold", 0), Tier(" gold ", 10)],  # the same name
        [Tier("", 0)],
        [Tier("x" * 41, 0)],
        [Tier("Bronze", 0, 99)],  # below 1x
        [Tier("Bronze", 0, 1001)],
        [Tier("Bronze", -1)],
        [Tier("Bronze", "ten")],
        [Tier("Bronze", True)],
        [Tier("Bronze", 0, 150.5)],
        [Tier("Bronze", 10**12)],
        [Tier("Bronze", 0, 100, ("x" * 81,))],
        [Tier("Bronze", 0, 100, tuple("abcdefg"))],
        [Tier(f"T{n}", n) for n in range(MAX_TIERS + 1)],
    ],
)
def test_a_bad_ladder_is_refused_in_words(ladder):
    with pytest.raises(ValidationError):
        check_ladder(ladder)


@given(thresholds)
def test_every_increasing_ladder_from_zero_is_accepted(steps):
    tiers = [Tier(f"Tier {n}", threshold) for n, threshold in enumerate(steps)]
    assert [tier.threshold for tier in check_ladder(tiers)] == steps


@pytest.mark.parametrize("days", [0, 6, 1096, -3, "30", 30.0, True])
def test_a_bad_window_is_refused(days):
    with pytest.raises(ValidationError):
        check_window_days(days)


def test_a_window_holds_the_days_before_its_end():
    end = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert window_start(end, 30) == end - timedelta(days=30)
    assert check_window_days(30) == 30


def test_the_best_tier_ranks_by_the_ladder_not_the_alphabet():
    assert best_tier([(1, "Silver"), (0, "Bronze")]) == "Silver"
    assert best_tier([(0, "Apple"), (2, "Zebra"), (1, "Mango")]) == "Zebra"
    assert best_tier([(0, None), (0, "Member")]) == "Member"
    assert best_tier([(0, None)]) == ""
    assert best_tier([]) == ""


@given(st.text(min_size=1, max_size=128))
def test_the_bonus_key_is_the_awards_key_and_always_fits(earn_key):
    key = tier_bonus_key(earn_key)
    assert len(key) <= 128 and key.startswith("tier:")
    assert key == tier_bonus_key(earn_key)
    if len(earn_key) <= 123:
        assert key == f"tier:{earn_key}"
