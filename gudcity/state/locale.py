"""The tab's language: the one saved with the account, a visitor's choice, or the browser's.

`SessionState.language` holds it (every state translates with it); this state holds
what the pages need to show it: the fixed words of the pages in that language
(`words`, looked up by `gudcity/components/i18n.py`), the direction, and the chooser.
"""

import contextlib

import reflex as rx

from gudcity.domain.errors import ServiceError
from gudcity.i18n.catalogue import frontend_words
from gudcity.i18n.languages import DEFAULT_LANGUAGE, direction, negotiate, supported
from gudcity.realtime.subscriptions import subscriptions
from gudcity.services import profile
from gudcity.state.session import SessionState

ONE_YEAR = 365 * 24 * 3600


class LocaleState(SessionState):
    # A visitor's choice, kept by the browser for the next visit (and after logging out).
    remembered: str = rx.Cookie(
        "", name="gudcity_language", path="/", max_age=ONE_YEAR, same_site="lax"
    )

    @rx.var
    def words(self) -> dict[str, str]:
        """The pages' fixed words in the tab's language, by their English (none for English)."""
        return frontend_words(self.language or DEFAULT_LANGUAGE)

    @rx.var
    def direction(self) -> str:
        return direction(self.language or DEFAULT_LANGUAGE)

    @rx.var
    def html_language(self) -> str:
        return self.language or DEFAULT_LANGUAGE

    @rx.var
    def chosen_language(self) -> str:
        """The tab's language once its first page has loaded ("" before)."""
        return self.language

    @rx.event
    def load(self):
        """Every page's first step: a tab that has no language yet takes the visitor's."""
        if not self.language:
            remembered = supported(self.remembered)
            self.language = remembered or negotiate(self.router.headers.accept_language)

    @rx.event
    async def choose_language(self, language: str):
        """Switch the tab (and the account, if logged in) to `language`, and re-read what
        the page shows in words made on the server."""
        chosen = supported(language)
        if chosen is None or chosen == self.language:
            return None
        self.language = self.remembered = chosen
        if self.user_role:
            # A session that just ended: the tab switches all the same.
            with contextlib.suppress(ServiceError):
                await self._as_user(lambda s, user: profile.choose_language(s, user, chosen))
        return await self._reread_views()

    async def _reread_views(self) -> list:
        follow_ups: list = []
        for view in subscriptions.views_of(self.router.session.client_token):
            state = await self.get_state(view)
            follow_ups.extend(await state._live_refresh() or [])
        return follow_ups
