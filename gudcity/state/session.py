"""Who is logged in, and the one way every state calls the services.

The session token lives in a cookie, so it survives reloads and is shared by the
user's tabs; the server keeps only its hash (see services/accounts.py).
"""

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import quote

import reflex as rx
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session

from gudcity.db import session_scope
from gudcity.models import User, UserRole
from gudcity.services import accounts
from gudcity.services.errors import AuthenticationError, DatabaseUnavailableError, ServiceError
from gudcity.settings import get_settings
from gudcity.state import toasts

T = TypeVar("T")
logger = logging.getLogger(__name__)

CUSTOMER_HOME = "/cards"
BUSINESS_HOME = "/business/scanner"


def home_for(role: str) -> str:
    return CUSTOMER_HOME if role == UserRole.CUSTOMER else BUSINESS_HOME


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


class SessionState(rx.State):
    session_token: str = rx.Cookie(
        "",
        name="gudcity_session",
        max_age=get_settings().session_ttl_hours * 3600,
        same_site="strict",
    )
    user_name: str = ""
    user_role: str = ""
    # Set while a form is being saved, so its button can show a spinner.
    saving: bool = False

    @rx.var
    def is_logged_in(self) -> bool:
        return bool(self.user_role)

    @rx.var
    def is_customer(self) -> bool:
        return self.user_role == UserRole.CUSTOMER

    async def as_user(self, work: Callable[[Session, User], T]) -> T:
        """Run `work(session, user)` for the logged-in user, in a worker thread."""
        token = self.session_token
        return await call_service(lambda s: work(s, accounts.user_for_token(s, token)))

    def _remember(self, user: User, token: str | None = None) -> None:
        if token is not None:
            self.session_token = token
        self.user_name = user.name
        self.user_role = user.role.value

    def _forget(self) -> None:
        self.session_token = ""
        self.user_name = ""
        self.user_role = ""

    async def guard(self, *roles: UserRole) -> list | None:
        """Load the user; return redirect events if they may not see this page.

        An anonymous visitor goes to /login and comes back afterwards; a user of
        the other kind goes to their own home with a message.
        """
        try:
            user = await self.as_user(lambda _s, u: u)
        except AuthenticationError as error:
            self._forget()
            here = self.router.url.path or "/"
            return [toasts.info(error.message), rx.redirect(f"/login?next={quote(here)}")]
        except DatabaseUnavailableError as error:
            return [toasts.error(error.message)]
        self._remember(user)
        if user.role not in roles:
            return [
                rx.toast.warning("That page is not for your account."),
                rx.redirect(home_for(user.role)),
            ]
        return None

    @rx.event
    async def log_in(self, form_data: dict):
        self.saving = True
        yield
        # The address as the server saw it (behind a proxy: rxconfig's trusted_proxy_hops).
        address = self.router.session.client_ip
        try:
            user, token = await call_service(
                lambda s: accounts.log_in(
                    s, form_data.get("email", ""), form_data.get("password", ""), address
                )
            )
        except ServiceError as error:
            self.saving = False
            yield toasts.error(error.message)
            return
        self.saving = False
        self._remember(user, token)
        yield rx.redirect(self._next_page(user.role))

    @rx.event
    async def register(self, form_data: dict):
        self.saving = True
        yield
        account_type = form_data.get("account_type", "customer")
        try:
            user, token = await call_service(lambda s: self._create_account(s, form_data))
        except ServiceError as error:
            self.saving = False
            yield toasts.error(error.message)
            return
        self.saving = False
        self._remember(user, token)
        welcome = (
            "Welcome to GudCity!" if account_type == "customer" else "Your business is set up."
        )
        yield rx.toast.success(welcome)
        yield rx.redirect(home_for(user.role))

    @staticmethod
    def _create_account(session: Session, form_data: dict) -> tuple[User, str]:
        fields = {
            "name": form_data.get("name", ""),
            "email": form_data.get("email", ""),
            "password": form_data.get("password", ""),
        }
        if form_data.get("account_type") == "business":
            user, _ = accounts.register_business(
                session, business_name=form_data.get("business_name", ""), **fields
            )
        else:
            user = accounts.register_customer(session, **fields)
        return user, accounts.start_session(session, user)

    @rx.event
    async def log_out(self):
        token = self.session_token
        await call_service(lambda s: accounts.log_out(s, token))
        self._forget()
        return rx.redirect("/login")

    def _next_page(self, role: str) -> str:
        """Where to go after logging in: the page that sent us here, if it is ours."""
        wanted = self.router.url.query_parameters.get("next", "")
        home = home_for(role)
        allowed = wanted.startswith("/business/") if home == BUSINESS_HOME else wanted == "/cards"
        return wanted if allowed else home


class RegisterFormState(rx.State):
    """Only what the sign-up form needs: whether to ask for a business name."""

    account_type: str = "customer"

    @rx.event
    def set_account_type(self, value: str):
        self.account_type = value
