"""The rows that several use cases look up, each found one way.

Leaf helpers: they read, never write, and import no use case.
"""

from sqlmodel import Session, select

from gudcity.domain.errors import NotFoundError
from gudcity.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    Business,
    EnrollmentStatus,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    ProgramEnrollment,
    User,
    UserRole,
    utc_now,
)
from gudcity.services.inputs import get_row


def get_customer(session: Session, customer_id: int) -> User:
    customer = get_row(session, User, customer_id)
    if customer is None or customer.role != UserRole.CUSTOMER:
        raise NotFoundError("Customer not found.")
    return customer


def get_business(session: Session, business_id: int) -> Business:
    business = get_row(session, Business, business_id)
    if business is None:
        raise NotFoundError("Business not found.")
    return business


def get_program(session: Session, program_id: int) -> LoyaltyProgram:
    program = get_row(session, LoyaltyProgram, program_id)
    if program is None:
        raise NotFoundError("Program not found.")
    return program


def card_of(session: Session, customer_id: int, program_id: int) -> LoyaltyCard | None:
    """The customer's card in the program, if they ever held one (kept after leaving)."""
    return session.exec(
        select(LoyaltyCard).where(
            LoyaltyCard.customer_id == customer_id, LoyaltyCard.program_id == program_id
        )
    ).first()


def enrollment_of(session: Session, customer_id: int, program_id: int) -> ProgramEnrollment | None:
    return session.exec(
        select(ProgramEnrollment).where(
            ProgramEnrollment.customer_id == customer_id,
            ProgramEnrollment.program_id == program_id,
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


def pending_enrollment_request(
    session: Session, customer_id: int, program_id: int
) -> ApprovalRequest | None:
    """The invitation to the program still waiting for the customer's answer, if any."""
    return session.exec(
        select(ApprovalRequest).where(
            ApprovalRequest.customer_id == customer_id,
            ApprovalRequest.program_id == program_id,
            ApprovalRequest.kind == ApprovalKind.ENROLLMENT,
            ApprovalRequest.status == ApprovalStatus.PENDING,
            ApprovalRequest.expires_at > utc_now(),
        )
    ).first()


def find_transaction(session: Session, key: str) -> PointTransaction | None:
    """The ledger row written under an idempotency key, if any."""
    return session.exec(
        select(PointTransaction).where(PointTransaction.idempotency_key == key)
    ).first()
