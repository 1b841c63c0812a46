"""Server-side timers for open tabs: what must change with time, not with the database.

/cards renews its QR code before the token in it expires. Instead of a timer in
the browser, the page state asks for a call at a given time
(`timers.schedule(subscriber, seconds)`); one task per backend worker sleeps until
the earliest one is due and calls that tab's state `_on_timer()` under its lock,
as the change feed does for changes. A closed tab's timer fires once more, finds
the tab gone and is not renewed, so it costs nothing afterwards.
"""

import asyncio
import contextlib
import logging
import time

import reflex as rx

from gudcity.realtime.subscriptions import Subscriber
from gudcity.realtime.tabs import update_tab

logger = logging.getLogger(__name__)


class Timers:
    """When each tab wants its next `_on_timer()` call (one pending call per tab)."""

    def __init__(self) -> None:
        self._due: dict[Subscriber, float] = {}
        self._changed = asyncio.Event()

    def schedule(self, subscriber: Subscriber, seconds: float) -> None:
        self._due[subscriber] = time.monotonic() + seconds
        self._changed.set()

    def take_due(self, now: float) -> list[Subscriber]:
        """Remove and return the tabs whose time has come."""
        due = [s for s, at in self._due.items() if at <= now]
        for subscriber in due:
            del self._due[subscriber]
        return due

    def seconds_to_next(self, now: float) -> float | None:
        return max(0.0, min(self._due.values()) - now) if self._due else None

    async def wait_for_next(self) -> None:
        """Sleep until the earliest timer is due, or until a new one is scheduled."""
        self._changed.clear()
        delay = self.seconds_to_next(time.monotonic())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), delay)

    def __len__(self) -> int:
        return len(self._due)


# One per backend worker process, like the subscriptions registry.
timers = Timers()


async def run_timers(app: rx.App) -> None:
    """The lifespan task: call each tab's `_on_timer()` when it is due."""

    async def fire(subscriber: Subscriber) -> None:
        try:
            await update_tab(app, subscriber, lambda state: state._on_timer())
        except Exception:
            logger.exception("A tab's timer failed")

    firing: set[asyncio.Task] = set()  # a reference each, so no task is collected mid-way
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            for subscriber in timers.take_due(time.monotonic()):
                task = asyncio.create_task(fire(subscriber))
                firing.add(task)
                task.add_done_callback(firing.discard)
            await timers.wait_for_next()
