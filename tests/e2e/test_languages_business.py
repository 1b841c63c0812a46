"""The business pages in French and Arabic, in real Chromium: the scanner and the
dashboard switch language live (their fixed words and the words the server made), Arabic
lays them out right to left (an arrow along the text mirrored), and a 390 px phone does
not scroll sideways."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import assert_not_reloaded, at, log_in, mark_document

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def choose(page: Page, language: str) -> None:
    page.get_by_label("Language").select_option(language)


def assert_no_sideways_scroll(page: Page) -> None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the page scrolls sideways: {width} > {inner}"


def test_the_scanner_and_the_dashboard_switch_language_live(new_page, make):
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club", points_per_scan=10)
    bob = make.customer("Bob Stone")
    make.card(bob, coffee, balance=5)

    page = log_in(new_page(**PHONE), owner.email, "/business/scanner")
    mark_document(page)
    page.get_by_label("Card number").fill(bob.card_number)
    page.get_by_role("button", name="Look up").click()
    result = page.locator("#scan-result")
    expect(result).to_contain_text("Bob Stone")
    page.get_by_label("Points").fill("7")
    page.get_by_role("button", name="Award points").click()
    expect(result).to_contain_text("+7 points awarded.")

    choose(page, "Français")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("button", name="Rechercher")).to_be_visible()
    expect(page.get_by_label("Numéro de carte")).to_be_visible()
    expect(result).to_contain_text("Attribué : +7 points.")
    expect(result).to_contain_text("Inscrit")
    expect(page.get_by_role("heading", name="Récompenses au comptoir")).to_be_visible()

    choose(page, "العربية")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("button", name="بحث")).to_be_visible()
    expect(result).to_contain_text("تم منح +7 نقاط.")
    expect(result).to_contain_text("مسجَّل")
    expect(result).to_contain_text("Bob Stone")  # a name stays as it was written
    assert_no_sideways_scroll(page)

    page.get_by_role("link", name="العملاء").click()
    page.wait_for_url(at("/business/customers"))
    expect(page.locator("#customer-total")).to_have_text("1")
    expect(page.get_by_text("عميل مسجَّل")).to_be_visible()
    previous = page.get_by_role("button", name="السابق").locator("svg")
    assert previous.evaluate("e => getComputedStyle(e).transform") == "matrix(-1, 0, 0, 1, 0, 0)"
    assert_no_sideways_scroll(page)

    page.get_by_role("link", name="لوحة المتابعة").click()
    page.wait_for_url(at("/business/dashboard"))
    expect(page.get_by_role("heading", name="الزيارات يوميًا")).to_be_visible()
    expect(page.locator("#period")).to_contain_text("30 يومًا")
    expect(page.locator("#kpis")).to_contain_text("الزيارات")
    expect(page.get_by_role("button", name="تصدير العملاء (CSV)")).to_be_visible()
    expect(page.locator("[data-testid=kpi-points-issued]")).to_have_text("12")
    assert_no_sideways_scroll(page)

    choose(page, "Français")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("heading", name="Visites par jour")).to_be_visible()
    expect(page.locator("#period")).to_contain_text("30 jours")
    expect(page.locator("#kpis")).to_contain_text("Points émis")
    expect(page.get_by_role("button", name="Exporter le registre (CSV)")).to_be_visible()
    expect(page.locator("[data-testid=kpi-points-issued]")).to_have_text("12")
    assert_not_reloaded(page)
