"""ActivityState: /business/activity, read through the real services."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert

from gudcity.models import StaffAction, StaffActionKind
from gudcity.services import awards, deductions, scanning
from gudcity.services.permissions import Permission
from gudcity.state import activity as activity_state
from gudcity.state.activity import EVERYONE, ActivityState
from tests.support.events import toasts

pytestmark = pytest.mark.anyio

ROUTE = "/business/activity"


@pytest.fixture
def counter(make):
    """Bean There, a barista who awards, and Alice's card (50 points from the owner)."""
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    barista = make.staff(owner, business, Permission.SCAN, Permission.AWARD)
    alice = make.customer("Alice")
    card = make.card(alice, program, balance=50)
    return owner, business, program, barista, alice, card


def shown(state: ActivityState) -> list[tuple[str, str, str, str]]:
    return [(r.staff, r.what, r.customer, r.amount) for r in state.rows]


async def test_load_lists_the_actions_newest_first(tab, make, counter, run, session):
    owner, _, program, barista, alice, card = counter
    awards.award_points(session, barista, card.id, 15, make.key())
    scanning.scan_customer(session, barista, program.id, alice.id, make.key())
    state = tab(ActivityState, ROUTE, owner)

    await run(state.load())

    assert not state.loading and state.error == ""
    assert shown(state) == [
        (barista.name, "Scan · points awarded", "Alice", ""),
        (barista.name, "Award", "Alice", "10 points"),
        (barista.name, "Award", "Alice", "15 points"),
        (owner.name, "Award", "Alice", "50 points"),
    ]
    assert all(r.when.endswith("UTC") and r.ago == "just now" for r in state.rows)
    assert {r.customer_href for r in state.rows} == {f"/business/customers/{alice.id}"}
    assert [c.label for c in state.staff_choices] == [
        "All staff",
        f"{owner.name} (owner)",
        barista.name,
    ]


async def test_the_staff_filter_narrows_and_all_staff_widens(tab, make, counter, run, session):
    owner, _, _, barista, _, card = counter
    awards.award_points(session, barista, card.id, 15, make.key())
    state = tab(ActivityState, ROUTE, owner)
    await run(state.load())

    await run(state.set_staff_filter(str(barista.id)))
    assert shown(state) == [(barista.name, "Award", "Alice", "15 points")]

    await run(state.set_staff_filter(str(owner.id)))
    assert shown(state) == [(owner.name, "Award", "Alice", "50 points")]

    await run(state.set_staff_filter(EVERYONE))
    assert len(state.rows) == 2


async def test_the_day_filter(tab, counter, run, session):
    owner, business, _, barista, alice, _ = counter
    last_week = datetime.now(UTC) - timedelta(days=7)
    session.execute(
        insert(StaffAction),
        [
            {
                "business_id": business.id,
                "actor_id": barista.id,
                "kind": StaffActionKind.ENROLLMENT_REQUEST,
                "customer_id": alice.id,
                "detail": "",
                "created_at": last_week,
            }
        ],
    )
    state = tab(ActivityState, ROUTE, owner)
    await run(state.load())
    assert len(state.rows) == 2

    await run(state.set_day(last_week.date().isoformat()))
    assert shown(state) == [(barista.name, "Invitation", "Alice", "")]

    await run(state.set_day(""))
    assert len(state.rows) == 2


async def test_show_older_and_live_refresh(tab, make, counter, monkeypatch, run, session):
    monkeypatch.setattr(activity_state, "PAGE_SIZE", 2)
    owner, _, _, barista, _, card = counter
    for points in (1, 2, 3):
        awards.award_points(session, barista, card.id, points, make.key())
    state = tab(ActivityState, ROUTE, owner)
    await run(state.load())
    assert [r.amount for r in state.rows] == ["3 points", "2 points"]
    assert state.has_older

    await run(state.show_older())
    assert [r.amount for r in state.rows] == ["3 points", "2 points", "1 point", "50 points"]
    assert not state.has_older

    # A new action appears at the top; the pages shown stay shown.
    deductions.request_deduction(session, owner, card.id, 4, make.key())
    await run(state._live_refresh())
    assert shown(state)[0] == (owner.name, "Deduction request", "Alice", "4 points")
    assert len(state.rows) == 5


async def test_staff_are_refused_the_log(tab, counter, run):
    _, _, _, barista, _, _ = counter
    state = tab(ActivityState, ROUTE, barista)

    await run(state.load())

    assert state.error == "Only the owner of this business can do this."
    assert state.rows == []


@pytest.mark.parametrize(
    ("handler", "args"),
    [
        ("set_staff_filter", ("999999",)),
        ("set_staff_filter", (12,)),
        ("set_day", ("2026-13-45",)),
        ("set_day", (20261202,)),
        ("set_day", ({"day": 1},)),
    ],
)
async def test_unknown_choices_are_refused_in_words(tab, counter, run, handler, args):
    owner = counter[0]
    state = tab(ActivityState, ROUTE, owner)
    await run(state.load())

    events = await run(getattr(type(state), handler).fn(state, *args))

    assert [level for level, _ in toasts(events)] == ["error"]
    assert (state.staff_filter, state.day) == (EVERYONE, "")
