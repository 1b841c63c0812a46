"""The dashboard's aggregates, kept in the transaction that changes what they count.

The services call the `record_*` helpers where they write a ledger row, a visit,
a reward code, a delivery, a card or an enrollment change. The helpers only note
what to add; the notes are written as the session commits, in one fixed order
(visit days, daily_visits, daily_stats, daily_rewards, each by key). So two
transactions never wait on each other's aggregate rows in opposite orders, a busy
row (a business's day) is locked only while its transaction commits, and a
rollback drops the notes with everything else.

What a ledger row counts (rebuilt the same way by services/analytics_rebuild.py):
EARN and a positive ADJUST are issued, DEDUCT, REDEEM and a negative ADJUST
redeemed, REFUND refunded, EXPIRE expired, so issued - redeemed + refunded - expired
is the day's change in outstanding points. The staff member is the row's actor unless that is the
card's own customer (or nobody): then NO_STAFF.

A daily_stats key's counts are spread over STATS_SLOTS rows, chosen by the card
(slot 0 where no card is known): the readers sum over slots.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import bindparam, event, exists, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction

from gudcity.domain.analytics import business_day
from gudcity.models import (
    BONUS_KINDS,
    NO_STAFF,
    DailyRewards,
    DailyStats,
    DailyVisits,
    EnrollmentChange,
    EnrollmentStatus,
    LoyaltyProgram,
    ProgramEnrollment,
    TransactionKind,
    VisitDay,
)
from gudcity.services.visit_history import record_visit_day
from gudcity.settings import get_settings


class OnCard(Protocol):
    """What the helpers need of a card: a ledger CardFacts or a reward code's view."""

    card_id: int
    customer_id: int
    program_id: int
    business_id: int
    time_zone: str


@dataclass
class _Notes:
    """One transaction's additions, by table and key, until it commits."""

    # (business, day, customer, the zone that made the day)
    days: set[tuple[int, date, int, str]] = field(default_factory=set)
    visits: defaultdict[tuple, Counter] = field(default_factory=lambda: defaultdict(Counter))
    stats: defaultdict[tuple, Counter] = field(default_factory=lambda: defaultdict(Counter))
    rewards: defaultdict[tuple, Counter] = field(default_factory=lambda: defaultdict(Counter))


_NOTES = "gudcity.analytics_notes"

# daily_stats rows per key (business, program, staff member, day). PostgreSQL holds an
# updated row's lock until its transaction's commit is flushed to the WAL, so with one
# row per key the concurrent awards of one staff member (the owner at several tills)
# would commit one after the other; by card, they mostly update rows of their own.
# Eight keeps few writers on a shared row and a day's rows (which the dashboard sums) few.
STATS_SLOTS = 8


def _notes(session: Session) -> _Notes | None:
    """The session's notes, or None when the aggregates are not maintained."""
    if not get_settings().analytics_maintained:
        return None
    notes = session.info.get(_NOTES)
    if notes is None:
        notes = session.info[_NOTES] = _Notes()
    return notes


def _stats(
    notes: _Notes,
    business_id: int,
    program_id: int,
    staff_id: int,
    day: date,
    card_id: int | None,
) -> Counter:
    """The counts to add to the key's daily_stats row of the card's slot (no card: slot 0)."""
    slot = 0 if card_id is None else card_id % STATS_SLOTS
    return notes.stats[(business_id, program_id, staff_id, day, slot)]


def staff_of(actor_id: int | None, customer_id: int) -> int:
    return NO_STAFF if actor_id is None or actor_id == customer_id else actor_id


def ledger_counts(kind: TransactionKind, amount: int, staff_id: int) -> dict[str, int]:
    """The daily_stats columns one ledger row adds to."""
    if kind == TransactionKind.EARN:
        return {"points_issued": amount, "awards": int(staff_id != NO_STAFF)}
    if kind == TransactionKind.REFUND:
        return {"points_refunded": amount}
    if kind == TransactionKind.EXPIRE:
        return {"points_expired": -amount}
    if kind in BONUS_KINDS or (kind == TransactionKind.ADJUST and amount > 0):
        return {"points_issued": amount}
    return {"points_redeemed": -amount}


def record_ledger_row(
    session: Session,
    card: OnCard,
    kind: TransactionKind,
    amount: int,
    actor_id: int | None,
    moment: datetime,
) -> None:
    notes = _notes(session)
    if notes is None:
        return
    staff_id = staff_of(actor_id, card.customer_id)
    day = business_day(moment, card.time_zone)
    _stats(notes, card.business_id, card.program_id, staff_id, day, card.card_id).update(
        ledger_counts(kind, amount, staff_id)
    )


