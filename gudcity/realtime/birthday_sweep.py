"""The birthday sweep: programs' birthday rewards granted on the day, whoever is online.

A lifespan task, so it runs on every backend worker, at start-up and then every
BIRTHDAY_SWEEP_SECONDS: each reward's key names the card and the birthday's year
(services/birthdays.py), so workers sweeping at once, or a sweep run twice, grant
it once. Its change-feed events reach the customer's open /cards like any award.
"""

import asyncio
import contextlib
import logging

from gudcity.db import session_scope
from gudcity.services.birthdays import grant_birthday_rewards
from gudcity.settings import get_settings

logger = logging.getLogger(__name__)


def birthday_sweep_once() -> int:
    """Grant what is due now; how many rewards this sweep granted."""
    with session_scope() as session:
        return grant_birthday_rewards(session)


async def sweep_birthdays() -> None:
    """The lifespan task."""
    interval = get_settings().birthday_sweep_seconds
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            try:
                await asyncio.to_thread(birthday_sweep_once)
            except Exception:  # the database restarting, say: the next sweep tries again
                logger.exception("The birthday sweep failed")
            await asyncio.sleep(interval)
