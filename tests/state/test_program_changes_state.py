"""ProgramsState's later changes (rewards edited, hidden, shown; programs archived), the
scanner's first-run guide flag and the home page's way in, through the real services."""

import pytest

from gudcity.models import ProgramKind
from gudcity.services import programs
from gudcity.services.permissions import Permission
from gudcity.state.cards import CardsState
from gudcity.state.customers import CustomersState
from gudcity.state.home import HomeState
from gudcity.state.programs import CREATE, REWARD_EDIT, ProgramsState
from gudcity.state.scanner import ScannerState
from tests.support.events import toasts

pytestmark = pytest.mark.anyio

ROUTE = "/business/programs"


@pytest.fixture
def owner_page(make, tab):
    owner, business = make.business("Bean There")
    return owner, business, tab(ProgramsState, ROUTE, owner)


def version(state) -> dict:
    return {"form_version": str(state.form_version)}


def new_program(state, name="Coffee Club", cooldown="5") -> dict:
    return {
        "program_name": name,
        "points_per_scan": "10",
        "kind": "POINTS",
        "cooldown_minutes": cooldown,
        **version(state),
    }


# --- the scan cooldown ----------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "seconds"), [("5", 300), ("", 300), ("0", 0), ("12", 720)])
async def test_the_scan_cooldown_is_typed_in_minutes(session, owner_page, run, typed, seconds):
    owner, business, state = owner_page
    await run(state.load())

    await run(state.create_program(new_program(state, cooldown=typed)))

    (stored,) = programs.list_programs(session, owner, business.id)
    assert stored.scan_cooldown_seconds == seconds
    assert state.programs[0].cooldown_minutes == seconds // 60


async def test_the_edit_dialog_changes_the_cooldown(session, make, owner_page, run):
    owner, business, state = owner_page
    program = make.program(owner, business, name="Coffee Club", scan_cooldown_seconds=300)
    await run(state.load())

    await run(state.open_editor(program.id))
    assert (state.editing_cooldown, state.editing_stamps) == ("5", False)
    form = {**version(state), "name": "Coffee Club", "points_per_scan": "10"}
    await run(state.update_program({**form, "cooldown_minutes": "0"}))

    session.refresh(program)
    assert program.scan_cooldown_seconds == 0
    assert state.programs[0].cooldown_minutes == 0


async def test_a_stamps_program_says_stamps(make, owner_page, run):
    owner, business, state = owner_page
    program = make.program(owner, business, kind=ProgramKind.STAMPS, points_per_scan=1)
    await run(state.load())

    await run(state.open_editor(program.id))

    assert state.programs[0].per_scan == "1 stamp per scan"
    assert state.editing_stamps


# --- names --------------------------------------------------------------------------------


async def test_a_duplicate_name_is_refused_on_the_form(session, make, owner_page, run):
    owner, business, state = owner_page
    make.program(owner, business, name="Coffee Club")
    await run(state.load())

    events = await run(state.create_program(new_program(state, name=" coffee  CLUB")))

    message = "This business already has a program called Coffee Club."
    assert (state.error_at, state.error) == (CREATE, message)
    assert toasts(events)[-1] == ("error", message)
    assert len(programs.list_programs(session, owner, business.id)) == 1


# --- rewards --------------------------------------------------------------------------------


async def test_a_reward_is_edited_in_its_dialog(session, make, owner_page, run):
    owner, business, state = owner_page
    program = make.program(owner, business)
    reward = programs.add_reward(session, owner, program.id, name="Espresso", cost=50)
    await run(state.load())

    await run(state.open_reward_editor(reward.id))
    assert (state.editing_reward_id, state.editing_reward_name, state.editing_reward_cost) == (
        reward.id,
        "Espresso",
        "50",
    )
    await run(state.update_reward({**version(state), "reward_name": "Espresso", "cost": "0"}))
    assert state.error_at == f"{REWARD_EDIT}{reward.id}"
    assert state.editing_reward_id == reward.id  # open, to correct it

    await run(state.update_reward({**version(state), "reward_name": "Latte", "cost": "80"}))

    session.refresh(reward)
    assert (reward.name, reward.cost) == ("Latte", 80)
    assert state.editing_reward_id == 0
    assert [(r.name, r.cost) for r in state.programs[0].rewards] == [("Latte", 80)]


