"""The owner's staff page, a barista's first log-in, and a removal that reaches an open scanner."""

import pytest
from playwright.sync_api import Page, expect

from gudcity.services.permissions import Permission
from tests.support.browser import assert_not_reloaded, at, mark_document
from tests.support.make import PASSWORD, TEMPORARY_PASSWORD

pytestmark = pytest.mark.e2e

OWN_PASSWORD = "espresso every morning"


def _log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def _fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_barista_is_added_chooses_a_password_and_loses_access_when_removed(new_page, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice Rivera")
    make.card(alice, program, balance=50)
    email = f"{make.prefix}dev@example.com"

    office = new_page(width=390, height=844)
    _log_in(office, owner.email, PASSWORD)
    office.wait_for_url(at("/business/scanner"))
    office.get_by_role("link", name="Staff").click()
    office.wait_for_url(at("/business/staff"))
    expect(office.get_by_text("No staff yet")).to_be_visible()
    office.get_by_label("Name").fill("Dev Patel")
    office.get_by_label("Email").fill(email)
    office.get_by_label("Temporary password").fill(TEMPORARY_PASSWORD)
    office.get_by_label("Scan").check()
    office.get_by_label("Award points").check()
    office.get_by_role("button", name="Add staff member").click()

    row = office.locator("[data-testid=staff-row]", has_text="Dev Patel")
    expect(row).to_contain_text(email)
    expect(office.locator("[data-testid=staff-row]", has_text=owner.name)).to_contain_text("Owner")
    expect(
        office.locator("[data-testid=staff-row]", has_text=owner.name).get_by_role(
            "button", name="Remove"
        )
    ).to_have_count(0)
    assert _fits(office)

    counter = new_page(width=390, height=844)
    _log_in(counter, email, TEMPORARY_PASSWORD)
    counter.wait_for_url(at("/new-password"))
    counter.get_by_label("New password").fill(OWN_PASSWORD)
    counter.get_by_role("button", name="Set new password").click()
    counter.wait_for_url(at("/business/scanner"))
    counter.get_by_label("Card number").fill(alice.card_number)
    counter.get_by_role("button", name="Look up").click()
    expect(counter.locator("#scan-result")).to_contain_text("Alice Rivera")
    expect(counter.get_by_role("button", name="Award points")).to_be_enabled()
    deduct = counter.get_by_role("button", name="Deduct points")
    if deduct.count():
        expect(deduct).to_be_disabled()
    mark_document(counter)

    row.get_by_role("button", name="Remove").click()
    office.get_by_role("alertdialog").get_by_role("button", name="Confirm").click()

    expect(row).to_have_count(0)
    counter.wait_for_url(at("/login"))
    expect(counter.get_by_text("Your session has ended. Please log in again.")).to_be_visible()
    assert_not_reloaded(counter)
    _log_in(counter, email, OWN_PASSWORD)
    expect(counter.get_by_text("no longer works for a business")).to_be_visible()


def test_a_change_of_permissions_reaches_the_members_open_scanner(new_page, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice Rivera")
    make.card(alice, program, balance=50)
    barista = make.staff(owner, business, Permission.SCAN)

    counter = new_page()
    _log_in(counter, barista.email, PASSWORD)
    counter.wait_for_url(at("/business/scanner"))
    counter.get_by_label("Card number").fill(alice.card_number)
    counter.get_by_role("button", name="Look up").click()
    expect(counter.locator("#scan-result")).to_contain_text("Alice Rivera")
    award = counter.get_by_role("button", name="Award points")
    if award.count():
        expect(award).to_be_disabled()
    mark_document(counter)

    office = new_page()
    _log_in(office, owner.email, PASSWORD)
    office.wait_for_url(at("/business/scanner"))
    office.goto("/business/staff")
    office.locator("[data-testid=staff-row]", has_text=barista.name).get_by_role(
        "button", name="Edit permissions"
    ).click()
    dialog = office.get_by_role("dialog")
    dialog.get_by_label("Award points").check()
    dialog.get_by_role("button", name="Save permissions").click()
    expect(office.get_by_text(f"Permissions of {barista.name} saved.")).to_be_visible()

    expect(counter.get_by_role("button", name="Award points")).to_be_enabled()
    assert_not_reloaded(counter)
