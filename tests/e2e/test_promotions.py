"""/business/promotions and the customer's side in the browser: a promo code made by the
owner and entered on /cards; a promotion running now, shown on the card and doubling the
award the customer sees."""

import pytest
from playwright.sync_api import expect

from gudcity.services import awards, lookups, programs
from tests.support.browser import assert_not_reloaded, at, log_in, mark_document

pytestmark = pytest.mark.e2e


def _card(page, program_name: str):
    return page.locator("[data-testid=loyalty-card]", has_text=program_name)


def test_an_owner_makes_a_promo_code_and_a_customer_applies_it(new_page, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Alice")
    make.card(customer, program)
    shop = log_in(new_page(), owner.email, "/business/scanner")
    shop.get_by_role("link", name="Promotions").click()
    shop.wait_for_url(at("/business/promotions"))
    expect(shop.get_by_text("No promotions yet")).to_be_visible()

    codes = shop.locator("#promo-codes")
    codes.get_by_label("Bonus").fill("25")
    codes.get_by_label("Usage limit").fill("10")
    codes.get_by_role("button", name="Create code").click()
    row = shop.locator("[data-testid=promo-code-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("0 of 10 used")
    code = row.locator("[data-testid=promo-code-value]").inner_text()
    assert len(code) == 8

    width = 390
    phone = log_in(new_page(width, 844), customer.email, "/cards")
    balance = _card(phone, "Coffee Club").locator("[data-testid=card-balance]")
    expect(balance).to_have_text("0")
    mark_document(phone)
    phone.get_by_label("Promo code").fill(code.lower())
    phone.get_by_role("button", name="Apply code").click()

    said = phone.locator("#promo-code-form").get_by_role("alert")
    expect(said).to_contain_text("Promo code applied: 25 points")
    expect(balance).to_have_text("25")
    phone.get_by_label("Promo code").fill(code)
    phone.get_by_role("button", name="Apply code").click()
    expect(said).to_have_text("You have already used this promo code.")
    expect(balance).to_have_text("25")
    assert_not_reloaded(phone)
    assert phone.evaluate("document.documentElement.scrollWidth") <= width
    # The owner's list counts the use as it happens.
    expect(row).to_contain_text("1 of 10 used")


def test_an_owner_makes_a_reward_code_and_the_customer_gets_the_reward(new_page, make, session):
    owner, business = make.business("Crumb & Co")
    program = make.program(owner, business, name="Crumb Club")
    programs.add_reward(session, owner, program.id, name="Free croissant", cost=50)
    customer = make.customer("Carla")
    make.card(customer, program)
    shop = log_in(new_page(), owner.email, "/business/scanner")
    shop.goto("/business/promotions")

    codes = shop.locator("#promo-codes")
    codes.get_by_label("The code gives").select_option(label="Reward")
    codes.locator("#code-reward").select_option(label="Free croissant")
    codes.get_by_role("button", name="Create code").click()
    row = shop.locator("[data-testid=promo-code-row]")
    expect(row.locator("[data-testid=promo-code-gives]")).to_have_text("Free croissant")
    code = row.locator("[data-testid=promo-code-value]").inner_text()

    phone = log_in(new_page(390, 844), customer.email, "/cards")
    mark_document(phone)
    phone.get_by_label("Promo code").fill(code)
    phone.get_by_role("button", name="Apply code").click()

    said = phone.locator("#promo-code-form").get_by_role("alert")
    expect(said).to_contain_text("Promo code applied: Free croissant is yours.")
    waiting = phone.locator("#reward-codes").locator("[data-testid=reward-code-value]")
    expect(waiting).to_have_count(1)
    expect(said).to_contain_text(f"Show code {waiting.inner_text()} at the counter.")
    expect(phone.locator("#reward-codes")).to_contain_text("Free croissant")
    expect(_card(phone, "Crumb Club").locator("[data-testid=card-balance]")).to_have_text("0")
    assert_not_reloaded(phone)
    expect(row).to_contain_text("1 use")


def test_a_promotion_running_now_shows_on_the_card_and_doubles_an_award(new_page, make, session):
    owner, business = make.business("Glow Salon")
    program = make.program(owner, business, name="Glow Rewards")
    customer = make.customer("Ben")
    card = make.card(customer, program)
    width = 390
    shop = log_in(new_page(width, 844), owner.email, "/business/scanner")
    shop.goto("/business/promotions")

    form = shop.locator("form", has_text="New promotion")
    form.get_by_label("Promotion name").fill("All day double")
    for day in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        form.get_by_role("checkbox", name=day).check()
    form.get_by_label("Start time").fill("00:00")
    form.get_by_label("End time").fill("00:00")
    form.get_by_label("End time").fill("")
    form.get_by_role("button", name="Create promotion").click()
    # An empty end time is refused on the form, in words.
    expect(form.get_by_role("alert")).to_contain_text("Type a time like 09:00.")
    # Until midnight (an end of 00:00): running whatever the minute the test runs in.
    form.get_by_label("End time").fill("00:00")
    form.get_by_role("button", name="Create promotion").click()
    row = shop.locator("[data-testid=promotion-row]", has_text="All day double")
    expect(row).to_contain_text("Running now")
    expect(row).to_contain_text("2x points")
    assert shop.evaluate("document.documentElement.scrollWidth") <= width

    phone = log_in(new_page(width, 844), customer.email, "/cards")
    tile = _card(phone, "Glow Rewards")
    expect(tile.locator("[data-testid=card-promotion]")).to_contain_text(
        "All day double · 2x points until midnight"
    )
    awards.award_points(session, owner, card.id, 10, make.key())
    expect(tile.locator("[data-testid=card-balance]")).to_have_text("20")
    assert lookups.card_of(session, customer.id, program.id).balance == 20
