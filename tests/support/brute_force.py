"""The dashboard's numbers counted the slow way: from the ledger, the visit log, the reward
codes, the cards and the enrollment log, row by row in Python, by the definitions of
DASHBOARD_SPEC (gudcity/domain/analytics.py), never from the aggregates."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from gudcity.domain.analytics import Period, business_day, percent
from gudcity.models import (
    BONUS_KINDS,
    Business,
    CustomerInteraction,
    EnrollmentChange,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    ProgramKind,
    RewardCode,
    TransactionKind,
    User,
)

ISSUED = {TransactionKind.EARN, *BONUS_KINDS}
REDEEMED = {TransactionKind.DEDUCT, TransactionKind.REDEEM}


@dataclass
class Books:
    """A business's raw rows, each with its business day."""

    today: date
    kinds: list[ProgramKind]
    visit_days: set[tuple[int, date]]
    # (day, program kind, ledger kind, amount, staff id or None)
    ledger: list[tuple]
    card_days: list[date]
    # (created day, delivered day or None)
    codes: list[tuple[date, date | None]]
    # (day, customer, program, active), in the order written
    changes: list[tuple]
    deleted: set[int]


def read_books(session: Session, business: Business, now) -> Books:
    def day(moment):
        return business_day(moment, business.time_zone)

    interactions = session.exec(
        select(CustomerInteraction).where(CustomerInteraction.business_id == business.id)
    )
    programs = {
        p.id: p
        for p in session.exec(
            select(LoyaltyProgram).where(LoyaltyProgram.business_id == business.id)
        )
    }
    cards = {
        c.id: c
        for c in session.exec(select(LoyaltyCard).where(LoyaltyCard.program_id.in_(programs)))
    }
    ledger = []
    for row in session.exec(select(PointTransaction).where(PointTransaction.card_id.in_(cards))):
        card = cards[row.card_id]
        staff = None if row.actor_id in (None, card.customer_id) else row.actor_id
        kind = programs[card.program_id].kind
        ledger.append((day(row.created_at), kind, row.kind, row.amount, staff))
    codes = session.exec(select(RewardCode).where(RewardCode.business_id == business.id))
    changes = session.exec(
        select(EnrollmentChange)
        .where(EnrollmentChange.business_id == business.id)
        .order_by(EnrollmentChange.id)
    )
    kinds = {p.kind for p in programs.values()}
    return Books(
        today=day(now),
        kinds=[k for k in (ProgramKind.POINTS, ProgramKind.STAMPS) if k in kinds],
        visit_days={(i.customer_id, day(i.created_at)) for i in interactions},
        ledger=ledger,
        card_days=[day(c.created_at) for c in cards.values()],
        codes=[(day(c.created_at), c.delivered_at and day(c.delivered_at)) for c in codes],
        changes=[(day(c.created_at), c.customer_id, c.program_id, c.active) for c in changes],
        deleted=set(session.exec(select(User.id).where(User.deleted_at.is_not(None)))),
    )


def enrolled_at(books: Books, end: date) -> int:
    active = defaultdict(set)
    for day, customer, program, is_active in books.changes:
        if day <= end:
            (active[customer].add if is_active else active[customer].discard)(program)
    return sum(1 for programs in active.values() if programs)


def figures(books: Books, period: Period) -> dict:
    """(key, unit kind or None) -> the number for the period."""
    days = defaultdict(set)
    for customer, day in books.visit_days:
        if day in period:
            days[customer].add(day)
    visits = sum(len(d) for d in days.values())
    repeaters = sum(1 for d in days.values() if len(d) >= 2)
    codes = [(made in period, given is not None and given in period) for made, given in books.codes]
    redeemed, delivered = sum(m for m, _ in codes), sum(g for _, g in codes)
    found = {
        ("customers", None): enrolled_at(books, period.end),
        ("new_enrollments", None): sum(day in period for day in books.card_days),
        ("active_customers", None): len(days),
        ("visits", None): visits,
        ("repeat_rate", None): percent(repeaters, len(days)),
        ("rewards_redeemed", None): redeemed,
        ("rewards_delivered", None): delivered,
        ("redemption_rate", None): percent(delivered, redeemed),
    }
    for kind in books.kinds or [ProgramKind.POINTS]:
        rows = [r for r in books.ledger if r[1] == kind]
        found[("points_issued", kind)] = sum(
            r[3] for r in rows if r[0] in period and r[2] in ISSUED
        )
        found[("points_redeemed", kind)] = -sum(
            r[3] for r in rows if r[0] in period and r[2] in REDEEMED
        )
        found[("points_outstanding", kind)] = sum(r[3] for r in rows if r[0] <= period.end)
    return found


def expected_kpis(books: Books, period: Period) -> dict:
    now, before = figures(books, period), figures(books, period.previous())
    return {key: (value, before[key]) for key, value in now.items()}


def visits_by_day(books: Books, period: Period) -> list[tuple[date, int, int]]:
    """(day, visits, new customers) for each day of the period."""
    first = {}
    for customer, day in sorted(books.visit_days, key=lambda pair: pair[1]):
        first.setdefault(customer, day)
    return [
        (
            day,
            sum(1 for _, d in books.visit_days if d == day),
            sum(1 for d in first.values() if d == day),
        )
        for day in period.each_day()
    ]


def points_by_day(books: Books, period: Period) -> list[tuple]:
    """(day, kind, issued, redeemed) for each kind and day of the period."""
    return [
        (
            day,
            kind,
            sum(r[3] for r in books.ledger if r[:2] == (day, kind) and r[2] in ISSUED),
            -sum(r[3] for r in books.ledger if r[:2] == (day, kind) and r[2] in REDEEMED),
        )
        for kind in books.kinds or [ProgramKind.POINTS]
        for day in period.each_day()
    ]


def visit_counts(books: Books) -> dict[int, list[date]]:
    """Each customer's visit days ever, in order."""
    found = defaultdict(list)
    for customer, day in sorted(books.visit_days, key=lambda pair: pair[1]):
        found[customer].append(day)
    return found


def win_back(books: Books) -> list[tuple[int, date, int]]:
    """(customer, last visit, visits) of the regulars gone 30 to 180 days."""
    lapsed = [
        (customer, days[-1], len(days))
        for customer, days in visit_counts(books).items()
        if len(days) >= 3
        and books.today - timedelta(180) <= days[-1] <= books.today - timedelta(30)
        and customer not in books.deleted
    ]
    return sorted(lapsed, key=lambda c: (-c[2], -c[1].toordinal(), c[0]))[:20]


def has_activity(books: Books, period: Period) -> bool:
    return any(
        (
            any(day in period for _, day in books.visit_days),
            any(row[0] in period for row in books.ledger),
            any(made in period or (given and given in period) for made, given in books.codes),
            any(day in period for day in books.card_days),
            any(change[0] in period for change in books.changes),
        )
    )
