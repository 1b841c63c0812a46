"""/settings in a real browser: a name, a password that ends the other sessions live,
an owner's address that reaches a customer's open cards, and what staff see."""

import pytest
from playwright.sync_api import Page, expect

from gudcity.services.permissions import Permission
from tests.support.browser import assert_not_reloaded, at, log_in, mark_document

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a password of my own"


def open_settings(page: Page) -> Page:
    """Through the top bar's link, as a user would."""
    page.get_by_role("link", name="Settings").click()
    page.wait_for_url(at("/settings"))
    expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
    return page


def fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_customer_changes_their_name_and_sees_it(new_page, make):
    alice = make.customer("Alice")
    phone = open_settings(log_in(new_page(390, 844), alice.email, "/cards"))
    name = phone.get_by_label("Name", exact=True)
    expect(name).to_have_value("Alice")
    expect(phone.get_by_label("Email", exact=True)).to_have_value(alice.email)
    assert fits(phone)

    name.fill("Alice Rivera " + "x" * 60)
    phone.get_by_role("button", name="Save", exact=True).click()

    expect(phone.get_by_text("Your name is saved.")).to_be_visible()
    expect(phone.get_by_text("Alice Rivera " + "x" * 60, exact=True)).to_be_visible()  # top bar
    assert fits(phone)
    phone.reload()
    expect(phone.get_by_label("Name", exact=True)).to_have_value("Alice Rivera " + "x" * 60)


def test_a_wrong_current_password_is_said_on_the_page(new_page, make):
    alice = make.customer("Alice")
    page = open_settings(log_in(new_page(), alice.email, "/cards"))

    page.get_by_label("Current password").fill("not my password")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password").click()

    expect(page.get_by_role("alert")).to_contain_text("current password is not right")


def test_a_new_password_logs_out_the_other_browser_live_and_logs_in(new_page, make):
    alice = make.customer("Alice")
    laptop = open_settings(log_in(new_page(), alice.email, "/cards"))
    phone = log_in(new_page(390, 844), alice.email, "/cards")
    expect(phone.get_by_role("heading", name="Loyalty cards")).to_be_visible()

    laptop.get_by_label("Current password").fill("correct horse battery")
    laptop.get_by_label("New password").fill(NEW_PASSWORD)
    laptop.get_by_role("button", name="Change password").click()

    expect(laptop.get_by_text("You were logged out everywhere else.")).to_be_visible()
    phone.wait_for_url(at("/login"))  # no click on the phone: the change feed sent it
    expect(phone.get_by_text("Your session has ended.", exact=False)).to_be_visible()
    laptop.reload()
    expect(laptop.get_by_label("Name", exact=True)).to_have_value("Alice")

    phone.get_by_label("Email").fill(alice.email)
    phone.get_by_label("Password").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    phone.wait_for_url(at("/cards"))


def test_an_owners_address_reaches_a_customers_open_cards(new_page, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice")
    make.card(alice, program, balance=20)
    cards = log_in(new_page(390, 844), alice.email, "/cards")
    card = cards.locator("[data-testid=loyalty-card]", has_text="Coffee Club")
    expect(card).to_be_visible()
    expect(card.locator("[data-testid=business-address]")).to_have_count(0)
    mark_document(cards)

    office = open_settings(log_in(new_page(), owner.email, "/business/scanner"))
    business_name = office.get_by_label("Business name")
    expect(business_name).to_have_value("Bean There")
    business_name.fill("Bean Here")
    office.get_by_label("Address").fill("1 High Street, London")
    office.get_by_label("Phone").fill("+44 20 7946 0958")
    office.get_by_label("Opening hours").fill("Mon-Fri 8:00-18:00\nSat 9:00-14:00")
    office.get_by_role("button", name="Update business details").click()
    expect(office.get_by_text("Business details saved", exact=False)).to_be_visible()
    expect(office.locator("#business-name")).to_have_text("Bean Here")

    expect(card.locator("[data-testid=business-address]")).to_have_text("1 High Street, London")
    expect(card).to_contain_text("Bean Here")
    expect(card.locator("[data-testid=business-phone]")).to_have_text("+44 20 7946 0958")
    expect(card.locator("[data-testid=business-hours]")).to_contain_text("Sat 9:00-14:00")
    assert_not_reloaded(cards)
    assert fits(cards)


def test_a_refused_phone_is_said_on_the_page(new_page, make):
    owner, _ = make.business("Bean There")
    office = open_settings(log_in(new_page(390, 844), owner.email, "/business/scanner"))
    assert fits(office)

    office.get_by_label("Phone").fill("call me maybe")
    office.get_by_role("button", name="Update business details").click()

    expect(office.get_by_role("alert")).to_contain_text("only digits")


def test_staff_see_no_business_fields(new_page, make):
    owner, business = make.business("Bean There")
    member = make.staff(owner, business, Permission.SCAN)
    counter = open_settings(log_in(new_page(390, 844), member.email, "/business/scanner"))

    expect(counter.get_by_label("Current password")).to_be_visible()
    expect(counter.get_by_text("The owner keeps the business's", exact=False)).to_be_visible()
    for label in ("Business name", "Address", "Phone", "Opening hours"):
        expect(counter.get_by_label(label)).to_have_count(0)
    assert fits(counter)
