"""Languages in a real browser: the chooser on every page, a live switch, Arabic right to
left, the choice kept with the account, and a visitor greeted in their browser's language."""

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import assert_not_reloaded, log_in, mark_document

pytestmark = pytest.mark.e2e


def choose(page: Page, language: str) -> None:
    page.get_by_label("Language").select_option(language)


def test_a_page_switches_language_live_and_arabic_is_right_to_left(new_page, app_url):
    page = new_page(390, 844)
    page.goto(f"{app_url}/")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    mark_document(page)

    choose(page, "Français")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()

    choose(page, "العربية")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    choose(page, "English")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    assert_not_reloaded(page)


def test_the_choice_is_saved_with_the_account(new_page, make):
    alice = make.customer("Alice")
    page = log_in(new_page(), alice.email, "/cards")
    choose(page, "Español")
    expect(page.get_by_role("link", name="Mis tarjetas")).to_be_visible()

    elsewhere = log_in(new_page(), alice.email, "/cards")
    expect(elsewhere.get_by_role("link", name="Mis tarjetas")).to_be_visible()
    expect(elsewhere.get_by_label("Language")).to_have_value("es")


def test_a_visitor_is_greeted_in_their_browsers_language(browser, app_url):
    context = browser.new_context(base_url=app_url, locale="fr-FR")
    page = context.new_page()
    page.goto("/")
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    expect(page.get_by_label("Language")).to_have_value("fr")
    context.close()
