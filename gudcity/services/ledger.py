"""The ledger engine: every change to a balance is one `point_transactions` row.

The row is written in the same transaction as an atomic `UPDATE ... SET balance =
balance + n`, whose WHERE clause refuses to go below zero. Every write carries an
idempotency key: the same key a second time returns the first result and writes
nothing. The use cases (awards, deductions, redemptions, scans, enrollment) call
`write_ledger_row` or `credit_points` and check their actor first.
"""

import math
from dataclasses import dataclass, fields
from datetime import UTC, timedelta
from typing import Any

from sqlalchemy import bindparam, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from gudcity.domain.errors import InsufficientPointsError, NotFoundError, ValidationError
from gudcity.domain.labels import added_message, amount_message
from gudcity.domain.notification_groups import SCAN_LINK
from gudcity.domain.redemption_codes import new_redemption_code
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    Business,
    EnrollmentStatus,
    LoyaltyCard,
    LoyaltyProgram,
    NotificationType,
    PointTransaction,
    ProgramEnrollment,
    ProgramKind,
    StaffActionKind,
    StaffPermission,
    TransactionKind,
    User,
    utc_now,
)
from gudcity.services.analytics_log import OnCard, record_ledger_row
from gudcity.services.checks import check_running, check_same_operation
from gudcity.services.inputs import is_row_id
from gudcity.services.lookups import find_transaction
from gudcity.services.notify import notify_customer
from gudcity.services.outbox import business_topic, customer_topic, publish
from gudcity.services.permissions import GRANTABLE
from gudcity.services.staff_log import record_staff_action
from gudcity.services.visits import record_visit


@dataclass(frozen=True)
class CardFacts:
    """A card with its program and business: what the ledger's rules and messages need."""

    card_id: int
    customer_id: int
    balance: int
    program_id: int
    program_name: str
    program_kind: ProgramKind
    program_active: bool
    program_archived: bool
    business_id: int
    business_name: str
    owner_id: int
    time_zone: str

    @classmethod
    def of(cls, card: LoyaltyCard, program: LoyaltyProgram, business: Business) -> "CardFacts":
        """The facts of objects a caller already holds (a scan, an accepted invitation)."""
        return cls(
            card_id=card.id,
            customer_id=card.customer_id,
            balance=card.balance,
            program_id=program.id,
            program_name=program.name,
            program_kind=program.kind,
            program_active=program.is_active,
            program_archived=program.archived_at is not None,
            business_id=business.id,
            business_name=business.name,
            owner_id=business.owner_id,
            time_zone=business.time_zone,
        )


@dataclass(frozen=True)
class CardAccess:
    """A card as one actor reaches it: its facts, its enrollment, the actor's staff row."""

    card: CardFacts
    enrolled: bool
    # The actor's StaffPermission columns at the card's business (None: not its staff).
    staff: Any


def _card_access_query():
    """One joined read: card, program, business, enrollment, and the actor's staff row.

    Built once (bound parameters `card_id` and `actor_id`): awards run it on every
    request, and building the statement costs about as much as running it.
    """
    cards, programs = LoyaltyCard.__table__, LoyaltyProgram.__table__
    businesses, enrollments = Business.__table__, ProgramEnrollment.__table__
    staff = StaffPermission.__table__
    return (
        select(
            cards.c.id.label("card_id"),
            cards.c.customer_id,
            cards.c.balance,
            programs.c.id.label("program_id"),
            programs.c.name.label("program_name"),
            programs.c.kind.label("program_kind"),
            programs.c.is_active.label("program_active"),
            programs.c.archived_at.isnot(None).label("program_archived"),
            businesses.c.id.label("business_id"),
            businesses.c.name.label("business_name"),
            businesses.c.owner_id,
            businesses.c.time_zone,
            enrollments.c.status.label("enrollment_status"),
            staff.c.id.label("staff_id"),
            *(staff.c[p.value] for p in GRANTABLE),
        )
        .join(programs, programs.c.id == cards.c.program_id)
        .join(businesses, businesses.c.id == programs.c.business_id)
        .outerjoin(
            enrollments,
            (enrollments.c.customer_id == cards.c.customer_id)
            & (enrollments.c.program_id == cards.c.program_id),
        )
        .outerjoin(
            staff,
            (staff.c.business_id == businesses.c.id) & (staff.c.user_id == bindparam("actor_id")),
        )
        .where(cards.c.id == bindparam("card_id"))
    )