def record_customer_day(
    session: Session, business_id: int, customer_id: int, time_zone: str, moment: datetime
) -> None:
    """A visit: the customer's day at the business (counted once, however busy)."""
    notes = _notes(session)
    if notes is not None:
        day = business_day(moment, time_zone)
        notes.days.add((business_id, day, customer_id, time_zone))


def record_reward_code(session: Session, card: OnCard, reward_id: int, moment: datetime) -> None:
    """A reward redeemed: its code was made."""
    _count_reward(session, card, reward_id, NO_STAFF, moment, "redeemed")


def record_delivery(
    session: Session, card: OnCard, reward_id: int, staff_id: int, moment: datetime
) -> None:
    _count_reward(session, card, reward_id, staff_id, moment, "delivered")


def _count_reward(
    session: Session, card: OnCard, reward_id: int, staff_id: int, moment: datetime, what: str
) -> None:
    notes = _notes(session)
    if notes is None:
        return
    day = business_day(moment, card.time_zone)
    counts = _stats(notes, card.business_id, card.program_id, staff_id, day, card.card_id)
    counts[f"rewards_{what}"] += 1
    notes.rewards[(card.business_id, reward_id, day)][what] += 1


def record_new_card(
    session: Session,
    business_id: int,
    program_id: int,
    card_id: int,
    time_zone: str,
    moment: datetime,
) -> None:
    """A first join: the customer's card for the program was made."""
    notes = _notes(session)
    if notes is not None:
        day = business_day(moment, time_zone)
        _stats(notes, business_id, program_id, NO_STAFF, day, card_id)["enrollments"] += 1


def record_enrollment_change(
    session: Session,
    *,
    business_id: int,
    program_id: int,
    customer_id: int,
    time_zone: str,
    active: bool,
    moment: datetime,
) -> None:
    """Log that an enrollment began or ended (always), and count it (when maintained).

    The customer joined the business if this is their only active enrollment there
    now, and left it if it was their last; the caller has not yet flushed the change.
    """
    others = _other_active_enrollments(session, business_id, program_id, customer_id)
    _log_change(session, business_id, program_id, customer_id, active, moment)
    notes = _notes(session)
    if notes is None:
        return
    day = business_day(moment, time_zone)
    if not active:
        _stats(notes, business_id, program_id, NO_STAFF, day, None)["leaves"] += 1
    if not others:
        notes.visits[(business_id, day)]["customers_joined" if active else "customers_left"] += 1


def record_all_left(
    session: Session, customer_id: int, ended: list[tuple[int, int, str]], moment: datetime
) -> None:
    """Every active enrollment of a customer ended at once, as (business, program, zone)
    in program order (their account was deleted): each business lost them once."""
    for business_id, program_id, _ in ended:
        _log_change(session, business_id, program_id, customer_id, False, moment)
    notes = _notes(session)
    if notes is None:
        return
    for business_id, program_id, time_zone in ended:
        day = business_day(moment, time_zone)
        _stats(notes, business_id, program_id, NO_STAFF, day, None)["leaves"] += 1
        notes.visits[(business_id, day)]["customers_left"] = 1


_LOG_CHANGE = insert(EnrollmentChange.__table__)


def _log_change(
    session: Session,
    business_id: int,
    program_id: int,
    customer_id: int,
    active: bool,
    moment: datetime,
) -> None:
    values = {"business_id": business_id, "program_id": program_id, "customer_id": customer_id}
    session.execute(_LOG_CHANGE, {**values, "active": active, "created_at": moment})


_ENROLLMENTS, _PROGRAMS = ProgramEnrollment.__table__, LoyaltyProgram.__table__
_OTHER_ACTIVE = (
    select(_ENROLLMENTS.c.id)
    .join(_PROGRAMS, _PROGRAMS.c.id == _ENROLLMENTS.c.program_id)
    .where(
        _PROGRAMS.c.business_id == bindparam("business_id"),
        _ENROLLMENTS.c.customer_id == bindparam("customer_id"),
        _ENROLLMENTS.c.program_id != bindparam("program_id"),
        _ENROLLMENTS.c.status == EnrollmentStatus.ACTIVE,
    )
    .limit(1)
)


def _other_active_enrollments(
    session: Session, business_id: int, program_id: int, customer_id: int
) -> bool:
    """Whether the customer is enrolled in another of the business's programs."""
    values = {"business_id": business_id, "program_id": program_id, "customer_id": customer_id}
    return session.execute(_OTHER_ACTIVE, values).first() is not None


