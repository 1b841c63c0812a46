"""Pages whose data the change feed keeps fresh."""

import asyncio
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

import reflex as rx
from sqlmodel import Session

from gudcity import routes
from gudcity.domain.errors import AuthenticationError, DatabaseUnavailableError
from gudcity.models import User
from gudcity.realtime.subscriptions import Subscriber, subscriptions
from gudcity.state import toasts
from gudcity.state.session import SessionState

T = TypeVar("T")


class LiveState(SessionState):
    """A page state that re-reads its view when one of its topics changes.

    Subclasses implement `_reload()` (read the view, return follow-up events such
    as toasts, or None) and `_topics()`; their on_load handler calls `_open()`.
    """

    # True until the page's first read finishes: pages show skeletons meanwhile.
    loading: bool = True

    # How long the change feed waits before re-reading this page after a change;
    # changes that arrive meanwhile are folded into the same read.
    refresh_settle_seconds: ClassVar[float] = 0.0

    async def _reload(self, memo: dict | None = None) -> list | None:
        raise NotImplementedError

    def _topics(self) -> set[str]:
        raise NotImplementedError

    async def _read_shared(self, memo: dict | None, read: Callable[[Session, User], T]) -> T:
        """`read(session, user)` in a worker thread, once per memo for this session and view."""
        if memo is None:
            return await self._as_user(read)
        # The token is the key only in this process's memory, for one change's refresh.
        key = (type(self), self._credentials().session_token, read)
        if key not in memo:
            memo[key] = asyncio.ensure_future(self._as_user(read))
        return await memo[key]

    def _set_changed(self, **values: Any) -> None:
        """Assign only what changed: an unchanged var would still be sent to the browser."""
        for name, value in values.items():
            if getattr(self, name) != value:
                setattr(self, name, value)

    def _subscriber(self) -> Subscriber:
        return Subscriber(self.router.session.client_token, type(self))

    async def _open(self):
        """Read the page's data and start listening for changes to it."""
        self.loading = True
        try:
            follow_up = await self._reload()
        except DatabaseUnavailableError as error:
            return [toasts.error(self._say(error))]
        subscriptions.subscribe(self._subscriber(), self._topics())
        self.loading = False
        return follow_up

    async def _reload_changed(self, topics: frozenset[str], memo: dict | None) -> list | None:
        """Re-read after a change to `topics`: the whole view, unless a page knows better."""
        return await self._reload(memo)

    async def _live_refresh(
        self, memo: dict | None = None, topics: frozenset[str] = frozenset()
    ) -> list | None:
        """Called by the change feed (holding this tab's state lock).

        `memo` is shared by the tabs woken by the same change: tabs of one browser
        session showing the same view read it from the database once. `topics` are
        the ones that changed (none given: read everything).
        """
        try:
            follow_up = await self._reload_changed(topics, memo)
        except AuthenticationError as error:
            # Logged out elsewhere, or a member the owner removed: off to log in, saying why.
            subscriptions.unsubscribe(self._subscriber())
            return [toasts.info(self._say(error)), rx.redirect(routes.LOGIN)]
        except DatabaseUnavailableError:
            # The page keeps what it shows; the feed refreshes every tab once it is back.
            return None
        subscriptions.subscribe(self._subscriber(), self._topics())
        return follow_up
