"""The Referrals section of PromotionsState: read with the page, in the tab's words,
and again when the change feed says the business changed."""

import pytest

from gudcity.services import awards, referrals
from gudcity.services.permissions import Permission
from gudcity.state.locale import LocaleState
from gudcity.state.promotions import PromotionsState
from tests.services.growth_support import offer
from tests.services.test_referrals import code_of

pytestmark = pytest.mark.anyio

ROUTE = "/business/promotions"


@pytest.fixture
def club(session, make):
    """Bean There's Coffee Club pays referrals; Alice holds a card, Bob is not enrolled."""
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    offer(session, owner, program, referrer_bonus=30, friend_bonus=20)
    alice = make.customer("Alice")
    return owner, business, code_of(make.card(alice, program)), make.customer("Bob")


async def test_a_referral_shows_waiting_then_paid_on_the_feed(session, make, tab, run, club):
    owner, _business, code, bob = club
    state = tab(PromotionsState, ROUTE, owner)
    await run(state.load())
    assert state.referrals == []
    assert [(c.program_name, c.counts) for c in state.referral_counts] == [
        ("Coffee Club", "Waiting for a first visit: 0 · Paid: 0 · Refused: 0")
    ]

    bobs = referrals.join_through_referral(session, bob, code).card
    await run(state._live_refresh())
    [line] = state.referrals
    assert (line.friend, line.referrer, line.program_name, line.state) == (
        "Bob",
        "Alice",
        "Coffee Club",
        "Waiting for a first visit",
    )
    assert line.tone == "amber"

    awards.award_points(session, owner, bobs.id, 5, make.key())
    await run(state._live_refresh())
    [line] = state.referrals
    assert (line.state, line.tone) == (f"Paid on {line.joined_on}", "green")
    assert state.referral_counts[0].counts == "Waiting for a first visit: 0 · Paid: 1 · Refused: 0"

    await run((await state.get_state(LocaleState)).choose_language("fr"))
    assert state.referrals[0].state.startswith("Payé le ")
    assert state.referral_counts[0].counts.startswith("En attente d'une première visite : 0")


async def test_staff_who_may_not_manage_programs_see_no_referrals(session, make, tab, run, club):
    owner, business, code, bob = club
    referrals.join_through_referral(session, bob, code)
    counter = make.staff(owner, business, Permission.SCAN, Permission.REPORTS)
    state = tab(PromotionsState, ROUTE, counter)
    await run(state.load())
    assert (state.referrals, state.referral_counts) == ([], [])
