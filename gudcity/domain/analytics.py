"""The dashboard's definitions: business days and time zones, periods, rates, changes.

A business day is the calendar date in the business's time zone. A period is a run
of whole business days, both ends included; the period before is as long and ends
the day before it starts. Rates are whole percents, rounded half up; a rate or
change with nothing to divide by is None, shown as "no data", never as an
invented 0. The dashboard's read (services/dashboard.py) hands back the frozen
dataclasses below.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from gudcity.domain.errors import ValidationError
from gudcity.models.enums import ProgramKind

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


# The "Period" chooser's presets, in days ending today.
PRESET_DAYS = (7, 30, 90)
DEFAULT_PRESET_DAYS = 30
# The longest custom range: a year, leap day included.
MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Business days `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period as long as this one, ending the day before it starts."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def each_day(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range(self.days)]

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def preset_period(today: date, days: int) -> Period:
    """The `days` days ending `today` (one of PRESET_DAYS)."""
    if days not in PRESET_DAYS:
        raise ValidationError(
            "Choose a period of {choices} days.", choices=", ".join(map(str, PRESET_DAYS))
        )
    return Period(today - timedelta(days=days - 1), today)


def custom_period(start: date, end: date) -> Period:
    """A range the owner typed: "From" on or before "To", at most MAX_PERIOD_DAYS long."""
    if not isinstance(start, date) or not isinstance(end, date):
        raise ValidationError("Give both dates of the period.")
    if start > end:
        raise ValidationError('"From" must be on or before "To".')
    period = Period(start, end)
    if period.days > MAX_PERIOD_DAYS:
        raise ValidationError("A period can be at most {count} days long.", count=MAX_PERIOD_DAYS)
    return period


def percent(part: int, whole: int) -> int | None:
    """`part` of `whole` as a whole percent, rounded half up; None when `whole` is 0."""
    if not whole:
        return None
    return (200 * part + whole) // (2 * whole)


def percent_change(value: int | None, previous: int | None) -> int | None:
    """How much `value` grew (or shrank, negative) against `previous`, in whole percent.

    None when either is unknown or `previous` is 0 (growth from nothing has no percent).
    """
    if value is None or previous is None or previous == 0:
        return None
    change = percent(abs(value - previous), abs(previous))
    return change if value >= previous else -change


# The keys of the dashboard's numbers, in the order the page shows them.
KPI_KEYS = (
    "customers",
    "new_enrollments",
    "active_customers",
    "visits",
    "repeat_rate",
    "points_issued",
    "points_redeemed",
    "points_outstanding",
    "rewards_redeemed",
    "rewards_delivered",
    "redemption_rate",
)
# The keys whose value is a percent: their change is told in percentage points.
RATE_KEYS = frozenset({"repeat_rate", "redemption_rate"})
# The keys counted in a program's unit: one Kpi per program kind the business runs.
UNIT_KEYS = frozenset({"points_issued", "points_redeemed", "points_outstanding"})


@dataclass(frozen=True)
class Kpi:
    """One number of the period and the same number for the period before.

    `value` is None where there is nothing to count (a rate of nothing). `unit_kind`
    is the program kind of a points figure (points and stamps are never summed),
    None for the others. Rates (RATE_KEYS) are whole percents.
    """

    key: str
    value: int | None
    previous: int | None
    unit_kind: ProgramKind | None = None

    @property
    def is_rate(self) -> bool:
        return self.key in RATE_KEYS

    @property
    def difference(self) -> int | None:
        """value - previous (percentage points for a rate); None when either is unknown."""
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous

    @property
    def change_percent(self) -> int | None:
        """The relative change in whole percent (not for rates: see `difference`)."""
        return None if self.is_rate else percent_change(self.value, self.previous)


@dataclass(frozen=True)
class DayCount:
    """Visits on one business day: by customers there for the first time, and returning."""

    day: date
    visits: int
    new: int
    returning: int


@dataclass(frozen=True)
class DayPoints:
    """Points (or stamps: `program_kind`) issued and redeemed on one business day."""

    day: date
    program_kind: ProgramKind
    issued: int
    redeemed: int


@dataclass(frozen=True)
class RewardCount:
    reward_name: str
    program_name: str
    redeemed: int
    delivered: int


@dataclass(frozen=True)
class StaffCount:
    """What one staff member (or the owner) did in the period.

    `points_issued` counts the points programs, `stamps_issued` the stamps programs;
    `deliveries` the reward codes they handed over.
    """

    name: str
    awards: int
    points_issued: int
    stamps_issued: int = 0
    deliveries: int = 0


@dataclass(frozen=True)
class ProgramCount:
    """One program's period, in its own unit (`kind`)."""

    program_id: int
    name: str
    kind: ProgramKind
    enrollments: int
    points_issued: int
    points_redeemed: int
    rewards_redeemed: int
    rewards_delivered: int


@dataclass(frozen=True)
class TopCustomer:
    """A most frequent customer: `visits` ever (customer-days) at the business, and the
    points (points programs) and stamps (stamps programs) they earned there ever."""

    customer_id: int
    name: str
    visits: int
    points: int
    stamps: int = 0


@dataclass(frozen=True)
class LapsedCustomer:
    """A regular who stopped coming: `visits` ever, the last on `last_visit`."""

    customer_id: int
    name: str
    last_visit: date
    visits: int


@dataclass(frozen=True)
class Dashboard:
    """Everything /business/dashboard shows for one period, read at once."""

    period: Period
    previous: Period
    time_zone: str
    # False: no visit, ledger row or reward in the period (the page's empty state).
    has_activity: bool
    kpis: list[Kpi]
    visits_by_day: list[DayCount]
    points_by_day: list[DayPoints]
    rewards: list[RewardCount]
    staff: list[StaffCount]
    programs: list[ProgramCount]
    top_customers: list[TopCustomer]
    win_back: list[LapsedCustomer]

    def kpi(self, key: str, unit_kind: ProgramKind | None = None) -> Kpi | None:
        """The KPI `key` (of `unit_kind`, for a points figure); None if there is none.

        Without `unit_kind` a points figure is the points programs' one, or the stamps
        programs' when the business runs only those (the kpi-points-* tiles).
        """
        wanted = (k for k in self.kpis if k.key == key)
        return next((k for k in wanted if unit_kind in (None, k.unit_kind)), None)


def visit_step_changes(
    day: date, before: list[date], after: list[date]
) -> dict[tuple[date, date], tuple[int, int]]:
    """What a new visit day changes in a customer's steps and strides (models/visit_history.py).

    `before` are the customer's two visit days closest before `day` (nearest first),
    `after` the two closest after it: a visit day usually comes last, but one written
    just before midnight may commit after the next day's. Keyed (end_day, start_day):
    (steps, strides) to add, negative to take away.
    """
    p1, p2 = [*before, None, None][:2]
    n1, n2 = [*after, None, None][:2]
    changes: dict[tuple[date, date], list[int]] = {}

    def add(start: date | None, end: date | None, which: int, amount: int) -> None:
        if start is not None and end is not None:
            changes.setdefault((end, start), [0, 0])[which] += amount

    add(p1, n1, 0, -1)
    add(p1, day, 0, 1)
    add(day, n1, 0, 1)
    add(p2, n1, 1, -1)
    add(p1, n2, 1, -1)
    add(p2, day, 1, 1)
    add(p1, n1, 1, 1)
    add(day, n2, 1, 1)
    return {key: (steps, strides) for key, (steps, strides) in changes.items() if steps or strides}
