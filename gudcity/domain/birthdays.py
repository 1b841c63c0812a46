"""Birthdays: the day one falls on in a given year, and when its reward is due.

A birthday is a month and a day, no year. 29 February is celebrated on 28 February
in the years without one. A program's reward is due on the day or within the
window of days after it that the business chose, counted in the business's
calendar; the key of its ledger row names the birthday's year, so it is granted
once a year however often the sweep runs. A birthday set (entered or changed) in
the days just before it comes is rewarded from the next year on (Smile.io's rule),
so nobody earns a reward by typing in tomorrow.
"""

import calendar
from datetime import date, timedelta

from gudcity.domain.errors import ValidationError

# A birthday set this many days or fewer before it falls is not rewarded that year.
SETTLING_DAYS = 30
# The longest window after the birthday a business may choose.
MAX_WINDOW_DAYS = 31
# A leap year: every month's last day is a possible birthday.
_ANY_YEAR = 2000


def is_birthday(month: object, day: object) -> bool:
    """Whether `month` and `day` are whole numbers naming a day of the calendar."""
    numbers = (month, day)
    if any(isinstance(n, bool) or not isinstance(n, int) for n in numbers):
        return False
    return 1 <= month <= 12 and 1 <= day <= calendar.monthrange(_ANY_YEAR, month)[1]


def check_birthday(month: object, day: object) -> tuple[int, int]:
    if not is_birthday(month, day):
        raise ValidationError("Choose a month and a day of that month.")
    return month, day


def birthday_in(year: int, month: int, day: int) -> date:
    """The day the birthday is celebrated in `year`."""
    if (month, day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def check_window(days: object) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= MAX_WINDOW_DAYS:
        raise ValidationError(
            "Days after the birthday must be between 0 and {count}.", count=MAX_WINDOW_DAYS
        )
    return days


def due_birthday(month: int, day: int, today: date, window_days: int) -> date | None:
    """The birthday whose reward window holds `today` (this year's, or last year's for a
    window across the new year), or None when today is in no window."""
    for year in (today.year, today.year - 1):
        celebrated = birthday_in(year, month, day)
        if celebrated <= today <= celebrated + timedelta(days=window_days):
            return celebrated
    return None


def birthdays_due(today: date, window_days: int) -> frozenset[tuple[int, int]]:
    """Every (month, day) whose reward window holds `today`: what the sweep looks for."""
    due = set()
    for back in range(window_days + 1):
        day = today - timedelta(days=back)
        due.add((day.month, day.day))
        if (day.month, day.day) == (2, 28) and not calendar.isleap(day.year):
            due.add((2, 29))
    return frozenset(due)


def is_rewarded(celebrated: date, set_on: date | None) -> bool:
    """Whether the birthday celebrated on `celebrated` earns its reward, given the day
    (in the same calendar) it was last set (None: not known, so long ago)."""
    return set_on is None or (celebrated - set_on).days > SETTLING_DAYS
