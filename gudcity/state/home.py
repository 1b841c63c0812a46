"""`/`: who is visiting, so a logged-in user sees their way in instead of "Log in"."""

import reflex as rx

from gudcity.domain.errors import AuthenticationError, DatabaseUnavailableError
from gudcity.state.session import SessionState


class HomeState(SessionState):
    # False until the visit's session is checked: the page shows neither set of links.
    checked: bool = False

    @rx.event
    async def load(self):
        """The session cookie, if any, names the user; a visitor stays a visitor."""
        try:
            self._remember(await self._as_user(lambda _s, user: user))
        except (AuthenticationError, DatabaseUnavailableError):
            # No user (or no database: logging in will say so): the links for visitors.
            self._forget()
        self.checked = True
