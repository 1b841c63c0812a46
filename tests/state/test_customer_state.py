"""CustomerState: /business/customers/<id>, read and acted on through the real services."""

import pytest
from sqlmodel import select

from gudcity.models import ApprovalRequest, LoyaltyCard, ProgramKind
from gudcity.services import awards, enrollment
from gudcity.services.permissions import Permission
from gudcity.state import customer as customer_state
from gudcity.state.customer import CustomerState, customer_in_path
from tests.support.events import redirect_target, toasts

pytestmark = pytest.mark.anyio


def route(customer) -> str:
    return f"/business/customers/{customer.id}"


@pytest.fixture
def cafe(make):
    """Alice: 30 points in Coffee Club, 6 stamps in Pastry Stamps; Tea Club she never joined."""
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club")
    stamps = make.program(owner, business, name="Pastry Stamps", kind=ProgramKind.STAMPS)
    tea = make.program(owner, business, name="Tea Club")
    alice = make.customer("Alice")
    make.card(alice, coffee, balance=30)
    make.card(alice, stamps, balance=6)
    return owner, business, alice, coffee, stamps, tea


def card_of(session, customer, program) -> LoyaltyCard:
    session.rollback()
    return session.exec(
        select(LoyaltyCard).where(
            LoyaltyCard.customer_id == customer.id, LoyaltyCard.program_id == program.id
        )
    ).one()


async def test_load_shows_name_balances_history_and_visits(tab, cafe, run):
    owner, _, alice, coffee, _, _ = cafe
    state = tab(CustomerState, route(alice), owner)

    events = await run(state.load())

    assert redirect_target(events) is None
    assert not state.loading
    assert (state.customer_name, state.error) == ("Alice", "")
    assert [(b.program, b.balance) for b in state.balances] == [
        ("Coffee Club", "30 points"),
        ("Pastry Stamps", "6 stamps"),
    ]
    assert [(h.kind, h.amount, h.program, h.by) for h in state.history] == [
        ("Earned", "+6 stamps", "Pastry Stamps", owner.name),
        ("Earned", "+30 points", "Coffee Club", owner.name),
    ]
    assert all(h.when.endswith("UTC") for h in state.history)
    assert state.visit_count == "4"
    assert [v.kind for v in state.visits] == ["Award", "Enroll", "Award", "Enroll"]
    assert [p.label for p in state.programs] == ["Coffee Club", "Pastry Stamps", "Tea Club"]
    assert state.program_id == str(coffee.id)
    assert (state.chosen_status, state.chosen_enrolled) == ("Enrolled", True)
    assert not state.has_older


async def test_show_older_adds_the_next_page(tab, make, cafe, monkeypatch, run, session):
    monkeypatch.setattr(customer_state, "HISTORY_PAGE_SIZE", 2)
    owner, _, alice, coffee, _, _ = cafe
    card = card_of(session, alice, coffee)
    for points in (1, 2, 3):
        awards.award_points(session, owner, card.id, points, make.key())
    state = tab(CustomerState, route(alice), owner)
    await run(state.load())
    assert [h.amount for h in state.history] == ["+3 points", "+2 points"]
    assert state.has_older

    await run(state.show_older())
    assert [h.amount for h in state.history] == ["+3 points", "+2 points", "+1 point", "+6 stamps"]
    await run(state.show_older())
    assert [h.amount for h in state.history][-1] == "+30 points"
    assert not state.has_older

    # A live refresh re-reads every page shown, the newest row on top.
    awards.award_points(session, owner, card.id, 9, make.key())
    await run(state._live_refresh())
    assert [h.amount for h in state.history][:2] == ["+9 points", "+3 points"]
    assert len(state.history) == 6


async def test_award_from_the_page_uses_the_award_service(tab, make, cafe, run, session):
    owner, business, alice, coffee, _, _ = cafe
    barista = make.staff(owner, business, Permission.AWARD)
    state = tab(CustomerState, route(alice), barista)
    await run(state.load())
    assert (state.can_award, state.can_deduct) == (True, False)
    state.set_points_text("15")

    events = await run(state.award(state.action_key))

    assert toasts(events) == []
    assert state.outcome == "+15 points awarded."
    assert card_of(session, alice, coffee).balance == 45
    assert state.balances[0].balance == "45 points"
    assert (state.history[0].amount, state.history[0].by) == ("+15 points", barista.name)


async def test_a_double_click_awards_once(tab, make, cafe, run, session):
    owner, _, alice, coffee, _, _ = cafe
    state = tab(CustomerState, route(alice), owner)
    await run(state.load())
    key = state.action_key

    await run(state.award(key))
    await run(state.award(key))

    assert card_of(session, alice, coffee).balance == 40


