"""The owner's dashboard: a period's numbers, read from the aggregates only.

Every figure comes from the per-day tables kept in the transaction of each change
(daily_stats, daily_visits, daily_rewards: services/analytics_log.py) and from the
visit history (visit_steps, customer_visits: services/visit_history.py), by their
keys; none of it scans the ledger or the visit log. A business with years of
history has a few rows per day and program, so the sums up to a day (enrolled
customers, outstanding points) read at most those.

The lists (rewards, staff, programs, top customers, win-back) are in
services/dashboard_lists.py. The definitions are gudcity/domain/analytics.py's.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from gudcity.domain.analytics import (
    Dashboard,
    DayCount,
    DayPoints,
    Kpi,
    Period,
    custom_period,
    percent,
)
from gudcity.models import DailyStats, DailyVisits, LoyaltyProgram, ProgramKind, User
from gudcity.services import dashboard_lists
from gudcity.services.permissions import Permission, require_business_permission
from gudcity.services.visit_history import steps_inside

_STATS, _VISITS, _PROGRAMS = DailyStats.__table__, DailyVisits.__table__, LoyaltyProgram.__table__
# The daily_stats columns summed per day and program kind.
_STAT_COLUMNS = (
    "points_issued",
    "points_redeemed",
    "points_refunded",
    "awards",
    "enrollments",
    "leaves",
    "rewards_redeemed",
    "rewards_delivered",
    "points_expired",
)
_KIND_ORDER = (ProgramKind.POINTS, ProgramKind.STAMPS)


@dataclass(frozen=True)
class _Days:
    """The aggregates of every day up to the period's end, by day (and program kind)."""

    # day -> Counter of daily_visits' columns
    visits: dict
    # (day, kind) -> Counter of _STAT_COLUMNS
    stats: dict
    kinds: tuple[ProgramKind, ...]
    # period -> kind -> the Counter of its days' stats (summed once per period)
    sums: dict = field(default_factory=dict, compare=False)

    def visit_sum(self, column: str, period: Period) -> int:
        return sum(c[column] for day, c in self.visits.items() if day in period)

    def enrolled_at(self, period: Period) -> int:
        """Customers enrolled at the business at the end of the period's last day."""
        return sum(
            c["customers_joined"] - c["customers_left"]
            for day, c in self.visits.items()
            if day <= period.end
        )

    def _of(self, period: Period) -> dict:
        if period not in self.sums:
            by_kind = defaultdict(Counter)
            for (day, kind), counts in self.stats.items():
                if day in period:
                    by_kind[kind].update(counts)
            self.sums[period] = by_kind
        return self.sums[period]

    def stat_sum(self, column: str, period: Period, kind: ProgramKind | None = None) -> int:
        return sum(c[column] for of_kind, c in self._of(period).items() if kind in (None, of_kind))

    def outstanding_at(self, period: Period, kind: ProgramKind) -> int:
        """The sum of the kind's balances at the end of the period's last day."""
        since_ever = Period(date.min, period.end)
        counts = self._of(since_ever)[kind]
        return (
            counts["points_issued"]
            - counts["points_redeemed"]
            + counts["points_refunded"]
            - counts["points_expired"]
        )


def _read_days(session: Session, business_id: int, period: Period, kinds: set) -> _Days:
    visits: dict = {}
    for row in session.execute(
        select(_VISITS).where(_VISITS.c.business_id == business_id, _VISITS.c.day <= period.end)
    ).mappings():
        visits[row["day"]] = Counter(row)
    stats: dict = defaultdict(Counter)
    statement = (
        select(
            _STATS.c.day,
            _PROGRAMS.c.kind,
            *(func.sum(_STATS.c[name]).label(name) for name in _STAT_COLUMNS),
        )
        .join(_PROGRAMS, _PROGRAMS.c.id == _STATS.c.program_id)
        .where(_STATS.c.business_id == business_id, _STATS.c.day <= period.end)
        .group_by(_STATS.c.day, _PROGRAMS.c.kind)
    )
    for row in session.execute(statement).mappings():
        stats[(row["day"], row["kind"])].update({name: row[name] for name in _STAT_COLUMNS})
    ordered = tuple(k for k in _KIND_ORDER if k in kinds) or (ProgramKind.POINTS,)
    return _Days(visits, dict(stats), ordered)


