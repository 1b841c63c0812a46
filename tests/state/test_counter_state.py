"""Rewards at the counter: CounterState on /business/scanner and #reward-codes on /cards."""

import pytest
from sqlmodel import select

from gudcity.domain.redemption_codes import reward_qr_payload
from gudcity.models import LoyaltyCard, RewardCode, RewardCodeStatus
from gudcity.realtime.subscriptions import subscriptions
from gudcity.services import counter as counter_service
from gudcity.services import programs, qr_cards, redemptions
from gudcity.services.outbox import business_topic
from gudcity.services.permissions import Permission
from gudcity.state.cards import CardsState
from gudcity.state.counter import CounterState
from gudcity.state.scanner import ScannerState
from tests.support.events import toasts
from tests.support.scans import frame_of, photo, scripts
from tests.support.tabs import background

pytestmark = pytest.mark.anyio

SCANNER, CARDS = "/business/scanner", "/cards"


@pytest.fixture
def redeemed(make):
    """Alice (100 points at Bean There) redeemed a Free latte for 40: its code waits."""
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    reward = programs.add_reward(make.session, owner, program.id, name="Free latte", cost=40)
    alice = make.customer("Alice")
    card = make.card(alice, program, balance=100)
    redemption = redemptions.redeem_reward(make.session, alice, card.id, reward.id, make.key())
    return owner, business, alice, card, redemption.redemption_code


async def counter_tab(tab, run, user) -> CounterState:
    """The scanner page opened by `user`: its counter, beside the scanner."""
    scanner = tab(ScannerState, SCANNER, user)
    await run(scanner.load())
    return await scanner.get_state(CounterState)


def balance(session, card) -> int:
    session.rollback()
    session.expire_all()
    return session.get(LoyaltyCard, card.id).balance


def status(session, code: str) -> RewardCodeStatus:
    session.rollback()
    session.expire_all()
    return session.exec(select(RewardCode.status).where(RewardCode.code == code)).one()


# --- the counter --------------------------------------------------------------------------


async def test_a_typed_code_names_the_reward_the_customer_and_its_state(tab, run, redeemed):
    owner, _, _, _, code = redeemed
    counter = await counter_tab(tab, run, owner)

    await run(counter.check_code({"reward_code": f"{code[:4].lower()} {code[4:]}"}))

    assert counter.code_shown and not counter.code_busy
    assert (counter.code_reward, counter.code_customer, counter.code_program) == (
        "Free latte",
        "Alice",
        "Coffee Club",
    )
    assert (counter.code_value, counter.code_state, counter.code_waiting) == (code, "Waiting", True)
    assert counter.code_expires_at.endswith("Z") and counter.code_error == ""


async def test_mark_as_delivered_then_a_second_check_says_by_whom_and_when(
    session, make, tab, run, redeemed
):
    owner, business, _, card, code = redeemed
    sam = make.staff(owner, business, Permission.SCAN)
    counter = await counter_tab(tab, run, sam)
    await run(counter.check_code({"reward_code": code}))

    await run(counter.deliver())

    assert (counter.code_state, counter.code_waiting) == ("Delivered", False)
    assert counter.code_outcome == "Delivered: hand Free latte to Alice."
    assert status(session, code) == RewardCodeStatus.DELIVERED

    other = await counter_tab(tab, run, owner)
    await run(other.check_code({"reward_code": code}))
    assert (other.code_state, other.code_delivered_by) == ("Delivered", sam.name)
    assert other.code_delivered_at.endswith("Z") and not other.code_waiting
    events = await run(other.deliver())
    assert toasts(events) == [("error", f"This reward was already delivered by {sam.name}.")]
    assert other.code_state == "Delivered"
    assert balance(session, card) == 60


async def test_a_code_of_another_business_is_not_found(make, tab, run, redeemed):
    *_, code = redeemed
    rival, _ = make.business("Rival Roasters")
    counter = await counter_tab(tab, run, rival)

    events = await run(counter.check_code({"reward_code": code}))

    assert not counter.code_shown
    assert counter.code_error == counter_service.NOT_HERE
    assert toasts(events) == [("error", counter_service.NOT_HERE)]


