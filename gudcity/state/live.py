"""Pages whose data the change feed keeps fresh."""

import reflex as rx

from gudcity.realtime.subscriptions import Subscriber, subscriptions
from gudcity.services.errors import AuthenticationError
from gudcity.state.session import SessionState


class LiveState(SessionState):
    """A page state that re-reads its view when one of its topics changes.

    Subclasses implement `_reload()` (read the view, return follow-up events such
    as toasts, or None) and `_topics()`; their on_load handler calls `_open()`.
    """

    # True until the page's first read finishes: pages show skeletons meanwhile.
    loading: bool = True

    async def _reload(self) -> list | None:
        raise NotImplementedError

    def _topics(self) -> set[str]:
        raise NotImplementedError

    def _subscriber(self) -> Subscriber:
        return Subscriber(self.router.session.client_token, type(self))

    async def _open(self):
        """Read the page's data and start listening for changes to it."""
        self.loading = True
        follow_up = await self._reload()
        subscriptions.subscribe(self._subscriber(), self._topics())
        self.loading = False
        return follow_up

    async def _live_refresh(self) -> list | None:
        """Called by the change feed (holding this tab's state lock)."""
        try:
            follow_up = await self._reload()
        except AuthenticationError:
            subscriptions.unsubscribe(self._subscriber())
            return [rx.redirect("/login")]
        subscriptions.subscribe(self._subscriber(), self._topics())
        return follow_up
