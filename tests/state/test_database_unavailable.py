"""A database that cannot be reached: a clear message on the page, never a traceback."""

import pytest

from gudcity.db import make_engine
from gudcity.devserver import free_port
from gudcity.state.cards import CardsState
from gudcity.state.scanner import ScannerState
from tests.support.events import toasts

pytestmark = pytest.mark.anyio

MESSAGE = "GudCity cannot reach its database right now. Try again in a moment."


@pytest.fixture
def database_down(monkeypatch):
    """From now on, the states' sessions open on a PostgreSQL nobody listens to."""
    unreachable = make_engine(f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/gone")

    def take_database_down():
        monkeypatch.setattr("gudcity.db.get_engine", lambda: unreachable)

    yield take_database_down
    unreachable.dispose()


async def test_opening_a_page_says_the_database_is_away(make, tab, run, database_down):
    customer = make.customer("Alice")
    state = tab(CardsState, "/cards", customer)
    database_down()

    events = await run(state.load())

    assert toasts(events) == [("error", MESSAGE)]
    assert state.cards == []


async def test_an_award_while_the_database_is_away_says_so(make, tab, run, database_down):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Bob")
    make.card(customer, program, balance=5)
    scanner = tab(ScannerState, "/business/scanner", owner)
    await run(scanner.load())
    await run(scanner.look_up({"card_number": customer.card_number}))
    assert scanner.customer_balance == "5"
    database_down()

    events = await run(scanner.award(scanner.action_key))

    assert toasts(events) == [("error", MESSAGE)]
    assert scanner.error == MESSAGE
    assert scanner.customer_balance == "5"
    assert not scanner.busy


async def test_a_live_refresh_while_the_database_is_away_keeps_the_page(
    make, tab, run, database_down
):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Carol")
    make.card(customer, program, balance=7)
    state = tab(CardsState, "/cards", customer)
    await run(state.load())
    database_down()

    assert await run(state._live_refresh()) == []
    assert [card.balance for card in state.cards] == [7]
