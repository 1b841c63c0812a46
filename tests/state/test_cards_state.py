"""CardsState: /cards, read and changed through the real services."""

import base64
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from gudcity.domain import qr_tokens
from gudcity.domain.card_numbers import format_card_number
from gudcity.models import (
    ApprovalKind,
    ApprovalRequest,
    ApprovalStatus,
    CustomerNotification,
    LoyaltyCard,
    NotificationType,
    PointTransaction,
    ProgramKind,
    TransactionKind,
    utc_now,
)
from gudcity.realtime.timers import timers
from gudcity.services import (
    awards,
    deductions,
    enrollment,
    lookups,
    notifications,
    programs,
    qr_cards,
    scanning,
    sessions,
)
from gudcity.services.permissions import Permission
from gudcity.settings import get_settings
from gudcity.state.cards import CardsState
from gudcity.web.credentials import Credentials
from tests.support.events import redirect_target, toasts
from tests.support.tabs import socket_of

pytestmark = pytest.mark.anyio

ROUTE = "/cards"
PNG_DATA_URI = "data:image/png;base64,"


def tiles(state: CardsState) -> list[tuple[str, str, int]]:
    return sorted((t.program_name, t.business_name, t.balance) for t in state.cards)


def fresh(session) -> None:
    """Forget what the test's session holds: the handlers wrote through their own."""
    session.rollback()
    session.expire_all()


def stored_messages(session, customer) -> list[str]:
    """The customer's notifications as stored, newest first."""
    fresh(session)
    rows = session.exec(
        select(CustomerNotification)
        .where(CustomerNotification.customer_id == customer.id)
        .order_by(CustomerNotification.id.desc())
    )
    return [n.message for n in rows]


async def answer_as_the_page_does(run, state: CardsState, note_id: int, accept: bool):
    """Answer, then re-read as the change feed does once the answer is committed."""
    events = await run(state.answer(note_id, accept))
    await run(state._live_refresh())
    return events


def card_count(session, customer) -> int:
    fresh(session)
    return len(
        session.exec(select(LoyaltyCard).where(LoyaltyCard.customer_id == customer.id)).all()
    )


def balance(session, card) -> int:
    fresh(session)
    return session.get(LoyaltyCard, card.id).balance


@pytest.fixture
def town(make):
    """Two businesses, three programs; Alice holds a card in each."""
    bean_owner, bean = make.business("Bean There")
    coffee = make.program(bean_owner, bean, name="Coffee Club")
    cakes = make.program(bean_owner, bean, name="Cake Club")
    book_owner, books = make.business("Book Nook")
    readers = make.program(book_owner, books, name="Readers")
    alice = make.customer("Alice")
    cards = {
        "coffee": make.card(alice, coffee, balance=30),
        "cakes": make.card(alice, cakes),
        "readers": make.card(alice, readers, balance=7),
    }
    return alice, bean_owner, book_owner, coffee, cakes, readers, cards


def invitation(make, customer, *, points_on_scan=False):
    """A business invites `customer` to a fresh program; returns (program, notification id)."""
    owner, business = make.business("Tea Time")
    program = make.program(owner, business, name="Tea Club", points_per_scan=10)
    if points_on_scan:
        scanning.scan_customer(make.session, owner, program.id, customer.id, make.key())
    else:
        enrollment.request_enrollment(make.session, owner, program.id, customer.id, make.key())
    note = make.session.exec(
        select(CustomerNotification).where(
            CustomerNotification.customer_id == customer.id,
            CustomerNotification.type == NotificationType.ENROLLMENT_REQUEST,
        )
    ).one()
    return program, note.id


# --- load --------------------------------------------------------------------------------


async def test_load_shows_one_tile_per_card_across_businesses(session, tab, town, run):
    alice = town[0]
    state = tab(CardsState, ROUTE, alice)

    events = await run(state.load())

    assert redirect_target(events) is None
    assert not state.loading
    assert len(state.cards) == 3  # not "1 of 3"
    assert tiles(state) == [
        ("Cake Club", "Bean There", 0),
        ("Coffee Club", "Bean There", 30),
        ("Readers", "Book Nook", 7),
    ]
    assert len({t.card_id for t in state.cards}) == 3
    assert (state.user_role, state.user_name) == ("CUSTOMER", "Alice")


