"""GudCity on the home screen: the manifest, the service worker, /cards offline.

Playwright's `context.set_offline(True)` reaches the service worker's own fetches in
this Chromium: offline, the worker's network-first fetch of /cards fails and the
page comes from its cache (the tests see the offline view, which only that path
shows).
"""

import io
import re
import uuid

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from gudcity.services import awards
from tests.support.browser import assert_not_reloaded, at, log_in, mark_document

pytestmark = pytest.mark.e2e

QR_IMAGE = re.compile(r"^data:image/png;base64,")
QR_COMES_BACK = "Your QR code comes back when your phone is online"
# The worker controls the page and holds the shell of /cards: it can open offline.
WORKER_READY = """async () => navigator.serviceWorker.controller !== null
    && (await caches.match("/cards/")) !== undefined"""


def visit_cards_online(page: Page) -> str:
    """/cards, loaded live, until the worker holds the shell and the card is saved;
    the card number it shows."""
    page.goto("/cards")
    expect(page.locator("#customer-qr")).to_have_attribute("src", QR_IMAGE)
    page.wait_for_function("window.GudCityOffline.read() !== null")
    page.wait_for_function(WORKER_READY)
    return page.locator("#card-number").inner_text()


def reload_offline(page: Page) -> None:
    page.context.set_offline(True)
    page.reload()
    expect(page.locator("#offline-card")).to_be_visible()


def assert_no_qr(page: Page) -> None:
    expect(page.locator("#customer-qr")).to_have_count(0)
    expect(page.locator("img[src^='data:image']")).to_have_count(0)


def test_the_app_is_installable(new_page):
    page = new_page()
    page.goto("/login")
    assert page.locator("meta[name=theme-color]").get_attribute("content") == "#12a594"

    response = page.request.get(page.locator("link[rel=manifest]").get_attribute("href"))
    assert response.headers["content-type"] == "application/manifest+json"
    manifest = response.json()
    assert manifest["name"] == "GudCity" and manifest["short_name"]
    assert (manifest["start_url"], manifest["scope"], manifest["display"]) == (
        "/cards",
        "/",
        "standalone",
    )
    assert manifest["theme_color"] == "#12a594" and manifest["background_color"] == "#ffffff"
    sizes = set()
    for icon in manifest["icons"]:
        image = page.request.get(icon["src"])
        assert image.ok and image.headers["content-type"] == "image/png"
        width, height = Image.open(io.BytesIO(image.body())).size
        assert f"{width}x{height}" == icon["sizes"]
        sizes.add((icon["purpose"], width))
    assert sizes == {("any", 192), ("any", 512), ("maskable", 192), ("maskable", 512)}
    assert page.request.get(page.locator("link[rel=apple-touch-icon]").get_attribute("href")).ok

    worker = page.request.get("/sw.js")
    assert worker.headers["content-type"].startswith("text/javascript")
    assert worker.headers["cache-control"] == "no-cache"
    scope = page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)")
    assert scope == page.url.split("/login")[0] + "/"


def test_offline_the_card_shows_its_number_and_no_qr_then_goes_live_again(new_page, make, session):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    customer = make.customer()
    card = make.card(customer, program, balance=30)
    page = log_in(new_page(width=390, height=844), customer.email, "/cards")
    number = visit_cards_online(page)

    reload_offline(page)
    expect(page.locator("#card-number")).to_have_text(number)
    offline = page.locator("#offline-card")
    expect(offline).to_contain_text("may be out of date")
    expect(offline).to_contain_text(QR_COMES_BACK)
    expect(page.locator("[data-testid=saved-card]")).to_contain_text("Coffee Club")
    expect(page.locator("[data-testid=saved-balance]")).to_have_text("30")
    assert_no_qr(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    mark_document(page)
    page.context.set_offline(False)
    expect(page.locator("#customer-qr")).to_have_attribute("src", QR_IMAGE)
    expect(offline).to_have_count(0)
    awards.award_points(session, owner, card.id, 5, uuid.uuid4().hex)
    expect(page.locator("[data-testid=card-balance]")).to_have_text("35")
    assert_not_reloaded(page)


def test_a_live_page_that_loses_its_connection_hides_its_qr_until_it_is_back(new_page, make):
    customer = make.customer()
    page = log_in(new_page(width=390, height=844), customer.email, "/cards")
    number = visit_cards_online(page)

    page.context.set_offline(True)
    expect(page.locator("#qr-offline")).to_contain_text(QR_COMES_BACK)
    assert_no_qr(page)
    expect(page.locator("#card-number")).to_have_text(number)  # the live page stays

    page.context.set_offline(False)
    expect(page.locator("#customer-qr")).to_have_attribute("src", QR_IMAGE)


def test_another_account_on_the_phone_never_sees_the_first_card(new_page, make):
    owner, business = make.business()
    program = make.program(owner, business, name="First Program")
    first, second = make.customer(), make.customer()
    make.card(first, program, balance=20)
    page = log_in(new_page(width=390, height=844), first.email, "/cards")
    first_number = visit_cards_online(page)

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(at("/login"))
    assert page.evaluate("window.GudCityOffline.read()") is None

    log_in(page, second.email, "/cards")
    second_number = visit_cards_online(page)
    reload_offline(page)
    expect(page.locator("#card-number")).to_have_text(second_number)
    content = page.content()
    assert first_number not in content and "First Program" not in content
    assert_no_qr(page)
