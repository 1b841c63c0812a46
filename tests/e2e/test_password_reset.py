"""Forgot password in real Chromium, the mail read from a real SMTP server (aiosmtpd).

forgot -> mail -> open its link -> new password -> logged in; the old password no
longer works, the new one does, the link works once; a refused log-in stays on the
page in [role=alert]; a new email is confirmed through the link mailed to it.
"""

import re
import uuid
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import at, log_in
from tests.support.make import PASSWORD
from tests.support.smtp import html_of, text_of

pytestmark = pytest.mark.e2e

NEW_PASSWORD = "a brand new password"


def link_in(message, path: str, app_url: str) -> str:
    """The link to `path` in the mail (in its text and its HTML alike), checked to point
    at PUBLIC_URL (the app's default: localhost on its port); returned as a path."""
    port = urlsplit(app_url).port
    pattern = rf"http://localhost:{port}{re.escape(path)}\?token=[\w-]+"
    [address] = re.findall(pattern, text_of(message))
    assert f'href="{address}"' in html_of(message)
    parts = urlsplit(address)
    return f"{parts.path}?{parts.query}"


def try_log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_forgot_password_mail_reset_and_log_in(new_page, make, mail_server, app_url):
    customer = make.customer(f"Ann {uuid.uuid4().hex[:6]}")
    page = new_page(390, 844)
    page.goto("/login")
    page.get_by_role("link", name="Forgot password?").click()
    page.wait_for_url(at("/forgot-password"))
    page.get_by_label("Email").fill(customer.email)
    page.get_by_role("button", name="Send reset link").click()
    expect(page.locator("#reset-link-sent")).to_be_visible()

    [mail] = mail_server.wait_for(customer.email)
    reset = link_in(mail, "/reset-password", app_url)
    page.goto(reset)
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set new password").click()
    page.wait_for_url(at("/cards"))  # logged in
    expect(page.get_by_role("heading", name="Loyalty cards")).to_be_visible()

    again = new_page()
    again.goto(reset)
    expect(again.get_by_role("alert")).to_contain_text("expired or was already used")
    expect(again.get_by_label("New password")).to_have_count(0)

    old = new_page()
    try_log_in(old, customer.email, PASSWORD)
    expect(old.get_by_role("alert")).to_have_text("Wrong email or password.")
    log_in_with_new = new_page()
    try_log_in(log_in_with_new, customer.email, NEW_PASSWORD)
    log_in_with_new.wait_for_url(at("/cards"))


def test_an_unknown_email_gets_the_same_answer_and_no_mail(new_page, mail_server):
    nobody = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    page = new_page()
    page.goto("/forgot-password")
    page.get_by_label("Email").fill(nobody)
    page.get_by_role("button", name="Send reset link").click()

    expect(page.locator("#reset-link-sent")).to_be_visible()
    page.wait_for_timeout(1000)  # the worker polls every 0.2 s: a mail would be here
    assert mail_server.to(nobody) == []

    page.get_by_role("button", name="Send another link").click()
    expect(page.get_by_label("Email")).to_be_visible()
    expect(page.locator("#reset-link-sent")).to_have_count(0)


def test_a_log_in_error_stays_on_the_page(new_page, make):
    customer = make.customer()
    page = new_page()
    try_log_in(page, customer.email, "not the password")

    alert = page.get_by_role("alert")
    expect(alert).to_have_text("Wrong email or password.")
    page.wait_for_timeout(6000)  # long after any toast has gone
    expect(alert).to_be_visible()


def test_a_new_email_is_confirmed_by_the_link_sent_to_it(new_page, make, mail_server, app_url):
    customer = make.customer()
    moved = f"moved-{uuid.uuid4().hex[:8]}@example.com"
    page = log_in(new_page(), customer.email, "/cards")
    page.goto("/settings")
    page.get_by_label("Email").fill(moved)
    page.get_by_role("button", name="Change email").click()
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("#email-change-sent")).to_contain_text(moved)

    [notice] = mail_server.wait_for(customer.email)
    assert moved in text_of(notice)
    [confirmation] = mail_server.wait_for(moved)
    page.goto(link_in(confirmation, "/confirm-email", app_url))
    page.get_by_role("button", name="Confirm email").click()
    expect(page.locator("#email-confirmed")).to_contain_text(moved)

    log_in(new_page(), moved, "/cards")