async def test_load_shows_the_qr_and_the_card_number(session, tab, town, run):
    alice = town[0]
    state = tab(CardsState, ROUTE, alice)

    await run(state.load())

    assert state.qr_src.startswith(PNG_DATA_URI)
    png = base64.b64decode(state.qr_src.removeprefix(PNG_DATA_URI), validate=True)
    token = scanning.decode_qr(png)
    assert token is not None
    assert qr_cards.verify_token(token) == alice.public_id
    assert state.card_number == format_card_number(alice.card_number)
    assert state.card_number.replace(" ", "") == alice.card_number


async def test_the_qr_code_is_renewed_before_it_expires(session, tab, town, run, monkeypatch):
    alice = town[0]
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    first = _token_in(state.qr_src)
    renew = get_settings().qr_renew_seconds
    assert state._subscriber() in timers.take_due(time.monotonic() + renew + 1)

    later = utc_now() + timedelta(seconds=get_settings().qr_token_ttl_seconds + 1)
    monkeypatch.setattr(qr_cards, "utc_now", lambda: later)
    await run(state._on_timer())

    with pytest.raises(qr_tokens.ExpiredQrError):
        qr_cards.verify_token(first, now=later)
    assert qr_cards.verify_token(_token_in(state.qr_src), now=later) == alice.public_id
    assert state._subscriber() in timers.take_due(time.monotonic() + renew + 1)


async def test_a_page_load_of_cards_with_its_trailing_slash_renews_too(session, tab, town, run):
    state = tab(CardsState, f"{ROUTE}/", town[0])  # as the browser shows it after a page load
    state.qr_src = "the code drawn on /cards"

    assert await run(state._on_timer()) == []
    assert state.qr_src.startswith(PNG_DATA_URI)


async def test_a_tab_that_left_the_cards_page_stops_renewing(session, tab, town, run):
    state = tab(CardsState, "/business/scanner", town[0])  # the tab went elsewhere since
    state.qr_src = "the code drawn on /cards"

    assert await run(state._on_timer()) == []
    assert state.qr_src == "the code drawn on /cards"
    assert state._subscriber() not in timers.take_due(time.monotonic() + 10**6)


async def test_a_timer_after_log_out_sends_the_tab_to_log_in(session, tab, town, run, sockets):
    state = tab(CardsState, ROUTE, town[0])
    await run(state.load())
    sessions.log_out(session, sockets[socket_of(state)].session_token)

    assert redirect_target(await run(state._on_timer())) == "/login"


def _token_in(qr_src: str) -> str:
    token = scanning.decode_qr(base64.b64decode(qr_src.removeprefix(PNG_DATA_URI)))
    assert token is not None
    return token


async def test_load_lists_notifications_newest_first(session, tab, town, run):
    alice = town[0]
    state = tab(CardsState, ROUTE, alice)

    await run(state.load())

    messages = [n.message for n in state.notifications]
    assert messages == stored_messages(session, alice)
    assert messages[0] == "You earned 7 points from Book Nook!"
    assert "Your Coffee Club card at Bean There is ready." in messages
    assert all(n.unread and not n.needs_answer for n in state.notifications)
    assert state.unread_count == len(messages)


async def test_a_card_tile_shows_rewards_and_recent_entries(make, tab, town, run):
    alice, bean_owner, _, coffee, _, _, _ = town
    programs.add_reward(make.session, bean_owner, coffee.id, name="Coffee", cost=20)
    programs.add_reward(make.session, bean_owner, coffee.id, name="Cake", cost=50)
    state = tab(CardsState, ROUTE, alice)

    await run(state.load())

    [tile] = [t for t in state.cards if t.program_name == "Coffee Club"]
    assert [(r.name, r.cost, r.affordable) for r in tile.rewards] == [
        ("Coffee", 20, True),
        ("Cake", 50, False),
    ]
    assert tile.next_reward == "20 points to Cake"
    assert tile.progress == 60
    assert [(line.label, line.amount) for line in tile.recent] == [("Earned", "+30")]


async def test_a_stamps_card_says_stamp_for_one_and_stamps_for_more(make, tab, run):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Stamp Card", kind=ProgramKind.STAMPS)
    programs.add_reward(make.session, owner, program.id, name="Biscuit", cost=1)
    programs.add_reward(make.session, owner, program.id, name="Coffee", cost=8)
    alice = make.customer("Alice")
    make.card(alice, program, balance=1)
    state = tab(CardsState, ROUTE, alice)

    await run(state.load())

    [tile] = state.cards
    assert (tile.balance, tile.unit) == (1, "stamp")
    assert [r.cost_label for r in tile.rewards] == ["1 stamp", "8 stamps"]
    assert tile.next_reward == "7 stamps to Coffee"


