"""/business/programs in the browser: a new business's first program, rewards hidden and
shown again, a program archived; and `/` for someone already logged in."""

import pytest
from playwright.sync_api import expect

from gudcity.services import programs
from tests.support.browser import at, log_in

pytestmark = pytest.mark.e2e


def test_a_new_business_follows_the_guide_to_its_first_program(new_page, make):
    owner, _ = make.business("Fresh Start Bakery")
    shop = log_in(new_page(), owner.email, "/business/scanner")
    expect(shop.locator("#business-name")).to_have_text("Fresh Start Bakery")
    guide = shop.locator("#first-run-guide")
    expect(guide).to_be_visible()
    expect(guide.locator("[data-testid=first-run-step]")).to_have_count(2)

    guide.get_by_role("link", name="Go to Programs").click()
    shop.wait_for_url(at("/business/programs"))
    shop.get_by_label("Program name").fill("Bread Club")
    shop.get_by_label("Points per scan").fill("2")
    expect(shop.get_by_label("Scan cooldown (minutes)")).to_have_value("5")
    shop.get_by_role("button", name="Create program").click()
    row = shop.locator("[data-testid=program-row]", has_text="Bread Club")
    expect(row).to_contain_text("2 points per scan")
    expect(row).to_contain_text("once every 5 min")

    shop.get_by_role("link", name="Scanner").click()
    shop.wait_for_url(at("/business/scanner"))
    expect(shop.get_by_label("Program")).to_be_visible()
    expect(shop.locator("#first-run-guide")).to_have_count(0)


def test_a_reward_hidden_is_shown_again_and_a_program_archived(new_page, make, session):
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club")
    make.program(owner, business, name="Tea Club")
    programs.add_reward(session, owner, coffee.id, name="Espresso", cost=50)
    width = 390
    shop = log_in(new_page(width, 844), owner.email, "/business/scanner")
    shop.get_by_role("link", name="Programs").click()
    shop.wait_for_url(at("/business/programs"))
    row = shop.locator("[data-testid=program-row]", has_text="Coffee Club")
    reward = row.locator("[data-testid=reward]", has_text="Espresso")

    reward.get_by_role("button", name="Hide").click()
    expect(reward).to_contain_text("Hidden")
    reward.get_by_role("button", name="Show").click()
    expect(reward.get_by_role("button", name="Hide")).to_be_visible()
    expect(reward).not_to_contain_text("Hidden")
    assert shop.evaluate("document.documentElement.scrollWidth") <= width

    row.get_by_role("button", name="Archive").click()
    shop.get_by_role("button", name="Confirm").click()
    expect(shop.locator("[data-testid=program-row]", has_text="Coffee Club")).to_have_count(0)
    expect(shop.locator("[data-testid=program-row]", has_text="Tea Club")).to_be_visible()


def test_home_shows_a_logged_in_customer_the_way_to_their_cards(new_page, make):
    visitor = new_page()
    visitor.goto("/")
    expect(visitor.get_by_role("link", name="Log in")).to_be_visible()

    customer = make.customer("Alice")
    phone = log_in(new_page(), customer.email, "/cards")
    phone.goto("/")
    expect(phone.get_by_role("link", name="My cards")).to_be_visible()
    expect(phone.get_by_role("button", name="Log out")).to_be_visible()
    expect(phone.get_by_role("link", name="Log in")).to_have_count(0)
    phone.get_by_role("link", name="My cards").click()
    phone.wait_for_url(at("/cards"))
