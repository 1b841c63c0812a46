"""The dashboard's periods, rates and changes."""

from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gudcity.domain.analytics import (
    MAX_PERIOD_DAYS,
    PRESET_DAYS,
    Dashboard,
    Kpi,
    Period,
    custom_period,
    percent,
    percent_change,
    preset_period,
    visit_step_changes,
)
from gudcity.domain.errors import ValidationError
from gudcity.models import ProgramKind

TODAY = date(2026, 12, 2)


def test_a_preset_ends_today_and_counts_today():
    week = preset_period(TODAY, 7)

    assert week == Period(date(2026, 11, 26), TODAY)
    assert week.days == 7 and len(week.each_day()) == 7
    assert TODAY in week and date(2026, 11, 25) not in week


def test_the_period_before_is_as_long_and_ends_the_day_before():
    month = preset_period(TODAY, 30)

    before = month.previous()

    assert before.end == month.start - timedelta(days=1)
    assert before.days == 30
    assert before == Period(date(2026, 10, 4), date(2026, 11, 2))


@given(st.dates(min_value=date(2000, 3, 1)), st.integers(1, MAX_PERIOD_DAYS))
def test_periods_before_never_overlap_and_leave_no_gap(end, days):
    period = Period(end - timedelta(days=days - 1), end)
    before = period.previous()

    assert before.days == period.days
    assert (period.start - before.end).days == 1


def test_only_the_presets_are_presets():
    assert PRESET_DAYS == (7, 30, 90)
    with pytest.raises(ValidationError):
        preset_period(TODAY, 14)


def test_a_custom_range_runs_forwards_and_at_most_a_year():
    assert custom_period(date(2026, 1, 1), date(2026, 1, 1)).days == 1
    assert custom_period(date(2024, 1, 1), date(2024, 12, 31)).days == 366
    for start, end in (
        (date(2026, 2, 1), date(2026, 1, 31)),
        (date(2024, 1, 1), date(2025, 1, 1)),
        ("2026-01-01", date(2026, 2, 1)),
    ):
        with pytest.raises(ValidationError):
            custom_period(start, end)


def test_percent_rounds_half_up_and_knows_no_percent_of_nothing():
    assert percent(1, 3) == 33
    assert percent(2, 3) == 67
    assert percent(1, 8) == 13  # 12.5
    assert percent(0, 5) == 0
    assert percent(5, 5) == 100
    assert percent(3, 0) is None


def test_a_change_is_against_the_period_before():
    assert percent_change(150, 100) == 50
    assert percent_change(50, 100) == -50
    assert percent_change(100, 100) == 0
    assert percent_change(1, 3) == -67
    assert percent_change(5, 0) is None
    assert percent_change(None, 3) is None and percent_change(3, None) is None


def test_a_rate_changes_by_percentage_points():
    rate = Kpi("repeat_rate", 40, 25)
    count = Kpi("visits", 40, 25)

    assert (rate.difference, rate.change_percent) == (15, None)
    assert (count.difference, count.change_percent) == (15, 60)
    assert Kpi("redemption_rate", None, 50).difference is None


def test_a_points_tile_shows_the_points_programs_else_the_stamps():
    period = preset_period(TODAY, 7)
    stamps = Kpi("points_issued", 4, 2, ProgramKind.STAMPS)
    points = Kpi("points_issued", 40, 20, ProgramKind.POINTS)

    def board(kpis):
        return Dashboard(period, period.previous(), "UTC", True, kpis, *([[]] * 7))

    assert board([points, stamps]).kpi("points_issued") == points
    assert board([stamps]).kpi("points_issued") == stamps
    assert board([points, stamps]).kpi("points_issued", ProgramKind.STAMPS) == stamps
    assert board([stamps]).kpi("visits") is None


def steps_of(days: list[date]) -> Counter:
    """Steps and strides of one customer's whole sequence of visit days, counted directly."""
    found = Counter()
    ordered = sorted(days)
    for i, day in enumerate(ordered):
        if i >= 1:
            found[(day, ordered[i - 1], 0)] += 1
        if i >= 2:
            found[(day, ordered[i - 2], 1)] += 1
    return found


DAYS = st.lists(st.dates(date(2026, 1, 1), date(2026, 3, 1)), unique=True, max_size=12)


@given(st.lists(DAYS, max_size=5), st.dates(date(2026, 1, 1), date(2026, 3, 1)), st.integers(0, 60))
def test_steps_counted_a_day_at_a_time_in_any_order_answer_every_period(customers, start, length):
    cells = Counter()
    for days in customers:
        seen: list[date] = []
        for day in days:  # in the order drawn: not always the newest last
            before = sorted((d for d in seen if d < day), reverse=True)[:2]
            after = sorted(d for d in seen if d > day)[:2]
            for (end, begin), (steps, strides) in visit_step_changes(day, before, after).items():
                cells[(end, begin, 0)] += steps
                cells[(end, begin, 1)] += strides
            seen.append(day)
    assert +cells == sum((steps_of(days) for days in customers), Counter())

    period = Period(start, start + timedelta(days=length))
    inside = Counter()
    for (end, begin, which), count in cells.items():
        if begin >= period.start and end <= period.end:
            inside[which] += count
    visits = sum(day in period for days in customers for day in days)
    in_period = [sum(day in period for day in days) for days in customers]
    assert visits - inside[0] == sum(n >= 1 for n in in_period)
    assert inside[0] - inside[1] == sum(n >= 2 for n in in_period)
