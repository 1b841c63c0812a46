"""Phone first (390 x 844): a waiting request answered on the first screen, leaving a
program while the business's list is open, a card's whole history, grouped notifications."""

import re

import pytest
from playwright.sync_api import Page, expect

from gudcity.models import NotificationType
from gudcity.services import (
    awards,
    deductions,
    enrollment,
    notify,
    programs,
    redemptions,
    scanning,
)
from tests.support.browser import assert_not_reloaded, log_in, mark_document

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LONG_NAME = "Maximiliana-Theodora-Wolfeschlegelsteinhausenbergerdorff-Jnr"  # 60, unbroken


def assert_no_sideways_scroll(page: Page) -> None:
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the page scrolls sideways: {width} > {inner}"


def assert_on_first_screen(page: Page, locator) -> None:
    assert page.evaluate("window.scrollY") == 0
    box = locator.bounding_box()
    assert box is not None and box["y"] >= 0
    assert box["y"] + box["height"] <= PHONE["height"], f"below the first screen: {box}"


def test_a_waiting_request_is_answered_on_the_first_screen(new_page, make, session):
    owner, business = make.business("Bean There")
    customer = make.customer(LONG_NAME)
    for n in range(3):
        program = make.program(owner, business, name=f"Club {n} {LONG_NAME}")
        card = make.card(customer, program, balance=40)
        programs.add_reward(session, owner, program.id, name="Free coffee", cost=20)
    for n in range(8):
        notify.notify_customer(
            session, customer.id, NotificationType.CARD_CREATED, f"News {n}", f"News {n}"
        )
    session.commit()
    invited = make.program(owner, business, name="Tea Club")
    enrollment.request_enrollment(session, owner, invited.id, customer.id, make.key())

    phone = log_in(new_page(**PHONE), customer.email, "/cards")
    waiting = phone.locator("#notifications [data-testid=notification]", has_text="Tea Club")
    accept = waiting.get_by_role("button", name="Accept")
    expect(accept).to_be_visible()
    assert_on_first_screen(phone, accept)
    assert_on_first_screen(phone, waiting.get_by_role("button", name="Decline"))
    assert_no_sideways_scroll(phone)
    accept.click()
    expect(phone.locator("[data-testid=loyalty-card]", has_text="Tea Club")).to_be_visible()

    # A deduction asked while the page is open arrives live, on the first screen too.
    mark_document(phone)
    phone.evaluate("window.scrollTo(0, 0)")
    deductions.request_deduction(session, owner, card.id, 5, make.key())
    asking = phone.locator("#waiting-requests [data-testid=notification]")
    expect(asking).to_have_count(1)
    assert_on_first_screen(phone, asking.get_by_role("button", name="Accept"))
    expect(phone.get_by_text("Accept or Decline it at the top of this page.")).to_be_visible()
    asking.get_by_role("button", name="Decline").click()
    expect(phone.locator("#waiting-requests")).to_have_count(0)
    assert_not_reloaded(phone)
    # The QR code is one tap away: no further than the next screen.
    qr = phone.locator("#customer-qr").bounding_box()
    assert qr is not None and qr["y"] < 2 * PHONE["height"]


def in_viewport(page: Page, locator) -> bool:
    box = locator.bounding_box()
    width, height = page.evaluate("[window.innerWidth, window.innerHeight]")
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= height
        and 0 <= box["x"] <= box["x"] + box["width"] <= width
    )


def test_the_qr_code_is_one_tap_away_however_many_requests_wait(new_page, make, session):
    customer = make.customer("Robin")
    for shop in ("Bean There", "Tea Time"):  # a business invites a customer 3 times a day
        owner, business = make.business(shop)
        for n in range(2):
            program = make.program(owner, business, name=f"{shop} club {n}")
            enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())

    phone = log_in(new_page(**PHONE), customer.email, "/cards")
    expect(phone.locator("#waiting-requests [data-testid=notification]")).to_have_count(4)
    qr = phone.locator("#customer-qr")
    expect(qr).to_have_attribute("src", re.compile(r"\S"))
    assert not in_viewport(phone, qr), "the requests should push the QR off the first screen"
    show = phone.get_by_role("button", name="Show my QR")
    expect(show).to_be_visible()
    assert in_viewport(phone, show)

    show.click()

    phone.wait_for_function(
        "() => { const r = document.getElementById('customer-qr').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }"
    )
    assert in_viewport(phone, qr)
    # The pinned bar does not cover the code it brought into view.
    bar, code = show.bounding_box(), qr.bounding_box()
    assert code["y"] + code["height"] <= bar["y"]
    assert_no_sideways_scroll(phone)


def test_on_a_desktop_the_qr_needs_no_shortcut(new_page, make):
    customer = make.customer("Robin")
    desktop = log_in(new_page(width=1280, height=800), customer.email, "/cards")
    expect(desktop.locator("#customer-qr")).to_be_visible()
    expect(desktop.get_by_role("button", name="Show my QR")).to_be_hidden()


