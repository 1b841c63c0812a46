"""Accounts: registration, staff and what each actor may do.

Logging in is services/login.py (with services/devices.py); sessions are
services/sessions.py.
"""

import secrets
from enum import StrEnum
from typing import Any

import argon2
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gudcity.models import (
    Business,
    StaffPermission,
    User,
    UserRole,
)
from gudcity.services.card_numbers import new_card_number
from gudcity.services.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from gudcity.services.inputs import check_text, get_row
from gudcity.services.transaction import atomic
from gudcity.settings import get_settings

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
MAX_NAME_LENGTH = 120

password_hasher = argon2.PasswordHasher.from_parameters(
    getattr(argon2.profiles, get_settings().password_hash_profile)
)


class Permission(StrEnum):
    SCAN = "can_scan"
    AWARD = "can_award"
    DEDUCT = "can_deduct"
    MANAGE_PROGRAMS = "can_manage_programs"
    VIEW_CUSTOMERS = "view_customers"


# --- input ---------------------------------------------------------------------------


def clean_name(name: str, what: str = "Name") -> str:
    cleaned = check_text(" ".join((name or "").split()), what)
    if not cleaned:
        raise ValidationError(f"{what} is required.")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValidationError(f"{what} must be at most {MAX_NAME_LENGTH} characters.")
    return cleaned


def normalize_email(email: str) -> str:
    """Validate the address's form (no DNS look-up) and fold it to lower case."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(f"Enter a valid email address ({error}).") from None
    return result.normalized.lower()


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"Password must be at least {MIN_PASSWORD_LENGTH} characters.")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(f"Password must be at most {MAX_PASSWORD_LENGTH} characters.")


# --- registration ----------------------------------------------------------------------


def _new_user(session: Session, *, name: str, email: str, password: str, role: UserRole) -> User:
    name = clean_name(name)
    email = normalize_email(email)
    _check_password(password)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise ConflictError("An account with this email already exists.")
    user = User(
        name=name,
        email=email,
        password_hash=password_hasher.hash(password),
        role=role,
        public_id=secrets.token_urlsafe(12),
        card_number=new_card_number() if role == UserRole.CUSTOMER else None,
    )
    session.add(user)
    return user


def _commit_new_account(session: Session) -> None:
    """Commit; a concurrent registration of the same email loses cleanly."""
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ConflictError("An account with this email already exists.") from None


@atomic
def register_customer(session: Session, *, name: str, email: str, password: str) -> User:
    user = _new_user(session, name=name, email=email, password=password, role=UserRole.CUSTOMER)
    _commit_new_account(session)
    return user


@atomic
def register_business(
    session: Session, *, name: str, email: str, password: str, business_name: str
) -> tuple[User, Business]:
    """A business owner's account comes with its business."""
    business_name = clean_name(business_name, "Business name")
    owner = _new_user(
        session, name=name, email=email, password=password, role=UserRole.BUSINESS_OWNER
    )
    session.flush()
    business = Business(name=business_name, owner_id=owner.id)
    session.add(business)
    _commit_new_account(session)
    return owner, business


@atomic
def add_staff_member(
    session: Session,
    actor: User,
    business_id: int,
    *,
    name: str,
    email: str,
    password: str,
    permissions: set[Permission],
) -> User:
    """The owner creates a staff login with the permissions it should have."""
    business = require_business_owner(session, actor, business_id)
    staff = _new_user(session, name=name, email=email, password=password, role=UserRole.STAFF)
    session.flush()
    session.add(
        StaffPermission(
            business_id=business.id,
            user_id=staff.id,
            **{p.value: p in permissions for p in Permission if p != Permission.VIEW_CUSTOMERS},
        )
    )
    _commit_new_account(session)
    return staff


# --- who may do what ---------------------------------------------------------------------


def require_customer(actor: User) -> User:
    if actor is None or actor.role != UserRole.CUSTOMER:
        raise PermissionDeniedError("Only customers can do this.")
    return actor


def get_business(session: Session, business_id: int) -> Business:
    business = get_row(session, Business, business_id)
    if business is None:
        raise NotFoundError("Business not found.")
    return business


def require_business_owner(session: Session, actor: User, business_id: int) -> Business:
    business = get_business(session, business_id)
    if actor is None or business.owner_id != actor.id:
        raise PermissionDeniedError("Only the owner of this business can do this.")
    return business


def require_business_permission(
    session: Session, actor: User, business_id: int, permission: Permission
) -> Business:
    """The business, if `actor` owns it or is its staff with `permission`."""
    business = get_business(session, business_id)
    staff = None
    if actor is not None and business.owner_id != actor.id:
        staff = session.exec(
            select(StaffPermission).where(
                StaffPermission.business_id == business_id, StaffPermission.user_id == actor.id
            )
        ).first()
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
