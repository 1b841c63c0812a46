"""The scan workflow: a business identifies a customer at the counter.

The customer is identified by the signed token in their QR code (`scan_token`),
by the typed card number, or already by id (`scan_customer`). A photo or camera
frame is read into text first by `decode_qr` (gudcity/services/decoding.py, the
one decoder; importable from here too, where the scanner's callers look for it).
"""

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gudcity.domain.card_numbers import is_valid_card_number, normalize_card_number
from gudcity.domain.errors import NotFoundError, ValidationError
from gudcity.domain.qr_tokens import InvalidQrError, UnknownCustomerQrError
from gudcity.domain.scans import ScanOutcome, scan_award_key, scan_invitation_key
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    ApprovalRequest,
    Business,
    LoyaltyCard,
    LoyaltyProgram,
    NotificationType,
    PointTransaction,
    QrScanLog,
    StaffActionKind,
    User,
    UserRole,
)
from gudcity.services import enrollment
from gudcity.services.atomic import atomic
from gudcity.services.checks import check_program_running, check_same_operation
from gudcity.services.decoding import decode_qr as decode_qr
from gudcity.services.earning import earn
from gudcity.services.inputs import check_key
from gudcity.services.ledger import CardFacts, claim_scan_award, scan_award_wait
from gudcity.services.lookups import (
    card_of,
    find_transaction,
    get_customer,
    get_program,
    is_enrolled,
    pending_enrollment_request,
)
from gudcity.services.notify import notify_customer
from gudcity.services.outbox import business_topic, customer_topic, publish
from gudcity.services.permissions import Permission, require_business_permission
from gudcity.services.qr_cards import verify_token
from gudcity.services.staff_log import record_staff_action
from gudcity.services.visits import record_visit


@dataclass(frozen=True)
class ScanResult:
    outcome: str
    customer: User
    program: LoyaltyProgram
    card: LoyaltyCard | None = None
    transaction: PointTransaction | None = None
    enrollment_request: ApprovalRequest | None = None
    # Within the cooldown: seconds until the card's next scan award.
    wait_seconds: int = 0


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


KEY_USED_ELSEWHERE = N_("This request was already used for another scan: scan again.")


def _replayed(session: Session, idempotency_key: str, program: LoyaltyProgram) -> QrScanLog | None:
    """The scan already done under this key in this program, if any.

    A key stands for one scan: used in another program (another business's, say),
    it is refused rather than answered with that scan's customer and points.
    """
    entry = session.exec(
        select(QrScanLog).where(QrScanLog.idempotency_key == idempotency_key)
    ).first()
    if entry is not None:
        check_same_operation(entry.program_id == program.id, KEY_USED_ELSEWHERE)
    return entry


def _result_of(session: Session, entry: QrScanLog, customer: User, program: LoyaltyProgram):
    """Rebuild the result of a scan already done, for a repeated delivery."""
    card = card_of(session, customer.id, program.id)
    request = pending_enrollment_request(session, customer.id, program.id)
    award = find_transaction(session, scan_award_key(entry.idempotency_key))
    return ScanResult(
        entry.outcome,
        customer,
        program,
        card=card,
        transaction=award,
        enrollment_request=request,
    )


@atomic
def scan_customer(
    session: Session, actor: User, program_id: int, customer_id: int, idempotency_key: str
) -> ScanResult:
    """Run the workflow for one scan in the chosen program.

    The customer is told their QR was scanned; then either an enrollment request
    goes out (not enrolled) or the program's automatic award is made (enrolled,
    once per cooldown). A repeated `idempotency_key` does nothing again.
    """
    check_key(idempotency_key)
    program = get_program(session, program_id)
    business = require_business_permission(session, actor, program.business_id, Permission.SCAN)
    customer = get_customer(session, customer_id)
    check_program_running(program)
    replay = _replayed(session, idempotency_key, program)
    if replay is not None:
        check_same_operation(replay.customer_id == customer.id, KEY_USED_ELSEWHERE)
        return _result_of(session, replay, customer, program)

    scan_note = _tell_scanned(session, business, program, customer)
    if not is_enrolled(session, customer.id, program.id):
        result = _invite(session, actor, business, program, customer, idempotency_key)
    else:
        result = _award_for_scan(
            session, actor, business, program, customer, idempotency_key, scan_note
        )
    _log(
        session,
        actor,
        business.id,
        result.outcome,
        customer_id=customer.id,
        program_id=program.id,
        idempotency_key=idempotency_key,
    )
    record_staff_action(
        session,
        business_id=business.id,
        actor_id=actor.id,
        kind=StaffActionKind.SCAN,
        customer_id=customer.id,
        program_id=program.id,
        detail=result.outcome,
    )
    return _commit_scan(session, result, idempotency_key)


