"""Tokens a link carries (a session, a password reset, an email change): only hashes are stored.

A token is 32 random bytes (`secrets`), so its sha256 is all the server needs to
find it, and a database that leaks gives nobody a working link. A mailed token
(`AccountToken`) works once, until it expires, and only while it is its user's
newest of its purpose. Leaf helpers: they write in the caller's transaction.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement
from sqlmodel import Session, func, select, update

from gudcity.domain.errors import ExpiredError
from gudcity.i18n.catalogue import N_
from gudcity.models import AccountToken, TokenPurpose, User, utc_now

LINK_EXPIRED = N_("This link has expired or was already used. Ask for a new one.")
# Longer than any token this module issues: a longer one is not looked up at all.
MAX_TOKEN_LENGTH = 128


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def issue_token(
    session: Session,
    user: User,
    purpose: TokenPurpose,
    ttl: timedelta,
    *,
    new_email: str | None = None,
    address: str = "",
) -> str:
    """A new token for `user`; their earlier unused ones of this purpose stop working."""
    now = utc_now()
    end_tokens(session, user.id, purpose)
    token = new_token()
    session.add(
        AccountToken(
            user_id=user.id,
            purpose=purpose,
            token_hash=hash_token(token),
            new_email=new_email,
            address=address,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    return token


def end_tokens(session: Session, user_id: int, *purposes: TokenPurpose) -> None:
    """The user's unused tokens of these purposes stop working."""
    session.exec(
        update(AccountToken)
        .where(
            AccountToken.user_id == user_id,
            AccountToken.purpose.in_(purposes),
            AccountToken.used_at.is_(None),
        )
        .values(used_at=utc_now())
    )


def _live(token: str, purpose: TokenPurpose) -> tuple[ColumnElement[bool], ...]:
    return (
        AccountToken.token_hash == hash_token(token),
        AccountToken.purpose == purpose,
        AccountToken.used_at.is_(None),
        AccountToken.expires_at > utc_now(),
    )


def find_token(session: Session, token: str, purpose: TokenPurpose) -> AccountToken | None:
    """The live token, if `token` is one; reading it uses nothing up."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return session.exec(select(AccountToken).where(*_live(token, purpose))).first()


def use_token(session: Session, token: str, purpose: TokenPurpose) -> AccountToken:
    """Use the token up (in the caller's transaction), or raise ExpiredError.

    The update is conditional: of two uses of one token at once, one wins.
    """
    row = find_token(session, token, purpose)
    if row is None:
        raise ExpiredError(LINK_EXPIRED)
    used = session.exec(
        update(AccountToken)
        .where(AccountToken.id == row.id, *_live(token, purpose))
        .values(used_at=utc_now())
    )
    if used.rowcount != 1:
        raise ExpiredError(LINK_EXPIRED)
    return row


def tokens_since(session: Session, matches: ColumnElement[bool], since: datetime) -> int:
    """How many tokens matching `matches` were issued after `since` (the throttles)."""
    return session.exec(
        select(func.count())
        .select_from(AccountToken)
        .where(matches, AccountToken.created_at > since)
    ).one()
