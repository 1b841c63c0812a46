"""Browser helpers: log in through the form, and tell a live update from a reload."""

from playwright.sync_api import Page

from tests.support.make import PASSWORD

# The shared app server renews QR codes this often, so a test can watch one happen.
QR_RENEW_SECONDS = 4


def log_in(page: Page, email: str, lands_on: str) -> Page:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{lands_on}")
    return page


def mark_document(page: Page) -> None:
    """Tag the loaded document; `assert_not_reloaded` fails if it was replaced."""
    page.evaluate("window.__gudcity_marker = 'same-document'")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__gudcity_marker") == "same-document", "the page reloaded"