def _tell_scanned(
    session: Session, business: Business, program: LoyaltyProgram, customer: User
) -> int:
    """The customer hears of the scan, the visit is logged, both sides' pages re-read;
    the scan notification's id (the award it earns names it)."""
    scan_note = notify_customer(
        session,
        customer.id,
        NotificationType.QR_SCANNED,
        Message(N_("QR code scanned")),
        Message(N_("Your QR code was scanned by {business}"), {"business": business.name}),
        business_id=business.id,
        data={"program_id": program.id},
    )
    record_visit(session, business.id, customer.id, "scan", business.time_zone)
    publish(
        session,
        [customer_topic(customer.id), business_topic(business.id)],
        "scan.completed",
        {"customer_id": customer.id, "program_id": program.id},
    )
    return scan_note


def _commit_scan(session: Session, result: ScanResult, idempotency_key: str) -> ScanResult:
    """Commit; the same scan delivered twice at once gets the other delivery's result."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        replay = _replayed(session, idempotency_key, result.program)
        same_scan = replay is not None and replay.customer_id == result.customer.id
        check_same_operation(same_scan, KEY_USED_ELSEWHERE)
        return _result_of(session, replay, result.customer, result.program)
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
        scan_invitation_key(idempotency_key),
        points_on_accept=program.points_per_scan,
    )
    return ScanResult(
        ScanOutcome.ENROLLMENT_REQUESTED, customer, program, enrollment_request=request
    )


def _award_for_scan(
    session: Session,
    actor: User,
    business: Business,
    program: LoyaltyProgram,
    customer: User,
    idempotency_key: str,
    scan_note: int,
) -> ScanResult:
    card = card_of(session, customer.id, program.id)
    if not claim_scan_award(session, card, program):
        wait = scan_award_wait(session, card.id, program)
        return ScanResult(ScanOutcome.COOLDOWN, customer, program, card=card, wait_seconds=wait)
    transaction = earn(
        session,
        CardFacts.of(card, program, business),
        program.points_per_scan,
        actor_id=actor.id,
        idempotency_key=scan_award_key(idempotency_key),
        note="Scan",
        scan_note=scan_note,
    )
    return ScanResult(ScanOutcome.AWARDED, customer, program, card=card, transaction=transaction)


@atomic
def scan_token(
    session: Session, actor: User, program_id: int, token: str, idempotency_key: str
) -> ScanResult:
    """Run the scan workflow for the customer named by a scanned QR token.

    A token that fails verification or names no customer is logged (with the
    reason) in the business's scan log and refused; nothing else is written. A
    scan delivered again gets its first result, even once its token has expired.
    """
    check_key(idempotency_key)
    program = get_program(session, program_id)
    business = require_business_permission(session, actor, program.business_id, Permission.SCAN)
    replay = _replayed(session, idempotency_key, program)
    if replay is not None and replay.customer_id is not None:
        return scan_customer(session, actor, program.id, replay.customer_id, idempotency_key)
    try:
        public_id = verify_token(token)
        customer = session.exec(
            select(User).where(User.public_id == public_id, User.role == UserRole.CUSTOMER)
        ).first()
        if customer is None:
            raise UnknownCustomerQrError()
    except InvalidQrError as error:
        _log(session, actor, business.id, error.outcome, program_id=program.id, detail=error.reason)
        session.commit()
        raise
    return scan_customer(session, actor, program.id, customer.id, idempotency_key)
