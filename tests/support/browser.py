"""Browser helpers: log in through the form, and tell a live update from a reload."""

from collections.abc import Callable
from urllib.parse import urlsplit

from playwright.sync_api import Page

from tests.support.make import PASSWORD

# The shared app server renews QR codes this often, so a test can watch one happen.
QR_RENEW_SECONDS = 4


def at(path: str) -> Callable[[str], bool]:
    """For `wait_for_url`: the page is at `path`, with the trailing slash the static
    server adds on a full page load, or without it after an in-app navigation."""
    return lambda url: urlsplit(url).path.rstrip("/") == path


def log_in(page: Page, email: str, lands_on: str) -> Page:
    """Log in as the page does: the password over the websocket, then a full page load
    of /auth/session (which sets the HttpOnly cookie) that lands on `lands_on`."""
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(at(lands_on))
    return page


def mark_document(page: Page) -> None:
    """Tag the loaded document; `assert_not_reloaded` fails if it was replaced."""
    page.evaluate("window.__gudcity_marker = 'same-document'")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__gudcity_marker") == "same-document", "the page reloaded"
