"""The ledger engine: every change to a balance is one `point_transactions` row.

The row is written in the same transaction as an atomic `UPDATE ... SET balance =
balance + n`, whose WHERE clause refuses to go below zero. Every write carries an
idempotency key: the same key a second time returns the first result and writes
nothing. The use cases (awards, deductions, redemptions, scans, enrollment) call
`write_ledger_row` (an earn and its bonuses: `write_earn_rows`, through
services/earning.py) and check their actor first.
"""

import math
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, update
from sqlmodel import Session, select

from gudcity.domain.errors import InsufficientPointsError, NotFoundError, ValidationError
from gudcity.domain.redemption_codes import new_redemption_code
from gudcity.models import (
    Business,
    EnrollmentStatus,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    ProgramEnrollment,
    ProgramKind,
    StaffPermission,
    TierBasis,
    TierDowngrade,
    TransactionKind,
    User,
    utc_now,
)
from gudcity.services.analytics_log import OnCard, record_ledger_row
from gudcity.services.checks import check_running, check_same_operation
from gudcity.services.inputs import is_row_id
from gudcity.services.ledger_rows import (
    insert_keys_unless_exist,
    insert_unless_key_exists,
    move_balance,
    row_values,
)
from gudcity.services.lookups import find_transaction
from gudcity.services.outbox import business_topic, customer_topic, publish
from gudcity.services.permissions import GRANTABLE


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
    # What the program's earning rules need (services/earning.py): the card's tier, the
    # program's tier policy, its rules stamp, and whether it pays referrals.
    tier_level: int = 0
    tier_review_at: datetime | None = None
    earned_points: int = 0
    tier_basis: TierBasis = TierBasis.LIFETIME
    tier_window_days: int = 365
    tier_downgrade: TierDowngrade = TierDowngrade.WINDOW
    rules_stamp: str = ""
    offers_referrals: bool = False

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
            tier_level=card.tier_level,
            tier_review_at=card.tier_review_at,
            earned_points=card.earned_points,
            tier_basis=program.tier_basis,
            tier_window_days=program.tier_window_days,
            tier_downgrade=program.tier_downgrade,
            rules_stamp=program.rules_stamp,
            offers_referrals=program.referrer_bonus > 0 or program.friend_bonus > 0,
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
            cards.c.tier_level,
            cards.c.tier_review_at,
            cards.c.earned_points,
            programs.c.tier_basis,
            programs.c.tier_window_days,
            programs.c.tier_downgrade,
            programs.c.rules_stamp,
            ((programs.c.referrer_bonus > 0) | (programs.c.friend_bonus > 0)).label(
                "offers_referrals"
            ),
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
    values = row_values(card_id, kind, amount, actor_id, idempotency_key)
    code = new_redemption_code() if kind == TransactionKind.REDEEM else None
    values.update(reward_id=reward_id, redemption_code=code, note=note[:255], created_at=now)
    row_id = insert_unless_key_exists(session, values)
    if row_id is None:
        # The key was used before (or by a concurrent request that committed first).
        return same_operation(find_transaction(session, idempotency_key), card_id, kind), False
    # A refund gives back what a redemption took: it is no new earning (no lifetime points).
    gain = 0 if kind == TransactionKind.REFUND else max(amount, 0)
    base = amount if kind == TransactionKind.EARN else 0
    if move_balance(session, card_id, kind, amount, gain=gain, base=base, active_at=now) is None:
        session.rollback()
        raise InsufficientPointsError("The card does not hold enough for this.")
    record_ledger_row(session, card, kind, amount, actor_id, now)
    return PointTransaction(id=row_id, **values), True


@dataclass(frozen=True)
class Bonus:
    """A bonus row an earning rule asks for beside an award (services/earning.py)."""

    kind: TransactionKind
    amount: int
    idempotency_key: str


def write_earn_rows(
    session: Session,
    card: OnCard,
    points: int,
    bonuses: list[Bonus],
    *,
    actor_id: int,
    idempotency_key: str,
    note: str,
    now: datetime,
) -> tuple[PointTransaction, bool, list[Bonus]]:
    """The EARN row and its bonuses, with one balance move: (EARN row, whether it is new,
    the bonuses written).

    A repeated award key writes nothing (its bonuses came with it the first time); a
    bonus whose own key was used (a once-a-day promotion's) is left out. Three statements
    whatever the number of bonuses: the EARN insert, one multi-row insert, the UPDATE.
    """
    values = row_values(card.card_id, TransactionKind.EARN, points, actor_id, idempotency_key)
    values.update(note=note[:255], created_at=now)
    row_id = insert_unless_key_exists(session, values)
    if row_id is None:
        earned = find_transaction(session, idempotency_key)
        return same_operation(earned, card.card_id, TransactionKind.EARN), False, []
    granted = _insert_bonuses(session, card.card_id, bonuses, now) if bonuses else []
    total = points + sum(bonus.amount for bonus in granted)
    earn = TransactionKind.EARN
    move_balance(session, card.card_id, earn, total, gain=total, base=points, active_at=now)
    record_ledger_row(session, card, TransactionKind.EARN, points, actor_id, now)
    for bonus in granted:
        record_ledger_row(session, card, bonus.kind, bonus.amount, None, now)
    return PointTransaction(id=row_id, **values), True, granted


def _insert_bonuses(
    session: Session, card_id: int, bonuses: list[Bonus], now: datetime
) -> list[Bonus]:
    """One INSERT of every bonus row; those whose key was free."""
    rows = []
    for bonus in bonuses:
        row = row_values(card_id, bonus.kind, bonus.amount, None, bonus.idempotency_key)
        rows.append({**row, "created_at": now})
    written = insert_keys_unless_exist(session, rows)
    return [bonus for bonus in bonuses if bonus.idempotency_key in written]


def publish_card_change(session: Session, card: CardFacts, kind: str) -> None:
    publish(
        session,
        [customer_topic(card.customer_id), business_topic(card.business_id)],
        kind,
        {"card_id": card.card_id, "program_id": card.program_id},
    )


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
