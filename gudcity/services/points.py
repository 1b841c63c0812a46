"""The points ledger: award, deduct (with the customer's approval) and redeem.

Every change to a balance is exactly one `point_transactions` row written in the
same transaction as an atomic `UPDATE ... SET balance = balance + n`, whose WHERE
clause refuses to go below zero. Every write carries an idempotency key: the same
key a second time returns the first result and writes nothing.
"""

import secrets
from dataclasses import dataclass, fields
from datetime import timedelta
from typing import Any

from sqlalchemy import bindparam, case, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from gudcity.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    Business,
    EnrollmentStatus,
    LoyaltyCard,
    LoyaltyProgram,
    NotificationType,
    PointTransaction,
    ProgramEnrollment,
    ProgramKind,
    Reward,
    StaffPermission,
    TransactionKind,
    User,
    utc_now,
)
from gudcity.services import approvals
from gudcity.services.accounts import Permission, check_business_permission, require_customer
from gudcity.services.errors import (
    ConflictError,
    InsufficientPointsError,
    NotFoundError,
    ValidationError,
)
from gudcity.services.events import business_topic, customer_topic, publish
from gudcity.services.inputs import check_text, get_row, is_row_id
from gudcity.services.notifications import notify_business, notify_customer
from gudcity.services.transaction import atomic
from gudcity.services.visits import record_visit
from gudcity.settings import get_settings

MAX_KEY_LENGTH = 128
REDEMPTION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
TIERS = ((2000, "GOLD"), (500, "SILVER"), (0, "BRONZE"))


def amount_label(kind: ProgramKind, amount: int) -> str:
    """`1 point`, `25 points`, `1 stamp`: a program's own unit."""
    unit = "stamp" if kind == ProgramKind.STAMPS else "point"
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


def check_amount(points: int) -> int:
    limit = get_settings().max_points_per_transaction
    if isinstance(points, bool) or not isinstance(points, int):
        raise ValidationError("Points must be a whole number.")
    if not 1 <= points <= limit:
        raise ValidationError(f"Points must be between 1 and {limit:,}.")
    return points


def check_key(idempotency_key: str) -> str:
    if not isinstance(idempotency_key, str) or not 1 <= len(idempotency_key) <= MAX_KEY_LENGTH:
        raise ValidationError("A request key of 1 to 128 characters is required.")
    return check_text(idempotency_key, "A request key")


def get_card(session: Session, card_id: int) -> LoyaltyCard:
    card = get_row(session, LoyaltyCard, card_id)
    if card is None:
        raise NotFoundError("Card not found.")
    return card


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
    business_id: int
    business_name: str
    owner_id: int

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
            business_id=business.id,
            business_name=business.name,
            owner_id=business.owner_id,
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
            businesses.c.id.label("business_id"),
            businesses.c.name.label("business_name"),
            businesses.c.owner_id,
            enrollments.c.status.label("enrollment_status"),
            staff.c.id.label("staff_id"),
            *(staff.c[p.value] for p in Permission if p != Permission.VIEW_CUSTOMERS),
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


def card_of(session: Session, customer_id: int, program_id: int) -> LoyaltyCard | None:
    return session.exec(
        select(LoyaltyCard).where(
            LoyaltyCard.customer_id == customer_id, LoyaltyCard.program_id == program_id
        )
    ).first()


def is_enrolled(session: Session, customer_id: int, program_id: int) -> bool:
    status = session.exec(
        select(ProgramEnrollment.status).where(
            ProgramEnrollment.customer_id == customer_id,
            ProgramEnrollment.program_id == program_id,
        )
    ).first()
    return status == EnrollmentStatus.ACTIVE


def _require_active(access: CardAccess) -> None:
    """Points move only on a running program's card whose holder is still enrolled."""
    if not access.card.program_active:
        raise ValidationError(f"{access.card.program_name} is paused.")
    if not access.enrolled:
        raise ValidationError("This customer is not enrolled in the program any more.")


def find_transaction(session: Session, key: str) -> PointTransaction | None:
    """The ledger row written under an idempotency key, if any."""
    return session.exec(
        select(PointTransaction).where(PointTransaction.idempotency_key == key)
    ).first()