_CARD_ACCESS = _card_access_query()
_FACT_NAMES = tuple(f.name for f in fields(CardFacts))


def card_access(session: Session, card_id: int, actor: User | None) -> CardAccess:
    """The card as `actor` reaches it, in one query; NotFoundError if there is no such card."""
    row = None
    if is_row_id(card_id):
        actor_id = actor.id if actor is not None else None
        row = session.execute(_CARD_ACCESS, {"card_id": card_id, "actor_id": actor_id}).first()
    if row is None:
        raise NotFoundError("Card not found.")
    values = row._mapping
    facts = CardFacts(**{name: values[name] for name in _FACT_NAMES})
    return CardAccess(
        card=facts,
        enrolled=values["enrollment_status"] == EnrollmentStatus.ACTIVE,
        staff=row if values["staff_id"] is not None else None,
    )


def require_active(access: CardAccess) -> None:
    """Points move only on a running program's card whose holder is still enrolled."""
    card = access.card
    check_running(card.program_name, card.program_active, archived=card.program_archived)
    if not access.enrolled:
        raise ValidationError("This customer is not enrolled in the program any more.")


def same_operation(
    existing: PointTransaction, card_id: int, kind: TransactionKind
) -> PointTransaction:
    """The ledger row a repeated key wrote, if it was this very operation."""
    check_same_operation(existing.card_id == card_id and existing.kind == kind)
    return existing


