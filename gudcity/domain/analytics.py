"""The dashboard's definitions: what a business day is, and the time zones a business may have."""

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from gudcity.domain.errors import ValidationError

DEFAULT_TIME_ZONE = "UTC"
# In the system's list, yet no place's time: the machine's own setting, and a placeholder.
_NOT_PLACES = frozenset({"localtime", "Factory"})


@lru_cache(maxsize=1)
def time_zone_names() -> tuple[str, ...]:
    """Every IANA zone a business may choose, sorted (read from disk once)."""
    return tuple(sorted(available_timezones() - _NOT_PLACES))


@lru_cache(maxsize=1)
def _time_zone_set() -> frozenset[str]:
    return frozenset(time_zone_names())


def is_time_zone(name: object) -> bool:
    return isinstance(name, str) and name in _time_zone_set()


def clean_time_zone(name: object) -> str:
    """`name` if it is an IANA time zone (like "Europe/Berlin"), else a ValidationError."""
    if not is_time_zone(name):
        raise ValidationError("Choose a time zone from the list, like Europe/London.")
    return name


def business_day(moment: datetime, time_zone: str) -> date:
    """The calendar date of `moment` in the business's zone; a naive moment is UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(ZoneInfo(time_zone)).date()
