"""A customer's standing in one program, as the scanner shows it."""

from dataclasses import dataclass

from sqlmodel import Session

from gudcity.domain.membership import Membership
from gudcity.models import ProgramKind, User
from gudcity.services.lookups import (
    card_of,
    get_customer,
    get_program,
    is_enrolled,
    pending_enrollment_request,
)
from gudcity.services.permissions import Permission, require_business_permission


@dataclass(frozen=True)
class Standing:
    """The customer, their membership, and (once enrolled) their card and balance."""

    customer_id: int
    customer_name: str
    membership: Membership
    program_kind: ProgramKind
    card_id: int | None
    balance: int | None


def standing(session: Session, actor: User, program_id: int, customer_id: int) -> Standing:
    program = get_program(session, program_id)
    require_business_permission(session, actor, program.business_id, Permission.SCAN)
    customer = get_customer(session, customer_id)
    if is_enrolled(session, customer.id, program.id):
        membership = Membership.ENROLLED
    elif pending_enrollment_request(session, customer.id, program.id):
        membership = Membership.INVITED
    else:
        membership = Membership.NOT_ENROLLED
    card = card_of(session, customer.id, program.id) if membership == Membership.ENROLLED else None
    return Standing(
        customer.id,
        customer.name,
        membership,
        program.kind,
        card.id if card else None,
        card.balance if card else None,
    )
