"""The owner's back office: the activity log and a customer's page, after a barista's award."""

import re

import pytest
from playwright.sync_api import expect

from gudcity.services.permissions import Permission
from tests.support.browser import assert_not_reloaded, at, log_in, mark_document

pytestmark = pytest.mark.e2e


def test_a_baristas_award_shows_in_the_activity_log_and_the_customers_history(new_page, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club", points_per_scan=10)
    alice = make.customer("Alice Rivera")
    make.card(alice, program)
    barista = make.staff(owner, business, Permission.SCAN, Permission.AWARD)

    office = log_in(new_page(), owner.email, "/business/scanner")
    office.get_by_role("link", name="Activity").click()
    office.wait_for_url(at("/business/activity"))
    expect(office.get_by_text("No activity yet")).to_be_visible()
    mark_document(office)

    counter = log_in(new_page(width=390, height=844), barista.email, "/business/scanner")
    expect(counter.get_by_role("link", name="Activity")).to_have_count(0)
    counter.get_by_label("Card number").fill(alice.card_number)
    counter.get_by_role("button", name="Look up").click()
    expect(counter.locator("#scan-result")).to_contain_text("Alice Rivera")
    counter.get_by_label("Points").fill("15")
    counter.get_by_role("button", name="Award points").click()
    expect(counter.locator("#scan-result")).to_contain_text("+15 points awarded.")

    # Live, newest first: the award names the barista, the customer and the amount.
    award = office.locator("[data-testid=activity-row]", has_text="15 points")
    expect(award).to_contain_text(barista.name)
    expect(award).to_contain_text("Alice Rivera")
    expect(award).to_contain_text("UTC")
    assert_not_reloaded(office)
    office.get_by_label("Staff member").select_option(label=barista.name)
    rows = office.locator("[data-testid=activity-row]")
    expect(rows.first).to_contain_text(barista.name)
    expect(rows.filter(has_text=owner.name)).to_have_count(0)

    office.goto("/business/customers")
    row = office.locator("[data-testid=customer-row]", has_text="Alice Rivera")
    expect(row).to_contain_text("Coffee Club: ")
    row.get_by_role("link", name="Alice Rivera").click()
    office.wait_for_url(re.compile(rf"/business/customers/{alice.id}/?$"))
    expect(office.get_by_role("heading", name="Alice Rivera")).to_be_visible()
    history = office.locator("[data-testid=history-row]")
    newest_award = history.filter(has_text="+15 points")
    expect(newest_award).to_contain_text(barista.name)
    expect(newest_award).to_contain_text("Earned")


def test_the_back_office_pages_fit_a_phone(new_page, make):
    owner, business = make.business("Crumbs")
    program = make.program(owner, business, name="Pastry Points")
    cleo = make.customer("Cleo Marsh")
    make.card(cleo, program, balance=20)
    phone = log_in(new_page(width=390, height=844), owner.email, "/business/scanner")

    for path, ready in (
        (f"/business/customers/{cleo.id}", "[data-testid=history-row]"),
        ("/business/activity", "[data-testid=activity-row]"),
        ("/business/customers", "[data-testid=customer-row]"),
    ):
        phone.goto(path)
        expect(phone.locator(ready).first).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, path
    expect(phone.locator("[data-testid=customer-row]")).to_contain_text("Pastry Points: 20 points")


def test_another_business_customer_is_not_found(new_page, make):
    owner, _ = make.business("Bean There")
    rival, rivals = make.business("Rival Roasters")
    dana = make.customer("Dana Secret")
    make.card(dana, make.program(rival, rivals), balance=7)
    office = log_in(new_page(), owner.email, "/business/scanner")

    office.goto(f"/business/customers/{dana.id}")

    expect(office.get_by_role("alert")).to_contain_text("Customer not found.")
    expect(office.get_by_text("Dana Secret")).to_have_count(0)
