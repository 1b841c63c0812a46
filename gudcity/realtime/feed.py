"""The change feed: a committed change becomes a pushed state update in open tabs.

One feed runs per backend worker, as a Reflex lifespan task. It learns which
topics changed (PostgreSQL: LISTEN on the outbox trigger's channel; SQLite: a
short poll of the outbox by id, safe there because ids commit in order) and asks
every tab of this worker subscribed to those topics to re-read its view. Events
are only hints: each tab reads the truth from the database.
"""

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncIterator

import psycopg
import reflex as rx
from sqlalchemy.engine import make_url

from gudcity.db import is_sqlite, session_scope
from gudcity.realtime.subscriptions import Subscriber, subscriptions
from gudcity.realtime.tabs import update_tab
from gudcity.services import outbox
from gudcity.settings import get_settings

logger = logging.getLogger(__name__)

SQLITE_POLL_SECONDS = 0.1
RECONNECT_BACKOFF_SECONDS = (0.2, 0.5, 1, 2, 5)
# The longest an ordinary refresh waits for the urgent ones running (see Refresher).
URGENT_HEAD_START_SECONDS = 0.2


async def sqlite_changes() -> AsyncIterator[set[str]]:
    """Topics of new outbox rows, read by id at most every 100 ms."""
    last_id = await asyncio.to_thread(_latest_event_id)
    while True:
        await asyncio.sleep(SQLITE_POLL_SECONDS)
        rows = await asyncio.to_thread(_events_after, last_id)
        if rows:
            last_id = rows[-1][0]
            yield {topic for _, topic in rows}


def _latest_event_id() -> int:
    with session_scope() as session:
        return outbox.latest_event_id(session)


def _events_after(last_id: int) -> list[tuple[int, str]]:
    with session_scope() as session:
        return [(e.id, e.topic) for e in outbox.events_after(session, last_id)]


def _postgres_dsn(url: str) -> str:
    """psycopg's own connection string for SQLAlchemy's `postgresql+psycopg://` URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def postgres_changes(url: str) -> AsyncIterator[set[str]]:
    """Topics from NOTIFY, reconnecting with backoff when the connection drops.

    After a reconnect every subscribed tab is refreshed (topic "*"), since
    notifications sent while we were away are lost.
    """
    attempt = 0
    first_connection = True
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(
                _postgres_dsn(url), autocommit=True
            ) as connection:
                await connection.execute(f"LISTEN {outbox.CHANNEL}")
                attempt = 0
                if not first_connection:
                    yield {"*"}
                first_connection = False
                async for notify in connection.notifies():
                    yield {json.loads(notify.payload)["topic"]}
        except (psycopg.OperationalError, OSError) as error:
            delay = RECONNECT_BACKOFF_SECONDS[min(attempt, len(RECONNECT_BACKOFF_SECONDS) - 1)]
            attempt += 1
            logger.warning("Change feed lost PostgreSQL (%s); retrying in %ss", error, delay)
            await asyncio.sleep(delay)


class Refresher:
    """Refreshes tabs, at most one refresh per tab at a time.

    A change that arrives while a tab is being refreshed marks it to refresh once
    more afterwards, so bursts coalesce and the last change is never missed. Each
    refresh is told which topics changed: an urgent one (a customer's answer) is
    read first, on its own, so that the page can read only what it says; the
    other topics that came with it are read after the page's settle. While urgent
    refreshes run, ordinary ones wait for them (at most URGENT_HEAD_START_SECONDS):
    on two cores the counter hearing an answer should not share them with the
    answering customer's own page re-reading.
    """

    def __init__(self, app: rx.App) -> None:
        self.app = app
        self.running: dict[Subscriber, asyncio.Task] = {}
        # The topics that changed since a tab's last refresh began.
        self.pending: dict[Subscriber, set[str]] = {}
        # Set for a settling tab that an urgent change woke: it reads at once.
        self.hurry: dict[Subscriber, asyncio.Event] = {}
        self.urgent_running = 0
        self.urgent_done = asyncio.Event()

    def wake(self, topics: set[str]) -> None:
        targets = subscriptions.subscribers(topics) if "*" not in topics else _everyone()
        memo: dict = {}  # shared by the tabs this change wakes (see LiveState._read_shared)
        urgent = any(outbox.is_urgent(topic) for topic in topics)
        for subscriber in targets:
            self.pending.setdefault(subscriber, set()).update(topics)
            if urgent:
                self.hurry.setdefault(subscriber, asyncio.Event()).set()
            if subscriber not in self.running:
                self.running[subscriber] = asyncio.create_task(self._run(subscriber, memo))

    async def _run(self, subscriber: Subscriber, memo: dict) -> None:
        settle = subscriber.state_cls.refresh_settle_seconds
        try:
            while subscriber in self.pending:
                if settle and not self._urgent_pending(subscriber):
                    await self._settle(subscriber, settle)
                self.hurry.pop(subscriber, None)
                topics = self._take(subscriber)
                if any(outbox.is_urgent(topic) for topic in topics):
                    await self._refresh_urgent(subscriber, memo, topics)
                else:
                    await self._after_urgent()
                    await self._refresh(subscriber, memo, topics)
                memo = {}
        except Exception:
            logger.exception("Live refresh failed for a tab")
        finally:
            self.running.pop(subscriber, None)
            self.pending.pop(subscriber, None)
            self.hurry.pop(subscriber, None)

    def _urgent_pending(self, subscriber: Subscriber) -> bool:
        return any(outbox.is_urgent(topic) for topic in self.pending.get(subscriber, ()))

    def _take(self, subscriber: Subscriber) -> frozenset[str]:
        """The topics to read now: the urgent ones alone if any, else all that changed."""
        changed = self.pending.pop(subscriber)
        urgent = {topic for topic in changed if outbox.is_urgent(topic)}
        if urgent and urgent != changed:
            self.pending[subscriber] = changed - urgent
            return frozenset(urgent)
        return frozenset(changed)

    async def _refresh_urgent(
        self, subscriber: Subscriber, memo: dict, topics: frozenset[str]
    ) -> None:
        self.urgent_running += 1
        self.urgent_done.clear()
        try:
            await self._refresh(subscriber, memo, topics)
        finally:
            self.urgent_running -= 1
            if not self.urgent_running:
                self.urgent_done.set()

    async def _after_urgent(self) -> None:
        if self.urgent_running:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.urgent_done.wait(), URGENT_HEAD_START_SECONDS)

    async def _settle(self, subscriber: Subscriber, seconds: float) -> None:
        """Wait `seconds` for more changes to fold in, unless an urgent one comes."""
        hurry = self.hurry.setdefault(subscriber, asyncio.Event())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(hurry.wait(), seconds)

    async def _refresh(self, subscriber: Subscriber, memo: dict, topics: frozenset[str]) -> None:
        await update_tab(self.app, subscriber, lambda state: state._live_refresh(memo, topics))


def _everyone() -> set[Subscriber]:
    return subscriptions.subscribers(subscriptions.all_topics())


async def change_feed(app: rx.App) -> None:
    """The lifespan task: wake subscribed tabs for every committed change."""
    url = get_settings().database_url
    refresher = Refresher(app)
    changes = sqlite_changes() if is_sqlite(url) else postgres_changes(url)
    with contextlib.suppress(asyncio.CancelledError):
        async for topics in changes:
            refresher.wake(topics)
