"""What /business/dashboard shows, in words and digits, made from the read's Dashboard.

Pure: no database, no Reflex. Numbers stay exact: a figure the read has not got
(None) shows as a dash, never as a zero; points and stamps are never summed. The
charts' rows are dicts (what Recharts draws), one per day or per name, and the
charts' tables show the same rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from gudcity import routes
from gudcity.domain.analytics import KPI_KEYS, UNIT_KEYS, Dashboard, DayPoints, Kpi, Period
from gudcity.domain.labels import amount_label, unit
from gudcity.models import ProgramKind

# Shown where the read has no figure (a rate with nothing to divide by, a unit with no program).
NO_FIGURE = "—"
TITLES = {
    "customers": "Enrolled customers",
    "new_enrollments": "New enrollments",
    "active_customers": "Active customers",
    "visits": "Visits",
    "repeat_rate": "Repeat-visit rate",
    "rewards_redeemed": "Rewards redeemed",
    "rewards_delivered": "Rewards delivered",
    "redemption_rate": "Redemption rate",
}
# A point KPI's title names its unit: "Points issued", "Stamps outstanding".
UNIT_VERBS = {
    "points_issued": "issued",
    "points_redeemed": "redeemed",
    "points_outstanding": "outstanding",
}


@dataclass
class KpiTile:
    # `kpi-points-issued`: the element holding the number, digits only (DESIGN §6).
    test_id: str
    title: str
    value: str
    # "%" after a rate's digits; "" for counts and for no figure.
    suffix: str
    # Against the period before: "+12%", "-3 pts", "new", "no change"; "" when unknown.
    change: str
    # The stamps programs' figure beside a point KPI's points ("and 14 stamps"), else "".
    note: str


@dataclass
class CustomerFigure:
    name: str
    href: str
    visits: int
    # What they earned here ever, per unit: "340 points · 2 stamps".
    earned: str


@dataclass
class LapsedLine:
    name: str
    href: str
    last_visit: str
    visits: int


@dataclass
class DashboardView:
    period: Period
    period_label: str
    compared_label: str
    time_zone: str
    has_activity: bool
    kpis: list[KpiTile]
    visit_days: list[dict]
    point_days: list[dict]
    stamp_days: list[dict]
    rewards: list[dict]
    staff: list[dict]
    programs: list[dict]
    top_customers: list[CustomerFigure]
    win_back: list[LapsedLine]


def day_label(day: date) -> str:
    """`2 Dec`: a day on a chart's axis and in its table."""
    return f"{day.day} {day.strftime('%b')}"


def range_label(period: Period) -> str:
    """`3 Nov to 2 Dec 2026`; `2 Dec 2026` for one day; both years when they differ."""
    start, end = period.start, period.end
    if start == end:
        return f"{day_label(end)} {end.year}"
    if start.year == end.year:
        return f"{day_label(start)} to {day_label(end)} {end.year}"
    return f"{day_label(start)} {start.year} to {day_label(end)} {end.year}"


def change_label(kpi: Kpi) -> str:
    """The change against the period before: `+12%`, `-4%`, `+3 pts` (a rate), `new`
    (from nothing), `no change`; "" when either figure is unknown."""
    difference = kpi.difference
    if difference is None:
        return ""
    if difference == 0:
        return "no change"
    if kpi.is_rate:
        return f"{difference:+d} pts"
    percent = kpi.change_percent
    if percent is None:
        return "new"
    if percent == 0:
        return "+<1%" if difference > 0 else "-<1%"
    return f"{percent:+d}%"


def _tile(key: str, kpis: list[Kpi]) -> KpiTile:
    """The points programs' figure (stamps when there are only those), the stamps beside."""
    by_kind = {k.unit_kind: k for k in kpis}
    main = by_kind.get(ProgramKind.POINTS) or (kpis[0] if kpis else None)
    if key in UNIT_KEYS:
        kind = main.unit_kind if main is not None else ProgramKind.POINTS
        title = f"{unit(kind).capitalize()} {UNIT_VERBS[key]}"
    else:
        title = TITLES[key]
    stamps = by_kind.get(ProgramKind.STAMPS)
    beside = stamps is not None and stamps is not main and stamps.value is not None
    has_figure = main is not None and main.value is not None
    return KpiTile(
        test_id=f"kpi-{key.replace('_', '-')}",
        title=title,
        value=str(main.value) if has_figure else NO_FIGURE,
        suffix="%" if has_figure and main.is_rate else "",
        change=change_label(main) if main is not None else "",
        note=f"and {amount_label(ProgramKind.STAMPS, stamps.value)}" if beside else "",
    )


