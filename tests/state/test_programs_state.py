"""ProgramsState: /business/programs, changed through the real services."""

import pytest
from sqlmodel import select

from gudcity.models import ProgramKind, Reward
from gudcity.services import programs
from gudcity.services.permissions import Permission
from gudcity.state.programs import CREATE, EDIT, REWARD_FORM, ProgramsState
from tests.support.events import redirect_target, toasts

pytestmark = pytest.mark.anyio

ROUTE = "/business/programs"


def new_program(state, name="Coffee Club", points="10", kind="POINTS", cooldown="") -> dict:
    """What the create form submits."""
    return {
        "program_name": name,
        "points_per_scan": points,
        "kind": kind,
        "cooldown_minutes": cooldown,
        "form_version": str(state.form_version),
    }


@pytest.fixture
def owner_page(make, tab):
    owner, business = make.business("Bean There")
    return owner, business, tab(ProgramsState, ROUTE, owner)


async def test_load_lists_programs_with_their_rewards(make, owner_page, run):
    owner, business, state = owner_page
    coffee = make.program(owner, business, name="Coffee Club", points_per_scan=5)
    make.program(owner, business, name="Stamp Card", kind=ProgramKind.STAMPS)
    programs.add_reward(make.session, owner, coffee.id, name="Cake", cost=50)
    programs.add_reward(make.session, owner, coffee.id, name="Coffee", cost=20)

    events = await run(state.load())

    assert redirect_target(events) is None
    assert not state.loading
    assert state.can_manage_programs
    assert [(p.name, p.kind, p.points_per_scan, p.is_active) for p in state.programs] == [
        ("Coffee Club", "Points", 5, True),
        ("Stamp Card", "Stamps", 10, True),
    ]
    assert [(r.name, r.cost) for r in state.programs[0].rewards] == [("Coffee", 20), ("Cake", 50)]
    assert state.programs[1].rewards == []


async def test_no_programs_yet(owner_page, run):
    _, _, state = owner_page
    await run(state.load())
    assert state.programs == []


async def test_create_program(session, owner_page, run):
    owner, business, state = owner_page
    await run(state.load())

    await run(state.create_program(new_program(state, "Tea Time", "3", "STAMPS", cooldown="30")))

    stored = programs.list_programs(session, owner, business.id)
    assert [(p.name, p.kind, p.points_per_scan, p.scan_cooldown_seconds) for p in stored] == [
        ("Tea Time", ProgramKind.STAMPS, 3, 1800)
    ]
    assert [p.name for p in state.programs] == ["Tea Time"]
    assert state.programs[0].cooldown_minutes == 30
    assert state.form_version == 1  # the form starts empty again
    assert (state.saving, state.busy, state.error_at) == (False, "", "")


async def test_a_second_click_while_saving_does_nothing(session, owner_page, run):
    owner, business, state = owner_page
    await run(state.load())

    first = state.create_program(new_program(state))
    session.commit()
    await anext(first)  # the first click is saving now
    assert state.saving
    assert state.busy == CREATE

    assert await run(state.create_program(new_program(state))) == []
    await run(first)

    assert len(programs.list_programs(session, owner, business.id)) == 1
    assert len(state.programs) == 1
    assert not state.saving


async def test_a_double_click_submits_once(session, owner_page, run):
    """The browser queues the second submit until the first has finished."""
    owner, business, state = owner_page
    await run(state.load())
    form = new_program(state)

    await run(state.create_program(form))
    assert await run(state.create_program(form)) == []

    assert len(programs.list_programs(session, owner, business.id)) == 1
    await run(state.create_program(new_program(state, "Tea Time")))  # the fresh, empty form
    assert len(programs.list_programs(session, owner, business.id)) == 2


@pytest.mark.parametrize(
    ("points", "message"),
    [
        ("0", "Points per scan must be between 1 and"),
        ("-5", "Points per scan must be between 1 and"),
        ("ten", "Points per scan must be a whole number."),
        ("", "Points per scan must be a whole number."),
    ],
)
async def test_bad_points_per_scan_shows_the_service_message(
    session, owner_page, run, points, message
):
    owner, business, state = owner_page
    await run(state.load())

    await run(state.create_program(new_program(state, points=points)))

    assert state.error_at == CREATE
    assert state.error.startswith(message)
    assert programs.list_programs(session, owner, business.id) == []
    assert not state.saving
    assert state.form_version == 0  # what was typed stays for correcting


