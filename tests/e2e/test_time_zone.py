"""A business's time zone: the browser's at registration, the owner's choice in /settings."""

import uuid

import pytest
from playwright.sync_api import expect

from tests.support.browser import at
from tests.support.make import PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def tokyo_phone(browser, app_url):
    """A phone whose clock says Tokyo."""
    context = browser.new_context(
        base_url=app_url, viewport={"width": 390, "height": 844}, timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def test_a_new_business_takes_the_browsers_zone_and_the_owner_changes_it(tokyo_phone):
    page = tokyo_phone
    page.goto("/register")
    page.get_by_label("Name", exact=True).fill("Kenji Sato")
    page.get_by_label("Email").fill(f"kenji-{uuid.uuid4().hex[:8]}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_text("Business", exact=True).click()
    page.get_by_label("Business name").fill("Kissa Kenji")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url(at("/business/scanner"))

    page.get_by_role("link", name="Settings").click()
    page.wait_for_url(at("/settings"))
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("Asia/Tokyo")

    zone.select_option("Europe/Lisbon")
    page.get_by_role("button", name="Update business details").click()
    expect(page.get_by_text("Business details saved", exact=False)).to_be_visible()
    page.reload()
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Lisbon")