async def test_a_new_customer_has_an_empty_page(make, tab, run):
    customer = make.customer()
    state = tab(CardsState, ROUTE, customer)

    await run(state.load())

    assert state.cards == []
    assert state.notifications == []
    assert state.unread_count == 0
    assert state.qr_src.startswith(PNG_DATA_URI)


async def test_an_anonymous_visitor_is_sent_to_log_in(tab, run):
    state = tab(CardsState, ROUTE)

    events = await run(state.load())

    assert redirect_target(events) == "/login?next=/cards"
    assert state.cards == []
    assert state.qr_src == ""


async def test_an_ended_session_is_sent_to_log_in(make, tab, run, sockets):
    state = tab(CardsState, ROUTE, make.customer())
    sockets[socket_of(state)] = Credentials("not-a-session")
    state.user_name, state.user_role = "Ann", "CUSTOMER"  # shown before the session ended

    events = await run(state.load())

    assert redirect_target(events) == "/login?next=/cards"
    assert (state.user_role, state.user_name) == ("", "")


@pytest.mark.parametrize("who", ["owner", "staff"])
async def test_a_business_user_is_sent_to_the_scanner(make, tab, run, who):
    owner, business = make.business()
    user = owner if who == "owner" else make.staff(owner, business, Permission.SCAN)
    state = tab(CardsState, ROUTE, user)

    events = await run(state.load())

    assert redirect_target(events) == "/business/scanner"
    assert state.qr_src == ""


# --- answering requests ------------------------------------------------------------------


async def test_accepting_an_invitation_creates_the_card(session, make, tab, run):
    alice = make.customer("Alice")
    program, note_id = invitation(make, alice)
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    [asking] = [n for n in state.notifications if n.needs_answer]
    assert asking.notification_id == note_id
    assert asking.message == "Tea Time invites you to join Tea Club."

    events = await answer_as_the_page_does(run, state, note_id, True)

    assert toasts(events) == [("success", "Done.")]
    assert card_count(session, alice) == 1
    assert tiles(state) == [("Tea Club", "Tea Time", 0)]
    [answered] = [n for n in state.notifications if n.notification_id == note_id]
    assert (answered.needs_answer, answered.answer, answered.unread) == (False, "Approved", False)
    assert state.answering_id == 0
    assert lookups.pending_enrollment_request(session, alice.id, program.id) is None


async def test_accepting_a_scan_invitation_awards_the_first_visit(session, make, tab, run):
    alice = make.customer("Alice")
    _, note_id = invitation(make, alice, points_on_scan=True)
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    assert [n.message for n in state.notifications] == [
        "Tea Time invites you to join Tea Club.",
        "Your QR code was scanned by Tea Time",
    ]

    await answer_as_the_page_does(run, state, note_id, True)

    assert tiles(state) == [("Tea Club", "Tea Time", 10)]
    assert state.notifications[0].message == "You earned 10 points from Tea Time!"


async def test_declining_an_invitation_creates_no_card(session, make, tab, run):
    alice = make.customer("Alice")
    program, note_id = invitation(make, alice)
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())

    events = await answer_as_the_page_does(run, state, note_id, False)

    assert toasts(events) == [("success", "Declined.")]
    assert card_count(session, alice) == 0
    assert state.cards == []
    [answered] = [n for n in state.notifications if n.notification_id == note_id]
    assert (answered.needs_answer, answered.answer) == (False, "Declined")
    assert not lookups.is_enrolled(session, alice.id, program.id)


@pytest.mark.parametrize("second", [True, False])
async def test_answering_twice_changes_nothing_the_second_time(session, make, tab, run, second):
    alice = make.customer("Alice")
    _, note_id = invitation(make, alice)
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    await answer_as_the_page_does(run, state, note_id, True)
    before = make.counts()

    events = await answer_as_the_page_does(run, state, note_id, second)

    assert toasts(events) == [("error", "This request has already been answered.")]
    assert make.counts() == before
    assert card_count(session, alice) == 1
    assert len(state.cards) == 1
    assert state.answering_id == 0


async def test_two_tabs_answering_the_same_request_make_one_card(session, make, tab, run):
    alice = make.customer("Alice")
    _, note_id = invitation(make, alice)
    phone, laptop = tab(CardsState, ROUTE, alice), tab(CardsState, ROUTE, alice)
    await run(phone.load())
    await run(laptop.load())

    await answer_as_the_page_does(run, phone, note_id, True)
    events = await answer_as_the_page_does(run, laptop, note_id, True)

    assert toasts(events) == [("error", "This request has already been answered.")]
    assert card_count(session, alice) == 1
    assert len(laptop.cards) == 1


