"""The dashboard's lists: rewards by popularity, staff, programs, top customers, win-back.

Read like services/dashboard.py's numbers, from the aggregates by their keys. The
customers' lists read customer_visits (each customer's visit days ever), leave out
deleted accounts (nobody to greet or win back), and take the points of the ten or
twenty customers shown from their cards.
"""

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from gudcity.domain.analytics import (
    LapsedCustomer,
    Period,
    ProgramCount,
    RewardCount,
    StaffCount,
    TopCustomer,
    business_day,
)
from gudcity.models import (
    NO_STAFF,
    Business,
    CustomerVisits,
    DailyRewards,
    DailyStats,
    LoyaltyCard,
    LoyaltyProgram,
    ProgramKind,
    Reward,
    User,
    utc_now,
)

TOP_CUSTOMERS = 10
WIN_BACK = 20
# A regular: this many visit days ever; lapsed: the last one this many days ago.
WIN_BACK_VISITS = 3
WIN_BACK_DAYS = (30, 180)

_STATS, _REWARDS_BY_DAY = DailyStats.__table__, DailyRewards.__table__
_PROGRAMS, _REWARDS, _USERS = LoyaltyProgram.__table__, Reward.__table__, User.__table__
_SUMMARY, _CARDS = CustomerVisits.__table__, LoyaltyCard.__table__


def _in(table, business_id: int, period: Period) -> tuple:
    return (table.c.business_id == business_id, table.c.day.between(period.start, period.end))


def _rewards(session: Session, business_id: int, period: Period) -> list[RewardCount]:
    redeemed = func.sum(_REWARDS_BY_DAY.c.redeemed)
    delivered = func.sum(_REWARDS_BY_DAY.c.delivered)
    statement = (
        select(_REWARDS.c.name, _PROGRAMS.c.name, redeemed, delivered)
        .join(_REWARDS, _REWARDS.c.id == _REWARDS_BY_DAY.c.reward_id)
        .join(_PROGRAMS, _PROGRAMS.c.id == _REWARDS.c.program_id)
        .where(*_in(_REWARDS_BY_DAY, business_id, period))
        .group_by(_REWARDS.c.id, _REWARDS.c.name, _PROGRAMS.c.name)
        .order_by(redeemed.desc(), delivered.desc(), _REWARDS.c.name, _REWARDS.c.id)
    )
    return [RewardCount(*row) for row in session.execute(statement) if row[2] or row[3]]


def _staff(session: Session, business_id: int, period: Period) -> list[StaffCount]:
    statement = (
        select(
            _STATS.c.staff_id,
            _USERS.c.name,
            _PROGRAMS.c.kind,
            func.sum(_STATS.c.awards),
            func.sum(_STATS.c.points_issued),
            func.sum(_STATS.c.rewards_delivered),
        )
        .join(_PROGRAMS, _PROGRAMS.c.id == _STATS.c.program_id)
        .join(_USERS, _USERS.c.id == _STATS.c.staff_id)
        .where(*_in(_STATS, business_id, period), _STATS.c.staff_id != NO_STAFF)
        .group_by(_STATS.c.staff_id, _USERS.c.name, _PROGRAMS.c.kind)
    )
    found: dict[int, dict] = {}
    for staff_id, name, kind, awards, issued, delivered in session.execute(statement):
        counts = found.setdefault(staff_id, defaultdict(int, name=name))
        counts["awards"] += awards
        counts["stamps_issued" if kind == ProgramKind.STAMPS else "points_issued"] += issued
        counts["deliveries"] += delivered
    members = [
        StaffCount(c["name"], c["awards"], c["points_issued"], c["stamps_issued"], c["deliveries"])
        for c in found.values()
        if c["awards"] or c["points_issued"] or c["stamps_issued"] or c["deliveries"]
    ]
    return sorted(members, key=lambda m: (-m.awards, -m.deliveries, m.name))


