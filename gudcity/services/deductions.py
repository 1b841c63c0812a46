"""Taking points off a card: the business asks, the customer approves or declines."""

from datetime import timedelta

from sqlmodel import Session

from gudcity.domain.errors import InsufficientPointsError
from gudcity.domain.labels import amount_message, deducted_message
from gudcity.domain.mentions import CUSTOMER
from gudcity.i18n.catalogue import N_, NP_, Message
from gudcity.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    NotificationType,
    PointTransaction,
    ProgramKind,
    StaffActionKind,
    TransactionKind,
    User,
)
from gudcity.services import approvals
from gudcity.services.atomic import atomic
from gudcity.services.checks import check_same_operation
from gudcity.services.inputs import check_amount, check_key, check_text
from gudcity.services.ledger import (
    CardFacts,
    card_access,
    publish_card_change,
    require_active,
    write_ledger_row,
)
from gudcity.services.lookups import card_of
from gudcity.services.notify import notify_business, notify_customer
from gudcity.services.permissions import Permission, check_business_permission, require_customer
from gudcity.services.staff_log import record_staff_action
from gudcity.services.tier_levels import settle_after_spend
from gudcity.services.visits import record_visit
from gudcity.settings import get_settings

# An approved deduction, told the customer: one whole sentence for each program's kind.
_DEDUCTED_FROM = {
    ProgramKind.POINTS: NP_(
        "{count} point was deducted from your {program} card.",
        "{count} points were deducted from your {program} card.",
    ),
    ProgramKind.STAMPS: NP_(
        "{count} stamp was deducted from your {program} card.",
        "{count} stamps were deducted from your {program} card.",
    ),
}


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
    check_text(reason, N_("The reason"))
    access = card_access(session, card_id, actor)
    card = access.card
    check_business_permission(actor, card.owner_id, access.staff, Permission.DEDUCT)
    existing = approvals.find_by_key(session, idempotency_key)
    if existing is not None:
        check_same_operation(
            existing.kind == ApprovalKind.POINTS_DEDUCTION
            and existing.program_id == card.program_id
            and existing.customer_id == card.customer_id
        )
        return existing
    require_active(access)
    if points > card.balance:
        raise InsufficientPointsError(
            "The card holds only {amount}.",
            amount=amount_message(card.program_kind, card.balance),
        )
    request = _open_deduction_request(session, actor, card, points, idempotency_key)
    _ask_the_customer(session, card, request, reason)
    record_staff_action(
        session,
        business_id=card.business_id,
        actor_id=actor.id,
        kind=StaffActionKind.DEDUCTION_REQUEST,
        customer_id=card.customer_id,
        program_id=card.program_id,
        amount=points,
    )
    publish_card_change(session, card, "deduction.requested")
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
    held = card_of(session, customer.id, request.program_id)
    access = card_access(session, held.id, customer)
    if accept:
        # As request_deduction refuses a paused or archived program (or a card left):
        # the request stays open till it expires, and the customer may still decline.
        require_active(access)
    approvals.decide(
        session, request, ApprovalStatus.APPROVED if accept else ApprovalStatus.DECLINED
    )
    card = access.card
    amount = amount_message(card.program_kind, request.points)
    if accept:
        transaction = _deduct(session, customer, card, request, amount)
    else:
        transaction = None
        notify_business(
            session,
            card.business_id,
            NotificationType.POINTS_DEDUCTION_DECLINED,
            Message(
                N_("{customer} declined the deduction of {amount}."),
                {CUSTOMER: customer.name, "amount": amount},
            ),
            customer_id=customer.id,
        )
    publish_card_change(session, card, "deduction.answered")
    session.commit()
    return transaction


def _open_deduction_request(
    session: Session, actor: User, card: CardFacts, points: int, idempotency_key: str
) -> ApprovalRequest:
    return approvals.open_request(
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


def _ask_the_customer(
    session: Session, card: CardFacts, request: ApprovalRequest, reason: str
) -> None:
    """The notification with Approve / Decline that the customer answers."""
    points, why = request.points, reason.strip()[:200]
    args = {
        "business": card.business_name,
        "amount": amount_message(card.program_kind, points),
        "program": card.program_name,
        "reason": why,
    }
    asked = (
        N_("{business} wants to deduct {amount} from your {program} card ({reason}).")
        if why
        else N_("{business} wants to deduct {amount} from your {program} card.")
    )
    notify_customer(
        session,
        card.customer_id,
        NotificationType.POINTS_DEDUCTION_REQUEST,
        Message(N_("Approve a deduction?")),
        Message(asked, args),
        business_id=card.business_id,
        data={"card_id": card.card_id, "program_id": card.program_id, "points": points},
        approval_request_id=request.id,
    )


def _deduct(
    session: Session, customer: User, card: CardFacts, request: ApprovalRequest, amount: Message
) -> PointTransaction:
    """The approved deduction: its ledger row, and both sides told."""
    transaction, _ = write_ledger_row(
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
        deducted_message(card.program_kind, request.points),
        Message.plural_of(
            _DEDUCTED_FROM[card.program_kind], request.points, program=card.program_name
        ),
        business_id=card.business_id,
        data={"card_id": card.card_id, "points": request.points},
    )
    notify_business(
        session,
        card.business_id,
        NotificationType.POINTS_DEDUCTED,
        Message(
            N_("{customer} approved the deduction of {amount}."),
            {CUSTOMER: customer.name, "amount": amount},
        ),
        customer_id=customer.id,
    )
    record_visit(session, card.business_id, customer.id, "deduct", card.time_zone)
    settle_after_spend(session, card)
    return transaction
