"""A reward at the counter, in two browsers: the customer redeems it on /cards and shows the
code; the counter checks it and marks it delivered; the customer's code says so live."""

import re

import pytest
from playwright.sync_api import expect

from gudcity.services import programs
from tests.support.browser import assert_not_reloaded, log_in, mark_document

pytestmark = pytest.mark.e2e


def _redeem(phone, reward: str):
    """Redeem `reward` on /cards (it asks first); the code it shows in #reward-codes."""
    phone.get_by_role("button", name=f"Redeem {reward}").click()
    phone.get_by_role("alertdialog").get_by_role("button", name="Confirm").click()
    expect(phone.locator("#redemption-code")).to_be_visible()
    phone.get_by_role("button", name="Done").click()
    item = phone.locator("#reward-codes [data-testid=reward-code]", has_text=reward)
    expect(item).to_contain_text("Waiting")
    return item


def _check(page, code: str):
    page.get_by_label("Reward code").fill(code)
    page.get_by_role("button", name="Check code").click()
    return page.locator("#redemption-result")


def test_a_redeemed_reward_is_checked_and_delivered_once_and_the_customer_sees_it_live(
    new_page, make
):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    programs.add_reward(make.session, owner, program.id, name="Free latte", cost=40)
    customer = make.customer("Alice Rivera")
    make.card(customer, program, balance=100)
    phone = log_in(new_page(width=390, height=844), customer.email, "/cards")
    expect(phone.locator("#reward-codes")).to_contain_text("No rewards redeemed yet")

    item = _redeem(phone, "Free latte")
    code = item.locator("[data-testid=reward-code-value]").inner_text().strip()
    expect(phone.locator("[data-testid=card-balance]")).to_have_text("60")
    qr = item.get_by_role("img")
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    mark_document(phone)

    counter = log_in(new_page(), owner.email, "/business/scanner")
    result = _check(counter, f"{code[:4].lower()}-{code[4:]}")
    for words in ("Free latte", "Alice Rivera", "Waiting"):
        expect(result).to_contain_text(words)
    result.get_by_role("button", name="Mark as delivered").click()
    expect(result).to_contain_text("Delivered")
    expect(result.get_by_role("button", name="Mark as delivered")).to_have_count(0)

    expect(item).to_contain_text("Delivered")
    expect(item.get_by_role("button", name="Cancel")).to_have_count(0)
    assert_not_reloaded(phone)

    second = log_in(new_page(), owner.email, "/business/scanner")
    again = _check(second, code)
    expect(again).to_contain_text(f"Delivered by {owner.name}")
    expect(again.get_by_role("button", name="Mark as delivered")).to_have_count(0)
    notices = second.locator("#business-notifications [data-testid=business-notification]")
    expect(notices.first).to_contain_text(f"{owner.name} delivered Free latte to Alice Rivera")


def test_a_cancelled_code_gives_the_points_back_and_the_counter_is_told(new_page, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Cake Club")
    programs.add_reward(make.session, owner, program.id, name="Cheesecake", cost=30)
    customer = make.customer("Bo Chen")
    make.card(customer, program, balance=50)
    phone = log_in(new_page(width=390, height=844), customer.email, "/cards")
    item = _redeem(phone, "Cheesecake")
    code = item.locator("[data-testid=reward-code-value]").inner_text().strip()
    counter = log_in(new_page(), owner.email, "/business/scanner")
    result = _check(counter, code)
    expect(result).to_contain_text("Waiting")

    item.get_by_role("button", name="Cancel").click()
    phone.get_by_role("alertdialog").get_by_role("button", name="Confirm").click()

    expect(item).to_contain_text("Cancelled")
    expect(phone.locator("[data-testid=card-balance]")).to_have_text("50")
    expect(result).to_contain_text("Cancelled")
    expect(result.get_by_role("button", name="Mark as delivered")).to_have_count(0)
    notices = counter.locator("#business-notifications [data-testid=business-notification]")
    expect(notices.first).to_contain_text(f"Bo Chen cancelled Cheesecake (code {code})")
