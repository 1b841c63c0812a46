"""The two HTTP endpoints that set and clear the session cookie.

The log-in (or sign-up) event checks the password on the websocket, which cannot
set an HttpOnly cookie, and sends the browser here with a one-use ticket:
/auth/session exchanges it for a session, sets the session and device cookies
(HttpOnly, SameSite=Strict, Secure when PUBLIC_URL is https) and sends the browser
on with a 303. The page it lands on opens a new websocket, which carries them.
/auth/log-out ends the session its cookie names and clears the cookie, and has the
browser clear the site's storage and caches (Clear-Site-Data): the card kept for
offline use goes with them. Cookies are not on that list: the device cookie stays.

SameSite=Strict holds: every step starts from a GudCity page (same site), and the
websocket a page opens is same-site even when the page was reached from a link
elsewhere.
"""

import logging
from collections.abc import Callable

from sqlalchemy.exc import InterfaceError, OperationalError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from gudcity import routes
from gudcity.db import session_scope
from gudcity.domain.errors import AuthenticationError, DatabaseUnavailableError
from gudcity.services import devices, sessions
from gudcity.settings import get_settings
from gudcity.web.credentials import DEVICE_COOKIE, SESSION_COOKIE, of_request

SESSION_ROUTE = "/auth/session"
LOG_OUT_ROUTE = "/auth/log-out"
LOGIN_PAGE = routes.LOGIN
# What a log-out makes the browser clear: caches and storage, not cookies.
CLEARED_ON_LOG_OUT = '"cache", "storage"'

logger = logging.getLogger(__name__)


def _set_cookie(response: RedirectResponse, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=get_settings().secure_cookies,
    )


def _clear_cookie(response: RedirectResponse, name: str) -> None:
    response.delete_cookie(
        name, path="/", httponly=True, samesite="strict", secure=get_settings().secure_cookies
    )


def start_session(request: Request) -> RedirectResponse:
    """Exchange `?ticket=` for the session and device cookies; go to the ticket's page."""
    settings = get_settings()
    try:
        with session_scope() as session:
            user, token, next_page = sessions.redeem_ticket(
                session, request.query_params.get("ticket")
            )
    except AuthenticationError:
        return RedirectResponse(LOGIN_PAGE, status_code=303)
    response = RedirectResponse(next_page, status_code=303)
    _set_cookie(response, SESSION_COOKIE, token, settings.session_ttl_hours * 3600)
    device = devices.new_device_cookie(user.email)
    _set_cookie(response, DEVICE_COOKIE, device, settings.device_cookie_days * 86400)
    return response


def log_out(request: Request) -> RedirectResponse:
    """End the session the cookie names, clear the cookie (the device cookie stays)."""
    token = of_request(request.scope).session_token
    # The browser forgets what the site kept for offline use (gudcity/web/pwa.py).
    response = RedirectResponse(
        LOGIN_PAGE, status_code=303, headers={"Clear-Site-Data": CLEARED_ON_LOG_OUT}
    )
    if token:
        with session_scope() as session:
            sessions.log_out(session, token)
        _clear_cookie(response, SESSION_COOKIE)
    return response


def database_may_be_down(endpoint: Callable[[Request], Response]):
    """A database that cannot be reached is a 503 with the app's message, not a crash."""

    def call(request: Request) -> Response:
        try:
            return endpoint(request)
        except (OperationalError, InterfaceError) as error:
            logger.warning("Database unavailable: %s", error)
            return PlainTextResponse(DatabaseUnavailableError().message, status_code=503)

    return call


def session_endpoints() -> Starlette:
    """The endpoints as an app for `api_transformer`: Reflex mounts itself inside it."""
    return Starlette(
        routes=[
            Route(SESSION_ROUTE, database_may_be_down(start_session), methods=["GET"]),
            Route(LOG_OUT_ROUTE, database_may_be_down(log_out), methods=["GET"]),
        ]
    )
