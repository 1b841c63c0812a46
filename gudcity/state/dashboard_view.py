"""What /business/dashboard shows, in words and digits, made from the read's Dashboard.

Pure: no database, no Reflex; words in the translator's language. Numbers stay exact:
a figure the read has not got (None) shows as a dash, never as a zero; points and
stamps are never summed. The charts' rows are dicts (what Recharts draws), one per
day or per name, and the charts' tables show the same rows.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from gudcity import routes
from gudcity.domain.analytics import KPI_KEYS, UNIT_KEYS, Dashboard, DayPoints, Kpi, Period
from gudcity.domain.labels import amount_message
from gudcity.i18n import formatting
from gudcity.i18n.catalogue import N_, Translator
from gudcity.models import ProgramKind

# Shown where the read has no figure (a rate with nothing to divide by, a unit with no program).
NO_FIGURE = "—"
TITLES = {
    "customers": N_("Enrolled customers"),
    "new_enrollments": N_("New enrollments"),
    "active_customers": N_("Active customers"),
    "visits": N_("Visits"),
    "repeat_rate": N_("Repeat-visit rate"),
    "rewards_redeemed": N_("Rewards redeemed"),
    "rewards_delivered": N_("Rewards delivered"),
    "redemption_rate": N_("Redemption rate"),
}
# A point KPI's title names its unit: "Points issued", "Stamps outstanding".
UNIT_TITLES = {
    ProgramKind.POINTS: {
        "points_issued": N_("Points issued"),
        "points_redeemed": N_("Points redeemed"),
        "points_outstanding": N_("Points outstanding"),
    },
    ProgramKind.STAMPS: {
        "points_issued": N_("Stamps issued"),
        "points_redeemed": N_("Stamps redeemed"),
        "points_outstanding": N_("Stamps outstanding"),
    },
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


def range_label(period: Period, tr: Translator) -> str:
    """The period's days as the language writes a range of dates (CLDR's interval)."""
    return formatting.day_range(period.start, period.end, tr.language)


def change_label(kpi: Kpi, tr: Translator) -> str:
    """The change against the period before: `+12%`, `-4%`, `+3 pts` (a rate), `new`
    (from nothing), `no change`; "" when either figure is unknown."""
    difference = kpi.difference
    if difference is None:
        return ""
    if difference == 0:
        return tr.gettext("no change")
    if kpi.is_rate:
        signed = f"{difference:+d}"
        return tr.gettext("{change} pts", change=signed)
    percent = kpi.change_percent
    if percent is None:
        return tr.gettext("new")
    if percent == 0:
        return "+<1%" if difference > 0 else "-<1%"
    return f"{percent:+d}%"


def _tile(key: str, kpis: list[Kpi], tr: Translator) -> KpiTile:
    """The points programs' figure (stamps when there are only those), the stamps beside."""
    by_kind = {k.unit_kind: k for k in kpis}
    main = by_kind.get(ProgramKind.POINTS) or (kpis[0] if kpis else None)
    if key in UNIT_KEYS:
        kind = main.unit_kind if main is not None else ProgramKind.POINTS
        title = UNIT_TITLES[kind][key]
    else:
        title = TITLES[key]
    stamps = by_kind.get(ProgramKind.STAMPS)
    beside = stamps is not None and stamps is not main and stamps.value is not None
    has_figure = main is not None and main.value is not None
    return KpiTile(
        test_id=f"kpi-{key.replace('_', '-')}",
        title=tr.gettext(title),
        value=str(main.value) if has_figure else NO_FIGURE,
        suffix="%" if has_figure and main.is_rate else "",
        change=change_label(main, tr) if main is not None else "",
        note=tr.gettext("and {amount}", amount=amount_message(ProgramKind.STAMPS, stamps.value))
        if beside
        else "",
    )


def kpi_tiles(kpis: Iterable[Kpi], tr: Translator) -> list[KpiTile]:
    by_key: dict[str, list[Kpi]] = {}
    for kpi in kpis:
        by_key.setdefault(kpi.key, []).append(kpi)
    return [_tile(key, by_key.get(key, []), tr) for key in KPI_KEYS]


def _earned(points: int, stamps: int, kinds: set[ProgramKind], tr: Translator) -> str:
    """Each unit the business counts in, never summed: "340 points · 2 stamps"."""
    parts = [
        tr.message(amount_message(kind, amount))
        for kind, amount in ((ProgramKind.POINTS, points), (ProgramKind.STAMPS, stamps))
        if kind in kinds or amount
    ]
    return " · ".join(parts) or NO_FIGURE


def _visit_days(read: Dashboard, tr: Translator) -> list[dict]:
    """Every day of the period: a day the read has no row for had no visit."""
    found = {d.day: d for d in read.visits_by_day}
    return [
        {
            "day": formatting.short_day(day, tr.language),
            "visits": found[day].visits if day in found else 0,
            "new": found[day].new if day in found else 0,
            "returning": found[day].returning if day in found else 0,
        }
        for day in read.period.each_day()
    ]


def _point_days(
    read: Dashboard, kind: ProgramKind, kinds: set[ProgramKind], tr: Translator
) -> list[dict]:
    """Every day of the period in one unit; none at all when no program counts in it."""
    if kind not in kinds:
        return []
    found: dict[date, DayPoints] = {r.day: r for r in read.points_by_day if r.program_kind == kind}
    return [
        {
            "day": formatting.short_day(day, tr.language),
            "issued": found[day].issued if day in found else 0,
            "redeemed": found[day].redeemed if day in found else 0,
        }
        for day in read.period.each_day()
    ]


def _names(
    read: Dashboard, kinds: set[ProgramKind], tr: Translator
) -> tuple[list[dict], list[dict], list[dict]]:
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
            "issued": _earned(s.points_issued, s.stamps_issued, kinds, tr),
        }
        for s in read.staff
    ]
    programs = [
        {
            "name": p.name,
            "enrollments": p.enrollments,
            "issued": tr.message(amount_message(p.kind, p.points_issued)),
            "redeemed": tr.message(amount_message(p.kind, p.points_redeemed)),
            "rewards_redeemed": p.rewards_redeemed,
            "rewards_delivered": p.rewards_delivered,
        }
        for p in read.programs
    ]
    return rewards, staff, programs


def dashboard_view(read: Dashboard, tr: Translator) -> DashboardView:
    kinds = {k.unit_kind for k in read.kpis if k.unit_kind is not None}
    rewards, staff, programs = _names(read, kinds, tr)
    return DashboardView(
        period=read.period,
        period_label=range_label(read.period, tr),
        compared_label=range_label(read.previous, tr),
        time_zone=read.time_zone,
        has_activity=read.has_activity,
        kpis=kpi_tiles(read.kpis, tr),
        visit_days=_visit_days(read, tr),
        point_days=_point_days(read, ProgramKind.POINTS, kinds, tr),
        stamp_days=_point_days(read, ProgramKind.STAMPS, kinds, tr),
        rewards=rewards,
        staff=staff,
        programs=programs,
        top_customers=[
            CustomerFigure(
                c.name,
                routes.customer_page(c.customer_id),
                c.visits,
                _earned(c.points, c.stamps, kinds, tr),
            )
            for c in read.top_customers
        ],
        win_back=[
            LapsedLine(
                c.name,
                routes.customer_page(c.customer_id),
                formatting.day(c.last_visit, tr.language),
                c.visits,
            )
            for c in read.win_back
        ],
    )
