"""/forgot-password and /reset-password: a link by mail, then a new password through it.

/forgot-password answers the same for any email, and after the same time: at least
ANSWER_SECONDS, however long the service took, so a known address (which writes a
token and a mail) cannot be told from an unknown one by the answer's delay.
"""

import asyncio
import time

import reflex as rx

from gudcity.domain.errors import ServiceError
from gudcity.services import login, password_reset, sessions
from gudcity.state import toasts
from gudcity.state.arguments import form_text
from gudcity.state.session import SessionState, call_service, home_for, navigate
from gudcity.web.session_endpoints import SESSION_ROUTE

ANSWER_SECONDS = 0.5


class ForgotPasswordState(SessionState):
    sending: bool = False
    # The answer was given (the same whatever the address).
    sent: bool = False
    error: str = ""

    @rx.event
    def load(self):
        """Clears an old error only. The answer stays until "Send another link": the page's
        load can reach the server after a quick visitor's submit, and must not hide it."""
        self.error = ""

    @rx.event
    def ask_again(self):
        self.sending, self.sent, self.error = False, False, ""

    @rx.event
    async def send_link(self, form_data: dict):
        if self.sending:
            return
        self.sending, self.error = True, ""
        yield
        started = time.monotonic()
        email, address = form_text(form_data, "email"), self.router.session.client_ip
        try:
            await call_service(lambda s: password_reset.request_password_reset(s, email, address))
        except ServiceError as error:  # the database is down: nothing was sent
            self.sending, self.error = False, self._say(error)
            return
        await asyncio.sleep(max(0.0, ANSWER_SECONDS - (time.monotonic() - started)))
        self.sending, self.sent = False, True


class ResetPasswordState(SessionState):
    # Until the link was checked on load: the page shows a placeholder.
    checked: bool = False
    link_works: bool = False
    error: str = ""

    def _token(self) -> str:
        return self.router.url.query_parameters.get("token", "")

    @rx.event
    async def load(self):
        self.checked, self.error = False, ""
        token = self._token()
        try:
            works = await call_service(lambda s: password_reset.reset_link_works(s, token))
        except ServiceError as error:
            self.error = self._say(error)
            return
        self.checked, self.link_works = True, works

    @rx.event
    async def set_password(self, form_data: dict):
        if self.saving:
            return
        self.saving, self.error = True, ""
        yield
        token, password = self._token(), form_text(form_data, "new_password")

        def reset(session):
            user = password_reset.reset_password(session, token, password)
            login.check_may_log_in(session, user)
            return user, sessions.issue_ticket(session, user, home_for(user.role))

        try:
            user, ticket = await call_service(reset)
        except ServiceError as error:
            self.saving, self.error = False, self._say(error)
            yield toasts.error(self._say(error))
            return
        self.saving = False
        self._remember(user)
        yield navigate(f"{SESSION_ROUTE}?ticket={ticket}")
