"""The scan workflow: a business identifies a customer at the counter.

Decoding QR images and signed tokens come with the scanning issue; here the
customer is already identified (by id, or by the typed card number).
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gudcity.models import (
    ApprovalRequest,
    Business,
    CustomerInteraction,
    LoyaltyCard,
    LoyaltyProgram,
    NotificationType,
    PointTransaction,
    QrScanLog,
    User,
    UserRole,
)
from gudcity.services import enrollment, points
from gudcity.services.accounts import Permission, require_business_permission
from gudcity.services.card_numbers import is_valid_card_number, normalize_card_number
from gudcity.services.errors import NotFoundError, ValidationError
from gudcity.services.events import business_topic, customer_topic, publish
from gudcity.services.notifications import notify_customer
from gudcity.services.programs import get_program
from gudcity.services.transaction import atomic


class ScanOutcome(StrEnum):
    AWARDED = "AWARDED"
    COOLDOWN = "COOLDOWN"
    ENROLLMENT_REQUESTED = "ENROLLMENT_REQUESTED"
    UNKNOWN_CARD = "UNKNOWN_CARD"


@dataclass(frozen=True)
class ScanResult:
    outcome: str
    customer: User
    program: LoyaltyProgram
    card: LoyaltyCard | None = None
    transaction: PointTransaction | None = None
    enrollment_request: ApprovalRequest | None = None


def _log(
    session: Session,
    actor: User,
    business_id: int,
    outcome: str,
    *,
    customer_id: int | None = None,
    program_id: int | None = None,
    detail: str = "",
    idempotency_key: str | None = None,
) -> QrScanLog:
    entry = QrScanLog(
        business_id=business_id,
        scanned_by=actor.id,
        customer_id=customer_id,
        program_id=program_id,
        outcome=outcome,
        detail=detail[:255],
        idempotency_key=idempotency_key,
    )
    session.add(entry)
    return entry


@atomic
def find_customer_by_card_number(
    session: Session, actor: User, business_id: int, typed: str
) -> User:
    """Typed entry: the customer's GudCity number or one of their program cards.

    A number whose check digit fails is refused before any look-up; an unknown one
    is logged like a failed scan.
    """
    require_business_permission(session, actor, business_id, Permission.SCAN)
    number = normalize_card_number(typed)
    if not is_valid_card_number(number):
        raise ValidationError("That card number is not valid: check the digits.")
    customer = session.exec(
        select(User).where(User.card_number == number, User.role == UserRole.CUSTOMER)
    ).first()
    if customer is None:
        card = session.exec(select(LoyaltyCard).where(LoyaltyCard.card_number == number)).first()
        customer = session.get(User, card.customer_id) if card else None
    if customer is None:
        _log(session, actor, business_id, ScanOutcome.UNKNOWN_CARD, detail=number)
        session.commit()
        raise NotFoundError("No customer has this card number.")
    return customer


def _replayed(session: Session, idempotency_key: str) -> QrScanLog | None:
    return session.exec(
        select(QrScanLog).where(QrScanLog.idempotency_key == idempotency_key)
    ).first()


def _result_of(session: Session, entry: QrScanLog, customer: User, program: LoyaltyProgram):
    """Rebuild the result of a scan already done, for a repeated delivery."""
    card = points.card_of(session, customer.id, program.id)
    request = enrollment.pending_enrollment_request(session, customer.id, program.id)
    return ScanResult(entry.outcome, customer, program, card=card, enrollment_request=request)


@atomic
def scan_customer(
    session: Session, actor: User, program_id: int, customer_id: int, idempotency_key: str
) -> ScanResult:
    """Run the workflow for one scan in the chosen program.

    The customer is told their QR was scanned; then either an enrollment request
    goes out (not enrolled) or the program's automatic award is made (enrolled,
    once per cooldown). A repeated `idempotency_key` does nothing again.
    """
    points.check_key(idempotency_key)
    program = get_program(session, program_id)
    business = require_business_permission(session, actor, program.business_id, Permission.SCAN)
    customer = enrollment.get_customer(session, customer_id)
    if not program.is_active:
        raise ValidationError(f"{program.name} is paused.")
    replay = _replayed(session, idempotency_key)
    if replay is not None:
        return _result_of(session, replay, customer, program)

    notify_customer(
        session,
        customer.id,
        NotificationType.QR_SCANNED,
        "QR code scanned",
        f"Your QR code was scanned by {business.name}",
        business_id=business.id,
        data={"program_id": program.id},
    )
    session.add(CustomerInteraction(business_id=business.id, customer_id=customer.id, kind="scan"))
    if not points.is_enrolled(session, customer.id, program.id):
        result = _invite(session, actor, business, program, customer, idempotency_key)
    else:
        result = _award_for_scan(session, actor, program, customer, idempotency_key)
    _log(
        session,
        actor,
        business.id,
        result.outcome,
        customer_id=customer.id,
        program_id=program.id,
        idempotency_key=idempotency_key,
    )
    publish(
        session,
        [customer_topic(customer.id), business_topic(business.id)],
        "scan.completed",
        {"customer_id": customer.id, "program_id": program.id},
    )
    try:
        session.commit()
    except IntegrityError:
        # The same scan, delivered twice at once: the other delivery did the work.
        session.rollback()
        return _result_of(session, _replayed(session, idempotency_key), customer, program)
    return result


def _invite(
    session: Session,
    actor: User,
    business: Business,
    program: LoyaltyProgram,
    customer: User,
    idempotency_key: str,
) -> ScanResult:
    request = enrollment.open_enrollment_request(
        session,
        actor,
        business,
        program,
        customer,
        f"scan-enroll:{idempotency_key}",
        points_on_accept=program.points_per_scan,
    )
    return ScanResult(
        ScanOutcome.ENROLLMENT_REQUESTED, customer, program, enrollment_request=request
    )


def _award_for_scan(
    session: Session, actor: User, program: LoyaltyProgram, customer: User, idempotency_key: str
) -> ScanResult:
    card = points.card_of(session, customer.id, program.id)
    if not points.claim_scan_award(session, card, program):
        return ScanResult(ScanOutcome.COOLDOWN, customer, program, card=card)
    transaction = points.credit_points(
        session,
        card,
        program,
        program.points_per_scan,
        actor_id=actor.id,
        idempotency_key=f"scan-award:{idempotency_key}",
        note="Scan",
    )
    session.refresh(card)
    return ScanResult(ScanOutcome.AWARDED, customer, program, card=card, transaction=transaction)
