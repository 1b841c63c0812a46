"""Promotions on the business's wall clock (8:59 and 9:00 across a DST change), their bonus
arithmetic, and promo codes as typed."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gudcity.domain.errors import ValidationError
from gudcity.domain.promotions import (
    ALL_WEEKDAYS,
    MAX_KEY_LENGTH,
    PromotionRule,
    bonus_points,
    check_window,
    clock_text,
    derived_key,
    end_of_local_day,
    field_time,
    is_active,
    is_promo_code,
    is_promo_qr,
    multiplier_text,
    new_promo_code,
    normalize_promo_code,
    parse_local_time,
    promo_qr_payload,
    weekday_mask,
    weekdays_of,
)
from gudcity.models import PromotionKind

MULTIPLIER, BONUS = PromotionKind.MULTIPLIER, PromotionKind.BONUS
SUNDAY = 6
ZONES = ["Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata", "Australia/Lord_Howe"]


def rule(**changes) -> PromotionRule:
    """Sundays, 9:00 to 11:00 local, 2x, through 2026."""
    values = {
        "kind": MULTIPLIER,
        "value": 200,
        "weekdays": frozenset({SUNDAY}),
        "start_minute": 9 * 60,
        "end_minute": 11 * 60,
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
    }
    return PromotionRule(**(values | changes))


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# --- 8:59 and 9:00 local, on the days the clocks change ----------------------------------


@pytest.mark.parametrize(
    ("zone", "eight_fifty_nine_utc", "nine_utc"),
    [
        # Berlin springs forward on Sunday 29 March 2026: 9:00 is CEST, UTC+2.
        ("Europe/Berlin", utc(2026, 3, 29, 6, 59), utc(2026, 3, 29, 7, 0)),
        # ...and falls back on Sunday 25 October 2026: 9:00 is CET, UTC+1.
        ("Europe/Berlin", utc(2026, 10, 25, 7, 59), utc(2026, 10, 25, 8, 0)),
        # New York springs forward on Sunday 8 March 2026: 9:00 is EDT, UTC-4.
        ("America/New_York", utc(2026, 3, 8, 12, 59), utc(2026, 3, 8, 13, 0)),
        # ...and falls back on Sunday 1 November 2026: 9:00 is EST, UTC-5.
        ("America/New_York", utc(2026, 11, 1, 13, 59), utc(2026, 11, 1, 14, 0)),
    ],
)
def test_a_promotion_starts_at_nine_local_on_the_day_the_clocks_change(
    zone, eight_fifty_nine_utc, nine_utc
):
    assert not is_active(rule(), eight_fifty_nine_utc, zone)
    assert not is_active(rule(), nine_utc - timedelta(microseconds=1), zone)
    assert is_active(rule(), nine_utc, zone)


def test_the_same_utc_hour_is_inside_the_promotion_after_the_change_and_not_before():
    # 07:00 UTC is 8:00 in Berlin the Sunday before the change and 9:00 on its day.
    assert not is_active(rule(), utc(2026, 3, 22, 7, 0), "Europe/Berlin")
    assert is_active(rule(), utc(2026, 3, 29, 7, 0), "Europe/Berlin")
    # 08:00 UTC is 10:00 in Berlin the Sunday before it falls back, 9:00 on its day.
    assert is_active(rule(), utc(2026, 10, 18, 8, 0), "Europe/Berlin")
    assert is_active(rule(), utc(2026, 10, 25, 8, 0), "Europe/Berlin")
    assert not is_active(rule(), utc(2026, 10, 25, 7, 59), "Europe/Berlin")


def test_the_end_time_is_not_included():
    assert is_active(rule(), utc(2026, 3, 29, 8, 59, 59), "Europe/Berlin")  # 10:59:59 local
    assert not is_active(rule(), utc(2026, 3, 29, 9, 0), "Europe/Berlin")  # 11:00 local


def test_the_repeated_hour_of_a_fall_back_counts_twice_on_the_wall_clock():
    """2:00-3:00 local happens twice when Berlin falls back: both are inside 2:00-3:00."""
    night = rule(start_minute=120, end_minute=180)
    assert not is_active(night, utc(2026, 10, 24, 23, 59), "Europe/Berlin")  # 1:59 CEST
    assert is_active(night, utc(2026, 10, 25, 0, 30), "Europe/Berlin")  # 2:30 CEST
    assert is_active(night, utc(2026, 10, 25, 1, 30), "Europe/Berlin")  # 2:30 CET
    assert not is_active(night, utc(2026, 10, 25, 2, 0), "Europe/Berlin")  # 3:00 CET


def test_first_and_last_days_are_local_days():
    june_first = date(2026, 6, 1)
    one_day = rule(
        weekdays=ALL_WEEKDAYS,
        start_minute=0,
        end_minute=24 * 60,
        starts_on=june_first,
        ends_on=june_first,
    )
    # Midnight of 1 June in New York is 04:00 UTC.
    assert not is_active(one_day, utc(2026, 6, 1, 3, 59), "America/New_York")
    assert is_active(one_day, utc(2026, 6, 1, 4, 0), "America/New_York")
    assert is_active(one_day, utc(2026, 6, 2, 3, 59), "America/New_York")
    assert not is_active(one_day, utc(2026, 6, 2, 4, 0), "America/New_York")


def test_only_the_chosen_days_of_the_week():
    tuesdays = rule(weekdays=frozenset({1}), start_minute=0, end_minute=24 * 60)
    assert is_active(tuesdays, utc(2026, 12, 1, 12), "UTC")  # a Tuesday
    assert not is_active(tuesdays, utc(2026, 12, 2, 12), "UTC")


def test_a_naive_moment_is_utc():
    assert is_active(rule(), datetime(2026, 3, 29, 7, 0), "Europe/Berlin")


@given(
    zone=st.sampled_from(ZONES),
    day=st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    minute=st.integers(0, 24 * 60 - 1),
    start=st.integers(0, 24 * 60 - 1),
    length=st.integers(1, 24 * 60),
    weekdays=st.frozensets(st.integers(0, 6), min_size=1),
    fold=st.integers(0, 1),
)
def test_a_promotion_runs_exactly_when_the_wall_clock_is_in_its_window(
    zone, day, minute, start, length, weekdays, fold
):
    """Any moment that is a real local time: active iff its day and minute are chosen."""
    end = min(start + length, 24 * 60)
    local = datetime(day.year, day.month, day.day, minute // 60, minute % 60, fold=fold)
    moment = local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    # Skip wall times the clocks jump over (they never happen there).
    assume(moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None) == local)
    promotion = rule(
        weekdays=weekdays,
        start_minute=start,
        end_minute=end,
        starts_on=date(2026, 1, 1),
        ends_on=None,
    )
    expected = day.weekday() in weekdays and start <= minute < end
    assert is_active(promotion, moment, zone) == expected


# --- the bonus arithmetic ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "base", "bonus"),
    [
        (200, 10, 10),
        (150, 15, 7),
        (150, 1, 0),
        (125, 8, 2),
        (101, 99, 0),
        (101, 100, 1),
        (1000, 3, 27),
    ],
)
def test_a_multiplier_adds_the_floor_of_the_extra_percent(percent, base, bonus):
    assert bonus_points(rule(value=percent), base) == bonus


def test_a_fixed_bonus_adds_its_points_whatever_the_award():
    assert bonus_points(rule(kind=BONUS, value=5), 1) == 5
    assert bonus_points(rule(kind=BONUS, value=5), 500) == 5
    assert bonus_points(rule(kind=BONUS, value=5), 0) == 0


@given(base=st.integers(0, 10**9), percent=st.integers(101, 1000))
def test_the_multiplied_total_never_exceeds_the_exact_product(base, percent):
    bonus = bonus_points(rule(value=percent), base)
    assert bonus >= 0
    assert (base + bonus) * 100 <= base * percent < (base + bonus + 1) * 100


@given(percent=st.integers(101, 1000), smaller=st.integers(0, 10**6), more=st.integers(0, 10**6))
def test_a_bigger_award_never_earns_a_smaller_bonus(percent, smaller, more):
    promotion = rule(value=percent)
    assert bonus_points(promotion, smaller) <= bonus_points(promotion, smaller + more)


def test_multipliers_read_as_people_say_them():
    assert [multiplier_text(p) for p in (200, 150, 125, 1000, 101)] == [
        "2",
        "1.5",
        "1.25",
        "10",
        "1.01",
    ]


# --- times and days as typed ---------------------------------------------------------------


@given(st.integers(0, 24 * 60 - 1))
def test_a_time_reads_back_as_written(minute):
    assert parse_local_time(clock_text(minute)) == minute


@pytest.mark.parametrize("typed", ["", "9", "25:00", "12:60", "24:00", "noon", "-1:00", None, 9])
def test_a_start_time_must_be_a_time_of_day(typed):
    with pytest.raises(ValidationError):
        parse_local_time(typed)


def test_midnight_may_end_a_window():
    assert parse_local_time("24:00", end=True) == 24 * 60
    # A time field cannot hold 24:00: as an end, 00:00 is the midnight that ends the day.
    assert parse_local_time("00:00", end=True) == 24 * 60
    assert parse_local_time("00:00") == 0
    assert field_time(24 * 60) == "00:00" and field_time(9 * 60) == "09:00"
    assert parse_local_time("9.30") == parse_local_time(" 09:30 ") == 570
    check_window(0, 24 * 60)
    for start, end in ((600, 600), (600, 540), (-1, 10), (0, 24 * 60 + 1)):
        with pytest.raises(ValidationError):
            check_window(start, end)


@given(st.frozensets(st.integers(0, 6), min_size=1))
def test_weekdays_survive_the_mask(days):
    assert weekdays_of(weekday_mask(days)) == days
    assert 1 <= weekday_mask(days) <= 127


def test_a_day_ends_at_local_midnight():
    assert end_of_local_day(date(2026, 3, 28), "Europe/Berlin") == utc(2026, 3, 28, 23, 0)
    # The day the clocks spring forward has 23 hours: it ends at 22:00 UTC.
    assert end_of_local_day(date(2026, 3, 29), "Europe/Berlin") == utc(2026, 3, 29, 22, 0)


# --- keys and codes ------------------------------------------------------------------------


@given(st.text(min_size=1, max_size=128))
def test_a_derived_key_always_fits_and_is_stable(cause):
    key = derived_key("promo:2147483647:", cause)
    assert len(key) <= MAX_KEY_LENGTH
    assert key == derived_key("promo:2147483647:", cause)


def test_a_short_derived_key_is_readable():
    assert derived_key("promo:7:", "scan-award:abc") == "promo:7:scan-award:abc"


@given(st.data())
def test_a_code_is_found_however_it_is_typed(data):
    code = new_promo_code()
    assert is_promo_code(code)
    typed = "".join(
        data.draw(st.sampled_from([c, c.lower()])) + data.draw(st.sampled_from(["", " ", "-"]))
        for c in code
    )
    assert normalize_promo_code(typed) == code
    assert normalize_promo_code(promo_qr_payload(code).lower()) == code
    assert is_promo_qr(promo_qr_payload(code))


@pytest.mark.parametrize("typed", ["ABCD0123", "ABCDEFG", "ABCDEFGHJ", "ABCDEFGI", ""])
def test_an_ambiguous_or_misshapen_code_is_no_code(typed):
    assert not is_promo_code(normalize_promo_code(typed))


def test_a_card_or_reward_qr_is_no_promo_qr():
    assert not is_promo_qr("GC1.ABCDEF")
    assert not is_promo_qr("GCR.ABCDEFGH")
    assert not is_promo_qr(None)
