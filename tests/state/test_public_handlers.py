"""What a client can call: every public method of a page's state is meant as an event.

Reflex makes every public method of a State an event any client can send, so a helper
that is not one (running work as the user, loading the user) must be private. And an
event sent after the session ended gets words, not a stack trace.
"""

import ast
import inspect

import pytest

from gudcity.domain.errors import AuthenticationError
from gudcity.services import sessions
from gudcity.settings import PROJECT_ROOT
from gudcity.state.cards import CardsState
from gudcity.state.failures import show_failure
from gudcity.state.scanner import ScannerState
from tests.support.events import redirect_target, toasts
from tests.support.tabs import socket_of

pytestmark = pytest.mark.anyio

STATE_MODULES = sorted((PROJECT_ROOT / "gudcity" / "state").glob("*.py"))


def _is_a_state(node: ast.ClassDef) -> bool:
    """A Reflex state or a mixin of one (its bases name a State or a Mixin)."""
    return any(ast.unparse(base).endswith(("State", "Mixin")) for base in node.bases)


def _undecorated_public_methods(path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ClassDef) or not _is_a_state(node):
            continue
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                decorators = {ast.unparse(d).split("(")[0] for d in item.decorator_list}
                if not item.name.startswith("_") and not decorators & {"rx.event", "rx.var"}:
                    found.append(f"{path.name}:{node.name}.{item.name}")
    return found


def test_every_public_method_of_a_state_is_a_declared_event_or_var():
    assert [name for path in STATE_MODULES for name in _undecorated_public_methods(path)] == []


def test_the_helpers_that_act_as_the_user_are_private():
    for name in ("as_user", "guard", "credentials"):
        assert not hasattr(ScannerState, name)
    assert inspect.iscoroutinefunction(ScannerState._as_user)


async def test_an_action_after_the_session_ended_says_so(session, make, tab, run, sockets):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice")
    make.card(alice, program, balance=10)
    scanner = tab(ScannerState, "/business/scanner", owner)
    await run(scanner.load())
    await run(scanner.look_up({"card_number": alice.card_number}))
    sessions.log_out(session, sockets[socket_of(scanner)].session_token)

    events = await run(scanner.award(scanner.action_key))

    assert toasts(events) == [("error", "Your session has ended. Please log in again.")]


async def test_what_escapes_after_the_session_ended_sends_the_user_to_log_in(
    session, make, tab, run, sockets
):
    customer = make.customer("Alice")
    cards = tab(CardsState, "/cards", customer)
    await run(cards.load())
    sessions.log_out(session, sockets[socket_of(cards)].session_token)

    with pytest.raises(AuthenticationError) as ended:
        await run(cards.redeem(1, 1))

    assert redirect_target(show_failure(ended.value)) == "/login"
