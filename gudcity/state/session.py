"""Who is logged in, and the one way every state calls the services.

The session token lives in an HttpOnly cookie, so it survives reloads and is shared
by the user's tabs, and no script can read it. No state var holds it: each event
asks its tab's connection (gudcity/web/credentials.py), so it is never pickled to
`.states/` or Redis. The server keeps only its hash (services/sessions.py).
"""

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import reflex as rx
from reflex.event import EventSpec
from reflex.vars import FunctionVar, Var
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session

from gudcity import routes
from gudcity.db import session_scope
from gudcity.domain.errors import AuthenticationError, DatabaseUnavailableError, ServiceError
from gudcity.domain.stored_messages import loaded
from gudcity.i18n.catalogue import N_, Translator, translator
from gudcity.i18n.languages import DEFAULT_LANGUAGE
from gudcity.models import User, UserRole
from gudcity.services import accounts, login, referrals, sessions
from gudcity.state import toasts
from gudcity.state.arguments import flag, form_text
from gudcity.state.offline_card import forget_offline_card
from gudcity.web import credentials
from gudcity.web.session_endpoints import LOG_OUT_ROUTE, SESSION_ROUTE

T = TypeVar("T")
UNEXPECTED_FAILURE = N_("Something went wrong on our side. Reload the page and try again.")
logger = logging.getLogger(__name__)


# The query parameter that marks the first page a new account lands on.
WELCOME_PARAM = "welcome"
# /register?ref=<code>: signing up through a friend's referral link joins its program.
REFERRAL_PARAM = "ref"
WELCOMES = {
    UserRole.CUSTOMER: N_("Welcome to GudCity!"),
    UserRole.BUSINESS_OWNER: N_("Your business is set up."),
}


def home_for(role: str) -> str:
    return routes.CARDS if role == UserRole.CUSTOMER else routes.SCANNER


def _choosing_password_first(then: str) -> str:
    """The page where a user given a temporary password chooses theirs, then goes on."""
    return f"{routes.NEW_PASSWORD}?next={quote(then)}"


def run_in_session(work: Callable[[Session], T]) -> T:
    """`work(session)`; a database that cannot be reached becomes a message for the user."""
    try:
        with session_scope() as session:
            return work(session)
    except (OperationalError, InterfaceError) as error:
        logger.warning("Database unavailable: %s", error)
        raise DatabaseUnavailableError() from None


async def call_service(work: Callable[[Session], T]) -> T:
    """Run `work(session)` in a worker thread: the services are blocking code."""
    return await asyncio.to_thread(run_in_session, work)


def navigate(url: str) -> rx.event.EventSpec:
    """A full page load of `url` (rx.redirect stays inside the single-page app)."""
    return rx.call_script(Var("window.location.assign").to(FunctionVar).call(url))


def _is_join_page(path: str) -> bool:
    """A referral link's page, to come back to after logging in."""
    code = path.removeprefix(routes.JOIN_PREFIX)
    return path.startswith(routes.JOIN_PREFIX) and referrals.join_page_of(code) == path


def _joined_through(session: Session, user: User, code: str, landing: str) -> str:
    """Join the program of the referral link `code` (its own transaction, after the
    account's); where the new account lands: its cards, or the link's page saying why
    it could not join."""
    try:
        referrals.join_through_referral(session, user, code)
    except ServiceError:
        return referrals.join_page_of(code) or landing
    return landing


