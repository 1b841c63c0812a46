"""The outbox worker: a lifespan task on every backend worker, delivering due mails.

The blocking parts (the database, smtplib) run in a thread, so the event loop never
waits on a mail server. A mail server that is down costs retries, never a mail: the
row stays in the outbox until it is sent (gudcity/mail/outbox.py).
"""

import asyncio
import contextlib
import logging
import time

from sqlalchemy import Engine

from gudcity.db import session_scope
from gudcity.mail import outbox
from gudcity.mail.smtp import Sender, is_permanent, sender_for
from gudcity.settings import get_settings

logger = logging.getLogger(__name__)

# How often the worker deletes the mails it no longer needs (outbox.prune).
PRUNE_SECONDS = 3600


def prune_outbox(engine: Engine | None = None) -> None:
    with session_scope(engine) as session:
        outbox.prune(session)


def deliver_due(send: Sender, engine: Engine | None = None) -> int:
    """Claim one batch of due mails and send each; how many were claimed."""
    with session_scope(engine) as session:
        mails = outbox.claim_due(session)
    for mail in mails:
        try:
            send(mail)
        except Exception as error:
            logger.warning("Mail %s to %s not sent: %s", mail.id, mail.to_address, error)
            with session_scope(engine) as session:
                outbox.record_failure(session, mail, repr(error), permanent=is_permanent(error))
        else:
            with session_scope(engine) as session:
                outbox.record_sent(session, mail)
    return len(mails)


async def deliver_mails() -> None:
    """The lifespan task: deliver due mails every MAIL_POLL_SECONDS (at once after a full batch)."""
    settings = get_settings()
    send = sender_for(settings)
    pruned_at = -PRUNE_SECONDS
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            try:
                if time.monotonic() - pruned_at >= PRUNE_SECONDS:
                    await asyncio.to_thread(prune_outbox)
                    pruned_at = time.monotonic()
                claimed = await asyncio.to_thread(deliver_due, send)
            except Exception:  # the database restarting, say: the next round tries again
                logger.exception("Mail delivery failed")
                claimed = 0
            if claimed < outbox.BATCH:
                await asyncio.sleep(settings.mail_poll_seconds)
