"""A business day is the date at the business, not in UTC or on the server."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gudcity.domain.analytics import (
    business_day,
    clean_time_zone,
    is_time_zone,
    time_zone_names,
)
from gudcity.domain.errors import ValidationError
from tests.services.test_properties import SETTINGS


def test_late_evening_in_new_york_is_the_next_day_in_utc():
    moment = datetime(2026, 12, 2, 3, 30, tzinfo=UTC)  # 22:30 on the 1st in New York

    assert business_day(moment, "America/New_York") == date(2026, 12, 1)
    assert business_day(moment, "UTC") == date(2026, 12, 2)
    assert business_day(moment, "Asia/Tokyo") == date(2026, 12, 2)


def test_midnight_at_the_business_starts_its_day():
    just_before = datetime(2026, 12, 1, 22, 59, 59, tzinfo=UTC)  # 23:59:59 in Berlin

    assert business_day(just_before, "Europe/Berlin") == date(2026, 12, 1)
    assert business_day(just_before + timedelta(seconds=1), "Europe/Berlin") == date(2026, 12, 2)


def test_a_naive_moment_is_taken_as_utc():
    assert business_day(datetime(2026, 12, 2, 23, 30), "Asia/Tokyo") == date(2026, 12, 3)


@SETTINGS
@given(
    moment=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    zone=st.sampled_from(time_zone_names()),
)
def test_a_business_day_is_within_a_day_of_the_utc_date(moment, zone):
    assert abs(business_day(moment, zone) - moment.date()) <= timedelta(days=1)


@pytest.mark.parametrize("name", ["Europe/London", "America/Argentina/Buenos_Aires", "UTC"])
def test_iana_zones_are_accepted_as_they_are(name):
    assert clean_time_zone(name) == name


@pytest.mark.parametrize(
    "name",
    ["", "utc ", "europe/london", "Mars/Olympus", "../etc/passwd", "localtime", None, 3],
)
def test_anything_else_is_refused(name):
    assert not is_time_zone(name)
    with pytest.raises(ValidationError, match="time zone"):
        clean_time_zone(name)
