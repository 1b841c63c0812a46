"""The README's tour: screenshots of /cards and /business/scanner, desktop and phone, and
of the owner's /business/dashboard.

Saved under $GUDCITY_SCREENSHOT_DIR when set (`make screenshots` points it at
assets/screenshots), otherwise into the test's temporary folder.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from gudcity.services import programs, scanning
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def shots(tmp_path) -> Path:
    folder = Path(os.environ.get("GUDCITY_SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_tour(new_page, make, session, shots):
    owner, business = make.business("Bean There Café")
    coffee = make.program(owner, business, name="Coffee Club")
    programs.add_reward(session, owner, coffee.id, name="Free latte", cost=100)
    customer = make.customer("Alice Rivera")
    make.card(customer, coffee, balance=70)
    scanning.scan_customer(session, owner, coffee.id, customer.id, make.key())
    salon_owner, salon = make.business("Glow Salon")
    glow = make.program(salon_owner, salon, name="Glow Rewards", points_per_scan=25)
    scanning.scan_customer(session, salon_owner, glow.id, customer.id, make.key())

    # The look-ups below show the customer and give nothing.
    for name, width, height, balance in (("desktop", 1280, 900, "80"), ("phone", 390, 844, "80")):
        phone = log_in(new_page(width, height), customer.email, "/cards")
        expect(phone.locator("[data-testid=card-balance]")).to_have_text(balance)
        expect(phone.get_by_role("button", name="Accept")).to_be_visible()
        phone.screenshot(path=shots / f"cards-{name}.png", full_page=name == "phone")
        assert phone.evaluate("document.documentElement.scrollWidth") <= width

        shop = log_in(new_page(width, height), owner.email, "/business/scanner")
        shop.get_by_label("Card number").fill(customer.card_number)
        shop.get_by_role("button", name="Look up").click()
        expect(shop.locator("#scan-result")).to_contain_text("Alice Rivera")
        shop.screenshot(path=shots / f"scanner-{name}.png", full_page=name == "phone")
        assert shop.evaluate("document.documentElement.scrollWidth") <= width

    office = log_in(new_page(1280, 900), owner.email, "/business/scanner")
    office.get_by_role("link", name="Dashboard").click()
    expect(office.locator("[data-testid=kpi-points-issued]")).to_have_text("80")
    expect(office.locator("#chart-visits")).to_be_visible()
    office.screenshot(path=shots / "dashboard-desktop.png")