@dataclass(frozen=True)
class _Upsert:
    """Per dialect: add a row's counts to the row with its key, or insert it."""

    keys: tuple[str, ...]
    counts: tuple[str, ...]
    statements: dict

    @classmethod
    def of(cls, table, keys: tuple[str, ...]) -> "_Upsert":
        counts = tuple(c.name for c in table.columns if c.name not in keys)
        statements = {}
        for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert)):
            statement = dialect_insert(table)
            statements[name] = statement.on_conflict_do_update(
                index_elements=list(keys),
                set_={c: table.c[c] + statement.excluded[c] for c in counts},
            )
        return cls(keys, counts, statements)


_STATS = _Upsert.of(DailyStats.__table__, ("business_id", "program_id", "staff_id", "day", "slot"))
_VISITS = _Upsert.of(DailyVisits.__table__, ("business_id", "day"))
_REWARDS = _Upsert.of(DailyRewards.__table__, ("business_id", "reward_id", "day"))
_DAYS = VisitDay.__table__
_NEW_DAY = {
    name: dialect_insert(_DAYS).on_conflict_do_nothing().returning(_DAYS.c.customer_id)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}
_SEEN_BEFORE = select(
    exists().where(
        _DAYS.c.business_id == bindparam("business_id"),
        _DAYS.c.customer_id == bindparam("customer_id"),
        _DAYS.c.day != bindparam("day"),
    )
)


def _write(session: Session, upsert: _Upsert, rows: dict[tuple, Counter]) -> None:
    values = [
        {**dict(zip(upsert.keys, key, strict=True)), **{c: counts[c] for c in upsert.counts}}
        for key, counts in sorted(rows.items())
        if any(counts.values())
    ]
    if values:
        session.execute(upsert.statements[session.get_bind().dialect.name], values)


def add_daily_stats(session: Session, rows: dict[tuple, Counter]) -> None:
    """Add counts to daily_stats rows keyed (business, program, staff, day, slot)."""
    _write(session, _STATS, rows)


# Customer-days this process saw committed to visit_days, with the zone that made each
# day: a second visit that day skips its INSERT (a scan and then an award, say). Sound,
# as visit_days is a function of the visits and the zones: only a recount in another
# zone removes a row, and a day of another zone is another key. Bounded: forgotten
# wholesale when full, which costs one INSERT per customer-day again. A database
# restored from an older backup (or emptied, as the tests do) needs fresh workers, or
# `forget_known_days()`.
_KNOWN_DAYS: set[tuple[int, date, int, str]] = set()
_KNOWN_DAYS_MAX = 200_000
_SEEN = "gudcity.analytics_seen_days"


def forget_known_days() -> None:
    _KNOWN_DAYS.clear()


def _count_visits(session: Session, notes: _Notes) -> None:
    """Insert the new customer-days; each is a visit, and a new customer if the first."""
    statement = _NEW_DAY[session.get_bind().dialect.name]
    unknown = sorted(notes.days - _KNOWN_DAYS)
    session.info[_SEEN] = unknown
    for business_id, day, customer_id, _ in unknown:
        values = {"business_id": business_id, "day": day, "customer_id": customer_id}
        if session.execute(statement, values).first() is None:
            continue  # not the customer's first activity of the day
        counts = notes.visits[(business_id, day)]
        counts["visits"] += 1
        counts["new_customers"] += not session.execute(_SEEN_BEFORE, values).scalar()
        record_visit_day(session, business_id, customer_id, day)


@event.listens_for(Session, "before_commit")
def _write_notes(session: Session) -> None:
    notes = session.info.pop(_NOTES, None)
    if notes is None:
        return
    # What the ORM holds is written first: after this, the transaction takes no other lock.
    session.flush()
    _count_visits(session, notes)
    _write(session, _VISITS, notes.visits)
    _write(session, _STATS, notes.stats)
    _write(session, _REWARDS, notes.rewards)


@event.listens_for(Session, "after_commit")
def _remember_days(session: Session) -> None:
    seen = session.info.pop(_SEEN, None)
    if seen:
        if len(_KNOWN_DAYS) + len(seen) > _KNOWN_DAYS_MAX:
            _KNOWN_DAYS.clear()
        _KNOWN_DAYS.update(seen)


@event.listens_for(Session, "after_transaction_end")
def _drop_notes(session: Session, transaction: SessionTransaction) -> None:
    """A rollback (or a close without commit) forgets what the transaction noted."""
    if transaction.parent is None:
        session.info.pop(_NOTES, None)
        session.info.pop(_SEEN, None)
