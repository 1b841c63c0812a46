"""The tier sweep: cards whose window ended step down (or keep their tier) even while
nobody earns, and "by balance" cards follow a balance that fell.

A lifespan task, so it runs on every backend worker: each move is a conditional UPDATE
(services/tier_levels.py), so two workers sweeping at once move each card once and tell
its holder once. An earn settles its card's ended windows first, so a sweep that is late
never lets a card earn at a tier it no longer holds.
"""

import asyncio
import contextlib
import logging

from gudcity.db import session_scope
from gudcity.services import tier_levels

logger = logging.getLogger(__name__)

TIER_SWEEP_SECONDS = 60
# A batch whose cards could not all be settled (another worker holds them) ends a sweep
# after this many rounds: the next sweep picks them up.
MAX_ROUNDS = 1000


def sweep_tiers_once() -> int:
    """Settle every ended window, then every "by balance" card; cards read."""
    total, batch = 0, tier_levels.SWEEP_BATCH
    for _ in range(MAX_ROUNDS):
        with session_scope() as session:
            read = tier_levels.settle_due_windows(session, limit=batch)
            session.commit()
        total += read
        if read < batch:
            break
    after = 0
    for _ in range(MAX_ROUNDS):
        with session_scope() as session:
            after = tier_levels.settle_balance_tiers(session, after=after, limit=batch)
            session.commit()
        if not after:
            break
    return total


async def sweep_tiers() -> None:
    """The lifespan task: a sweep every TIER_SWEEP_SECONDS."""
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            await asyncio.sleep(TIER_SWEEP_SECONDS)
            try:
                await asyncio.to_thread(sweep_tiers_once)
            except Exception:  # the database restarting, say: the next sweep tries again
                logger.exception("The tier sweep failed")