def _same_operation(
    existing: PointTransaction, card_id: int, kind: TransactionKind
) -> PointTransaction:
    if existing.card_id != card_id or existing.kind != kind:
        raise ConflictError("This request key was already used for another operation.")
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
        tier=case(
            *(
                (_CARDS.c.lifetime_points + bindparam("gain") >= threshold, name)
                for threshold, name in TIERS[:-1]
            ),
            else_=TIERS[-1][1],
        ),
        last_activity_at=bindparam("now"),
    )
    .returning(_CARDS.c.balance, _CARDS.c.lifetime_points, _CARDS.c.tier)
)
_INSERT_UNLESS_KEY_EXISTS = {
    name: dialect_insert(_LEDGER)
    .on_conflict_do_nothing(index_elements=["idempotency_key"])
    .returning(_LEDGER.c.id)
    for name, dialect_insert in (("postgresql", postgresql.insert), ("sqlite", sqlite.insert))
}


def _apply(
    session: Session,
    card_id: int,
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
    now = utc_now()
    values = {
        "card_id": card_id,
        "kind": kind,
        "amount": amount,
        "actor_id": actor_id,
        "idempotency_key": idempotency_key,
        "reward_id": reward_id,
        "redemption_code": _redemption_code() if kind == TransactionKind.REDEEM else None,
        "note": note[:255],
        "created_at": now,
    }
    row_id = _insert_unless_key_exists(session, values)
    if row_id is None:
        # The key was used before (or by a concurrent request that committed first).
        return _same_operation(find_transaction(session, idempotency_key), card_id, kind), False
    moved = session.execute(
        _MOVE_BALANCE, {"card_id": card_id, "amount": amount, "gain": max(amount, 0), "now": now}
    ).first()
    if moved is None:
        session.rollback()
        raise InsufficientPointsError("The card does not hold enough points for this.")
    _sync_loaded_card(session, card_id, {**moved._mapping, "last_activity_at": now})
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


def _redemption_code() -> str:
    return "".join(secrets.choice(REDEMPTION_ALPHABET) for _ in range(8))


def _publish_card_change(session: Session, card: CardFacts, kind: str) -> None:
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
) -> PointTransaction:
    """Earn points on a card, tell the customer, and publish; the caller commits.

    The shared step of a manual award, a scan award and the award that follows an
    accepted enrollment; permission checks belong to those callers.
    """
    transaction, created = _apply(
        session,
        card.card_id,
        TransactionKind.EARN,
        points,
        actor_id=actor_id,
        idempotency_key=idempotency_key,
        note=note,
    )
    if created:
        notify_customer(
            session,
            card.customer_id,
            NotificationType.POINTS_ADDED,
            "Points added",
            f"You earned {amount_label(card.program_kind, points)} from {card.business_name}!",
            business_id=card.business_id,
            data={"card_id": card.card_id, "program_id": card.program_id, "points": points},
        )
        record_visit(session, card.business_id, card.customer_id, "award")
        _publish_card_change(session, card, "points.awarded")
    return transaction


@atomic
def award_points(
    session: Session,
    actor: User,
    card_id: int,
    points: int,
    idempotency_key: str,
    *,
    note: str = "",
) -> PointTransaction:
    """A business gives points by hand."""
    check_key(idempotency_key)
    check_amount(points)
    check_text(note, "The note")
    access = card_access(session, card_id, actor)
    check_business_permission(actor, access.card.owner_id, access.staff, Permission.AWARD)
    _require_active(access)
    transaction = credit_points(
        session,
        access.card,
        points,
        actor_id=actor.id,
        idempotency_key=idempotency_key,
        note=note,
    )
    session.commit()
    return transaction


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


@atomic
def request_deduction(
    session: Session,
    actor: User,
    card_id: int,
    points: int,
    idempotency_key: str,
    *,
    reason: str = "",
) -> ApprovalRequest:
    """Ask the customer to approve taking points off their card."""
    check_key(idempotency_key)
    check_amount(points)
    check_text(reason, "The reason")
    access = card_access(session, card_id, actor)
    card = access.card
    check_business_permission(actor, card.owner_id, access.staff, Permission.DEDUCT)
    existing = approvals.find_by_key(session, idempotency_key)
    if existing is not None:
        if (
            existing.kind != ApprovalKind.POINTS_DEDUCTION
            or existing.program_id != card.program_id
            or existing.customer_id != card.customer_id
        ):
            raise ConflictError("This request key was already used for another operation.")
        return existing
    _require_active(access)
    if points > card.balance:
        raise InsufficientPointsError(
            f"The card holds only {amount_label(card.program_kind, card.balance)}."
        )
    request = approvals.open_request(
        session,
        kind=ApprovalKind.POINTS_DEDUCTION,
        customer_id=card.customer_id,
        business_id=card.business_id,
        program_id=card.program_id,
        requested_by=actor.id,
        points=points,
        idempotency_key=idempotency_key,
        ttl=timedelta(minutes=get_settings().deduction_request_ttl_minutes),
    )
    why = f" ({reason.strip()[:200]})" if reason.strip() else ""
    notify_customer(
        session,
        card.customer_id,
        NotificationType.POINTS_DEDUCTION_REQUEST,
        "Approve a deduction?",
        f"{card.business_name} wants to deduct {amount_label(card.program_kind, points)} "
        f"from your {card.program_name} card{why}.",
        business_id=card.business_id,
        data={"card_id": card.card_id, "program_id": card.program_id, "points": points},
        approval_request_id=request.id,
    )
    _publish_card_change(session, card, "deduction.requested")
    session.commit()
    return request


