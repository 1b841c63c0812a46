"""Every business page shows the business's notifications, and new ones arrive live."""

import pytest

from gudcity.services import answers, deductions, enrollment, notifications
from gudcity.services.permissions import Permission
from gudcity.state.customers import CustomersState
from gudcity.state.programs import ProgramsState
from gudcity.state.scanner import ScannerState
from tests.support.events import toasts

pytestmark = pytest.mark.anyio


@pytest.fixture
def cafe(make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice")
    card = make.card(alice, program, balance=30)
    return owner, business, program, alice, card


def _answer_deduction(session, make, owner, alice, card, accept: bool) -> None:
    deductions.request_deduction(session, owner, card.id, 10, make.key())
    [note, *_] = notifications.list_customer_notifications(session, alice)
    answers.act_on_notification(session, alice, note.id, accept)


@pytest.mark.parametrize(
    ("state_cls", "path"),
    [
        (ScannerState, "/business/scanner"),
        (CustomersState, "/business/customers"),
        (ProgramsState, "/business/programs"),
    ],
)
async def test_each_business_page_lists_the_notifications_newest_first(
    session, make, tab, run, cafe, state_cls, path
):
    owner, _, _, alice, card = cafe
    _answer_deduction(session, make, owner, alice, card, accept=False)
    _answer_deduction(session, make, owner, alice, card, accept=True)
    state = tab(state_cls, path, owner)

    events = await run(state.load())

    assert [n.message for n in state.business_notices] == [
        "Alice approved the deduction of 10 points.",
        "Alice declined the deduction of 10 points.",
        "Alice joined Coffee Club.",
    ]
    assert state.business_unread == 3 and state.business_unread_badge == "3"
    assert toasts(events) == []  # what was there before the page opened is not news


async def test_a_new_notification_arrives_live_with_a_toast(session, make, tab, run, cafe):
    owner, _, _, alice, card = cafe
    state = tab(ScannerState, "/business/scanner", owner)
    await run(state.load())

    _answer_deduction(session, make, owner, alice, card, accept=False)
    events = await state._live_refresh()

    assert state.business_notices[0].message == "Alice declined the deduction of 10 points."
    assert state.business_notices[0].unread
    assert toasts(events) == [("info", "Alice declined the deduction of 10 points.")]
    assert await state._live_refresh() is None  # nothing new: no toast again


async def test_marking_read_clears_the_count_for_everyone_at_the_business(
    session, make, tab, run, cafe
):
    owner, business, _, _, _ = cafe
    barista = make.staff(owner, business, Permission.SCAN)
    mine = tab(ScannerState, "/business/scanner", owner)
    theirs = tab(CustomersState, "/business/customers", barista)
    await run(mine.load())
    await run(theirs.load())
    assert theirs.business_unread == 1

    await run(theirs.mark_notifications_read())
    await mine._live_refresh()

    assert (mine.business_unread, theirs.business_unread) == (0, 0)
    assert not any(n.unread for n in mine.business_notices)


async def test_another_business_sees_none_of_them(session, make, tab, run, cafe):
    _, _, program, _, _ = cafe
    rival, rivals = make.business("Rival")
    make.program(rival, rivals)
    enrollment.join_program(session, make.customer("Bob"), program.id)
    state = tab(ScannerState, "/business/scanner", rival)

    await run(state.load())

    assert state.business_notices == [] and state.business_unread == 0
