"""/cards for leaving a program and the notification list's pages; /cards/<id>."""

import pytest
from sqlmodel import select

from gudcity import routes
from gudcity.models import CustomerNotification, NotificationType
from gudcity.services import awards, notify, programs, redemptions, scanning
from gudcity.state.card_history import CardHistoryState
from gudcity.state.cards import CardsState
from gudcity.state.cards_page import NOTIFICATIONS_SHOWN
from gudcity.state.customers import CustomersState
from tests.support.events import toasts

pytestmark = pytest.mark.anyio


@pytest.fixture
def cafe(make):
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice")
    card = make.card(alice, coffee, balance=30)
    return owner, business, coffee, alice, card


async def test_leaving_takes_the_card_off_the_page_and_the_customer_off_the_list(
    make, tab, run, cafe
):
    owner, _, coffee, alice, card = cafe
    page = tab(CardsState, routes.CARDS, alice)
    listing = tab(CustomersState, routes.CUSTOMERS, owner)
    await run(page.load())
    await run(listing.load())
    assert [t.card_id for t in page.cards] == [card.id]
    assert [r.name for r in listing.rows] == ["Alice"]

    events = await run(page.leave(coffee.id))

    assert page.cards == [] and page.leaving_id == 0
    assert toasts(events)[-1][0] == "success"
    await run(listing._live_refresh())
    assert listing.rows == [] and listing.total_customers == 0


async def test_leaving_a_program_twice_or_a_crafted_one_says_so(make, tab, run, cafe):
    _, _, coffee, alice, _ = cafe
    page = tab(CardsState, routes.CARDS, alice)
    await run(page.load())
    await run(page.leave(coffee.id))

    for crafted in (coffee.id, "1", -5, None):
        events = await run(page.leave(crafted))
        assert [kind for kind, _ in toasts(events)] == ["error"]


async def test_a_scan_that_awards_is_one_notification_and_one_unread(session, make, tab, run, cafe):
    owner, _, coffee, alice, _ = cafe
    page = tab(CardsState, routes.CARDS, alice)
    await run(page.load())
    await run(page.mark_all_read())

    scanning.scan_customer(session, owner, coffee.id, alice.id, make.key())
    events = await run(page._live_refresh())

    newest = page.notifications[0]
    assert newest.message == "You earned 10 points from Bean There!"
    assert newest.detail == "Your QR code was scanned by Bean There"
    assert page.unread_count == 1
    assert toasts(events) == [("info", "You earned 10 points from Bean There!")]
    await run(page.mark_read(newest.notification_id))
    assert page.unread_count == 0
    stored = session.exec(
        select(CustomerNotification.type).where(
            CustomerNotification.customer_id == alice.id,
            CustomerNotification.read_at.is_(None),
        )
    ).all()
    assert stored == []


async def test_a_counter_award_just_after_a_scan_that_earned_nothing_is_its_own_entry(
    session, make, tab, run, cafe
):
    owner, _, coffee, alice, _ = cafe
    page = tab(CardsState, routes.CARDS, alice)
    await run(page.load())
    card = scanning.scan_customer(session, owner, coffee.id, alice.id, make.key()).card
    await run(page.mark_all_read())

    # In the scan's cooldown: the scan earns nothing; the points typed at once are no scan's.
    scanning.scan_customer(session, owner, coffee.id, alice.id, make.key())
    awards.award_points(session, owner, card.id, 3, make.key())
    await run(page._live_refresh())

    newest, scanned = page.notifications[:2]
    assert (newest.message, newest.detail) == ("You earned 3 points from Bean There!", "")
    assert (scanned.message, scanned.detail) == ("Your QR code was scanned by Bean There", "")
    assert page.unread_count == 2


async def test_show_older_reaches_every_notification(session, make, tab, run, cafe):
    _, _, _, alice, _ = cafe
    for n in range(NOTIFICATIONS_SHOWN + 5):
        notify.notify_customer(
            session, alice.id, NotificationType.CARD_CREATED, f"Note {n}", f"Note {n}"
        )
    session.commit()
    page = tab(CardsState, routes.CARDS, alice)
    await run(page.load())
    assert len(page.notifications) == NOTIFICATIONS_SHOWN and page.has_older_notifications

    await run(page.show_older())

    stored = session.exec(
        select(CustomerNotification.id).where(CustomerNotification.customer_id == alice.id)
    ).all()
    assert sorted(n.notification_id for n in page.notifications) == sorted(stored)
    assert not page.has_older_notifications
    # A live refresh keeps what "Show older" opened.
    await run(page._live_refresh())
    assert len(page.notifications) == len(stored)


# --- /cards/<id> ------------------------------------------------------------------------------


async def test_a_card_page_pages_its_history_and_lists_its_codes(session, make, tab, run, cafe):
    owner, _, coffee, alice, card = cafe
    for amount in range(1, 31):
        awards.award_points(session, owner, card.id, amount, make.key())
    reward = programs.add_reward(session, owner, coffee.id, name="Free coffee", cost=20)
    redeemed = redemptions.redeem_reward(session, alice, card.id, reward.id, make.key())
    page = tab(CardHistoryState, routes.card_page(card.id), alice)

    await run(page.load())

    assert page.error == "" and page.program_name == "Coffee Club"
    assert [c.code for c in page.codes] == [redeemed.redemption_code]
    assert (page.history[0].amount, page.history[0].by) == ("-20 points", "You")
    assert page.has_older and len(page.history) == 25
    await run(page.show_older())
    # The make.card balance, 30 awards and the redemption: every row, once, newest first.
    ids = [line.transaction_id for line in page.history]
    assert len(ids) == len(set(ids)) == 32 and not page.has_older
    awards.award_points(session, owner, card.id, 99, make.key())
    await run(page._live_refresh())
    assert page.history[0].amount == "+99 points" and len(page.history) == 33


async def test_someone_elses_card_page_is_not_found(make, tab, run, cafe):
    _, _, _, _, card = cafe
    mallory = make.customer("Mallory")
    for path in (routes.card_page(card.id), "/cards/abc", "/cards/0", "/cards/99999999999"):
        page = tab(CardHistoryState, path, mallory)
        await run(page.load())
        assert page.error == "Card not found."
        assert page.history == [] and page.codes == [] and page.program_name == ""