async def test_a_stamps_award_speaks_of_stamps(tab, cafe, run, session):
    owner, _, alice, _, stamps, _ = cafe
    state = tab(CustomerState, route(alice), owner)
    await run(state.load())
    await run(state.choose_program(str(stamps.id)))
    state.set_points_text("1")

    await run(state.award(state.action_key))

    assert state.outcome == "+1 stamp awarded."
    assert card_of(session, alice, stamps).balance == 7


async def test_deduct_asks_the_customer(tab, cafe, run, session):
    owner, _, alice, coffee, _, _ = cafe
    state = tab(CustomerState, route(alice), owner)
    await run(state.load())
    state.set_points_text("5")

    await run(state.deduct(state.action_key))

    assert state.outcome == "Asked the customer to approve taking 5 points off their card."
    assert card_of(session, alice, coffee).balance == 30  # only once she approves


async def test_enroll_invites_to_the_chosen_program(tab, cafe, run, session):
    owner, _, alice, _, _, tea = cafe
    state = tab(CustomerState, route(alice), owner)
    await run(state.load())
    await run(state.choose_program(str(tea.id)))
    assert (state.chosen_status, state.chosen_enrolled) == ("Not enrolled", False)

    await run(state.enroll(state.action_key))

    assert state.outcome == "Invitation sent: the customer can accept it on their phone."
    assert state.chosen_status == "Invitation sent"
    session.rollback()
    assert session.exec(select(ApprovalRequest)).one().program_id == tea.id


async def test_what_the_seat_forbids_is_refused_by_the_service(tab, make, cafe, run):
    owner, business, alice, _, _, _ = cafe
    viewer = make.staff(owner, business)  # no permissions: may look, not act
    state = tab(CustomerState, route(alice), viewer)
    await run(state.load())
    before = make.counts()

    events = await run(state.award(state.action_key))

    assert toasts(events) == [("error", "You do not have permission to do this.")]
    assert make.counts() == before
    assert (state.can_award, state.can_deduct, state.can_scan) == (False, False, False)


async def test_an_award_in_a_program_not_joined_is_refused(tab, make, cafe, run):
    owner, _, alice, _, _, tea = cafe
    state = tab(CustomerState, route(alice), owner)
    await run(state.load())
    await run(state.choose_program(str(tea.id)))
    before = make.counts()

    events = await run(state.award(state.action_key))

    assert toasts(events) == [("error", "This customer is not enrolled in the chosen program.")]
    assert make.counts() == before


async def test_another_business_customer_is_not_found(tab, make, cafe, run):
    _, _, alice, _, _, _ = cafe
    rival, _ = make.business("Rival Roasters")
    state = tab(CustomerState, route(alice), rival)

    await run(state.load())

    assert state.error == "Customer not found."
    assert (state.customer_name, state.balances, state.history) == ("", [], [])
    assert state.visits == []


@pytest.mark.parametrize("path", ["abc", "0", "99999999999999", "-3", ""])
async def test_an_id_that_is_no_one_is_not_found(tab, cafe, run, path):
    owner = cafe[0]
    state = tab(CustomerState, f"/business/customers/{path}", owner)

    await run(state.load())

    assert state.error == "Customer not found."


async def test_a_customer_who_leaves_disappears_on_the_next_refresh(tab, cafe, run, session):
    owner, _, alice, coffee, stamps, _ = cafe
    state = tab(CustomerState, route(alice), owner)
    await run(state.load())

    for program in (coffee, stamps):
        enrollment.leave_program(session, alice, program.id)
    await run(state._live_refresh())

    assert state.error == "Customer not found."
    assert state.history == []


async def test_a_customer_is_sent_to_their_own_home(tab, make, cafe, run):
    alice = cafe[2]
    state = tab(CustomerState, route(alice), make.customer())

    assert redirect_target(await run(state.load())) == "/cards"


def test_the_id_is_read_from_the_path():
    assert customer_in_path("/business/customers/12") == 12
    assert customer_in_path("/business/customers/12/") == 12
    for wrong in ("/business/customers/", "/business/customers/x", "/business/customers/1e3"):
        assert customer_in_path(wrong) == 0


@pytest.mark.parametrize(
    ("handler", "args"),
    [
        ("award", (42,)),
        ("award", ("",)),
        ("deduct", ({"key": "k"},)),
        ("enroll", (["k"],)),
        ("choose_program", (None,)),
        ("choose_program", ("999999",)),
    ],
)
async def test_crafted_events_on_a_real_customer_are_refused_in_words(
    tab, make, cafe, run, handler, args
):
    owner, _, alice, _, _, _ = cafe
    state = tab(CustomerState, route(alice), owner)
    await run(state.load())
    before = make.counts()

    events = await run(getattr(type(state), handler).fn(state, *args))

    messages = [message for level, message in toasts(events) if level == "error"]
    assert messages and all("An error occurred" not in m for m in messages)
    assert make.counts() == before
