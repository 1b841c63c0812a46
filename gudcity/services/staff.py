"""A business's staff as its owner sees them: the list, each member's permissions, removal.

A member is added with accounts.add_staff_member (a new login, with a temporary
password). Every change is published on the business's topic: the owner's other
tabs show it, and the member's own open pages re-read their seat at once (they
lose the buttons they may no longer use, or, once removed, their session).
"""

from dataclasses import dataclass

from sqlmodel import Session, select

from gudcity.domain.errors import NotFoundError, PermissionDeniedError
from gudcity.i18n.catalogue import N_
from gudcity.models import Business, StaffPermission, User
from gudcity.services.accounts import check_permissions
from gudcity.services.atomic import atomic
from gudcity.services.inputs import is_row_id
from gudcity.services.outbox import business_topic, publish
from gudcity.services.permissions import GRANTABLE, Permission, require_business_owner
from gudcity.services.sessions import revoke_user_sessions

NOT_A_MEMBER = N_("That person is not on this business's staff.")
OWNER_STAYS = N_("You own this business: your own access cannot be changed or removed.")


@dataclass(frozen=True)
class StaffMember:
    user_id: int
    name: str
    email: str
    is_owner: bool
    permissions: frozenset[Permission]


def list_staff(session: Session, actor: User, business_id: int) -> list[StaffMember]:
    """The owner first, then the members by name."""
    business = require_business_owner(session, actor, business_id)
    owner = session.get(User, business.owner_id)
    members = session.exec(
        select(User, StaffPermission)
        .join(StaffPermission, StaffPermission.user_id == User.id)
        .where(StaffPermission.business_id == business.id)
        .order_by(User.name, User.id)
    ).all()
    every = frozenset(Permission)
    return [StaffMember(owner.id, owner.name, owner.email, True, every)] + [
        StaffMember(user.id, user.name, user.email, False, _granted(row)) for user, row in members
    ]


def _granted(row: StaffPermission) -> frozenset[Permission]:
    return frozenset(p for p in GRANTABLE if getattr(row, p.value))


def _member_row(session: Session, business: Business, user_id: int) -> StaffPermission:
    if user_id == business.owner_id:
        raise PermissionDeniedError(OWNER_STAYS)
    row = None
    if is_row_id(user_id):
        row = session.exec(
            select(StaffPermission).where(
                StaffPermission.business_id == business.id, StaffPermission.user_id == user_id
            )
        ).first()
    if row is None:
        raise NotFoundError(NOT_A_MEMBER)
    return row


@atomic
def change_staff_permissions(
    session: Session, actor: User, business_id: int, user_id: int, permissions: set[Permission]
) -> StaffMember:
    """Grant the member exactly `permissions`; their open pages follow at once."""
    business = require_business_owner(session, actor, business_id)
    granted = check_permissions(permissions)
    row = _member_row(session, business, user_id)
    for permission in GRANTABLE:
        setattr(row, permission.value, permission in granted)
    session.add(row)
    publish(session, [business_topic(business.id)], "staff_changed", {"user_id": user_id})
    session.commit()
    member = session.get(User, user_id)
    return StaffMember(member.id, member.name, member.email, False, _granted(row))


@atomic
def remove_staff_member(session: Session, actor: User, business_id: int, user_id: int) -> None:
    """The member no longer works here: their seat goes and every session of theirs ends.

    The account stays (the ledger and the activity log name it as the actor), with
    no business to act for.
    """
    business = require_business_owner(session, actor, business_id)
    row = _member_row(session, business, user_id)
    session.delete(row)
    revoke_user_sessions(session, user_id)
    publish(session, [business_topic(business.id)], "staff_removed", {"user_id": user_id})
    session.commit()