# The ledger's two statements, built once (see `_card_access_query`).
_LEDGER = PointTransaction.__table__
_CARDS = LoyaltyCard.__table__
_MOVE_BALANCE = (
    update(_CARDS)
    .where(_CARDS.c.id == bindparam("card_id"), _CARDS.c.balance + bindparam("amount") >= 0)
    .values(
        balance=_CARDS.c.balance + bindparam("amount"),
        lifetime_points=_CARDS.c.lifetime_points + bindparam("gain"),
        # An expiry is no activity of the customer's: it leaves the card's last one.
        last_activity_at=func.coalesce(
            bindparam("active_at", type_=_CARDS.c.last_activity_at.type),
            _CARDS.c.last_activity_at,
        ),
    )
    .returning(_CARDS.c.balance, _CARDS.c.lifetime_points, _CARDS.c.last_activity_at)
)
_INSERT_UNLESS_KEY_EXISTS = {
    name: dialect_insert(_LEDGER)
    .on_conflict_do_nothing(index_elements=["idempotency_key"])
    .returning(_LEDGER.c.id)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def write_ledger_row(
    session: Session,
    card: OnCard,
    kind: TransactionKind,
    amount: int,
    *,
    actor_id: int | None,
    idempotency_key: str,
    reward_id: int | None = None,
    note: str = "",
) -> tuple[PointTransaction, bool]:
    """Write one ledger row and move the balance with it.

    Returns the transaction and whether it is new; an already-used key returns the
    first transaction and `False`. Raises InsufficientPointsError (after rolling
    back) when the balance would go below zero.
    """
    now, card_id = utc_now(), card.card_id
    values = {
        "card_id": card_id,
        "kind": kind,
        "amount": amount,
        "actor_id": actor_id,
        "idempotency_key": idempotency_key,
        "reward_id": reward_id,
        "redemption_code": new_redemption_code() if kind == TransactionKind.REDEEM else None,
        "note": note[:255],
        "created_at": now,
    }
    row_id = _insert_unless_key_exists(session, values)
    if row_id is None:
        # The key was used before (or by a concurrent request that committed first).
        return same_operation(find_transaction(session, idempotency_key), card_id, kind), False
    # A refund gives back what a redemption took: it is no new earning (no lifetime points).
    gain = 0 if kind == TransactionKind.REFUND else max(amount, 0)
    active_at = None if kind == TransactionKind.EXPIRE else now
    moved = session.execute(
        _MOVE_BALANCE,
        {"card_id": card_id, "amount": amount, "gain": gain, "active_at": active_at},
    ).first()
    if moved is None:
        session.rollback()
        raise InsufficientPointsError("The card does not hold enough for this.")
    _sync_loaded_card(session, card_id, dict(moved._mapping))
    record_ledger_row(session, card, kind, amount, actor_id, now)
    return PointTransaction(id=row_id, **values), True


def _insert_unless_key_exists(session: Session, values: dict) -> int | None:
    """Insert a ledger row; return its id, or None if its idempotency key exists.

    One statement (`INSERT ... ON CONFLICT DO NOTHING RETURNING id`) instead of a
    look-up, a savepoint and an insert: a concurrent insert of the same key waits
    for the other transaction and then does nothing.
    """
    statement = _INSERT_UNLESS_KEY_EXISTS[session.get_bind().dialect.name]
    return session.execute(statement, values).scalar_one_or_none()


def _sync_loaded_card(session: Session, card_id: int, values: dict) -> None:
    """Bring the session's copy of the card, if it holds one, in step with the database.

    The balance moves through a Core UPDATE, which the ORM does not see.
    """
    card = session.identity_map.get(session.identity_key(LoyaltyCard, card_id))
    if card is not None:
        for name, value in values.items():
            set_committed_value(card, name, value)


def publish_card_change(session: Session, card: CardFacts, kind: str) -> None:
    publish(
        session,
        [customer_topic(card.customer_id), business_topic(card.business_id)],
        kind,
        {"card_id": card.card_id, "program_id": card.program_id},
    )


def credit_points(
    session: Session,
    card: CardFacts,
    points: int,
    *,
    actor_id: int,
    idempotency_key: str,
    note: str = "",
    scan_note: int | None = None,
) -> tuple[PointTransaction, bool]:
    """Earn points on a card, tell the customer, and publish; (the EARN row, whether it is
    new: False for a key used before). The caller commits.

    The shared step of a manual award, a scan award and the award that follows an
    accepted enrollment; permission checks belong to those callers. A scan's award
    names the scan's notification (`scan_note`): the list shows the two as one entry.
    """
    transaction, created = write_ledger_row(
        session,
        card,
        TransactionKind.EARN,
        points,
        actor_id=actor_id,
        idempotency_key=idempotency_key,
        note=note,
    )
    if created:
        _tell_earned(session, card, points, scan_note)
        record_visit(session, card.business_id, card.customer_id, "award", card.time_zone)
        record_staff_action(
            session,
            business_id=card.business_id,
            actor_id=actor_id,
            kind=StaffActionKind.AWARD,
            customer_id=card.customer_id,
            program_id=card.program_id,
            amount=points,
            transaction_id=transaction.id,
            detail=note,
        )
        publish_card_change(session, card, "points.awarded")
    return transaction, created


def _tell_earned(session: Session, card: CardFacts, points: int, scan_note: int | None) -> None:
    earned = amount_message(card.program_kind, points)
    notify_customer(
        session,
        card.customer_id,
        NotificationType.POINTS_ADDED,
        added_message(card.program_kind, points),
        Message(
            N_("You earned {amount} from {business}!"),
            {"amount": earned, "business": card.business_name},
        ),
        business_id=card.business_id,
        data=_award_data(card, points, scan_note),
    )


def _award_data(card: CardFacts, points: int, scan_note: int | None) -> dict:
    data = {"card_id": card.card_id, "program_id": card.program_id, "points": points}
    if scan_note is not None:
        data[SCAN_LINK] = scan_note
    return data


def claim_scan_award(session: Session, card: LoyaltyCard, program: LoyaltyProgram) -> bool:
    """Take the card's scan-award slot, or return False while its cooldown runs."""
    now = utc_now()
    statement = update(LoyaltyCard).where(LoyaltyCard.id == card.id)
    if program.scan_cooldown_seconds:
        since = now - timedelta(seconds=program.scan_cooldown_seconds)
        statement = statement.where(
            or_(LoyaltyCard.last_scan_award_at.is_(None), LoyaltyCard.last_scan_award_at <= since)
        )
    return session.exec(statement.values(last_scan_award_at=now)).rowcount == 1


def start_scan_cooldown(session: Session, card_id: int) -> None:
    """An award that counts as the visit's scan award (a scan invitation accepted)."""
    session.exec(
        update(LoyaltyCard).where(LoyaltyCard.id == card_id).values(last_scan_award_at=utc_now())
    )


def scan_award_wait(session: Session, card_id: int, program: LoyaltyProgram) -> int:
    """Seconds until the card's next scan award; 0 when one is due now."""
    last = session.exec(
        select(LoyaltyCard.last_scan_award_at).where(LoyaltyCard.id == card_id)
    ).first()
    if last is None or not program.scan_cooldown_seconds:
        return 0
    if last.tzinfo is None:  # SQLite hands back naive UTC
        last = last.replace(tzinfo=UTC)
    due = last + timedelta(seconds=program.scan_cooldown_seconds)
    return max(0, math.ceil((due - utc_now()).total_seconds()))
