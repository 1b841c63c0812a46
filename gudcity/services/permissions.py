"""Who may do what: customers act on their own things, owners on their business,
staff on what their permissions allow.

Leaf helpers every use case calls to check its actor; `seat_of` tells a page
which business a user acts for and what they may do there.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlmodel import Session, select

from gudcity.domain.errors import PermissionDeniedError
from gudcity.i18n.catalogue import N_
from gudcity.models import Business, StaffPermission, User, UserRole
from gudcity.services.lookups import get_business


class Permission(StrEnum):
    SCAN = "can_scan"
    AWARD = "can_award"
    DEDUCT = "can_deduct"
    MANAGE_PROGRAMS = "can_manage_programs"
    # The dashboard and the CSV exports.
    REPORTS = "can_view_reports"
    VIEW_CUSTOMERS = "view_customers"


# Staff given a temporary password act for the business once they chose their own.
CHOOSE_PASSWORD_FIRST = N_("Choose your own password first.")

# What a staff row can grant; every member of a business may see its customers.
GRANTABLE = tuple(p for p in Permission if p != Permission.VIEW_CUSTOMERS)


def require_customer(actor: User) -> User:
    if actor is None or actor.role != UserRole.CUSTOMER:
        raise PermissionDeniedError("Only customers can do this.")
    return actor


def require_business_owner(session: Session, actor: User, business_id: int) -> Business:
    business = get_business(session, business_id)
    if actor is None or business.owner_id != actor.id:
        raise PermissionDeniedError("Only the owner of this business can do this.")
    return business


def _staff_row(session: Session, actor: User, business: Business) -> StaffPermission | None:
    if actor is None or business.owner_id == actor.id:
        return None
    return session.exec(
        select(StaffPermission).where(
            StaffPermission.business_id == business.id, StaffPermission.user_id == actor.id
        )
    ).first()


def require_business_permission(
    session: Session, actor: User, business_id: int, permission: Permission
) -> Business:
    """The business, if `actor` owns it or is its staff with `permission`."""
    business = get_business(session, business_id)
    staff = _staff_row(session, actor, business)
    check_business_permission(actor, business.owner_id, staff, permission)
    return business


def check_business_permission(
    actor: User | None, owner_id: int, staff: Any, permission: Permission
) -> None:
    """The rule: the owner may do everything, staff what their row allows, others nothing.

    `staff` is the actor's StaffPermission at the business, or any row with its
    columns (the ledger reads it in the same query as the card), or None.
    """
    if actor is None:
        raise PermissionDeniedError("Please log in.")
    if actor.must_change_password:
        raise PermissionDeniedError(CHOOSE_PASSWORD_FIRST)
    if owner_id == actor.id:
        return
    if staff is None:
        raise PermissionDeniedError("You do not work for this business.")
    if permission != Permission.VIEW_CUSTOMERS and not getattr(staff, permission.value):
        raise PermissionDeniedError("You do not have permission to do this.")


def businesses_of(session: Session, actor: User) -> list[Business]:
    """The businesses an owner or staff member works for."""
    if actor is None:
        raise PermissionDeniedError("Please log in.")
    owned = select(Business).where(Business.owner_id == actor.id)
    staffed = (
        select(Business)
        .join(StaffPermission, StaffPermission.business_id == Business.id)
        .where(StaffPermission.user_id == actor.id)
    )
    found = {b.id: b for b in session.exec(owned)} | {b.id: b for b in session.exec(staffed)}
    return sorted(found.values(), key=lambda b: b.id)


@dataclass(frozen=True)
class Seat:
    """The business a user acts for, and what they may do there."""

    business_id: int
    business_name: str
    is_owner: bool
    permissions: frozenset[Permission]

    def allows(self, permission: Permission) -> bool:
        return permission in self.permissions


def seat_of(session: Session, actor: User) -> Seat:
    """Where a business user works: owners and staff act for their first business."""
    businesses = businesses_of(session, actor)
    if not businesses:
        raise PermissionDeniedError("Your account is not linked to a business.")
    business = businesses[0]
    staff = _staff_row(session, actor, business)
    allowed = frozenset(
        permission
        for permission in Permission
        if _allows(actor, business.owner_id, staff, permission)
    )
    return Seat(business.id, business.name, business.owner_id == actor.id, allowed)


def _allows(actor: User, owner_id: int, staff: Any, permission: Permission) -> bool:
    try:
        check_business_permission(actor, owner_id, staff, permission)
    except PermissionDeniedError:
        return False
    return True
