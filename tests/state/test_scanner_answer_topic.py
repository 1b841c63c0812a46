"""The urgent answer topic: the scanner reads only the answers it follows, and stays safe."""

import pytest
from sqlmodel import select

from gudcity.domain.card_numbers import format_card_number
from gudcity.models import ApprovalKind, ApprovalRequest
from gudcity.services import deductions, programs, staff
from gudcity.services.outbox import answer_topic, business_topic
from gudcity.services.permissions import Permission
from gudcity.state.scanner import ScannerState
from tests.support.events import redirect_target, toasts

pytestmark = pytest.mark.anyio

ROUTE = "/business/scanner"
SCAN, DEDUCT = Permission.SCAN, Permission.DEDUCT


@pytest.fixture
def shop(make):
    """Bean There with Coffee Club and Cake Club; Bob holds 20 points in Coffee Club."""
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club")
    cakes = make.program(owner, business, name="Cake Club")
    bob = make.customer("Bob")
    make.card(bob, coffee, balance=20)
    return owner, business, coffee, cakes, bob


async def asked_bob(tab, run, user, bob):
    """`user`'s scanner showing Bob, having asked him to approve 6 off his card."""
    state = tab(ScannerState, ROUTE, user)
    await run(state.load())
    await run(state.look_up({"card_number": format_card_number(bob.card_number)}))
    await run(state.set_points_text("6"))
    await run(state.deduct(state.action_key))
    assert state.outcome == "Asked the customer to approve taking 6 points off their card."
    return state


def answer(session, bob, approve: bool) -> None:
    session.rollback()
    request = session.exec(
        select(ApprovalRequest).where(
            ApprovalRequest.kind == ApprovalKind.POINTS_DEDUCTION,
            ApprovalRequest.customer_id == bob.id,
        )
    ).one()
    deductions.respond_to_deduction(session, bob, request.id, approve)


async def test_the_answer_alone_is_read_without_the_rest_of_the_page(session, shop, tab, run):
    owner, business, _, cakes, bob = shop
    state = await asked_bob(tab, run, owner, bob)
    programs.update_program(session, owner, cakes.id, is_active=False)
    answer(session, bob, approve=True)

    events = await run(state._live_refresh(topics=frozenset({answer_topic(business.id)})))

    assert not events
    assert (state.outcome, state.customer_balance) == (
        "Bob approved: 6 points taken off their card.",
        "14",
    )
    # The programs (and the seat, the notifications) wait for the business's topic.
    assert [c.label for c in state.programs] == ["Coffee Club", "Cake Club"]
    await run(state._live_refresh(topics=frozenset({business_topic(business.id)})))
    assert [c.label for c in state.programs] == ["Coffee Club"]
    assert state.outcome == "Bob approved: 6 points taken off their card."


async def test_an_answer_with_nothing_followed_reads_nothing(session, shop, tab, run, monkeypatch):
    owner, business, *_ = shop
    state = tab(ScannerState, ROUTE, owner)
    await run(state.load())
    monkeypatch.setattr(ScannerState, "_as_user", None)  # any read would fail

    assert not await run(state._live_refresh(topics=frozenset({answer_topic(business.id)})))


async def test_a_member_removed_before_the_answer_is_sent_to_log_in(session, make, shop, tab, run):
    owner, business, _, _, bob = shop
    barista = make.staff(owner, business, SCAN, DEDUCT)
    state = await asked_bob(tab, run, barista, bob)
    staff.remove_staff_member(session, owner, business.id, barista.id)
    answer(session, bob, approve=True)

    events = await run(state._live_refresh(topics=frozenset({answer_topic(business.id)})))

    assert redirect_target(events) == "/login"
    assert toasts(events) == [("info", "Your session has ended. Please log in again.")]
    assert state.outcome == "Asked the customer to approve taking 6 points off their card."


async def test_a_member_who_may_no_longer_scan_gets_the_whole_page_again(
    session, make, shop, tab, run
):
    owner, business, _, _, bob = shop
    barista = make.staff(owner, business, SCAN, DEDUCT)
    state = await asked_bob(tab, run, barista, bob)
    staff.change_staff_permissions(session, owner, business.id, barista.id, {DEDUCT})
    answer(session, bob, approve=False)

    await run(state._live_refresh(topics=frozenset({answer_topic(business.id)})))

    assert (state.can_scan, state.can_deduct) == (False, True)
    assert state.outcome == "Asked the customer to approve taking 6 points off their card."
