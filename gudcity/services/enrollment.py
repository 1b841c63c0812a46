"""Enrollment: a business asks, the customer accepts or declines; or the customer joins."""

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gudcity.domain.card_numbers import new_card_number
from gudcity.domain.errors import ConflictError, NotFoundError
from gudcity.domain.mentions import CUSTOMER
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    Business,
    EnrollmentStatus,
    LoyaltyCard,
    LoyaltyProgram,
    NotificationType,
    ProgramEnrollment,
    RewardCode,
    RewardCodeStatus,
    StaffActionKind,
    User,
    utc_now,
)
from gudcity.services import approvals
from gudcity.services.analytics_log import record_enrollment_change, record_new_card
from gudcity.services.atomic import atomic
from gudcity.services.checks import (
    PAUSED_TILL_IT_REOPENS,
    check_program_running,
    check_same_operation,
)
from gudcity.services.earning import earn
from gudcity.services.inputs import check_key
from gudcity.services.invitations import check_invitation_caps
from gudcity.services.ledger import CardFacts, start_scan_cooldown
from gudcity.services.lookups import (
    card_of,
    enrollment_of,
    get_customer,
    get_program,
    is_enrolled,
    pending_enrollment_request,
)
from gudcity.services.notify import notify_business, notify_customer
from gudcity.services.outbox import business_topic, customer_topic, publish
from gudcity.services.permissions import Permission, require_business_permission, require_customer
from gudcity.services.reward_codes import cancel_waiting
from gudcity.services.staff_log import record_staff_action
from gudcity.services.visits import record_visit
from gudcity.services.welcome import grant_welcome_bonus
from gudcity.settings import get_settings


@dataclass(frozen=True)
class EnrollmentAnswer:
    enrollment: ProgramEnrollment
    card: LoyaltyCard | None


def _set_enrollment(
    session: Session, customer_id: int, program: LoyaltyProgram, status: EnrollmentStatus
) -> ProgramEnrollment:
    """Set the status; an enrollment that becomes active, or stops being, is logged."""
    enrollment = enrollment_of(session, customer_id, program.id)
    was_active = enrollment is not None and enrollment.status == EnrollmentStatus.ACTIVE
    enrollment = enrollment or ProgramEnrollment(
        customer_id=customer_id, program_id=program.id, status=status
    )
    enrollment.status = status
    enrollment.updated_at = utc_now()
    session.add(enrollment)
    if was_active != (status == EnrollmentStatus.ACTIVE):
        # The flush stays where it was: a concurrent join's clash is caught there.
        with session.no_autoflush:
            record_enrollment_change(
                session,
                business_id=program.business_id,
                program_id=program.id,
                customer_id=customer_id,
                time_zone=session.get(Business, program.business_id).time_zone,
                active=not was_active,
                moment=enrollment.updated_at,
            )
    return enrollment


def _issue_card(
    session: Session, customer_id: int, program: LoyaltyProgram
) -> tuple[LoyaltyCard, bool]:
    """The customer's card for the program (a rejoin keeps the old one), and whether it is new."""
    card = card_of(session, customer_id, program.id)
    if card is not None:
        return card, False
    card = LoyaltyCard(
        customer_id=customer_id, program_id=program.id, card_number=new_card_number()
    )
    session.add(card)
    session.flush()
    business = session.get(Business, program.business_id)
    record_new_card(session, business.id, program.id, card.id, business.time_zone, card.created_at)
    return card, True


def _publish(session: Session, program: LoyaltyProgram, customer_id: int, kind: str) -> None:
    publish(
        session,
        [customer_topic(customer_id), business_topic(program.business_id)],
        kind,
        {"program_id": program.id, "customer_id": customer_id},
    )


@atomic
def request_enrollment(
    session: Session,
    actor: User,
    program_id: int,
    customer_id: int,
    idempotency_key: str,
) -> ApprovalRequest:
    """A business asks a customer to join a program (the scanner's "Enroll")."""
    check_key(idempotency_key)
    program = get_program(session, program_id)
    business = require_business_permission(session, actor, program.business_id, Permission.SCAN)
    customer = get_customer(session, customer_id)
    check_program_running(program)
    request = open_enrollment_request(session, actor, business, program, customer, idempotency_key)
    session.commit()
    return request


