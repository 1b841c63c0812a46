"""Running the state classes' event handlers in-process, against the test database.

A `tab` is what Reflex builds for one browser tab: a root `State` with the
page's state inside it, the router data of the page's URL, and a socket whose
handshake carried the session cookie of the user logged in there (`sockets`).
Handlers are called on it directly, through the `run` fixture.
"""

import inspect
import uuid

import pytest
from reflex.event import EventSpec
from reflex.istate.data import ReflexURL, RouterData, SessionData
from reflex.state import State

from gudcity.realtime.subscriptions import subscriptions
from gudcity.services import sessions
from gudcity.web import credentials
from gudcity.web.credentials import NO_CREDENTIALS, Credentials
from tests.support.tabs import socket_of


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture(autouse=True)
def app_database(engine, monkeypatch):
    """Services called by the states open their sessions on the test database."""
    monkeypatch.setattr("gudcity.db.get_engine", lambda: engine)


@pytest.fixture
def sockets(monkeypatch) -> dict[str, Credentials]:
    """The cookies each test tab's socket handshake carried, by socket id.

    In the app CredentialsMiddleware takes them from the handshake; here a test
    sets them. The one lookup the states make (`credentials.of_tab`) reads this,
    and the states check the session token with the services as in the app.
    """
    carried: dict[str, Credentials] = {}
    monkeypatch.setattr(
        credentials,
        "of_tab",
        lambda _client_token, socket_id: carried.get(socket_id, NO_CREDENTIALS),
    )
    return carried


@pytest.fixture
def tab(session, sockets):
    """`tab(StateClass, path, user=None)`: that page's state in a fresh tab."""
    client_tokens = []

    def open_tab(state_cls, path: str, user=None):
        client_token = uuid.uuid4().hex
        client_tokens.append(client_token)
        root = State(_reflex_internal_init=True)
        root.router = RouterData(
            session=SessionData(client_token=client_token, session_id=uuid.uuid4().hex),
            url=ReflexURL(f"http://localhost:3000{path}"),
        )
        state = root.get_substate(state_cls.get_full_name().split("."))
        if user is not None:
            sockets[socket_of(state)] = Credentials(sessions.start_session(session, user))
        return state

    yield open_tab
    for client_token in client_tokens:
        subscriptions.drop_tab(client_token)


@pytest.fixture
def run(session):
    """`await run(state.handler(...))`: run a handler call (a coroutine, an async
    generator or a plain handler's result) to its end; the events it produced."""

    async def run_handler(call) -> list[EventSpec]:
        # On SQLite the test's own open transaction holds the write lock
        # (BEGIN IMMEDIATE): end it so the handler's services can write.
        session.commit()
        if inspect.isasyncgen(call):
            produced = [event async for event in call]
        elif inspect.isawaitable(call):
            produced = [await call]
        else:  # a plain handler has already run
            produced = [call]
        events = []
        for item in produced:
            events.extend(item if isinstance(item, list) else [item])
        return [event for event in events if event is not None]

    return run_handler
