"""CustomersState: /business/customers, read through the real services."""

import pytest
from sqlmodel import select

from gudcity.models import ProgramKind, User
from gudcity.services import programs
from gudcity.services.permissions import Permission
from gudcity.state import customers as customers_state
from gudcity.state.customers import ALL_PROGRAMS, CustomersState
from tests.support.events import redirect_target

pytestmark = pytest.mark.anyio

ROUTE = "/business/customers"


@pytest.fixture
def cafe(make):
    """A business with two programs; Alice and Bob in one, Carol in both, Dave elsewhere."""
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club")
    cakes = make.program(owner, business, name="Cake Club", kind=ProgramKind.STAMPS)
    alice, bob, carol = (make.customer(name) for name in ("Alice", "Bob", "Carol"))
    make.card(alice, coffee, balance=30)
    make.card(bob, coffee)
    make.card(carol, coffee, balance=5)
    make.card(carol, cakes, balance=7)
    other_owner, other_business = make.business("Elsewhere")
    make.card(make.customer("Dave"), make.program(other_owner, other_business))
    make.customer("Erin")  # enrolled nowhere
    return owner, business, coffee, cakes


def shown(state: CustomersState) -> list[tuple[str, list[str]]]:
    return [(row.name, row.balances) for row in state.rows]


async def test_load_lists_exactly_the_business_customers(tab, cafe, run):
    owner, _, _, _ = cafe
    state = tab(CustomersState, ROUTE, owner)

    events = await run(state.load())

    assert redirect_target(events) is None
    assert not state.loading
    # One row per customer: Carol holds cards in both programs, each in its own unit
    # (points and stamps are never added together).
    assert shown(state) == [
        ("Alice", ["Coffee Club: 30 points"]),
        ("Bob", ["Coffee Club: 0 points"]),
        ("Carol", ["Cake Club: 7 stamps", "Coffee Club: 5 points"]),
    ]
    assert [row.href for row in state.rows] == [
        f"/business/customers/{row.customer_id}" for row in state.rows
    ]
    assert state.total_customers == 3
    assert state.business_name == "Bean There"
    assert [c.label for c in state.program_choices] == ["All programs", "Coffee Club", "Cake Club"]
    assert (state.has_previous, state.has_next) == (False, False)
    assert state.rows[0].tier == ""  # no program of the business has tiers


async def test_an_archived_programs_balance_is_marked_archived(session, tab, cafe, run):
    owner, _, _, cakes = cafe
    programs.archive_program(session, owner, cakes.id)
    state = tab(CustomersState, ROUTE, owner)

    await run(state.load())

    # Carol still holds the stamps, but no one may think the program still runs.
    assert dict(shown(state))["Carol"] == [
        "Coffee Club: 5 points",
        "Cake Club (archived): 7 stamps",
    ]
    assert state.rows[0].last_visit == "just now"


async def test_staff_see_the_same_list(tab, make, cafe, run):
    owner, business, _, _ = cafe
    staff = make.staff(owner, business, Permission.SCAN)
    state = tab(CustomersState, ROUTE, staff)

    await run(state.load())

    assert state.total_customers == 3
    assert len(state.rows) == 3


async def test_search_narrows_by_name_email_or_card_number(tab, cafe, session, run):
    owner, _, _, _ = cafe
    state = tab(CustomersState, ROUTE, owner)
    await run(state.load())

    await run(state.set_search("car"))
    assert [row.name for row in state.rows] == ["Carol"]

    alice = session.exec(select(User).where(User.name == "Alice")).one()
    await run(state.set_search(alice.email.upper()))
    assert [row.name for row in state.rows] == ["Alice"]

    await run(state.set_search(alice.card_number))
    assert [row.name for row in state.rows] == ["Alice"]

    await run(state.set_search("nobody"))
    assert state.rows == []
    assert state.total_customers == 3  # the total counts every customer, not the matches

    await run(state.set_search(""))
    assert len(state.rows) == 3


async def test_program_filter(tab, cafe, run):
    owner, _, _, cakes = cafe
    state = tab(CustomersState, ROUTE, owner)
    await run(state.load())

    await run(state.set_program_filter(str(cakes.id)))
    assert shown(state) == [("Carol", ["Cake Club: 7 stamps"])]

    await run(state.set_program_filter(ALL_PROGRAMS))
    assert len(state.rows) == 3


async def test_next_and_previous_walk_the_pages(tab, make, monkeypatch, run):
    monkeypatch.setattr(customers_state, "PAGE_SIZE", 2)
    owner, business = make.business()
    program = make.program(owner, business)
    for name in ("Ann", "Ben", "Cat", "Dan", "Eve"):
        make.card(make.customer(name), program)
    state = tab(CustomersState, ROUTE, owner)

    await run(state.load())
    assert [row.name for row in state.rows] == ["Ann", "Ben"]
    assert (state.has_previous, state.has_next) == (False, True)

    await run(state.next_page())
    assert [row.name for row in state.rows] == ["Cat", "Dan"]
    assert (state.has_previous, state.has_next) == (True, True)

    await run(state.next_page())
    assert [row.name for row in state.rows] == ["Eve"]
    assert (state.has_previous, state.has_next) == (True, False)

    await run(state.next_page())  # nothing after the last page
    assert [row.name for row in state.rows] == ["Eve"]

    await run(state.previous_page())
    assert [row.name for row in state.rows] == ["Cat", "Dan"]

    await run(state.set_search("an"))  # a new search starts again from the first page
    assert [row.name for row in state.rows] == ["Ann", "Dan"]
    assert (state.has_previous, state.has_next) == (False, False)


async def test_live_refresh_rereads_the_page_being_shown(tab, make, monkeypatch, run):
    monkeypatch.setattr(customers_state, "PAGE_SIZE", 2)
    owner, business = make.business()
    program = make.program(owner, business)
    for name in ("Ann", "Ben", "Cat"):
        make.card(make.customer(name), program)
    state = tab(CustomersState, ROUTE, owner)
    await run(state.load())
    await run(state.next_page())

    make.card(make.customer("Cid"), program, balance=4)
    await run(state._live_refresh())

    assert shown(state) == [("Cat", ["Program 2: 0 points"]), ("Cid", ["Program 2: 4 points"])]
    assert state.total_customers == 4
    assert state.has_previous


async def test_a_customer_is_sent_to_their_own_home(tab, make, cafe, run):
    state = tab(CustomersState, ROUTE, make.customer())

    events = await run(state.load())

    assert redirect_target(events) == "/cards"
    assert state.rows == []


async def test_an_anonymous_visitor_is_sent_to_log_in(tab, cafe, run):
    state = tab(CustomersState, ROUTE)

    events = await run(state.load())

    assert redirect_target(events) == "/login?next=/business/customers"
    assert state.rows == []