def _check_not_enrolled(session: Session, customer: User, program: LoyaltyProgram) -> None:
    if is_enrolled(session, customer.id, program.id):
        names = {"customer": customer.name, "program": program.name}
        raise ConflictError("{customer} is already enrolled in {program}.", **names)


def open_enrollment_request(
    session: Session,
    actor: User,
    business: Business,
    program: LoyaltyProgram,
    customer: User,
    idempotency_key: str,
    *,
    points_on_accept: int = 0,
) -> ApprovalRequest:
    """Add a request to the session, or return the one still open; the caller commits.

    `points_on_accept` is what a scan would have earned: it is awarded when the
    customer accepts, so the first visit counts.
    """
    _check_not_enrolled(session, customer, program)
    existing = approvals.find_by_key(session, idempotency_key)
    if existing is not None:
        check_same_operation(
            existing.kind == ApprovalKind.ENROLLMENT
            and existing.program_id == program.id
            and existing.customer_id == customer.id
        )
    existing = existing or pending_enrollment_request(session, customer.id, program.id)
    if existing is not None:
        return existing
    check_invitation_caps(session, business.id, customer.id)
    request = approvals.open_request(
        session,
        kind=ApprovalKind.ENROLLMENT,
        customer_id=customer.id,
        business_id=business.id,
        program_id=program.id,
        requested_by=actor.id,
        points=points_on_accept,
        idempotency_key=idempotency_key,
        ttl=timedelta(hours=get_settings().enrollment_request_ttl_hours),
    )
    _set_enrollment(session, customer.id, program, EnrollmentStatus.PENDING)
    _ask_to_join(session, business, program, customer, request)
    record_staff_action(
        session,
        business_id=business.id,
        actor_id=actor.id,
        kind=StaffActionKind.ENROLLMENT_REQUEST,
        customer_id=customer.id,
        program_id=program.id,
    )
    return request


def _ask_to_join(
    session: Session,
    business: Business,
    program: LoyaltyProgram,
    customer: User,
    request: ApprovalRequest,
) -> None:
    """The invitation the customer answers with Accept / Decline."""
    notify_customer(
        session,
        customer.id,
        NotificationType.ENROLLMENT_REQUEST,
        Message(N_("Join a loyalty program?")),
        Message(
            N_("{business} invites you to join {program}."),
            {"business": business.name, "program": program.name},
        ),
        business_id=business.id,
        data={"program_id": program.id},
        approval_request_id=request.id,
    )
    _publish(session, program, customer.id, "enrollment.requested")


def _welcome(
    session: Session, customer: User, program: LoyaltyProgram, card: LoyaltyCard, card_is_new: bool
) -> None:
    business = session.get(Business, program.business_id)
    if card_is_new:
        notify_customer(
            session,
            customer.id,
            NotificationType.CARD_CREATED,
            Message(N_("New card")),
            Message(
                N_("Your {program} card at {business} is ready."),
                {"program": program.name, "business": business.name},
            ),
            business_id=business.id,
            data={"program_id": program.id},
        )
        grant_welcome_bonus(session, card, program, business)
    notify_customer(
        session,
        customer.id,
        NotificationType.ENROLLMENT_ACCEPTED,
        Message(N_("Enrolled")),
        Message(
            N_("You joined {program} at {business}."),
            {"program": program.name, "business": business.name},
        ),
        business_id=business.id,
        data={"program_id": program.id},
    )
    notify_business(
        session,
        business.id,
        NotificationType.ENROLLMENT_ACCEPTED,
        Message(
            N_("{customer} joined {program}."), {CUSTOMER: customer.name, "program": program.name}
        ),
        customer_id=customer.id,
    )
    record_visit(session, business.id, customer.id, "enroll", business.time_zone)