async def test_approving_a_deduction_lowers_the_balance(session, make, tab, town, run):
    alice, bean_owner, _, _, _, _, cards = town
    request = deductions.request_deduction(session, bean_owner, cards["coffee"].id, 12, make.key())
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    [asking] = [n for n in state.notifications if n.needs_answer]
    assert "wants to deduct 12 points from your Coffee Club card" in asking.message

    await answer_as_the_page_does(run, state, asking.notification_id, True)

    assert balance(session, cards["coffee"]) == 18
    assert ("Coffee Club", "Bean There", 18) in tiles(state)
    assert session.get(ApprovalRequest, request.id).status == ApprovalStatus.APPROVED


async def test_declining_a_deduction_keeps_the_balance(session, make, tab, town, run):
    alice, bean_owner, _, _, _, _, cards = town
    deductions.request_deduction(session, bean_owner, cards["coffee"].id, 12, make.key())
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    [asking] = [n for n in state.notifications if n.needs_answer]

    await answer_as_the_page_does(run, state, asking.notification_id, False)

    assert balance(session, cards["coffee"]) == 30
    assert ("Coffee Club", "Bean There", 30) in tiles(state)


async def test_answering_another_customers_request_is_refused(session, make, tab, run):
    alice, bob = make.customer("Alice"), make.customer("Bob")
    _, bobs_note = invitation(make, bob)
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    before = make.counts()

    events = await answer_as_the_page_does(run, state, bobs_note, True)

    assert toasts(events) == [("error", "There is no request to answer here.")]
    assert make.counts() == before
    assert card_count(session, bob) == 0
    assert state.cards == []


# --- rewards -----------------------------------------------------------------------------


async def test_redeeming_a_reward_shows_its_code_and_lowers_the_balance(
    session, make, tab, town, run
):
    alice, bean_owner, _, coffee, _, _, cards = town
    reward = programs.add_reward(session, bean_owner, coffee.id, name="Free coffee", cost=20)
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())

    events = await run(state.redeem(cards["coffee"].id, reward.id))

    assert toasts(events) == []
    assert len(state.redemption_code) == 8
    assert state.redemption_reward == "Free coffee"
    assert state.redeeming_id == 0
    assert balance(session, cards["coffee"]) == 10
    assert ("Coffee Club", "Bean There", 10) in tiles(state)
    stored = session.exec(
        select(PointTransaction).where(PointTransaction.kind == TransactionKind.REDEEM)
    ).one()
    assert (stored.amount, stored.redemption_code) == (-20, state.redemption_code)
    assert state.notifications[0].message == (
        f"You redeemed Free coffee at Bean There. Show code {state.redemption_code} at the counter."
    )

    await run(state.close_redemption())
    assert (state.redemption_code, state.redemption_reward) == ("", "")


async def test_redeeming_without_enough_points_is_refused(session, make, tab, town, run):
    alice, _, book_owner, _, _, readers, cards = town
    reward = programs.add_reward(session, book_owner, readers.id, name="Bookmark", cost=20)
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    before = make.counts()

    events = await run(state.redeem(cards["readers"].id, reward.id))

    assert toasts(events) == [("error", "Bookmark costs 20 points; you have 7 points.")]
    assert make.counts() == before
    assert balance(session, cards["readers"]) == 7
    assert state.redemption_code == ""
    assert state.redeeming_id == 0
    assert ("Readers", "Book Nook", 7) in tiles(state)


async def test_redeeming_a_reward_of_another_program_is_refused(session, make, tab, town, run):
    alice, bean_owner, _, coffee, _, _, cards = town
    reward = programs.add_reward(session, bean_owner, coffee.id, name="Free coffee", cost=5)
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    before = make.counts()

    events = await run(state.redeem(cards["readers"].id, reward.id))

    assert toasts(events) == [("error", "This reward is not available on this card.")]
    assert make.counts() == before


# --- reading notifications ---------------------------------------------------------------


async def test_mark_read_and_mark_all_read(session, tab, town, run):
    alice = town[0]
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    total = state.unread_count
    newest = state.notifications[0].notification_id

    await run(state.mark_read(newest))

    assert state.unread_count == total - 1
    assert not state.notifications[0].unread
    assert all(n.unread for n in state.notifications[1:])
    fresh(session)
    assert session.get(CustomerNotification, newest).read_at is not None

    await run(state.mark_read(newest))  # again: nothing more to do
    assert state.unread_count == total - 1

    await run(state.mark_all_read())

    assert state.unread_count == 0
    assert not any(n.unread for n in state.notifications)
    fresh(session)
    unread = session.exec(
        select(CustomerNotification).where(CustomerNotification.read_at.is_(None))
    ).all()
    assert unread == []


