"""Running the state classes' event handlers in-process, against the test database.

A `tab` is what Reflex builds for one browser tab: a root `State` with the
page's state inside it, the router data of the page's URL, and the session
cookie of the user logged in there. Handlers are called on it directly, through
the `run` fixture.
"""

import inspect
import json
import uuid

import pytest
from reflex.event import EventSpec
from reflex.istate.data import ReflexURL, RouterData, SessionData
from reflex.state import State

from gudcity.realtime.subscriptions import subscriptions
from gudcity.services import accounts
from tests.services.conftest import Make


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture(autouse=True)
def app_database(engine, monkeypatch):
    """Services called by the states open their sessions on the test database."""
    monkeypatch.setattr("gudcity.db.get_engine", lambda: engine)


@pytest.fixture
def make(session) -> Make:
    return Make(session)


@pytest.fixture
def tab(session):
    """`tab(StateClass, path, user=None)`: that page's state in a fresh tab."""
    client_tokens = []

    def open_tab(state_cls, path: str, user=None):
        client_token = uuid.uuid4().hex
        client_tokens.append(client_token)
        root = State(_reflex_internal_init=True)
        root.router = RouterData(
            session=SessionData(client_token=client_token),
            url=ReflexURL(f"http://localhost:3000{path}"),
        )
        state = root.get_substate(state_cls.get_full_name().split("."))
        if user is not None:
            state.session_token = accounts.start_session(session, user)
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


def background(state, handler: str, *args):
    """Call the background event `handler` of `state` (Reflex refuses a direct call).

    Its `async with self:` blocks then lock nothing: the test's state is its own.
    """
    return getattr(type(state), handler).fn(state, *args)


def redirect_target(events: list[EventSpec]) -> str | None:
    """Where a redirect among `events` goes (the one event with a `path`), if any."""
    for event in events:
        args = {name._js_expr: value for name, value in event.args}
        if "path" in args:
            return args["path"]._var_value
    return None


def toasts(events) -> list[tuple[str, str]]:
    """(level, message) of every toast among `events`.

    A toast of user text (gudcity/state/toasts.py) carries it as its title, a
    JavaScript string literal: the message shown is that literal's value.
    """
    shown = []
    for event in events:
        for name, value in event.args:
            call = getattr(value, "_return_expr", None)
            if name._js_expr == "function" and "__toast" in str(value):
                level, message = call._func._original._key._var_value, call._args[0]
                if not message and len(call._args) > 1:
                    message = json.loads(call._args[1]._var_value["title"]._js_expr)
                shown.append((level, message))
    return shown
