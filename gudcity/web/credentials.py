"""The browser's credentials (session and device cookies), kept out of Reflex's state.

Reflex copies the websocket handshake's headers, Cookie included, into the root
state's `router_data`, which it pickles to `.states/` or Redis. So the cookies must
not reach Reflex: `CredentialsMiddleware` takes GudCity's cookies out of the Cookie
header of every request and keeps them in the ASGI scope under a key of its own.
python-socketio keeps a connection's scope while it lives (`environ["asgi.scope"]`),
so a state finds its credentials by its socket's id, per event, in this process's
memory only. An upload is an HTTP request of its own (possibly to another worker
than the socket): while it runs, its own cookies stand for its tab.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from reflex.config import get_config
from reflex_base.registry import RegistrationContext
from starlette.requests import cookie_parser
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

SESSION_COOKIE = "gudcity_session"
DEVICE_COOKIE = "gudcity_device"
_OURS = frozenset({SESSION_COOKIE, DEVICE_COOKIE})
SCOPE_KEY = "gudcity.credentials"
UPLOAD_PATH = "/_upload"


@dataclass(frozen=True)
class Credentials:
    """What one request or connection carried; the values never appear in a repr."""

    session_token: str = field(default="", repr=False)
    device_cookie: str = field(default="", repr=False)


NO_CREDENTIALS = Credentials()

# The uploads in flight on this worker, by the tab (Reflex client token) they name.
_uploads: dict[str, list[Credentials]] = defaultdict(list)


def _split_cookies(headers: list[tuple[bytes, bytes]]) -> tuple[list, Credentials]:
    """The headers without GudCity's cookies, and those cookies."""
    kept, ours = [], {}
    for name, value in headers:
        if name.lower() != b"cookie":
            kept.append((name, value))
            continue
        text = value.decode("latin-1")
        ours.update({k: v for k, v in cookie_parser(text).items() if k in _OURS})
        others = [part for part in text.split(";") if part.split("=", 1)[0].strip() not in _OURS]
        if any(part.strip() for part in others):
            kept.append((name, ";".join(others).strip().encode("latin-1")))
    found = Credentials(ours.get(SESSION_COOKIE, ""), ours.get(DEVICE_COOKIE, ""))
    return kept, found


class CredentialsMiddleware:
    """Move GudCity's cookies from every request's headers to `scope[SCOPE_KEY]`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers, found = _split_cookies(scope.get("headers", []))
        scope = {**scope, "headers": headers, SCOPE_KEY: found}
        if _is_upload(scope) and scope.get("method") == "POST" and not found.session_token:
            await _refuse_anonymous_upload(scope, receive, send)
            return
        tab = _upload_tab(scope)
        if tab is None:
            await self.app(scope, receive, send)
            return
        _uploads[tab].append(found)
        try:
            await self.app(scope, receive, send)
        finally:
            _uploads[tab].remove(found)
            if not _uploads[tab]:
                del _uploads[tab]


def _is_upload(scope: Scope) -> bool:
    return scope["type"] == "http" and scope.get("path") == UPLOAD_PATH


async def _refuse_anonymous_upload(scope: Scope, receive: Receive, send: Send) -> None:
    """Only a logged-in user can scan: an upload without a session is answered at once,
    before Reflex reads it or makes a state for the tab it names."""
    await PlainTextResponse("Please log in to scan.", status_code=401)(scope, receive, send)


def _upload_tab(scope: Scope) -> str | None:
    if not _is_upload(scope):
        return None
    for name, value in scope["headers"]:
        if name.lower() == b"reflex-client-token":
            return value.decode("latin-1")
    return None


def of_request(scope: Scope) -> Credentials:
    """The credentials an HTTP request through the middleware carried."""
    return scope.get(SCOPE_KEY, NO_CREDENTIALS)


def of_socket(socket_id: str) -> Credentials:
    """The credentials the handshake of this worker's socket `socket_id` carried."""
    app = RegistrationContext.get().app
    if app.sio is None or not socket_id:
        return NO_CREDENTIALS
    environ = app.sio.get_environ(socket_id, get_config().get_event_namespace())
    if environ is None:
        return NO_CREDENTIALS
    return environ.get("asgi.scope", {}).get(SCOPE_KEY, NO_CREDENTIALS)


def of_tab(client_token: str, socket_id: str) -> Credentials:
    """The credentials of the tab an event runs for: its upload's, or its socket's.

    The one function states ask (gudcity/state/session.py); state tests point it
    at credentials of their own.
    """
    uploads = _uploads.get(client_token)
    if uploads:
        return uploads[-1]
    return of_socket(socket_id)