async def test_a_hidden_reward_is_shown_again(session, make, owner_page, run):
    owner, business, state = owner_page
    program = make.program(owner, business)
    reward = programs.add_reward(session, owner, program.id, name="Espresso", cost=50)
    await run(state.load())

    await run(state.hide_reward(reward.id))
    hidden = [(r.name, r.is_active) for r in state.programs[0].rewards]
    events = await run(state.show_reward(reward.id))

    assert hidden == [("Espresso", False)]
    assert [(r.name, r.is_active) for r in state.programs[0].rewards] == [("Espresso", True)]
    assert ("success", "Reward shown to customers again.") in toasts(events)
    session.refresh(reward)
    assert reward.is_active


# --- archiving ------------------------------------------------------------------------------


async def test_an_archived_program_leaves_every_business_page(session, make, tab, run):
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club")
    tea = make.program(owner, business, name="Tea Club")
    page = tab(ProgramsState, ROUTE, owner)
    await run(page.load())

    await run(page.ask_archive(coffee.id))
    assert (page.archiving_id, page.archiving_name) == (coffee.id, "Coffee Club")
    events = await run(page.archive_program(page.archiving_id))

    assert ("success", "Program archived.") in toasts(events)
    assert page.archiving_id == 0
    assert [p.name for p in page.programs] == ["Tea Club"]
    assert await run(page.archive_program(coffee.id)) == []  # Confirm clicked twice
    session.refresh(coffee)
    assert coffee.archived_at is not None
    scanner = tab(ScannerState, "/business/scanner", owner)
    await run(scanner.load())
    assert [c.program_id for c in scanner.programs] == [str(tea.id)]
    customers_page = tab(CustomersState, "/business/customers", owner)
    await run(customers_page.load())
    assert str(coffee.id) not in [c.program_id for c in customers_page.program_choices]


async def test_a_program_archived_meanwhile_elsewhere_just_leaves(session, make, tab, run):
    owner, business = make.business()
    program = make.program(owner, business, name="Coffee Club")
    page = tab(ProgramsState, ROUTE, owner)
    await run(page.load())
    await run(page.ask_archive(program.id))
    programs.archive_program(session, owner, program.id)  # in another tab

    events = await run(page.archive_program(page.archiving_id))

    assert ("success", "Program archived.") in toasts(events)
    assert page.programs == []


async def test_archiving_without_permission_is_not_offered_and_a_crafted_event_does_nothing(
    session, make, tab, run
):
    owner, business = make.business()
    program = make.program(owner, business, name="Coffee Club")
    staff = make.staff(owner, business, Permission.SCAN)
    page = tab(ProgramsState, ROUTE, staff)
    await run(page.load())
    await run(page.ask_archive(program.id))
    assert page.programs == [] and page.archiving_id == 0  # the page lists nothing to archive

    events = await run(page.archive_program(program.id))

    assert toasts(events) == []
    session.refresh(program)
    assert program.archived_at is None


async def test_the_customer_keeps_an_archived_card_to_look_at(session, make, tab, run):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    programs.add_reward(session, owner, program.id, name="Espresso", cost=50)
    customer = make.customer("Alice")
    make.card(customer, program, balance=70)
    programs.archive_program(session, owner, program.id)
    page = tab(CardsState, "/cards", customer)

    await run(page.load())

    (tile,) = page.cards
    assert (tile.program_name, tile.balance, tile.archived) == ("Coffee Club", 70, True)


# --- the scanner's first-run guide ---------------------------------------------------------


async def test_a_new_business_has_no_programs_until_it_makes_one(session, make, tab, run):
    owner, business = make.business("Bean There")
    scanner = tab(ScannerState, "/business/scanner", owner)
    await run(scanner.load())
    fresh = scanner.has_programs

    program = make.program(owner, business, name="Coffee Club")
    await run(scanner.load())
    with_one = scanner.has_programs
    programs.update_program(session, owner, program.id, is_active=False)
    await run(scanner.load())

    assert (fresh, with_one) == (False, True)
    assert (scanner.has_programs, scanner.programs) == (True, [])  # paused: no guide
    programs.archive_program(session, owner, program.id)
    await run(scanner.load())
    assert not scanner.has_programs


# --- the home page --------------------------------------------------------------------------


async def test_home_knows_a_visitor_from_a_user(make, tab, run):
    visitor = tab(HomeState, "/")
    customer = tab(HomeState, "/", make.customer("Alice"))
    owner = tab(HomeState, "/", make.business("Bean There")[0])

    for state in (visitor, customer, owner):
        assert await run(state.load()) == []

    assert [(s.checked, s.user_role) for s in (visitor, customer, owner)] == [
        (True, ""),
        (True, "CUSTOMER"),
        (True, "BUSINESS_OWNER"),
    ]
    assert customer.is_customer and customer.user_name == "Alice"
    assert not owner.is_customer
