"""The session cookie in a real browser: HttpOnly, stored nowhere, and device cookies.

The raw session token and device cookie live in the browser's HttpOnly cookies and
in the server process's memory for a connection: never in what a page's script can
read, nor in Reflex's pickled state (.states/ here, Redis with REDIS_URL).
"""

import json
import os
import stat
import time
import uuid

import pytest
import redis
from playwright.sync_api import Page, expect

from gudcity.devserver import app_server
from gudcity.settings import PROJECT_ROOT
from tests.support.browser import at, log_in
from tests.support.make import PASSWORD
from tests.support.redis_server import REDIS, redis_is_up

pytestmark = pytest.mark.e2e

STATES = PROJECT_ROOT / ".states"
# Reflex writes a changed state to disk after a short debounce.
STATE_WRITE_SECONDS = 3


def cookie_values(page: Page) -> dict[str, dict]:
    return {c["name"]: c for c in page.context.cookies() if c["name"].startswith("gudcity_")}


def use_the_app(page: Page) -> None:
    """A few events on the user's pages, so their state is written out."""
    page.goto("/cards")
    expect(page.get_by_role("heading", name="Loyalty cards")).to_be_visible()
    page.reload()
    expect(page.get_by_role("heading", name="Loyalty cards")).to_be_visible()


def test_the_session_cookie_is_httponly_and_no_state_file_holds_it(new_page, make):
    started = time.time()
    customer = make.customer(f"Ann {uuid.uuid4().hex}")
    phone = log_in(new_page(), customer.email, "/cards")
    use_the_app(phone)

    cookies = cookie_values(phone)
    assert set(cookies) == {"gudcity_session", "gudcity_device"}
    for cookie in cookies.values():
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert "gudcity_" not in phone.evaluate("document.cookie")

    time.sleep(STATE_WRITE_SECONDS)
    written = [p for p in STATES.glob("*.pkl") if p.stat().st_mtime >= started]
    mine = [p for p in written if customer.name.encode() in p.read_bytes()]
    assert mine, "no state file of this tab was written"
    for path in written:
        data = path.read_bytes()
        for name, cookie in cookies.items():
            assert cookie["value"].encode() not in data, f"{name} is in {path.name}"
    assert stat.S_IMODE(os.stat(STATES).st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in mine} == {0o600}


def test_a_closed_tabs_token_without_the_cookie_acts_as_nobody(new_page, make):
    phone = log_in(new_page(), make.customer().email, "/cards")
    client_token = phone.evaluate("sessionStorage.getItem('token')")
    phone.close()  # the tab is gone; its token was seen by someone

    thief = new_page()
    thief.context.add_init_script(f"sessionStorage.setItem('token', {json.dumps(client_token)})")
    thief.goto("/cards")

    thief.wait_for_url(at("/login"))
    expect(thief.get_by_text("Please log in.")).to_be_visible()
    assert thief.evaluate("sessionStorage.getItem('token')") == client_token


def test_a_tab_whose_cookie_is_cleared_is_logged_out(new_page, make):
    phone = log_in(new_page(), make.customer().email, "/cards")
    phone.context.clear_cookies()

    phone.reload()

    phone.wait_for_url(at("/login"))
    expect(phone.get_by_text("Please log in.")).to_be_visible()


def try_to_log_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_a_browser_that_logged_in_before_is_not_locked_out_by_strangers(new_page, make):
    customer = make.customer()
    owners_phone = log_in(new_page(), customer.email, "/cards")
    owners_phone.get_by_role("button", name="Log out").click()
    owners_phone.wait_for_url(at("/login"))
    assert set(cookie_values(owners_phone)) == {"gudcity_device"}

    stranger = new_page()
    for attempt in range(10):
        try_to_log_in(stranger, customer.email, f"guess number {attempt}")
        expected = "Wrong email or password." if attempt < 5 else "Too many failed log-ins."
        expect(stranger.get_by_text(expected, exact=False)).to_be_visible()
    try_to_log_in(stranger, customer.email, PASSWORD)  # locked for strangers, even so
    expect(stranger.get_by_text("Too many failed log-ins.", exact=False)).to_be_visible()

    try_to_log_in(owners_phone, customer.email, PASSWORD)
    owners_phone.wait_for_url(at("/cards"), timeout=5_000)


@pytest.fixture(scope="module")
def redis_app(e2e_database_url, copy_of_the_app, tmp_path_factory):
    """The app with its state in Redis (a database number of its own)."""
    if not redis_is_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    url = f"redis://{REDIS[0]}:{REDIS[1]}/4"
    log = tmp_path_factory.mktemp("redis-app") / "reflex.log"
    with app_server(
        e2e_database_url, log, project=copy_of_the_app(), REDIS_URL=url, GRANIAN_WORKERS="1"
    ) as app:
        yield app, redis.Redis.from_url(url)


@pytest.mark.own_server
def test_no_redis_key_holds_the_cookies(browser, redis_app, make):
    app, store = redis_app
    customer = make.customer(f"Ann {uuid.uuid4().hex}")
    context = browser.new_context(base_url=app)
    try:
        phone = log_in(context.new_page(), customer.email, "/cards")
        use_the_app(phone)
        cookies = cookie_values(phone)
    finally:
        context.close()

    values = []
    for key in store.scan_iter():
        kind = store.type(key)
        if kind == b"string":
            values.append(store.get(key) or b"")
        elif kind == b"hash":
            values.extend(v for pair in store.hgetall(key).items() for v in pair)
    assert any(customer.name.encode() in value for value in values), "no state in Redis"
    for value in values:
        for name, cookie in cookies.items():
            assert cookie["value"].encode() not in value, f"{name} is in Redis"
