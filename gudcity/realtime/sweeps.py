"""Sweeps that run on every backend worker: reward codes whose time is up expire even
while nobody looks at them, and the dashboard's counts of days that are over are folded.

A lifespan task, so it runs on every backend worker: the expiry is a conditional
UPDATE (services/reward_codes.py), so two workers sweeping at once expire and
refund each code once. Its change-feed events refresh the customer's /cards and
the business's pages like any other change. Reads expire overdue codes too, so
a page never shows one as waiting between two sweeps.
"""

import asyncio
import contextlib
import logging

from gudcity.db import session_scope
from gudcity.models import utc_now
from gudcity.services import reward_codes
from gudcity.services.analytics_fold import FOLD_BATCH, fold_past_slots
from gudcity.settings import get_settings

logger = logging.getLogger(__name__)


def sweep_once() -> int:
    """Expire every overdue code, a batch per transaction; how many expired."""
    total, batch = 0, reward_codes.SWEEP_BATCH
    while True:
        with session_scope() as session:
            expired = reward_codes.expire_due_codes(session, limit=batch)
        total += expired
        if expired < batch:
            return total


async def sweep_reward_codes() -> None:
    """The lifespan task: a sweep every REWARD_CODE_SWEEP_SECONDS."""
    interval = get_settings().reward_code_sweep_seconds
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            await asyncio.sleep(interval)
            try:
                await asyncio.to_thread(sweep_once)
            except Exception:  # the database restarting, say: the next sweep tries again
                logger.exception("The reward-code sweep failed")


# Folding waits for days to end; once an hour is plenty.
FOLD_SECONDS = 3600


def fold_once() -> int:
    """Fold the slots of every day that is over, a batch per transaction; rows moved."""
    total, today = 0, utc_now().date()
    while True:
        with session_scope() as session:
            moved = fold_past_slots(session, today)
            session.commit()
        total += moved
        if moved < FOLD_BATCH:
            return total


async def fold_daily_stats() -> None:
    """The lifespan task: a fold at start-up and every FOLD_SECONDS (several workers
    folding at once move disjoint rows: services/analytics_fold.py)."""
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            try:
                await asyncio.to_thread(fold_once)
            except Exception:  # the database restarting, say: the next fold tries again
                logger.exception("Folding the dashboard's counts failed")
            await asyncio.sleep(FOLD_SECONDS)
