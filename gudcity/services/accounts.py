"""Accounts: registration and staff (who may do what is services/permissions.py).

Logging in is services/login.py (with services/devices.py); sessions are
services/sessions.py.
"""

import secrets
from collections.abc import Iterable
from typing import Any

import argon2
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from gudcity.domain.analytics import DEFAULT_TIME_ZONE, is_time_zone
from gudcity.domain.card_numbers import new_card_number
from gudcity.domain.contact import one_line
from gudcity.domain.errors import ConflictError, PermissionDeniedError, ValidationError
from gudcity.i18n.catalogue import N_, Message
from gudcity.i18n.languages import supported
from gudcity.models import Business, StaffAction, StaffPermission, User, UserRole
from gudcity.services.atomic import atomic
from gudcity.services.inputs import check_text, get_row
from gudcity.services.outbox import business_topic, publish
from gudcity.services.permissions import GRANTABLE, Permission, require_business_owner
from gudcity.services.sessions import revoke_user_sessions
from gudcity.settings import get_settings

PERMISSION_VALUES = frozenset(p.value for p in Permission)

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
MAX_NAME_LENGTH = 120

password_hasher = argon2.PasswordHasher.from_parameters(
    getattr(argon2.profiles, get_settings().password_hash_profile)
)


# --- input ---------------------------------------------------------------------------


def clean_name(name: str, what: str = N_("Name")) -> str:
    """The name on one line; `what` names the field (a msgid)."""
    cleaned = one_line(name, what)
    if not cleaned:
        raise ValidationError("{what} is required.", what=Message(what))
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValidationError(
            "{what} must be at most {count} characters.", what=Message(what), count=MAX_NAME_LENGTH
        )
    return cleaned


def normalize_email(email: str) -> str:
    """Validate the address's form (no DNS look-up) and fold it to lower case."""
    try:
        result = validate_email((email or "").strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValidationError(
            "Enter a valid email address ({reason}).", reason=str(error)
        ) from None
    return result.normalized.lower()


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            "Password must be at least {count} characters.", count=MIN_PASSWORD_LENGTH
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(
            "Password must be at most {count} characters.", count=MAX_PASSWORD_LENGTH
        )


# --- registration ----------------------------------------------------------------------


def _new_user(
    session: Session,
    *,
    name: str,
    email: str,
    password: str,
    role: UserRole,
    language: str | None = None,
) -> User:
    name = clean_name(name)
    email = normalize_email(email)
    check_password(password)
    if session.exec(select(User.id).where(User.email == email)).first() is not None:
        raise ConflictError("An account with this email already exists.")
    user = User(
        name=name,
        email=email,
        password_hash=password_hasher.hash(password),
        role=role,
        public_id=secrets.token_urlsafe(12),
        card_number=new_card_number() if role == UserRole.CUSTOMER else None,
        language=supported(language),
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
def register_customer(
    session: Session, *, name: str, email: str, password: str, language: str | None = None
) -> User:
    """A customer's account and card number; `language`, the one they chose while signing up."""
    user = _new_user(
        session,
        name=name,
        email=email,
        password=password,
        role=UserRole.CUSTOMER,
        language=language,
    )
    _commit_new_account(session)
    return user


@atomic
def register_business(
    session: Session,
    *,
    name: str,
    email: str,
    password: str,
    business_name: str,
    time_zone: str = DEFAULT_TIME_ZONE,
    language: str | None = None,
) -> tuple[User, Business]:
    """A business owner's account comes with its business.

    `time_zone` is what the browser says it is in; anything but an IANA zone (or no
    script to tell it) gives UTC, which the owner can change in /settings.
    """
    business_name = clean_name(business_name, N_("Business name"))
    time_zone = time_zone if is_time_zone(time_zone) else DEFAULT_TIME_ZONE
    owner = _new_user(
        session,
        name=name,
        email=email,
        password=password,
        role=UserRole.BUSINESS_OWNER,
        language=language,
    )
    session.flush()
    business = Business(name=business_name, owner_id=owner.id, time_zone=time_zone)
    session.add(business)
    _commit_new_account(session)
    return owner, business


def check_permissions(permissions: Any) -> set[Permission]:
    """What an owner grants: a collection of permissions (seeing customers goes without saying)."""
    refused = ValidationError("Choose the staff member's permissions from the list.")
    if isinstance(permissions, str | bytes | dict) or not isinstance(permissions, Iterable):
        raise refused
    granted = set()
    for permission in permissions:
        if not isinstance(permission, str) or permission not in PERMISSION_VALUES:
            raise refused
        granted.add(Permission(permission))
    return granted


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
    """The owner creates a staff login with the permissions it should have.

    The password is a temporary one: the member chooses their own at first log-in.
    """
    business = require_business_owner(session, actor, business_id)
    permissions = check_permissions(permissions)
    staff = _former_member(session, business.id, email)
    if staff is None:
        staff = _new_user(session, name=name, email=email, password=password, role=UserRole.STAFF)
    else:  # back at the business: a new temporary password, the name as the owner typed it
        check_password(password)
        staff.name = clean_name(name)
        staff.password_hash = password_hasher.hash(password)
        revoke_user_sessions(session, staff.id)
    staff.must_change_password = True
    session.flush()
    session.add(
        StaffPermission(
            business_id=business.id,
            user_id=staff.id,
            **{p.value: p in permissions for p in GRANTABLE},
        )
    )
    publish(session, [business_topic(business.id)], "staff_added", {"user_id": staff.id})
    _commit_new_account(session)
    return staff


def _former_member(session: Session, business_id: int, email: str) -> User | None:
    """The account of a member removed from this business, if `email` is one's.

    A staff account with no seat left, which never acted for another business (so its
    new name shows in no other business's history). A former member of another business
    is refused in words; any other account in use is left to `_new_user`'s refusal.
    """
    user = session.exec(select(User).where(User.email == normalize_email(email))).first()
    if user is None or user.role != UserRole.STAFF:
        return None
    seated = select(StaffPermission.id).where(StaffPermission.user_id == user.id)
    if session.exec(seated).first() is not None:
        return None
    elsewhere = select(StaffAction.id).where(
        StaffAction.actor_id == user.id, StaffAction.business_id != business_id
    )
    if session.exec(elsewhere).first() is not None:
        raise ConflictError(
            "This email belongs to a former staff member of another business: use another email."
        )
    return user


@atomic
def choose_first_password(
    session: Session, actor: User, password: str, *, keep_session: str = ""
) -> User:
    """A member given a temporary password replaces it with their own.

    Whoever else logged in with the temporary password is logged out: every session of
    theirs ends but `keep_session` (the token of the one choosing).
    """
    if actor is None:
        raise PermissionDeniedError("Please log in.")
    user = get_row(session, User, actor.id)
    if user is None or not user.must_change_password:
        raise ConflictError("Your password is already set. Change it in your settings.")
    check_password(check_text(password, N_("Password")))
    try:
        password_hasher.verify(user.password_hash, password)
    except argon2.exceptions.VerificationError:
        pass
    else:
        raise ValidationError("Choose a new password, not the temporary one.")
    user.password_hash = password_hasher.hash(password)
    user.must_change_password = False
    session.add(user)
    revoke_user_sessions(session, user.id, keep=check_text(keep_session, N_("A session")))
    session.commit()
    return user
