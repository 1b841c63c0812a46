"""Points that expire, in the browser: the owner switches expiry on for a program on a
phone, and the customer's open /cards shows what their card will lose, live."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import assert_not_reloaded, at, log_in, mark_document

pytestmark = pytest.mark.e2e


def test_the_owner_sets_an_expiry_and_the_customers_card_shows_it(new_page, make):
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Alice")
    make.card(customer, coffee, balance=20)
    phone = log_in(new_page(), customer.email, "/cards")
    card = phone.locator("[data-testid=loyalty-card]", has_text="Coffee Club")
    expect(card.locator("[data-testid=card-balance]")).to_have_text("20")
    expect(card.locator("[data-testid=card-expiries]")).to_have_count(0)
    mark_document(phone)

    width = 390
    shop = log_in(new_page(width, 844), owner.email, "/business/scanner")
    shop.get_by_role("link", name="Programs").click()
    shop.wait_for_url(at("/business/programs"))
    row = shop.locator("[data-testid=program-row]", has_text="Coffee Club")
    expect(row.locator("[data-testid=program-expiry]")).to_have_text("Points never expire")
    row.get_by_role("button", name="Expiry").click()
    dialog = shop.get_by_role("dialog")
    expect(dialog).to_contain_text("never takes points already held")
    dialog.get_by_label("Points expire").select_option("AFTER_EARNED")
    dialog.get_by_label("Days").fill("30")
    dialog.get_by_role("button", name="Save").click()

    expect(row.locator("[data-testid=program-expiry]")).to_have_text(
        "Points expire 30 days after they are earned"
    )
    assert shop.evaluate("document.documentElement.scrollWidth") <= width
    # Points held before the rule never expire: the card has nothing to lose yet.
    expect(card.locator("[data-testid=card-expiries]")).to_have_count(0)
    shop.get_by_role("link", name="Scanner").click()
    shop.wait_for_url(at("/business/scanner"))
    shop.get_by_label("Card number").fill(customer.card_number)
    shop.get_by_role("button", name="Look up").click()
    shop.get_by_label("Points").fill("5")
    shop.get_by_role("button", name="Award points").click()

    expect(card.locator("[data-testid=card-balance]")).to_have_text("25")
    expect(card.locator("[data-testid=card-expiries]")).to_contain_text("5 points expire on")
    assert_not_reloaded(phone)
