"""/new-password: a user given a temporary password (staff at first log-in) chooses theirs.

They are logged in already (the log-in that brought them here set the session
cookie); every other page sends them here until they have chosen one.
"""

import reflex as rx

from gudcity import routes
from gudcity.domain.errors import AuthenticationError, DatabaseUnavailableError, ServiceError
from gudcity.services import accounts
from gudcity.state import toasts
from gudcity.state.arguments import form_text
from gudcity.state.session import SessionState


class NewPasswordState(SessionState):
    # The last refusal, shown on the page (role=alert) as well as in a toast.
    error: str = ""

    @rx.event
    async def load(self):
        """Only for a logged-in user who still has to choose: others go where they belong."""
        self.error = ""
        try:
            user = await self._as_user(lambda _s, u: u)
        except AuthenticationError as error:
            self._forget()
            return [toasts.info(self._say(error)), rx.redirect(routes.LOGIN)]
        except DatabaseUnavailableError as error:
            return [toasts.error(self._say(error))]
        self._remember(user)
        if not user.must_change_password:
            return rx.redirect(self._next_page(user.role))
        return None

    @rx.event
    async def set_password(self, form_data: dict):
        if self.saving:
            return
        self.saving = True
        self.error = ""
        yield
        password, token = form_text(form_data, "new_password"), self._credentials().session_token
        try:
            user = await self._as_user(
                lambda s, u: accounts.choose_first_password(s, u, password, keep_session=token)
            )
        except ServiceError as error:
            self.saving = False
            self.error = self._say(error)
            yield toasts.error(self._say(error))
            return
        self.saving = False
        self._remember(user)
        yield toasts.success(self._tr().gettext("Your password is set."))
        yield rx.redirect(self._next_page(user.role))
