"""Sweeps that run on every backend worker: reward codes whose time is up expire even
while nobody looks at them, points whose deadline has come expire (and customers are
warned before), and the dashboard's counts of days that are over are folded.

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
from gudcity.domain.errors import ServiceError
from gudcity.models import utc_now
from gudcity.services import expiry, expiry_candidates, reward_codes
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


def expire_points_once() -> int:
    """Write every EXPIRE row due now and the warnings of what comes soon, a card per
    transaction (services/expiry.py: several workers at once expire each point once);
    the points expired."""
    moment, total = utc_now(), 0
    with session_scope() as session:
        programs = expiry_candidates.expiring_programs(session)
    for program in programs:
        after: int | None = 0
        while after is not None:
            with session_scope() as session:
                readings, after = expiry_candidates.cards_to_settle(session, program, moment, after)
            for reading in readings:
                try:
                    with session_scope() as session:
                        total += expiry.settle_card(session, reading.card_id, reading)
                except ServiceError:  # the card went meanwhile: the next sweep looks again
                    logger.exception("Expiring the points of card %s failed", reading.card_id)
    return total


async def sweep_points_expiry() -> None:
    """The lifespan task: an expiry sweep at start-up and every EXPIRY_SWEEP_SECONDS."""
    interval = get_settings().expiry_sweep_seconds
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            try:
                await asyncio.to_thread(expire_points_once)
            except Exception:  # the database restarting, say: the next sweep tries again
                logger.exception("The points expiry sweep failed")
            await asyncio.sleep(interval)


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
