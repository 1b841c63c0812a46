"""The points ledger: award, deduct (with the customer's approval) and redeem.

Every change to a balance is exactly one `point_transactions` row written in the
same transaction as an atomic `UPDATE ... SET balance = balance + n`, whose WHERE
clause refuses to go below zero. Every write carries an idempotency key: the same
key a second time returns the first result and writes nothing.
"""

import secrets
from datetime import timedelta

from sqlalchemy import case, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, select

from gudcity.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    Business,
    CustomerInteraction,
    EnrollmentStatus,
    LoyaltyCard,
    LoyaltyProgram,
    NotificationType,
    PointTransaction,
    ProgramEnrollment,
    ProgramKind,
    Reward,
    TransactionKind,
    User,
    utc_now,
)
from gudcity.services import approvals
from gudcity.services.accounts import Permission, require_business_permission, require_customer
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
from gudcity.settings import get_settings

MAX_KEY_LENGTH = 128
REDEMPTION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
TIERS = ((2000, "GOLD"), (500, "SILVER"), (0, "BRONZE"))


def amount_label(program: LoyaltyProgram, amount: int) -> str:
    """`1 point`, `25 points`, `1 stamp`: the program's own unit."""
    unit = "stamp" if program.kind == ProgramKind.STAMPS else "point"
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


def card_with_program(
    session: Session, card_id: int
) -> tuple[LoyaltyCard, LoyaltyProgram, Business]:
    """A card, its program and the program's business, in one query.

    Awards and deductions need all three; while the caller holds them, the checks
    that look them up again (permission, paused program) find them in the session.
    """
    found = None
    if is_row_id(card_id):
        found = session.exec(
            select(LoyaltyCard, LoyaltyProgram, Business)
            .join(LoyaltyProgram, LoyaltyProgram.id == LoyaltyCard.program_id)
            .join(Business, Business.id == LoyaltyProgram.business_id)
            .where(LoyaltyCard.id == card_id)
        ).first()
    if found is None:
        raise NotFoundError("Card not found.")
    return found


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


def _require_active_card(session: Session, card: LoyaltyCard) -> LoyaltyProgram:
    program = session.get(LoyaltyProgram, card.program_id)
    if not program.is_active:
        raise ValidationError(f"{program.name} is paused.")
    if not is_enrolled(session, card.customer_id, card.program_id):
        raise ValidationError("This customer is not enrolled in the program any more.")
    return program


def find_transaction(session: Session, key: str) -> PointTransaction | None:
    """The ledger row written under an idempotency key, if any."""
    return session.exec(
        select(PointTransaction).where(PointTransaction.idempotency_key == key)
    ).first()


def _same_operation(
    existing: PointTransaction, card: LoyaltyCard, kind: TransactionKind
) -> PointTransaction:
    if existing.card_id != card.id or existing.kind != kind:
        raise ConflictError("This request key was already used for another operation.")
    return existing


def _apply(
    session: Session,
    card: LoyaltyCard,
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
        "card_id": card.id,
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
        return _same_operation(find_transaction(session, idempotency_key), card, kind), False
    gain = max(amount, 0)
    # Core statements on the tables, not the ORM's: this runs on every award, and the
    # ORM's bookkeeping (the card object is updated by hand below) costs more than the SQL.
    cards = LoyaltyCard.__table__
    moved = session.execute(
        update(cards)
        .where(cards.c.id == card.id, cards.c.balance + amount >= 0)
        .values(
            balance=cards.c.balance + amount,
            lifetime_points=cards.c.lifetime_points + gain,
            tier=_tier_after(cards.c.lifetime_points + gain),
            last_activity_at=now,
        )
        .returning(cards.c.balance, cards.c.lifetime_points, cards.c.tier)
    ).first()
    if moved is None:
        session.rollback()
        raise InsufficientPointsError("The card does not hold enough points for this.")
    for name, value in moved._mapping.items():
        set_committed_value(card, name, value)
    return PointTransaction(id=row_id, **values), True


def _insert_unless_key_exists(session: Session, values: dict) -> int | None:
    """Insert a ledger row; return its id, or None if its idempotency key exists.

    One statement (`INSERT ... ON CONFLICT DO NOTHING RETURNING id`) instead of a
    look-up, a savepoint and an insert: a concurrent insert of the same key waits
    for the other transaction and then does nothing.
    """
    dialect_insert = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )
    ledger = PointTransaction.__table__
    statement = (
        dialect_insert(ledger)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(ledger.c.id)
    )
    return session.execute(statement).scalar_one_or_none()


def _tier_after(lifetime_points):
    """The tier for a lifetime-points SQL expression, computed in the UPDATE itself."""
    return case(
        *((lifetime_points >= threshold, name) for threshold, name in TIERS[:-1]),
        else_=TIERS[-1][1],
    )


def _redemption_code() -> str:
    return "".join(secrets.choice(REDEMPTION_ALPHABET) for _ in range(8))


def _record_visit(session: Session, program: LoyaltyProgram, customer_id: int, kind: str) -> None:
    session.add(
        CustomerInteraction(business_id=program.business_id, customer_id=customer_id, kind=kind)
    )


