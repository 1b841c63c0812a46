"""The expiry dialog of /business/programs: its summary, a save, a refusal in words."""

import pytest

from gudcity.models import Business, ProgramKind
from gudcity.services import expiry_rules
from gudcity.state.program_expiry import EXPIRY
from gudcity.state.programs import ProgramsState
from tests.support.events import toasts

pytestmark = pytest.mark.anyio

ROUTE = "/business/programs"


@pytest.fixture
def owner_page(make, tab):
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club")
    return owner, coffee, tab(ProgramsState, ROUTE, owner)


def expiry_form(state, mode: str, days: str) -> dict:
    return {"expiry_mode": mode, "expiry_days": days, "form_version": str(state.form_version)}


async def test_the_row_says_points_never_expire_until_the_owner_chooses(session, owner_page, run):
    _owner, coffee, state = owner_page
    await run(state.load())
    assert state.programs[0].expiry == "Points never expire"

    await run(state.open_expiry(coffee.id))
    assert (state.expiry_program_id, state.expiry_mode) == (coffee.id, "NONE")
    await run(state.save_expiry(expiry_form(state, "AFTER_INACTIVITY", "90")))

    current = expiry_rules.current_rules(session, [coffee.id])[coffee.id]
    assert (current.mode, current.days) == ("AFTER_INACTIVITY", 90)
    assert state.programs[0].expiry == "Points expire after 90 days without a visit"
    assert (state.programs[0].expiry_mode, state.programs[0].expiry_days) == (
        "AFTER_INACTIVITY",
        90,
    )
    assert state.expiry_program_id == 0  # the dialog closed


async def test_bad_days_are_refused_in_words_and_change_nothing(session, owner_page, run):
    _owner, coffee, state = owner_page
    await run(state.load())
    await run(state.open_expiry(coffee.id))

    events = await run(state.save_expiry(expiry_form(state, "AFTER_EARNED", "4000")))

    assert state.error == "Days must be between 1 and 3,650."
    assert state.error_at == f"{EXPIRY}{coffee.id}"
    assert toasts(events)
    assert expiry_rules.current_rules(session, [coffee.id])[coffee.id] is None


async def test_a_stamps_program_says_stamps(make, owner_page, run):
    owner, coffee, state = owner_page
    business = make.session.get(Business, coffee.business_id)
    stamps = make.program(owner, business, name="Pastry", kind=ProgramKind.STAMPS)
    expiry_rules.set_expiry_rule(make.session, owner, stamps.id, "AFTER_EARNED", 1)
    await run(state.load())
    assert state.programs[1].expiry == "Stamps expire 1 day after they are earned"