async def test_marking_another_customers_notification_is_refused(session, make, tab, town, run):
    alice = town[0]
    bob = make.customer("Bob")
    _, bobs_note = invitation(make, bob)
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    before_unread = state.unread_count
    before = make.counts()

    events = await run(state.mark_read(bobs_note))

    assert toasts(events) == [("error", "Notification not found.")]
    assert make.counts() == before
    fresh(session)
    assert session.get(CustomerNotification, bobs_note).read_at is None
    assert state.unread_count == before_unread


# --- live updates ------------------------------------------------------------------------


async def test_live_refresh_shows_an_award_made_elsewhere(session, make, tab, town, run):
    alice, bean_owner, _, _, _, _, cards = town
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    unread = state.unread_count

    awards.award_points(session, bean_owner, cards["coffee"].id, 25, make.key())
    events = await run(state._live_refresh())

    assert ("Coffee Club", "Bean There", 55) in tiles(state)
    assert toasts(events) == [("info", "You earned 25 points from Bean There!")]
    assert state.notifications[0].message == "You earned 25 points from Bean There!"
    assert state.unread_count == unread + 1

    assert toasts(await run(state._live_refresh())) == []  # told once


async def test_live_refresh_shows_a_new_card_from_another_tab(session, make, tab, town, run):
    alice = town[0]
    phone, laptop = tab(CardsState, ROUTE, alice), tab(CardsState, ROUTE, alice)
    _, note_id = invitation(make, alice)
    await run(phone.load())
    await run(laptop.load())

    await answer_as_the_page_does(run, phone, note_id, True)
    await run(laptop._live_refresh())

    assert tiles(laptop) == tiles(phone)
    assert ("Tea Club", "Tea Time", 0) in tiles(laptop)
    assert not any(n.needs_answer for n in laptop.notifications)


async def test_live_refresh_toasts_a_new_customers_first_notifications(session, make, tab, run):
    """The new customer's flow: the first scan of a customer whose page is still empty."""
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice")
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    assert state.notifications == []

    scanning.scan_customer(session, owner, program.id, alice.id, make.key())
    events = await run(state._live_refresh())

    assert [n.message for n in state.notifications] == [
        "Bean There invites you to join Coffee Club.",
        "Your QR code was scanned by Bean There",
    ]
    assert toasts(events) == [
        ("info", "Your QR code was scanned by Bean There"),
        # A request's toast says where it is answered: pinned at the top of the page.
        (
            "info",
            "Bean There invites you to join Coffee Club. "
            "Accept or Decline it at the top of this page.",
        ),
    ]
    assert [n.message for n in state.waiting_requests] == [
        "Bean There invites you to join Coffee Club."
    ]


async def test_live_refresh_after_log_out_sends_the_tab_to_log_in(session, make, tab, run, sockets):
    alice = make.customer()
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())

    sessions.log_out(session, sockets[socket_of(state)].session_token)
    events = await run(state._live_refresh())

    assert redirect_target(events) == "/login"


async def test_requests_are_counted_by_kind(session, make, tab, town, run):
    """The page's Accept / Decline buttons appear only on notifications with an open request."""
    alice, bean_owner, _, _, _, _, cards = town
    deductions.request_deduction(session, bean_owner, cards["coffee"].id, 5, make.key())
    invitation(make, alice)
    state = tab(CardsState, ROUTE, alice)

    await run(state.load())

    asking = [n for n in state.notifications if n.needs_answer]
    assert len(asking) == 2
    kinds = {
        r.kind
        for r in session.exec(
            select(ApprovalRequest).where(ApprovalRequest.status == ApprovalStatus.PENDING)
        )
    }
    assert kinds == {ApprovalKind.ENROLLMENT, ApprovalKind.POINTS_DEDUCTION}


async def test_the_unread_badge_shows_the_count_then_stops_at_the_cap(
    session, tab, town, run, monkeypatch
):
    alice = town[0]
    unread = notifications.unread_count(session, alice)
    state = tab(CardsState, ROUTE, alice)
    await run(state.load())
    assert state.unread_badge == str(unread)

    monkeypatch.setattr(notifications, "UNREAD_COUNT_CAP", unread)
    capped = tab(CardsState, ROUTE, alice)
    await run(capped.load())

    assert capped.unread_badge == f"{unread - 1}+"