class SessionState(rx.State):
    user_name: str = ""
    user_role: str = ""
    # The tab's language (gudcity/state/locale.py sets it); "" until the first page loads.
    language: str = ""
    # Set while a form is being saved, so its button can show a spinner.
    saving: bool = False
    # Why the log-in or sign-up form was refused: shown on the page (role=alert).
    form_error: str = ""

    @rx.var
    def is_customer(self) -> bool:
        return self.user_role == UserRole.CUSTOMER

    @rx.var
    def is_business_owner(self) -> bool:
        return self.user_role == UserRole.BUSINESS_OWNER

    def _credentials(self) -> credentials.Credentials:
        """The cookies this tab's connection carried: asked per event, never stored."""
        return credentials.of_tab(self.router.session.client_token, self.router.session.session_id)

    async def _as_user(self, work: Callable[[Session, User], T]) -> T:
        """Run `work(session, user)` for the logged-in user, in a worker thread."""
        token = self._credentials().session_token
        return await call_service(lambda s: work(s, sessions.user_for_token(s, token)))

    def _tr(self) -> Translator:
        """The tab's language, for words the server makes (toasts, errors, labels)."""
        return translator(self.language or DEFAULT_LANGUAGE)

    def _say(self, error: ServiceError) -> str:
        """A service's refusal in the tab's language."""
        return self._tr().message(error.translatable)

    @rx.event
    def tell_failure(self, message: Any, as_notice: Any = False) -> EventSpec:
        """A failure that escaped its handler (state/failures.py), in the tab's language:
        the failing handler's exception handler knows no tab, this event does.

        Any client may send it; it only shows words of the catalogue in its own tab.
        """
        words = self._tr().message(loaded(message, UNEXPECTED_FAILURE))
        return toasts.info(words) if flag(as_notice) else toasts.error(words)

    def _remember(self, user: User) -> None:
        self.user_name = user.name
        self.user_role = user.role.value
        if user.language and user.language != self.language:
            self.language = user.language

    def _forget(self) -> None:
        self.user_name = ""
        self.user_role = ""

    async def _guard(self, *roles: UserRole) -> list | None:
        """Load the user; return redirect events if they may not see this page.

        An anonymous visitor goes to /login and comes back afterwards; a user of
        the other kind goes to their own home with a message.
        """
        here = self.router.url.path.rstrip("/") or "/"  # a page load adds a slash
        try:
            user = await self._as_user(lambda _s, u: u)
        except AuthenticationError as error:
            self._forget()
            login_page = f"{routes.LOGIN}?next={quote(here)}"
            return [toasts.info(self._say(error)), rx.redirect(login_page)]
        except DatabaseUnavailableError as error:
            return [toasts.error(self._say(error))]
        self._remember(user)
        if user.must_change_password:
            return [rx.redirect(_choosing_password_first(here))]
        if user.role not in roles:
            return [
                toasts.warning(self._tr().gettext("That page is not for your account.")),
                rx.redirect(home_for(user.role)),
            ]
        return None

    @rx.event
    def clear_form_error(self):
        """A fresh log-in or sign-up page shows no earlier refusal."""
        self.form_error = ""

    @rx.event
    async def log_in(self, form_data: dict):
        self.saving = True
        self.form_error = ""
        yield
        # The address as the server saw it (behind a proxy: rxconfig's trusted_proxy_hops).
        address = self.router.session.client_ip
        device = self._credentials().device_cookie
        email, password = form_text(form_data, "email"), form_text(form_data, "password")
        try:
            user, ticket = await call_service(
                lambda s: self._ticket_for(s, login.log_in(s, email, password, address, device))
            )
        except ServiceError as error:
            self.saving = False
            self.form_error = self._say(error)
            return
        self.saving = False
        self._remember(user)
        yield [forget_offline_card(), navigate(f"{SESSION_ROUTE}?ticket={ticket}")]

    @rx.event
    async def register(self, form_data: dict):
        self.saving = True
        self.form_error = ""
        yield
        referral = self.router.url.query_parameters.get(REFERRAL_PARAM, "")
        try:
            user, ticket = await call_service(
                lambda s: self._create_account(s, form_data, self.language, referral)
            )
        except ServiceError as error:
            self.saving = False
            self.form_error = self._say(error)
            return
        self.saving = False
        self._remember(user)
        yield [forget_offline_card(), navigate(f"{SESSION_ROUTE}?ticket={ticket}")]

    def _ticket_for(self, session: Session, user: User) -> tuple[User, str]:
        """The user and a log-in ticket that lands on the page they came for (after
        choosing their own password, for a user given a temporary one)."""
        landing = self._next_page(user.role)
        if user.must_change_password:
            landing = _choosing_password_first(landing)
        return user, sessions.issue_ticket(session, user, landing)

    @staticmethod
    def _create_account(
        session: Session, form_data: dict, language: str, referral: str
    ) -> tuple[User, str]:
        """The new account, in the language the visitor signed up in; a customer who came
        through a referral link joins its program."""
        fields = {name: form_text(form_data, name) for name in ("name", "email", "password")}
        fields["language"] = language or None
        if form_text(form_data, "account_type") == "business":
            user, _ = accounts.register_business(
                session,
                business_name=form_text(form_data, "business_name"),
                time_zone=form_text(form_data, "time_zone"),
                **fields,
            )
        else:
            user = accounts.register_customer(session, **fields)
        landing = f"{home_for(user.role)}?{WELCOME_PARAM}=1"
        if referral and user.role == UserRole.CUSTOMER:
            landing = _joined_through(session, user, referral, landing)
        return user, sessions.issue_ticket(session, user, landing)

    def _welcome(self) -> list:
        """The new account's welcome, on the first page it lands on (the sign-up ends with a
        full page load, which a toast before it would not survive); the mark leaves the URL."""
        message = WELCOMES.get(self.user_role)
        if not self.router.url.query_parameters.get(WELCOME_PARAM) or message is None:
            return []
        return [
            toasts.success(self._tr().gettext(message)),
            rx.call_script("history.replaceState(null, '', location.pathname)"),
        ]

    @rx.event
    def log_out(self):
        """Off to /auth/log-out, which ends the session its cookie names and clears it."""
        self._forget()
        return [forget_offline_card(), navigate(LOG_OUT_ROUTE)]

    def _next_page(self, role: str) -> str:
        """Where to go after logging in: the page that sent us here, if it is ours."""
        wanted = self.router.url.query_parameters.get("next", "")
        home = home_for(role)
        allowed = wanted == routes.SETTINGS or (
            wanted.startswith(routes.BUSINESS_PREFIX)
            if home == routes.SCANNER
            else wanted == routes.CARDS or _is_join_page(wanted)
        )
        return wanted if allowed else home


class RegisterFormState(rx.State):
    """Only what the sign-up form needs: whether to ask for a business name."""

    account_type: str = "customer"

    @rx.event
    def set_account_type(self, value: str):
        self.account_type = "business" if value == "business" else "customer"