async def test_other_bad_input_is_refused_with_its_message(session, owner_page, run):
    owner, business, state = owner_page
    await run(state.load())

    await run(state.create_program(new_program(state, name="   ")))
    assert state.error == "Program name is required."

    await run(state.create_program(new_program(state, cooldown="soon")))
    assert state.error == "Scan cooldown (minutes) must be a whole number."

    assert programs.list_programs(session, owner, business.id) == []


async def test_pause_and_resume(session, make, owner_page, run):
    owner, business, state = owner_page
    program = make.program(owner, business)
    await run(state.load())

    await run(state.set_active(program.id, False))

    session.refresh(program)
    assert not program.is_active
    assert not state.programs[0].is_active

    await run(state.set_active(program.id, True))

    session.refresh(program)
    assert program.is_active
    assert state.programs[0].is_active


async def test_edit_name_and_points(session, make, owner_page, run):
    owner, business, state = owner_page
    program = make.program(owner, business, name="Coffee Club", points_per_scan=10)
    await run(state.load())

    await run(state.open_editor(program.id))
    assert (state.editing_id, state.editing_name, state.editing_points) == (
        program.id,
        "Coffee Club",
        "10",
    )

    version = {"form_version": str(state.form_version)}
    await run(state.update_program({**version, "name": "Coffee Club", "points_per_scan": "0"}))
    assert state.error_at == f"{EDIT}{program.id}"
    assert state.editing_id == program.id  # the dialog stays open to correct it

    await run(state.update_program({**version, "name": "Coffee Friends", "points_per_scan": "15"}))

    session.refresh(program)
    assert (program.name, program.points_per_scan) == ("Coffee Friends", 15)
    assert state.editing_id == 0
    assert (state.programs[0].name, state.programs[0].points_per_scan) == ("Coffee Friends", 15)


async def test_add_and_hide_rewards(session, make, owner_page, run):
    owner, business, state = owner_page
    program = make.program(owner, business)
    await run(state.load())

    def form(name: str, cost: str) -> dict:
        return {
            "program_id": str(program.id),
            "form_version": str(state.form_version),
            "reward_name": name,
            "cost": cost,
        }

    await run(state.add_reward(form("Free coffee", "0")))
    assert state.error_at == f"{REWARD_FORM}{program.id}"
    assert state.error.startswith("Cost must be between 1 and")

    await run(state.add_reward(form("Free coffee", "100")))
    await run(state.add_reward(form("Biscuit", "20")))

    assert [(r.name, r.cost) for r in state.programs[0].rewards] == [
        ("Biscuit", 20),
        ("Free coffee", 100),
    ]

    await run(state.hide_reward(state.programs[0].rewards[0].reward_id))

    # Still listed for the owner, marked hidden, so it can be shown again.
    assert [(r.name, r.is_active) for r in state.programs[0].rewards] == [
        ("Biscuit", False),
        ("Free coffee", True),
    ]
    hidden = session.exec(select(Reward).where(Reward.name == "Biscuit")).one()
    assert not hidden.is_active


async def test_staff_without_the_manage_permission_see_no_programs_and_no_warning(
    session, make, tab, run
):
    """The page shows "No access" (pages/programs.py), not a list they may not change."""
    owner, business = make.business()
    make.program(owner, business, name="Coffee Club")
    staff = make.staff(owner, business, Permission.SCAN)
    state = tab(ProgramsState, ROUTE, staff)

    events = await run(state.load())

    assert not state.can_manage_programs
    assert toasts(events) == []
    assert state.programs == []

    await run(state.create_program(new_program(state, "Sneaky")))

    assert state.error == "You do not have permission to do this."
    assert [p.name for p in programs.list_programs(session, owner, business.id)] == ["Coffee Club"]


async def test_staff_with_the_manage_permission_manage(session, make, tab, run):
    owner, business = make.business()
    staff = make.staff(owner, business, Permission.MANAGE_PROGRAMS)
    state = tab(ProgramsState, ROUTE, staff)

    await run(state.load())
    await run(state.create_program(new_program(state, "Staff Special")))

    assert state.can_manage_programs
    assert [p.name for p in programs.list_programs(session, owner, business.id)] == [
        "Staff Special"
    ]


async def test_a_customer_is_sent_to_their_own_home(make, tab, run):
    state = tab(ProgramsState, ROUTE, make.customer())

    events = await run(state.load())

    assert redirect_target(events) == "/cards"


async def test_an_anonymous_visitor_is_sent_to_log_in(tab, run):
    state = tab(ProgramsState, ROUTE)

    events = await run(state.load())

    assert redirect_target(events) == "/login?next=/business/programs"
