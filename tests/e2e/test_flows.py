"""The three core flows (new customer, enrolled customer, manual actions), end to end.

Each party watches the other's change arrive.
"""

import base64

import pytest
from playwright.sync_api import Page, expect

from gudcity.services import awards, lookups, qr_cards
from gudcity.services.permissions import Permission
from tests.support.browser import assert_not_reloaded, log_in, mark_document

pytestmark = pytest.mark.e2e


def _qr_file(customer_page: Page, tmp_path) -> str:
    src = customer_page.locator("#customer-qr").get_attribute("src")
    assert src.startswith("data:image/png;base64,")
    path = tmp_path / "qr.png"
    path.write_bytes(base64.b64decode(src.split(",", 1)[1]))
    return str(path)


def _card(page: Page, program_name: str):
    return page.locator("[data-testid=loyalty-card]", has_text=program_name)


def _notification(page: Page, text: str):
    return page.locator("#notifications [data-testid=notification]", has_text=text)


def test_new_customer_scan(new_page, make, tmp_path):
    """Scan -> scanned notice -> invitation -> Accept -> customer listed, card, points."""
    owner, business = make.business("Bean There")
    make.program(owner, business, name="Coffee Club", points_per_scan=10)
    customer = make.customer("Alice Rivera")
    shop = log_in(new_page(), owner.email, "/business/scanner")
    roster = shop.context.new_page()
    roster.goto("/business/customers")
    expect(roster.get_by_text("No customers yet", exact=False)).to_be_visible()
    mark_document(roster)
    phone = log_in(new_page(width=390, height=844), customer.email, "/cards")
    expect(phone.get_by_text("No loyalty cards yet")).to_be_visible()
    mark_document(phone)

    shop.locator("#scan-upload input[type=file]").set_input_files(_qr_file(phone, tmp_path))

    expect(shop.locator("#scan-result")).to_contain_text("Alice Rivera")
    expect(shop.locator("#scan-result")).to_contain_text("Invitation sent")
    expect(_notification(phone, "Your QR code was scanned by Bean There")).to_be_visible()
    invitation = _notification(phone, "Bean There invites you to join Coffee Club.")
    invitation.get_by_role("button", name="Accept").click()

    expect(_card(phone, "Coffee Club").locator("[data-testid=card-balance]")).to_have_text("10")
    expect(_notification(phone, "You earned 10 points from Bean There!")).to_be_visible()
    assert_not_reloaded(phone)
    # The counter learns the answer: the badge, the balance and the words agree.
    result = shop.locator("#scan-result")
    expect(result).to_contain_text("Alice Rivera accepted the invitation")
    expect(result).to_contain_text("Enrolled")
    expect(result).to_contain_text("Balance: 10")
    expect(result).not_to_contain_text("Not enrolled yet")
    row = roster.locator("[data-testid=customer-row]", has_text="Alice Rivera")
    expect(row).to_contain_text("10")
    assert_not_reloaded(roster)


def test_enrolled_customer_scan_updates_every_tab(new_page, make, session, tmp_path):
    """A QR scan -> points by the program's rule, on both of the customer's tabs."""
    owner, business = make.business("Glow Salon")
    program = make.program(owner, business, name="Glow Rewards", points_per_scan=25)
    customer = make.customer("Ben Okafor")
    make.card(customer, program)
    shop = log_in(new_page(), owner.email, "/business/scanner")
    phone = log_in(new_page(), customer.email, "/cards")
    laptop = new_page()
    laptop.context.add_cookies(phone.context.cookies())
    laptop.goto("/cards")
    for tab in (phone, laptop):
        expect(_card(tab, "Glow Rewards").locator("[data-testid=card-balance]")).to_have_text("0")
        mark_document(tab)

    shop.locator("#scan-upload input[type=file]").set_input_files(_qr_file(phone, tmp_path))

    expect(shop.locator("#scan-result")).to_contain_text("Ben Okafor")
    expect(shop.locator("#scan-result")).to_contain_text("+25 points awarded.")
    for tab in (phone, laptop):
        expect(_card(tab, "Glow Rewards").locator("[data-testid=card-balance]")).to_have_text("25")
        expect(_notification(tab, "Your QR code was scanned by Glow Salon")).to_be_visible()
        expect(_notification(tab, "You earned 25 points from Glow Salon!")).to_be_visible()
        assert_not_reloaded(tab)