def _visit_kpis(session: Session, business_id: int, days: _Days, periods) -> list[Kpi]:
    """Active customers, visits and the repeat-visit rate (models/visit_history.py's sums)."""
    figures = []
    for period, (steps, strides) in zip(
        periods, steps_inside(session, business_id, *periods), strict=True
    ):
        visits = days.visit_sum("visits", period)
        active = visits - steps
        figures.append((active, visits, percent(steps - strides, active)))
    (active, visits, rate), (was_active, visited, was_rate) = figures
    return [
        Kpi("active_customers", active, was_active),
        Kpi("visits", visits, visited),
        Kpi("repeat_rate", rate, was_rate),
    ]


def _kpis(session: Session, business_id: int, days: _Days, period: Period) -> list[Kpi]:
    before = period.previous()
    both = (period, before)
    kpis = [
        Kpi("customers", days.enrolled_at(period), days.enrolled_at(before)),
        Kpi("new_enrollments", *(days.stat_sum("enrollments", p) for p in both)),
        *_visit_kpis(session, business_id, days, both),
    ]
    for key in ("points_issued", "points_redeemed"):  # daily_stats' columns of the same names
        kpis += [
            Kpi(key, *(days.stat_sum(key, p, kind) for p in both), kind) for kind in days.kinds
        ]
    kpis += [
        Kpi("points_outstanding", *(days.outstanding_at(p, kind) for p in both), kind)
        for kind in days.kinds
    ]
    redeemed = [days.stat_sum("rewards_redeemed", p) for p in both]
    delivered = [days.stat_sum("rewards_delivered", p) for p in both]
    rates = [percent(d, r) for d, r in zip(delivered, redeemed, strict=True)]
    return [
        *kpis,
        Kpi("rewards_redeemed", *redeemed),
        Kpi("rewards_delivered", *delivered),
        Kpi("redemption_rate", *rates),
    ]


def _visits_by_day(days: _Days, period: Period) -> list[DayCount]:
    series = []
    for day in period.each_day():
        counts = days.visits.get(day, Counter())
        visits, new = counts["visits"], counts["new_customers"]
        series.append(DayCount(day, visits, new, visits - new))
    return series


def _points_by_day(days: _Days, period: Period) -> list[DayPoints]:
    empty = Counter()
    return [
        DayPoints(
            day,
            kind,
            days.stats.get((day, kind), empty)["points_issued"],
            days.stats.get((day, kind), empty)["points_redeemed"],
        )
        for kind in days.kinds
        for day in period.each_day()
    ]


def _has_activity(days: _Days, period: Period) -> bool:
    return days.visit_sum("visits", period) > 0 or any(
        days.stat_sum(column, period) for column in _STAT_COLUMNS
    )


def read_dashboard(session: Session, actor: User, business_id: int, period: Period) -> Dashboard:
    """The dashboard of `period` (business days), with the period before for each number.

    Owners, and staff given Permission.REPORTS, read it.
    """
    business = require_business_permission(session, actor, business_id, Permission.REPORTS)
    period = custom_period(getattr(period, "start", None), getattr(period, "end", None))
    programs = dashboard_lists.programs_of(session, business.id)
    days = _read_days(session, business.id, period, {p.kind for p in programs})
    lists = dashboard_lists.read_lists(session, business, period, programs)
    return Dashboard(
        period=period,
        previous=period.previous(),
        time_zone=business.time_zone,
        has_activity=_has_activity(days, period),
        kpis=_kpis(session, business.id, days, period),
        visits_by_day=_visits_by_day(days, period),
        points_by_day=_points_by_day(days, period),
        **lists,
    )