def _publish_card_change(session: Session, program: LoyaltyProgram, card: LoyaltyCard, kind: str):
    publish(
        session,
        [customer_topic(card.customer_id), business_topic(program.business_id)],
        kind,
        {"card_id": card.id, "program_id": program.id},
    )


def credit_points(
    session: Session,
    card: LoyaltyCard,
    program: LoyaltyProgram,
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
        card,
        TransactionKind.EARN,
        points,
        actor_id=actor_id,
        idempotency_key=idempotency_key,
        note=note,
    )
    if created:
        business = session.get(Business, program.business_id)
        notify_customer(
            session,
            card.customer_id,
            NotificationType.POINTS_ADDED,
            "Points added",
            f"You earned {amount_label(program, points)} from {business.name}!",
            business_id=business.id,
            data={"card_id": card.id, "program_id": program.id, "points": points},
        )
        _record_visit(session, program, card.customer_id, "award")
        _publish_card_change(session, program, card, "points.awarded")
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
    card, program, business = card_with_program(session, card_id)
    require_business_permission(session, actor, business.id, Permission.AWARD)
    _require_active_card(session, card)
    transaction = credit_points(
        session,
        card,
        program,
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
    card, program, business = card_with_program(session, card_id)
    require_business_permission(session, actor, business.id, Permission.DEDUCT)
    existing = approvals.find_by_key(session, idempotency_key)
    if existing is not None:
        if (
            existing.kind != ApprovalKind.POINTS_DEDUCTION
            or existing.program_id != program.id
            or existing.customer_id != card.customer_id
        ):
            raise ConflictError("This request key was already used for another operation.")
        return existing
    _require_active_card(session, card)
    if points > card.balance:
        raise InsufficientPointsError(f"The card holds only {amount_label(program, card.balance)}.")
    request = approvals.open_request(
        session,
        kind=ApprovalKind.POINTS_DEDUCTION,
        customer_id=card.customer_id,
        business_id=business.id,
        program_id=program.id,
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
        f"{business.name} wants to deduct {amount_label(program, points)} "
        f"from your {program.name} card{why}.",
        business_id=business.id,
        data={"card_id": card.id, "program_id": program.id, "points": points},
        approval_request_id=request.id,
    )
    _publish_card_change(session, program, card, "deduction.requested")
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
    program = session.get(LoyaltyProgram, request.program_id)
    card = card_of(session, customer.id, program.id)
    label = amount_label(program, request.points)
    transaction = None
    if accept:
        transaction, _ = _apply(
            session,
            card,
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
            f"{label} were deducted from your {program.name} card.",
            business_id=program.business_id,
            data={"card_id": card.id, "points": request.points},
        )
        notify_business(
            session,
            program.business_id,
            NotificationType.POINTS_DEDUCTED,
            f"{customer.name} approved the deduction of {label}.",
            customer_id=customer.id,
        )
        _record_visit(session, program, customer.id, "deduct")
    else:
        notify_business(
            session,
            program.business_id,
            NotificationType.POINTS_DEDUCTION_DECLINED,
            f"{customer.name} declined the deduction of {label}.",
            customer_id=customer.id,
        )
    _publish_card_change(session, program, card, "deduction.answered")
    session.commit()
    return transaction


@atomic
def redeem_reward(
    session: Session, actor: User, card_id: int, reward_id: int, idempotency_key: str
) -> PointTransaction:
    """Spend points on a reward; the transaction carries the code to show at the counter."""
    customer = require_customer(actor)
    check_key(idempotency_key)
    card = get_card(session, card_id)
    if card.customer_id != customer.id:
        raise NotFoundError("Card not found.")
    reward = get_row(session, Reward, reward_id)
    if reward is None or reward.program_id != card.program_id or not reward.is_active:
        raise NotFoundError("This reward is not available on this card.")
    existing = find_transaction(session, idempotency_key)
    if existing is not None:
        return _same_operation(existing, card, TransactionKind.REDEEM)
    program = _require_active_card(session, card)
    if card.balance < reward.cost:
        raise InsufficientPointsError(
            f"{reward.name} costs {amount_label(program, reward.cost)}; "
            f"you have {amount_label(program, card.balance)}."
        )
    transaction, created = _apply(
        session,
        card,
        TransactionKind.REDEEM,
        -reward.cost,
        actor_id=customer.id,
        idempotency_key=idempotency_key,
        reward_id=reward.id,
        note=reward.name,
    )
    if created:
        business = session.get(Business, program.business_id)
        notify_customer(
            session,
            customer.id,
            NotificationType.REWARD_REDEEMED,
            "Reward redeemed",
            f"You redeemed {reward.name} at {business.name}. "
            f"Show code {transaction.redemption_code} at the counter.",
            business_id=business.id,
            data={"card_id": card.id, "reward_id": reward.id, "code": transaction.redemption_code},
        )
        notify_business(
            session,
            business.id,
            NotificationType.REWARD_REDEEMED,
            f"{customer.name} redeemed {reward.name} (code {transaction.redemption_code}).",
            customer_id=customer.id,
        )
        _publish_card_change(session, program, card, "reward.redeemed")
    session.commit()
    return transaction