async def test_deliver_with_no_code_shown_says_so(make, tab, run, redeemed):
    counter = await counter_tab(tab, run, redeemed[0])
    before = make.counts()
    events = await run(counter.deliver())
    assert toasts(events) == [("error", "Check a code first.")]
    assert make.counts() == before


async def test_a_photo_of_the_codes_qr_is_checked_at_the_counter(make, tab, run, redeemed):
    owner, _, _, _, code = redeemed
    scanner = tab(ScannerState, SCANNER, owner)
    await run(scanner.load())
    before = make.counts()

    await run(background(scanner, "scan_upload", photo(qr_cards.qr_png(reward_qr_payload(code)))))

    counter = await scanner.get_state(CounterState)
    assert (counter.code_reward, counter.code_state) == ("Free latte", "Waiting")
    assert scanner.customer_name == "" and scanner.error == ""
    assert make.counts() == before  # a check awards nothing and logs no scan


async def test_the_camera_reading_a_codes_qr_checks_it_and_stops(tab, run, redeemed):
    owner, _, _, _, code = redeemed
    scanner = tab(ScannerState, SCANNER, owner)
    await run(scanner.load())
    await run(scanner.start_camera())
    await run(scanner.camera_ready({"ok": True, "cameras": 1, "error": ""}))

    frame = frame_of(qr_cards.qr_png(reward_qr_payload(code)))
    events = await run(background(scanner, "scan_frame", frame))

    assert scripts(events) == ["gudcityCamera.confirm()"]
    counter = await scanner.get_state(CounterState)
    assert counter.code_value == code and not scanner.camera_on


async def test_the_code_on_screen_follows_the_customer_cancelling_it(session, tab, run, redeemed):
    owner, business, alice, _, code = redeemed
    counter = await counter_tab(tab, run, owner)
    await run(counter.check_code({"reward_code": code}))
    assert counter._subscriber() in subscriptions.subscribers({business_topic(business.id)})

    code_id = session.exec(select(RewardCode.id).where(RewardCode.code == code)).one()
    redemptions.cancel_reward_code(session, alice, code_id)
    await run(counter._live_refresh())

    assert (counter.code_state, counter.code_waiting) == ("Cancelled", False)


# --- the customer's #reward-codes ---------------------------------------------------------


async def test_cards_lists_the_code_with_its_qr_and_cancel_gives_the_points_back(
    session, tab, run, redeemed
):
    _, _, alice, card, code = redeemed
    cards = tab(CardsState, CARDS, alice)
    await run(cards.load())

    [item] = cards.reward_codes
    assert (item.code, item.reward_name, item.business_name) == (code, "Free latte", "Bean There")
    assert (item.state, item.waiting) == ("Waiting", True)
    assert item.qr_src.startswith("data:image/png;base64,") and item.expires_at.endswith("Z")

    events = await run(cards.cancel_code(item.code_id))

    assert toasts(events) == [("success", "Cancelled: 40 points went back on your card.")]
    [item] = cards.reward_codes
    assert (item.state, item.waiting, item.qr_src) == ("Cancelled", False, "")
    assert item.ended == "Cancelled just now"
    assert [c.balance for c in cards.cards] == [100] == [balance(session, card)]


async def test_cards_shows_a_delivered_code_once_the_counter_hands_it_over(
    session, tab, run, redeemed
):
    owner, business, alice, _, code = redeemed
    cards = tab(CardsState, CARDS, alice)
    await run(cards.load())
    view = counter_service.check_reward_code(session, owner, business.id, code)
    counter_service.deliver_reward_code(session, owner, business.id, view.code_id)

    await run(cards._live_refresh())

    assert [(c.state, c.ended) for c in cards.reward_codes] == [("Delivered", "Delivered just now")]


async def test_cards_with_no_codes_lists_none(make, tab, run):
    cards = tab(CardsState, CARDS, make.customer("Bob"))
    await run(cards.load())
    assert cards.reward_codes == []


async def test_staff_who_may_not_scan_cannot_check_codes(make, tab, run, redeemed):
    owner, business, _, _, code = redeemed
    clerk = make.staff(owner, business, Permission.AWARD)
    counter = await counter_tab(tab, run, clerk)

    events = await run(counter.check_code({"reward_code": code}))

    assert not counter.code_shown and not counter.can_scan
    assert toasts(events) == [("error", "You do not have permission to do this.")]
