"""Log in: the password check, and the throttle in front of it.

Every attempt is written down and committed *before* its password is checked, then
the committed attempts are counted: of any number sent at once, at most the limit
reach the check. A wrong password leaves its row (a failure); a refused attempt or
a success removes it.

Who is counted: a browser holding a valid device cookie for the account
(services/devices.py) by that cookie alone, `login_failures_per_device`; any other
client per account (`login_failures_per_account`) and per address
(`login_failures_per_address`). A device cookie that used up its own limit is an
unknown client again until its failures age out.

The current password asked again while logged in (/settings: a new password, a new
email, deleting the account) goes through the same throttle (`check_current_password`):
each try counts as a log-in attempt on the account by an unknown client, so guessing
through a stolen session and guessing at /login share one limit.
"""

import math
from collections.abc import Callable
from datetime import datetime, timedelta

import argon2
from sqlalchemy import ColumnElement
from sqlmodel import Session, delete, func, select

from gudcity.domain.errors import (
    AuthenticationError,
    RateLimitedError,
    ServiceError,
    TooManyAttemptsError,
    ValidationError,
)
from gudcity.i18n.catalogue import N_, NP_
from gudcity.models import LoginFailure, User, UserRole, utc_now
from gudcity.services import devices
from gudcity.services.accounts import MAX_PASSWORD_LENGTH, normalize_email, password_hasher
from gudcity.services.atomic import atomic
from gudcity.services.permissions import businesses_of
from gudcity.settings import get_settings

# A staff member the owner removed keeps the account (the ledger names it) but no seat.
NO_LONGER_STAFF = N_("This account no longer works for a business. Ask the owner if that is wrong.")


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
        password_hasher.hash(password or "")
        raise failure
    try:
        password_hasher.verify(user.password_hash, password or "")
    except argon2.exceptions.VerificationError:
        raise failure from None
    if password_hasher.check_needs_rehash(user.password_hash):
        user.password_hash = password_hasher.hash(password)
        session.add(user)
        session.commit()
    return user


def log_in(
    session: Session, email: str, password: str, address: str = "", device_cookie: str = ""
) -> User:
    """The user, if the password is right and this client may try now.

    Raises TooManyAttemptsError (before the password is checked) when the client
    has used up its failures in the window, AuthenticationError when it is wrong.
    """
    account = _throttle_key(email)
    # A NUL is no address: PostgreSQL cannot compare text holding one.
    address = (address or "").replace("\x00", "")[:64]
    attempt = _count_attempt(
        session, account, address, devices.device_nonce(device_cookie, account)
    )
    user = authenticate(session, email, password)
    _forget_failures(session, account, attempt)
    check_may_log_in(session, user)
    return user


def check_current_password(
    session: Session, user: User, password: str, wrong: ServiceError
) -> None:
    """Refuse with `wrong` unless `password` is the user's; throttled as a log-in is.

    Past the account's limit it refuses (RateLimitedError, saying how long to wait)
    before checking, so a right password is refused too until the window passes. Like
    a log-in's, the attempt's row is committed on its own, before the caller's change,
    and a right password clears the failures at once, whether or not the change goes on.
    What cannot be anyone's password (empty, longer than any allowed) is refused
    without a try: there is nothing to guess, count or hash.
    """
    if not password or len(password) > MAX_PASSWORD_LENGTH:
        raise wrong
    attempt = _count_attempt(session, user.email, "", None, refuse=_wrong_passwords)
    try:
        password_hasher.verify(user.password_hash, password or "")
    except argon2.exceptions.VerificationError:
        raise wrong from None
    _forget_failures(session, user.email, attempt)


def _forget_failures(session: Session, account: str, attempt: LoginFailure) -> None:
    """A right password: this client's failures (and the attempt's own row) go."""
    if attempt.device is None:
        forget = LoginFailure.email == account, LoginFailure.device.is_(None)
    else:
        forget = (LoginFailure.device == attempt.device,)
    session.exec(delete(LoginFailure).where(*forget))
    session.commit()


def _failed_log_ins(minutes: int) -> ServiceError:
    return TooManyAttemptsError(
        NP_(
            "Too many failed log-ins. Try again in {count} minute.",
            "Too many failed log-ins. Try again in {count} minutes.",
        ),
        count=minutes,
    )


def _wrong_passwords(minutes: int) -> ServiceError:
    # Not an AuthenticationError: the user stays logged in, their page says to wait.
    return RateLimitedError(
        NP_(
            "Too many wrong passwords. Try again in {count} minute. Nothing was changed.",
            "Too many wrong passwords. Try again in {count} minutes. Nothing was changed.",
        ),
        count=minutes,
    )


def check_may_log_in(session: Session, user: User) -> None:
    """Refuse a staff member the owner removed: the account stays, its seat does not."""
    if user.role == UserRole.STAFF and not businesses_of(session, user):
        raise AuthenticationError(NO_LONGER_STAFF)


def _throttle_key(email: str) -> str:
    try:
        return normalize_email(email)
    except ValidationError:
        return (email or "").replace("\x00", "").strip().lower()[:320]


def _count_attempt(
    session: Session,
    account: str,
    address: str,
    device: str | None,
    *,
    refuse: Callable[[int], ServiceError] = _failed_log_ins,
) -> LoginFailure:
    """Write the attempt down, then refuse it if the committed attempts exceed a limit
    (with `refuse(minutes to wait)`)."""
    settings = get_settings()
    window = timedelta(minutes=settings.login_failure_window_minutes)
    since = utc_now() - window
    attempt = LoginFailure(email=account, address=address, device=device)
    session.add(attempt)
    session.commit()
    if device is not None:
        mine = LoginFailure.device == device
        if _attempts(session, mine, since) <= settings.login_failures_per_device:
            return attempt
        attempt.device = None
        session.add(attempt)
        session.commit()
    limits = [(LoginFailure.email == account, settings.login_failures_per_account)]
    if address:
        limits.append((LoginFailure.address == address, settings.login_failures_per_address))
    for matches, limit in limits:
        unknown = matches & LoginFailure.device.is_(None)
        if _attempts(session, unknown, since) > limit:
            minutes = _minutes_until_open(session, unknown, limit, window, attempt.id)
            session.delete(attempt)
            session.commit()
            raise refuse(minutes)
    return attempt


def _attempts(session: Session, matches: ColumnElement[bool], since: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(LoginFailure)
        .where(matches, LoginFailure.created_at > since)
    ).one()


def _minutes_until_open(
    session: Session, matches: ColumnElement[bool], limit: int, window: timedelta, attempt_id: int
) -> int:
    """Minutes until the oldest of the last `limit` other attempts leaves the window."""
    recent = session.exec(
        select(LoginFailure.created_at)
        .where(matches, LoginFailure.created_at > utc_now() - window, LoginFailure.id != attempt_id)
        .order_by(LoginFailure.created_at.desc())
        .limit(limit)
    ).all()
    if not recent:
        return 1
    return max(1, math.ceil((recent[-1] + window - utc_now()).total_seconds() / 60))
