"""Taking mails from the outbox and reporting how their sending went.

A worker claims due mails in one short transaction and sends them outside it. The
claim is one UPDATE whose rows PostgreSQL picks with FOR UPDATE SKIP LOCKED, so
workers claiming at once take different mails and never wait on each other (SQLite
has one writer at a time: its UPDATE is atomic as it is). Claiming moves the mail's
next attempt past the send timeout: a worker that dies mid-send leaves the mail due
again then, so a restart resends what was not sent. A report names the claim, so a
worker that overran its timeout cannot overwrite a newer claim's outcome.
"""

import secrets
from datetime import timedelta

from sqlmodel import Session, delete, or_, select, update

from gudcity.mail.smtp import Mail
from gudcity.models import OutboxMail, utc_now
from gudcity.settings import get_settings

BATCH = 20


def _due(now):
    return (
        OutboxMail.sent_at.is_(None),
        OutboxMail.failed_at.is_(None),
        OutboxMail.next_attempt_at <= now,
    )


def claim_due(session: Session, limit: int = BATCH) -> list[Mail]:
    """Claim up to `limit` due mails, oldest first, and commit the claim."""
    now, claim = utc_now(), secrets.token_hex(16)
    if session.exec(select(OutboxMail.id).where(*_due(now)).limit(1)).first() is None:
        session.commit()
        return []  # nothing due: no write at all
    chosen = (
        select(OutboxMail.id)
        .where(*_due(now))
        .order_by(OutboxMail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    timeout = timedelta(seconds=get_settings().mail_send_timeout_seconds)
    session.exec(
        update(OutboxMail)
        .where(OutboxMail.id.in_(chosen.scalar_subquery()), *_due(now))
        .values(claim=claim, attempts=OutboxMail.attempts + 1, next_attempt_at=now + timeout)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    rows = session.exec(
        select(OutboxMail).where(OutboxMail.claim == claim).order_by(OutboxMail.id)
    ).all()
    mails = [
        Mail(
            id=row.id,
            claim=claim,
            attempts=row.attempts,
            to_address=row.to_address,
            subject=row.subject,
            text_body=row.text_body,
            html_body=row.html_body,
        )
        for row in rows
    ]
    session.commit()
    return mails


def _report(session: Session, mail: Mail, **values) -> None:
    session.exec(
        update(OutboxMail)
        .where(OutboxMail.id == mail.id, OutboxMail.claim == mail.claim)
        .values(claim=None, **values)
        .execution_options(synchronize_session=False)
    )
    session.commit()


def record_sent(session: Session, mail: Mail) -> None:
    _report(session, mail, sent_at=utc_now(), last_error=None)


def retry_delay(attempts: int) -> timedelta:
    """How long a mail waits after its `attempts`-th failed send: doubling, capped."""
    settings = get_settings()
    seconds = settings.mail_retry_seconds * 2 ** min(attempts - 1, 30)
    return timedelta(seconds=min(seconds, settings.mail_retry_max_seconds))


def record_failure(session: Session, mail: Mail, error: str, *, permanent: bool) -> None:
    """Try again after the backoff, or give the mail up (refused for good, or too often)."""
    now = utc_now()
    give_up = permanent or mail.attempts >= get_settings().mail_max_attempts
    _report(
        session,
        mail,
        last_error=error[:500],
        next_attempt_at=now + retry_delay(mail.attempts),
        failed_at=now if give_up else None,
    )


def prune(session: Session) -> None:
    """Delete the mails sent or given up more than MAIL_KEEP_DAYS ago: the outbox keeps
    addresses and names no longer than it needs them."""
    cutoff = utc_now() - timedelta(days=get_settings().mail_keep_days)
    session.exec(
        delete(OutboxMail).where(or_(OutboxMail.sent_at < cutoff, OutboxMail.failed_at < cutoff))
    )
    session.commit()