def programs_of(session: Session, business_id: int) -> list:
    """The business's programs (archived too) by name: id, name, kind, archived_at."""
    return session.execute(
        select(_PROGRAMS.c.id, _PROGRAMS.c.name, _PROGRAMS.c.kind, _PROGRAMS.c.archived_at)
        .where(_PROGRAMS.c.business_id == business_id)
        .order_by(_PROGRAMS.c.name, _PROGRAMS.c.id)
    ).all()


def _programs(session: Session, business_id: int, period: Period, every) -> list[ProgramCount]:
    """Each running program, and an archived one with activity in the period, by name."""
    columns = (
        "enrollments",
        "points_issued",
        "points_redeemed",
        "rewards_redeemed",
        "rewards_delivered",
    )
    sums = {
        row[0]: row[1:]
        for row in session.execute(
            select(_STATS.c.program_id, *(func.sum(_STATS.c[c]) for c in columns))
            .where(*_in(_STATS, business_id, period))
            .group_by(_STATS.c.program_id)
        )
    }
    return [
        ProgramCount(program_id, name, kind, *sums.get(program_id, (0,) * len(columns)))
        for program_id, name, kind, archived_at in every
        if archived_at is None or any(sums.get(program_id, ()))
    ]


def _earned(session: Session, business_id: int, customer_ids: list[int]) -> dict:
    """(customer, kind) -> what their cards at the business earned ever."""
    statement = (
        select(_CARDS.c.customer_id, _PROGRAMS.c.kind, func.sum(_CARDS.c.lifetime_points))
        .join(_PROGRAMS, _PROGRAMS.c.id == _CARDS.c.program_id)
        .where(_PROGRAMS.c.business_id == business_id, _CARDS.c.customer_id.in_(customer_ids))
        .group_by(_CARDS.c.customer_id, _PROGRAMS.c.kind)
    )
    return {(customer, kind): total for customer, kind, total in session.execute(statement)}


def _regulars(business_id: int):
    return (
        select(_SUMMARY.c.customer_id, _USERS.c.name, _SUMMARY.c.visits, _SUMMARY.c.last_day)
        .join(_USERS, _USERS.c.id == _SUMMARY.c.customer_id)
        .where(_SUMMARY.c.business_id == business_id, _USERS.c.deleted_at.is_(None))
    )


def _top_customers(session: Session, business_id: int) -> list[TopCustomer]:
    rows = session.execute(
        _regulars(business_id)
        .order_by(_SUMMARY.c.visits.desc(), _SUMMARY.c.customer_id.desc())
        .limit(TOP_CUSTOMERS)
    ).all()
    earned = _earned(session, business_id, [row.customer_id for row in rows])
    return [
        TopCustomer(
            customer_id,
            name,
            visits,
            earned.get((customer_id, ProgramKind.POINTS), 0),
            earned.get((customer_id, ProgramKind.STAMPS), 0),
        )
        for customer_id, name, visits, _last in rows
    ]


def _win_back(session: Session, business: Business) -> list[LapsedCustomer]:
    today = business_day(utc_now(), business.time_zone)
    least, most = WIN_BACK_DAYS
    rows = session.execute(
        _regulars(business.id)
        .where(
            _SUMMARY.c.visits >= WIN_BACK_VISITS,
            _SUMMARY.c.last_day.between(today - timedelta(most), today - timedelta(least)),
        )
        .order_by(_SUMMARY.c.visits.desc(), _SUMMARY.c.last_day.desc(), _SUMMARY.c.customer_id)
        .limit(WIN_BACK)
    )
    return [LapsedCustomer(c, name, last, visits) for c, name, visits, last in rows]


def read_lists(session: Session, business: Business, period: Period, programs) -> dict:
    """The Dashboard's list fields, by name (`programs`: programs_of's)."""
    return {
        "rewards": _rewards(session, business.id, period),
        "staff": _staff(session, business.id, period),
        "programs": _programs(session, business.id, period, programs),
        "top_customers": _top_customers(session, business.id),
        "win_back": _win_back(session, business),
    }
