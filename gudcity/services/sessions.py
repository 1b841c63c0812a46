"""Sessions, and the one-use log-in tickets that start them. Only hashes are stored.

A session token lives in the browser's HttpOnly cookie and nowhere else: the server
keeps its sha256, Reflex's state never holds it (gudcity/web/credentials.py).
"""

import secrets
from datetime import timedelta

from sqlmodel import Session, delete, select, update

from gudcity.domain.errors import AuthenticationError
from gudcity.models import LoginTicket, User, UserSession, utc_now
from gudcity.services.account_tokens import hash_token
from gudcity.services.atomic import atomic
from gudcity.settings import get_settings


@atomic
def start_session(session: Session, user: User) -> str:
    """Return a new session token; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    ttl = timedelta(hours=get_settings().session_ttl_hours)
    session.add(
        UserSession(user_id=user.id, token_hash=hash_token(token), expires_at=utc_now() + ttl)
    )
    session.commit()
    return token


def user_for_token(session: Session, token: str | None) -> User:
    """The user a session token belongs to, if the session is still alive."""
    if not token:
        raise AuthenticationError("Please log in.")
    user = session.exec(
        select(User)
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == hash_token(token),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > utc_now(),
        )
    ).first()
    if user is None:
        raise AuthenticationError("Your session has ended. Please log in again.")
    return user


@atomic
def log_out(session: Session, token: str | None) -> None:
    row = session.exec(
        select(UserSession).where(UserSession.token_hash == hash_token(token or ""))
    ).first()
    if row is not None and row.revoked_at is None:
        row.revoked_at = utc_now()
        session.add(row)
        session.commit()


def revoke_user_sessions(session: Session, user_id: int, *, keep: str = "") -> None:
    """End every live session of the user but the one whose token is `keep` (in the
    caller's transaction): each tab of theirs is logged out at its next event or
    change-feed refresh."""
    session.exec(
        update(UserSession)
        .where(
            UserSession.user_id == user_id,
            UserSession.revoked_at.is_(None),
            UserSession.token_hash != hash_token(keep),
        )
        .values(revoked_at=utc_now())
    )
    session.exec(delete(LoginTicket).where(LoginTicket.user_id == user_id))


@atomic
def issue_ticket(session: Session, user: User, next_page: str) -> str:
    """A ticket the browser exchanges for a session at /auth/session, once, soon.

    `next_page` is where that exchange sends the browser: chosen here, by the server,
    so the exchange's URL cannot point anywhere else.
    """
    ticket = secrets.token_urlsafe(32)
    ttl = timedelta(seconds=get_settings().login_ticket_ttl_seconds)
    session.exec(delete(LoginTicket).where(LoginTicket.expires_at <= utc_now()))
    session.add(
        LoginTicket(
            user_id=user.id,
            token_hash=hash_token(ticket),
            next_page=next_page,
            expires_at=utc_now() + ttl,
        )
    )
    session.commit()
    return ticket


@atomic
def redeem_ticket(session: Session, ticket: str | None) -> tuple[User, str, str]:
    """Use up a ticket: (its user, a new session token, the page to go to next).

    Of two redemptions of one ticket at once, one wins: the row is deleted under a
    condition, and the loser's delete finds nothing.
    """
    expired = AuthenticationError("This log-in has expired. Please log in again.")
    row = session.exec(
        select(LoginTicket).where(
            LoginTicket.token_hash == hash_token(ticket or ""), LoginTicket.expires_at > utc_now()
        )
    ).first()
    if row is None:
        raise expired
    used = session.exec(delete(LoginTicket).where(LoginTicket.id == row.id))
    user = session.get(User, row.user_id)
    if used.rowcount != 1 or user is None:
        raise expired
    token = secrets.token_urlsafe(32)
    ttl = timedelta(hours=get_settings().session_ttl_hours)
    session.add(
        UserSession(user_id=user.id, token_hash=hash_token(token), expires_at=utc_now() + ttl)
    )
    session.commit()
    return user, token, row.next_page
