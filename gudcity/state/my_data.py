"""The "Your data" section of /settings: deleting one's own account, confirmed with
the password. ("Download my data" is a plain download: gudcity/web/exports.py.)"""

import reflex as rx

from gudcity.domain.errors import ServiceError
from gudcity.services import account_deletion
from gudcity.state import toasts
from gudcity.state.arguments import flag, form_text
from gudcity.state.offline_card import forget_offline_card
from gudcity.state.session import SessionState, navigate
from gudcity.web.session_endpoints import LOG_OUT_ROUTE

# The password field of the confirmation dialog (its form's key).
PASSWORD_FIELD = "delete_password"


class MyDataState(SessionState):
    delete_open: bool = False
    # The last refusal (a wrong password, an owner's business), shown in the dialog.
    delete_error: str = ""
    deleting: bool = False

    @rx.event
    def load(self):
        """A fresh /settings: the dialog closed, no refusal shown (SettingsState.load guards)."""
        self.delete_open, self.delete_error, self.deleting = False, "", False

    @rx.event
    def delete_open_changed(self, is_open):
        self.delete_open = flag(is_open) is True
        self.delete_error = ""

    @rx.event
    async def delete_account(self, form_data: dict):
        if self.deleting:
            return
        self.deleting, self.delete_error = True, ""
        yield
        password = form_text(form_data, PASSWORD_FIELD)
        try:
            await self._as_user(lambda s, u: account_deletion.delete_account(s, u, password))
        except ServiceError as error:
            self.deleting, self.delete_error = False, self._say(error)
            yield toasts.error(self._say(error))
            return
        self._forget()
        self.deleting, self.delete_open = False, False
        # The sessions are ended already: this clears the cookie and lands on /login.
        yield [forget_offline_card(), navigate(LOG_OUT_ROUTE)]