@atomic
def respond_to_enrollment(
    session: Session, actor: User, request_id: int, accept: bool
) -> EnrollmentAnswer:
    """Accept (enrollment, card, the scan's points) or decline (only the answer is kept)."""
    customer = require_customer(actor)
    request = approvals.customers_request(session, customer, request_id, ApprovalKind.ENROLLMENT)
    program = get_program(session, request.program_id)
    if approvals.is_expired(request):
        error = approvals.expire(session, request)
        _set_enrollment(session, customer.id, program, EnrollmentStatus.DECLINED)
        session.commit()
        raise error
    if accept:
        # As join_program refuses a paused program; the invitation stays open till it expires.
        check_program_running(program, paused=PAUSED_TILL_IT_REOPENS)
    approvals.decide(
        session, request, ApprovalStatus.APPROVED if accept else ApprovalStatus.DECLINED
    )
    if not accept:
        enrollment = _set_enrollment(session, customer.id, program, EnrollmentStatus.DECLINED)
        notify_business(
            session,
            program.business_id,
            NotificationType.ENROLLMENT_DECLINED,
            Message(
                N_("{customer} declined to join {program}."),
                {CUSTOMER: customer.name, "program": program.name},
            ),
            customer_id=customer.id,
        )
        _publish(session, program, customer.id, "enrollment.declined")
        session.commit()
        return EnrollmentAnswer(enrollment, None)
    enrollment = _set_enrollment(session, customer.id, program, EnrollmentStatus.ACTIVE)
    card, card_is_new = _issue_card(session, customer.id, program)
    _welcome(session, customer, program, card, card_is_new)
    if request.points > 0:
        earn(
            session,
            CardFacts.of(card, program, session.get(Business, program.business_id)),
            request.points,
            actor_id=request.requested_by,
            idempotency_key=f"enrollment-award:{request.id}",
            note="First visit",
        )
        # The invitation's points are the visit's scan award: a scan right after waits.
        start_scan_cooldown(session, card.id)
    _publish(session, program, customer.id, "enrollment.accepted")
    _commit_enrollment(session)
    return EnrollmentAnswer(enrollment, card)


@atomic
def join_program(session: Session, actor: User, program_id: int) -> EnrollmentAnswer:
    """A customer joins a program on their own; joining twice changes nothing."""
    customer = require_customer(actor)
    program = get_program(session, program_id)
    check_program_running(program)
    if is_enrolled(session, customer.id, program.id):
        return EnrollmentAnswer(
            enrollment_of(session, customer.id, program.id),
            card_of(session, customer.id, program.id),
        )
    pending = pending_enrollment_request(session, customer.id, program.id)
    if pending is not None:
        return respond_to_enrollment(session, customer, pending.id, accept=True)
    enrollment = _set_enrollment(session, customer.id, program, EnrollmentStatus.ACTIVE)
    card, card_is_new = _issue_card(session, customer.id, program)
    _welcome(session, customer, program, card, card_is_new)
    _publish(session, program, customer.id, "enrollment.joined")
    _commit_enrollment(session)
    return EnrollmentAnswer(enrollment, card)


@atomic
def leave_program(session: Session, actor: User, program_id: int) -> ProgramEnrollment:
    """The card and its balance are kept, hidden, and come back if the customer rejoins."""
    customer = require_customer(actor)
    program = get_program(session, program_id)
    if not is_enrolled(session, customer.id, program.id):
        raise NotFoundError("You are not enrolled in {program}.", program=program.name)
    enrollment = _set_enrollment(session, customer.id, program, EnrollmentStatus.LEFT)
    _close_what_waits(session, customer, program)
    _publish(session, program, customer.id, "enrollment.left")
    session.commit()
    return enrollment


def _close_what_waits(session: Session, customer: User, program: LoyaltyProgram) -> None:
    """Leaving ends the card's open business: nothing may move on a card nobody sees.

    Waiting reward codes are cancelled (their points go back on the kept card, as a
    cancel does) and pending deduction requests are declined, the business told.
    """
    card = card_of(session, customer.id, program.id)
    waiting = session.exec(
        select(RewardCode.id)
        .where(RewardCode.card_id == card.id, RewardCode.status == RewardCodeStatus.WAITING)
        .order_by(RewardCode.id)
    ).all()
    for code_id in waiting:
        cancel_waiting(session, code_id)
    for request in approvals.pending_requests(
        session, customer.id, program.id, ApprovalKind.POINTS_DEDUCTION
    ):
        approvals.decide(session, request, ApprovalStatus.DECLINED)
        notify_business(
            session,
            program.business_id,
            NotificationType.POINTS_DEDUCTION_DECLINED,
            Message(
                N_("{customer} left {program}: the deduction they were asked was withdrawn."),
                {CUSTOMER: customer.name, "program": program.name},
            ),
            customer_id=customer.id,
        )


def _commit_enrollment(session: Session) -> None:
    """Commit; a concurrent join of the same program loses on the unique constraints."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError("You are already enrolled in this program.") from None