def test_manual_enroll_award_and_deduction(new_page, make):
    """Look up by card number (nothing given), Enroll, award, then deductions the customer
    answers; the counter shows each answer as it comes."""
    owner, business = make.business("Crumbs")
    make.program(owner, business, name="Pastry Points", points_per_scan=5)
    customer = make.customer("Cleo Marsh")
    shop = log_in(new_page(), owner.email, "/business/scanner")
    phone = log_in(new_page(), customer.email, "/cards")
    mark_document(phone)
    mark_document(shop)
    result = shop.locator("#scan-result")
    shop.get_by_label("Card number").fill(customer.card_number)
    shop.get_by_role("button", name="Look up").click()
    expect(result).to_contain_text("Cleo Marsh")
    expect(result).to_contain_text("Not enrolled")
    expect(_notification(phone, "Crumbs invites you")).to_have_count(0)  # a look-up sends nothing

    shop.get_by_role("button", name="Enroll").click()
    expect(result).to_contain_text("Invitation sent")
    _notification(phone, "Crumbs invites you").get_by_role("button", name="Accept").click()
    balance = _card(phone, "Pastry Points").locator("[data-testid=card-balance]")
    expect(balance).to_have_text("0")
    expect(result).to_contain_text("Cleo Marsh accepted the invitation")
    expect(result).to_contain_text("Enrolled")

    shop.get_by_label("Points").fill("30")
    shop.get_by_role("button", name="Award points").click()
    expect(balance).to_have_text("30")

    shop.get_by_label("Points").fill("20")
    shop.get_by_role("button", name="Deduct points").click()
    request = _notification(phone, "wants to deduct 20 points")
    expect(request).to_be_visible()
    expect(result).to_contain_text("Asked the customer to approve taking 20 points")
    expect(balance).to_have_text("30")
    request.get_by_role("button", name="Decline").click()
    expect(request.get_by_role("button", name="Decline")).to_have_count(0)
    expect(result).to_contain_text("Cleo Marsh declined the deduction of 20 points")
    expect(result).to_contain_text("Balance: 30")
    expect(balance).to_have_text("30")

    shop.get_by_role("button", name="Deduct points").click()
    second = _notification(phone, "wants to deduct 20 points").filter(
        has=phone.get_by_role("button", name="Accept")
    )
    second.get_by_role("button", name="Accept").click()
    expect(balance).to_have_text("10")
    expect(result).to_contain_text("Cleo Marsh approved: 20 points taken off their card.")
    expect(result).to_contain_text("Balance: 10")
    assert_not_reloaded(phone)
    assert_not_reloaded(shop)


def test_a_barista_sees_only_what_he_may_use(new_page, make):
    """Scan and Award points only: no Deduct points, no Programs link, no programs page."""
    owner, business = make.business("Crumbs")
    pastry = make.program(owner, business, name="Pastry Points")
    barista = make.staff(owner, business, Permission.SCAN, Permission.AWARD)
    customer = make.customer("Cleo Marsh")
    make.card(customer, pastry, balance=40)
    shop = log_in(new_page(), barista.email, "/business/scanner")
    shop.get_by_label("Card number").fill(customer.card_number)
    shop.get_by_role("button", name="Look up").click()
    expect(shop.locator("#scan-result")).to_contain_text("Cleo Marsh")

    expect(shop.get_by_role("button", name="Award points")).to_be_visible()
    expect(shop.get_by_role("button", name="Deduct points")).to_have_count(0)
    expect(shop.get_by_role("link", name="Scanner")).to_be_visible()
    expect(shop.get_by_role("link", name="Programs")).to_have_count(0)

    shop.goto("/business/programs")
    expect(shop.get_by_text("No access")).to_be_visible()
    expect(shop.get_by_role("button", name="Create program")).to_have_count(0)
    expect(shop.locator("[data-sonner-toast]")).to_have_count(0)


def test_a_forged_qr_is_refused_and_changes_nothing(new_page, make, tmp_path, session):

    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Mallory")
    forged = qr_cards.issue_token(customer).replace("GC1.", "GC1.x", 1)
    path = tmp_path / "forged.png"
    path.write_bytes(qr_cards.qr_png(forged))
    shop = log_in(new_page(), owner.email, "/business/scanner")

    shop.locator("#scan-upload input[type=file]").set_input_files(str(path))

    expect(shop.locator("#scan-result [role=alert]")).to_be_visible()
    assert lookups.pending_enrollment_request(session, customer.id, program.id) is None


def test_a_non_image_upload_gets_a_clear_message(new_page, make, tmp_path):
    owner, business = make.business("Bean There")
    make.program(owner, business, name="Coffee Club")
    path = tmp_path / "notes.png"
    path.write_text("this is not a picture")
    shop = log_in(new_page(), owner.email, "/business/scanner")

    shop.locator("#scan-upload input[type=file]").set_input_files(str(path))

    expect(shop.locator("#scan-result [role=alert]")).to_contain_text("not an image")


def test_a_double_click_awards_once(new_page, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club", points_per_scan=1)
    customer = make.customer("Dora")
    make.card(customer, program)
    shop = log_in(new_page(), owner.email, "/business/scanner")
    phone = log_in(new_page(), customer.email, "/cards")
    shop.get_by_label("Card number").fill(customer.card_number)
    shop.get_by_role("button", name="Look up").click()
    expect(shop.locator("#scan-result")).to_contain_text("Balance: 0")  # a look-up gives nothing
    balance = _card(phone, "Coffee Club").locator("[data-testid=card-balance]")
    expect(balance).to_have_text("0")

    shop.get_by_label("Points").fill("50")
    shop.get_by_role("button", name="Award points").dblclick()

    expect(balance).to_have_text("50")
    shop.wait_for_timeout(1000)  # give a second award every chance to arrive
    expect(balance).to_have_text("50")
    earned = _notification(phone, "You earned 50 points")
    expect(earned).to_have_count(1)


def test_a_tab_that_was_offline_catches_up_when_it_reconnects(new_page, make, session):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Eve")
    card = make.card(customer, program)
    phone = log_in(new_page(), customer.email, "/cards")
    balance = _card(phone, "Coffee Club").locator("[data-testid=card-balance]")
    expect(balance).to_have_text("0")

    phone.context.set_offline(True)
    phone.wait_for_timeout(500)
    awards.award_points(session, owner, card.id, 40, make.key())  # missed while away
    phone.wait_for_timeout(500)
    expect(balance).to_have_text("0")
    phone.context.set_offline(False)

    expect(balance).to_have_text("40", timeout=20_000)
