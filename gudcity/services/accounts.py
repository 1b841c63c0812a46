"""Accounts: registration, log in, sessions, staff and what each actor may do."""

import hashlib
import math
import secrets
from datetime import timedelta

import argon2
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from gudcity.domain.card_numbers import new_card_number
from gudcity.domain.errors import (
    AuthenticationError,
    ConflictError,
    TooManyAttemptsError,
    ValidationError,
)
from gudcity.models import (
    Business,
    LoginFailure,
    StaffPermission,
    User,
    UserRole,
    UserSession,
    utc_now,
)
from gudcity.services.atomic import atomic
from gudcity.services.inputs import check_text
from gudcity.services.permissions import GRANTABLE, Permission, require_business_owner
from gudcity.settings import get_settings

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
MAX_NAME_LENGTH = 120

_password_hasher = argon2.PasswordHasher.from_parameters(
    getattr(argon2.profiles, get_settings().password_hash_profile)
)


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
        password_hash=_password_hasher.hash(password),
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
            **{p.value: p in permissions for p in GRANTABLE},
        )
    )
    _commit_new_account(session)
    return staff


# --- log in and sessions -----------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@atomic
def authenticate(session: Session, email: str, password: str) -> User:
    failure = AuthenticationError("Wrong email or password.")
    try:
        email = normalize_email(email)
    except ValidationError:
        raise failure from None
    user = session.exec(select(User).where(User.email == email)).first()
    if user is None:
        # Spend the same time as a real check, so timing does not reveal accounts.
        _password_hasher.hash(password or "")
        raise failure
    try:
        _password_hasher.verify(user.password_hash, password or "")
    except argon2.exceptions.VerificationError:
        raise failure from None
    if _password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _password_hasher.hash(password)
        session.add(user)
        session.commit()
    return user


@atomic
def start_session(session: Session, user: User) -> str:
    """Return a new session token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    ttl = timedelta(hours=get_settings().session_ttl_hours)
    session.add(
        UserSession(user_id=user.id, token_hash=_hash_token(token), expires_at=utc_now() + ttl)
    )
    session.commit()
    return token


def log_in(session: Session, email: str, password: str, address: str = "") -> tuple[User, str]:
    """Check the password and start a session, unless this account or address is throttled.

    After `login_failures_per_account` failures for one email (or
    `login_failures_per_address` from one address) within the window, attempts are
    refused before the password is checked, until the oldest failures age out.
    A success clears the account's failures.
    """
    account = _throttle_key(email)
    # A NUL is no address: PostgreSQL cannot compare text holding one.
    address = (address or "").replace("\x00", "")[:64]
    _refuse_if_throttled(session, account, address)
    try:
        user = authenticate(session, email, password)
    except AuthenticationError:
        session.add(LoginFailure(email=account, address=address))
        session.commit()
        raise
    session.exec(delete(LoginFailure).where(LoginFailure.email == account))
    return user, start_session(session, user)


def _throttle_key(email: str) -> str:
    try:
        return normalize_email(email)
    except ValidationError:
        return (email or "").replace("\x00", "").strip().lower()[:320]


def _refuse_if_throttled(session: Session, account: str, address: str) -> None:
    settings = get_settings()
    window = timedelta(minutes=settings.login_failure_window_minutes)
    since = utc_now() - window
    limits = [(LoginFailure.email == account, settings.login_failures_per_account)]
    if address:
        limits.append((LoginFailure.address == address, settings.login_failures_per_address))
    for matches, limit in limits:
        recent = session.exec(
            select(LoginFailure.created_at)
            .where(matches, LoginFailure.created_at > since)
            .order_by(LoginFailure.created_at.desc())
            .limit(limit)
        ).all()
        if len(recent) >= limit:
            # Open again once the oldest of the last `limit` failures leaves the window.
            minutes = max(1, math.ceil((recent[-1] + window - utc_now()).total_seconds() / 60))
            raise TooManyAttemptsError(
                f"Too many failed log-ins. Try again in {minutes} minute"
                f"{'' if minutes == 1 else 's'}."
            )


def user_for_token(session: Session, token: str | None) -> User:
    """The user a session token belongs to, if the session is still alive."""
    if not token:
        raise AuthenticationError("Please log in.")
    user = session.exec(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == _hash_token(token),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > utc_now(),
        )
    ).first()
    if user is None:
        raise AuthenticationError("Your session has ended. Please log in again.")
    return user


@atomic
def log_out(session: Session, token: str) -> None:
    row = session.exec(
        select(UserSession).where(UserSession.token_hash == _hash_token(token or ""))
    ).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utc_now()
        session.add(row)
        session.commit()