@atomic
def respond_to_deduction(
    session: Session, actor: User, request_id: int, accept: bool
) -> PointTransaction | None:
    """The customer approves (points move) or declines (nothing moves)."""
    customer = require_customer(actor)
    request = approvals.customers_request(
        session, customer, request_id, ApprovalKind.POINTS_DEDUCTION
    )
    if approvals.is_expired(request):
        error = approvals.expire(session, request)
        session.commit()
        raise error
    approvals.decide(
        session, request, ApprovalStatus.APPROVED if accept else ApprovalStatus.DECLINED
    )
    held = card_of(session, customer.id, request.program_id)
    card = card_access(session, held.id, customer).card
    label = amount_label(card.program_kind, request.points)
    transaction = None
    if accept:
        transaction, _ = _apply(
            session,
            card.card_id,
            TransactionKind.DEDUCT,
            -request.points,
            actor_id=request.requested_by,
            idempotency_key=f"deduction:{request.id}",
        )
        notify_customer(
            session,
            customer.id,
            NotificationType.POINTS_DEDUCTED,
            "Points deducted",
            f"{label} were deducted from your {card.program_name} card.",
            business_id=card.business_id,
            data={"card_id": card.card_id, "points": request.points},
        )
        notify_business(
            session,
            card.business_id,
            NotificationType.POINTS_DEDUCTED,
            f"{customer.name} approved the deduction of {label}.",
            customer_id=customer.id,
        )
        record_visit(session, card.business_id, customer.id, "deduct")
    else:
        notify_business(
            session,
            card.business_id,
            NotificationType.POINTS_DEDUCTION_DECLINED,
            f"{customer.name} declined the deduction of {label}.",
            customer_id=customer.id,
        )
    _publish_card_change(session, card, "deduction.answered")
    session.commit()
    return transaction


@atomic
def redeem_reward(
    session: Session, actor: User, card_id: int, reward_id: int, idempotency_key: str
) -> PointTransaction:
    """Spend points on a reward; the transaction carries the code to show at the counter."""
    customer = require_customer(actor)
    check_key(idempotency_key)
    access = card_access(session, card_id, customer)
    card = access.card
    if card.customer_id != customer.id:
        raise NotFoundError("Card not found.")
    reward = get_row(session, Reward, reward_id)
    if reward is None or reward.program_id != card.program_id or not reward.is_active:
        raise NotFoundError("This reward is not available on this card.")
    existing = find_transaction(session, idempotency_key)
    if existing is not None:
        return _same_operation(existing, card.card_id, TransactionKind.REDEEM)
    _require_active(access)
    if card.balance < reward.cost:
        raise InsufficientPointsError(
            f"{reward.name} costs {amount_label(card.program_kind, reward.cost)}; "
            f"you have {amount_label(card.program_kind, card.balance)}."
        )
    transaction, created = _apply(
        session,
        card.card_id,
        TransactionKind.REDEEM,
        -reward.cost,
        actor_id=customer.id,
        idempotency_key=idempotency_key,
        reward_id=reward.id,
        note=reward.name,
    )
    if created:
        code = transaction.redemption_code
        notify_customer(
            session,
            customer.id,
            NotificationType.REWARD_REDEEMED,
            "Reward redeemed",
            f"You redeemed {reward.name} at {card.business_name}. Show code {code} at the counter.",
            business_id=card.business_id,
            data={"card_id": card.card_id, "reward_id": reward.id, "code": code},
        )
        notify_business(
            session,
            card.business_id,
            NotificationType.REWARD_REDEEMED,
            f"{customer.name} redeemed {reward.name} (code {code}).",
            customer_id=customer.id,
        )
        _publish_card_change(session, card, "reward.redeemed")
    session.commit()
    return transaction
