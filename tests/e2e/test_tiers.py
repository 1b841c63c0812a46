"""Tiers in the browser: an owner defines a program's tiers in its Tiers dialog, and the
customer's /cards (a phone) shows the tier reached, its benefits and the way to the next
one as soon as an award lifts the card, without a reload."""

import pytest
from playwright.sync_api import expect

from gudcity.services import awards
from tests.support.browser import assert_not_reloaded, at, log_in, mark_document

pytestmark = pytest.mark.e2e


def _fill_tier(dialog, index: int, name: str, threshold: str, multiplier: str, benefits: str):
    dialog.get_by_label("Tier name").nth(index).fill(name)
    dialog.get_by_label("Threshold").nth(index).fill(threshold)
    dialog.get_by_label("Multiplier (%)").nth(index).fill(multiplier)
    dialog.get_by_label("Benefits (one per line)").nth(index).fill(benefits)


def test_an_owner_defines_tiers_and_the_card_shows_the_one_reached_live(new_page, make, session):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Alice")
    card = make.card(customer, program)

    shop = log_in(new_page(), owner.email, "/business/scanner")
    shop.get_by_role("link", name="Programs").click()
    shop.wait_for_url(at("/business/programs"))
    row = shop.locator("[data-testid=program-row]", has_text="Coffee Club")
    row.get_by_role("button", name="Tiers").click()
    dialog = shop.get_by_role("dialog")
    _fill_tier(dialog, 0, "Member", "1", "100", "")
    dialog.get_by_role("button", name="Add a tier").click()
    _fill_tier(dialog, 1, "Gold", "100", "150", "Free refill\nBirthday drink")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("starts at 0")  # refused, in words
    dialog.get_by_label("Threshold").nth(0).fill("0")
    dialog.get_by_role("button", name="Save").click()
    expect(shop.get_by_role("dialog")).to_have_count(0)

    phone = log_in(new_page(390, 844), customer.email, "/cards")
    tile = phone.locator("[data-testid=loyalty-card]", has_text="Coffee Club")
    expect(tile.locator("[data-testid=card-tier]")).to_have_text("Member")
    expect(tile.locator("[data-testid=card-next-tier]")).to_have_text("100 more points to Gold")
    mark_document(phone)

    awards.award_points(session, owner, card.id, 120, make.key())

    expect(tile.locator("[data-testid=card-tier]")).to_have_text("Gold")
    expect(tile.locator("[data-testid=card-tier-benefits]")).to_contain_text("Birthday drink")
    expect(tile.locator("[data-testid=card-next-tier]")).to_have_text("You are in the top tier.")
    expect(phone.locator("[data-testid=notification]", has_text="You reached Gold")).to_be_visible()
    assert_not_reloaded(phone)
    width = phone.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390