def kpi_tiles(kpis: Iterable[Kpi]) -> list[KpiTile]:
    by_key: dict[str, list[Kpi]] = {}
    for kpi in kpis:
        by_key.setdefault(kpi.key, []).append(kpi)
    return [_tile(key, by_key.get(key, [])) for key in KPI_KEYS]


def _earned(points: int, stamps: int, kinds: set[ProgramKind]) -> str:
    """Each unit the business counts in, never summed: "340 points · 2 stamps"."""
    parts = [
        amount_label(kind, amount)
        for kind, amount in ((ProgramKind.POINTS, points), (ProgramKind.STAMPS, stamps))
        if kind in kinds or amount
    ]
    return " · ".join(parts) or NO_FIGURE


def _visit_days(read: Dashboard) -> list[dict]:
    """Every day of the period: a day the read has no row for had no visit."""
    found = {d.day: d for d in read.visits_by_day}
    return [
        {
            "day": day_label(day),
            "visits": found[day].visits if day in found else 0,
            "new": found[day].new if day in found else 0,
            "returning": found[day].returning if day in found else 0,
        }
        for day in read.period.each_day()
    ]


def _point_days(read: Dashboard, kind: ProgramKind, kinds: set[ProgramKind]) -> list[dict]:
    """Every day of the period in one unit; none at all when no program counts in it."""
    if kind not in kinds:
        return []
    found: dict[date, DayPoints] = {r.day: r for r in read.points_by_day if r.program_kind == kind}
    return [
        {
            "day": day_label(day),
            "issued": found[day].issued if day in found else 0,
            "redeemed": found[day].redeemed if day in found else 0,
        }
        for day in read.period.each_day()
    ]


def _names(read: Dashboard, kinds: set[ProgramKind]) -> tuple[list[dict], list[dict], list[dict]]:
    """The rows of the charts by reward, by staff member and by program."""
    rewards = [
        {
            "name": f"{r.reward_name} ({r.program_name})",
            "redeemed": r.redeemed,
            "delivered": r.delivered,
        }
        for r in read.rewards
    ]
    staff = [
        {
            "name": s.name,
            "awards": s.awards,
            "issued": _earned(s.points_issued, s.stamps_issued, kinds),
        }
        for s in read.staff
    ]
    programs = [
        {
            "name": p.name,
            "enrollments": p.enrollments,
            "issued": amount_label(p.kind, p.points_issued),
            "redeemed": amount_label(p.kind, p.points_redeemed),
            "rewards_redeemed": p.rewards_redeemed,
            "rewards_delivered": p.rewards_delivered,
        }
        for p in read.programs
    ]
    return rewards, staff, programs


def dashboard_view(read: Dashboard) -> DashboardView:
    kinds = {k.unit_kind for k in read.kpis if k.unit_kind is not None}
    rewards, staff, programs = _names(read, kinds)
    return DashboardView(
        period=read.period,
        period_label=range_label(read.period),
        compared_label=range_label(read.previous),
        time_zone=read.time_zone,
        has_activity=read.has_activity,
        kpis=kpi_tiles(read.kpis),
        visit_days=_visit_days(read),
        point_days=_point_days(read, ProgramKind.POINTS, kinds),
        stamp_days=_point_days(read, ProgramKind.STAMPS, kinds),
        rewards=rewards,
        staff=staff,
        programs=programs,
        top_customers=[
            CustomerFigure(
                c.name,
                routes.customer_page(c.customer_id),
                c.visits,
                _earned(c.points, c.stamps, kinds),
            )
            for c in read.top_customers
        ],
        win_back=[
            LapsedLine(
                c.name,
                routes.customer_page(c.customer_id),
                f"{day_label(c.last_visit)} {c.last_visit.year}",
                c.visits,
            )
            for c in read.win_back
        ],
    )
