"""The counter hears the customer's answers: business notifications arrive live on every page."""

import pytest
from playwright.sync_api import expect

from gudcity.services import deductions
from tests.support.browser import assert_not_reloaded, log_in, mark_document

pytestmark = pytest.mark.e2e


def test_a_declined_deduction_reaches_the_business_pages_live(new_page, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Alice Rivera")
    card = make.card(customer, program, balance=30)
    shop = log_in(new_page(), owner.email, "/business/scanner")
    panel = shop.locator("#business-notifications")
    expect(panel.locator("[data-testid=business-notification]")).to_have_count(1)  # joined
    expect(shop.locator("#business-unread-count")).to_have_text("1")
    roster = shop.context.new_page()
    roster.goto("/business/customers")
    mark_document(shop)
    mark_document(roster)
    phone = log_in(new_page(width=390, height=844), customer.email, "/cards")

    deductions.request_deduction(make.session, owner, card.id, 10, make.key())
    request = phone.locator("#notifications [data-testid=notification]", has_text="deduct")
    request.get_by_role("button", name="Decline").click()

    for page in (shop, roster):
        newest = page.locator("#business-notifications [data-testid=business-notification]")
        expect(newest.first).to_contain_text("Alice Rivera declined the deduction of 10 points.")
        expect(page.locator("#business-unread-count")).to_have_text("2")
        assert_not_reloaded(page)

    roster.get_by_role("button", name="Mark all read").click()
    expect(roster.locator("#business-unread-count")).to_have_text("0")
    expect(shop.locator("#business-unread-count")).to_have_text("0")
    assert_not_reloaded(shop)


def test_both_sides_notifications_follow_a_switch_to_french_live(new_page, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Alice Rivera")
    make.card(customer, program, balance=30)
    shop = log_in(new_page(), owner.email, "/business/scanner")
    notices = shop.locator("#business-notifications [data-testid=business-notification]")
    expect(notices.first).to_contain_text("Alice Rivera joined Coffee Club.")
    phone = log_in(new_page(width=390, height=844), customer.email, "/cards")
    notes = phone.locator("#notifications [data-testid=notification]")
    expect(notes.filter(has_text="You joined Coffee Club at Bean There.")).to_have_count(1)
    mark_document(shop)
    mark_document(phone)

    shop.get_by_label("Language").select_option("Français")
    phone.get_by_label("Language").select_option("Français")

    expect(notices.first).to_contain_text("Alice Rivera a rejoint Coffee Club.")
    expect(notes.filter(has_text="Vous avez rejoint Coffee Club chez Bean There.")).to_have_count(1)
    assert_not_reloaded(shop)
    assert_not_reloaded(phone)
