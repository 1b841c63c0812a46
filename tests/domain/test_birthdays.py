"""Birthdays: the day one is celebrated, when its reward is due, the settling rule."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gudcity.domain.birthdays import (
    MAX_WINDOW_DAYS,
    SETTLING_DAYS,
    birthday_in,
    birthdays_due,
    check_birthday,
    check_window,
    due_birthday,
    is_birthday,
    is_rewarded,
)
from gudcity.domain.errors import ValidationError

# Every birthday there is: the days of a leap year.
BIRTHDAYS = [(d.month, d.day) for d in (date(2000, 1, 1) + timedelta(n) for n in range(366))]
birthdays = st.sampled_from(BIRTHDAYS)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
windows = st.integers(min_value=0, max_value=MAX_WINDOW_DAYS)


@given(st.integers(-3, 15), st.integers(-3, 35))
def test_a_birthday_is_a_day_of_a_leap_years_calendar(month, day):
    try:
        date(2000, month, day)
    except ValueError:
        assert not is_birthday(month, day)
        with pytest.raises(ValidationError):
            check_birthday(month, day)
    else:
        assert is_birthday(month, day) and check_birthday(month, day) == (month, day)


@pytest.mark.parametrize("junk", [None, "3", 3.0, True, [3]])
def test_what_is_not_a_whole_number_is_no_birthday(junk):
    assert not is_birthday(junk, 3) and not is_birthday(3, junk)


@given(birthdays, st.integers(1990, 2100))
def test_a_birthday_is_celebrated_on_its_own_day_but_29_february_on_the_28th_in_other_years(
    birthday, year
):
    month, day = birthday
    celebrated = birthday_in(year, month, day)
    if birthday == (2, 29) and not calendar.isleap(year):
        assert celebrated == date(year, 2, 28)
    else:
        assert celebrated == date(year, month, day)


@given(birthdays, days, windows)
def test_the_reward_is_due_exactly_in_the_window_after_the_days_celebration(
    birthday, today, window
):
    due = due_birthday(*birthday, today, window)
    expected = [
        birthday_in(year, *birthday)
        for year in (today.year, today.year - 1)
        if 0 <= (today - birthday_in(year, *birthday)).days <= window
    ]
    assert due == (expected[0] if expected else None)


@given(days, windows)
def test_the_sweep_looks_for_exactly_the_birthdays_that_are_due(today, window):
    due = birthdays_due(today, window)
    assert due == {b for b in BIRTHDAYS if due_birthday(*b, today, window) is not None}


def test_a_window_across_the_new_year_belongs_to_last_years_birthday():
    assert due_birthday(12, 30, date(2027, 1, 3), 7) == date(2026, 12, 30)
    assert due_birthday(12, 30, date(2027, 1, 7), 7) is None
    assert due_birthday(1, 1, date(2026, 12, 31), 7) is None
    assert due_birthday(1, 1, date(2027, 1, 1), 0) == date(2027, 1, 1)


def test_29_february_is_due_on_the_28th_of_a_common_year_and_on_the_29th_of_a_leap_year():
    assert due_birthday(2, 29, date(2027, 2, 28), 0) == date(2027, 2, 28)
    assert due_birthday(2, 29, date(2027, 3, 1), 0) is None
    assert due_birthday(2, 29, date(2028, 2, 28), 0) is None
    assert due_birthday(2, 29, date(2028, 2, 29), 0) == date(2028, 2, 29)
    assert {(2, 28), (2, 29)} <= birthdays_due(date(2027, 2, 28), 0)
    assert (2, 29) not in birthdays_due(date(2028, 2, 28), 0)


def test_a_birthday_set_within_the_settling_days_before_it_is_not_rewarded_that_year():
    celebrated = date(2027, 1, 10)
    assert not is_rewarded(celebrated, celebrated - timedelta(days=SETTLING_DAYS))
    assert is_rewarded(celebrated, celebrated - timedelta(days=SETTLING_DAYS + 1))
    assert not is_rewarded(celebrated, celebrated)
    assert not is_rewarded(celebrated, celebrated + timedelta(days=2))
    assert is_rewarded(celebrated, None)


@given(days, st.integers(-400, 400))
def test_the_settling_rule_counts_days_before_the_celebration(celebrated, offset):
    assert is_rewarded(celebrated, celebrated - timedelta(days=offset)) == (offset > SETTLING_DAYS)


@pytest.mark.parametrize("bad", [-1, MAX_WINDOW_DAYS + 1, "3", 2.5, True, None])
def test_a_window_is_a_whole_number_of_days_up_to_the_most(bad):
    with pytest.raises(ValidationError):
        check_window(bad)
    assert check_window(0) == 0 and check_window(MAX_WINDOW_DAYS) == MAX_WINDOW_DAYS