def test_leaving_a_program_while_the_business_list_is_open(new_page, make, session):
    owner, business = make.business("Crumbs")
    program = make.program(owner, business, name="Pastry Club")
    stays = make.customer(LONG_NAME)
    make.card(stays, program, balance=12)
    leaves = make.customer("Lea Leaving")
    card = make.card(leaves, program, balance=30)
    reward = programs.add_reward(session, owner, program.id, name="Croissant", cost=10)
    redemptions.redeem_reward(session, leaves, card.id, reward.id, make.key())

    office = log_in(new_page(**PHONE), owner.email, "/business/scanner")
    office.goto("/business/customers")
    rows = office.locator("[data-testid=customer-row]")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Lea Leaving")).to_contain_text("Pastry Club: 20 points")
    assert_no_sideways_scroll(office)
    # One card per customer: the rows stack, the table's header is not shown.
    first, second = rows.nth(0).bounding_box(), rows.nth(1).bounding_box()
    assert second["y"] >= first["y"] + first["height"]
    assert first["width"] <= PHONE["width"]
    expect(office.get_by_role("columnheader", name="Balance")).to_be_hidden()
    mark_document(office)

    phone = log_in(new_page(**PHONE), leaves.email, "/cards")
    tile = phone.locator("[data-testid=loyalty-card]", has_text="Pastry Club")
    tile.get_by_role("button", name="Leave program Pastry Club").click()
    phone.get_by_role("button", name="Confirm").click()

    expect(phone.locator("[data-testid=loyalty-card]")).to_have_count(0)
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(LONG_NAME)
    assert_not_reloaded(office)
    # The waiting code was cancelled: its points went back on the kept card.
    expect(phone.locator("[data-testid=reward-code]", has_text="Croissant")).to_contain_text(
        "Cancelled"
    )


def test_the_customer_list_is_a_table_on_a_desktop(new_page, make):
    owner, business = make.business("Desk Top")
    program = make.program(owner, business, name="Desk Club")
    make.card(make.customer("Dana Desk"), program, balance=5)

    office = log_in(new_page(), owner.email, "/business/scanner")
    office.goto("/business/customers")
    expect(office.locator("[data-testid=customer-row]")).to_have_count(1)
    expect(office.get_by_role("columnheader", name="Balance")).to_be_visible()
    row = office.locator("[data-testid=customer-row]").bounding_box()
    cells = office.locator("[data-testid=customer-row] td")
    assert cells.nth(0).bounding_box()["y"] == pytest.approx(cells.nth(2).bounding_box()["y"])
    assert row["width"] > 600


def test_a_card_opens_its_whole_history(new_page, make, session):
    owner, business = make.business("Bookends")
    program = make.program(owner, business, name="Readers")
    customer = make.customer("Rita Reader")
    card = make.card(customer, program)
    for amount in range(1, 31):
        awards.award_points(session, owner, card.id, amount, make.key())
    reward = programs.add_reward(session, owner, program.id, name="Bookmark", cost=5)
    code = redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())

    phone = log_in(new_page(**PHONE), customer.email, "/cards")
    phone.locator("[data-testid=loyalty-card]").get_by_role("link", name="History").click()
    phone.wait_for_url(re.compile(rf"/cards/{card.id}/?$"))
    rows = phone.locator("[data-testid=history-row]")
    expect(rows).to_have_count(25)
    expect(rows.first).to_contain_text("-5 points")
    expect(phone.locator("#card-reward-codes")).to_contain_text(code.redemption_code)
    assert_no_sideways_scroll(phone)
    phone.get_by_role("button", name="Show older").click()
    expect(rows).to_have_count(31)
    expect(rows.last).to_contain_text("+1 point")
    expect(phone.get_by_role("button", name="Show older")).to_have_count(0)
    # Live: a new award shows on top, the older pages stay.
    awards.award_points(session, owner, card.id, 77, make.key())
    expect(rows.first).to_contain_text("+77 points")
    expect(rows).to_have_count(32)

    # Someone else's card is not found.
    other = log_in(new_page(**PHONE), make.customer("Mallory").email, "/cards")
    other.goto(f"/cards/{card.id}")
    expect(other.get_by_text("Card not found.")).to_be_visible()
    expect(other.locator("[data-testid=history-row]")).to_have_count(0)


def test_a_scan_that_awards_is_one_notification(new_page, make, session):
    owner, business = make.business("Scan Shop")
    program = make.program(owner, business, name="Scan Club", points_per_scan=10)
    customer = make.customer("Sam Scan")
    make.card(customer, program)
    phone = log_in(new_page(**PHONE), customer.email, "/cards")
    phone.get_by_role("button", name="Mark all as read").click()
    expect(phone.locator("#unread-count")).to_have_text("0")

    scanning.scan_customer(session, owner, program.id, customer.id, make.key())

    entry = phone.locator("#notifications [data-testid=notification]").first
    expect(entry).to_contain_text("You earned 10 points from Scan Shop!")
    expect(entry).to_contain_text("Your QR code was scanned by Scan Shop")
    expect(phone.locator("#unread-count")).to_have_text("1")
    entry.get_by_role("button", name="Mark as read").click()
    expect(phone.locator("#unread-count")).to_have_text("0")
