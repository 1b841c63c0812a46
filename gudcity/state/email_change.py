"""The email section of /settings, and /confirm-email where its link lands.

Changing asks for the password (in a dialog, after "Change email"), then mails a
link to the new address; the email changes when that link is used. The current
address is SettingsState's (the page's live read of the account).
"""

import reflex as rx

from gudcity.domain.errors import DatabaseUnavailableError, ServiceError
from gudcity.services import email_change
from gudcity.state import toasts
from gudcity.state.arguments import form_text
from gudcity.state.session import SessionState, call_service


class EmailChangeState(SessionState):
    # The address typed, held while the dialog asks for the password.
    new_email: str = ""
    asking_password: bool = False
    # Where the last confirmation link went ("" before any).
    sent_to: str = ""
    error: str = ""

    @rx.event
    def load(self):
        """A fresh /settings: no dialog open, nothing sent yet (SettingsState.load guards)."""
        self.new_email, self.asking_password, self.sent_to, self.error = "", False, "", ""

    @rx.event
    def ask_password(self, form_data: dict):
        """On "Change email": hold the new address, ask for the password."""
        self.new_email = form_text(form_data, "email").strip()
        self.error = ""
        self.asking_password = bool(self.new_email)

    @rx.event
    def set_asking_password(self, value: bool):
        self.asking_password = value is True

    @rx.event
    async def change_email(self, form_data: dict):
        if self.saving:
            return
        self.saving, self.error = True, ""
        yield
        new_email, password = self.new_email, form_text(form_data, "password")
        try:
            sent_to = await self._as_user(
                lambda s, u: email_change.request_email_change(s, u, new_email, password)
            )
        except ServiceError as error:
            self.saving, self.error = False, self._say(error)
            yield toasts.error(self._say(error))
            return
        self.saving, self.asking_password, self.sent_to = False, False, sent_to
        yield toasts.success(self._tr().gettext("We sent a link to {email}.", email=sent_to))


class ConfirmEmailState(SessionState):
    checked: bool = False
    link_works: bool = False
    confirming: bool = False
    # The account's address after the change ("" until then).
    confirmed_email: str = ""
    error: str = ""

    def _token(self) -> str:
        return self.router.url.query_parameters.get("token", "")

    @rx.event
    async def load(self):
        self.checked, self.confirmed_email, self.error = False, "", ""
        token = self._token()
        try:
            works = await call_service(lambda s: email_change.email_link_works(s, token))
        except DatabaseUnavailableError as error:
            self.error = self._say(error)
            return
        self.checked, self.link_works = True, works

    @rx.event
    async def confirm(self):
        if self.confirming:
            return
        self.confirming, self.error = True, ""
        yield
        token = self._token()
        try:
            user = await call_service(lambda s: email_change.confirm_email_change(s, token))
        except ServiceError as error:
            self.confirming, self.error = False, self._say(error)
            return
        self.confirming, self.confirmed_email = False, user.email
