"""Every page in every language, in real Chromium: no message left in English, no English
at all on an Arabic page but what a business or a user wrote, right to left in Arabic,
and no sideways scroll on a 390 px phone.

The shop, its programs and its people have Arabic names, so any Latin word on an Arabic
page is GudCity's own and was not translated.
"""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from gudcity import routes
from gudcity.domain.referral_codes import referral_code
from gudcity.i18n.catalogue import frontend_words
from gudcity.models import LoyaltyCard, ProgramKind
from gudcity.services import profile, program_bonuses, programs
from gudcity.settings import get_settings
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e

LANGUAGE_NAMES = {"ar": "العربية", "es": "Español", "fr": "Français"}
VISITOR_PAGES = ["/", "/login", "/register", "/forgot-password", "/reset-password?token=x"]
# Latin words an Arabic page may show: the product's name and abbreviations Arabic keeps.
KEPT_IN_ARABIC = {"GudCity", "QR", "CSV", "UTC", "JSON"}

# The page's visible text nodes, outside the language chooser and form fields.
VISIBLE_TEXT = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) {
    const node = walker.currentNode, parent = node.parentElement;
    if (!parent || parent.closest('select, script, style, input, textarea')) continue;
    if (!parent.checkVisibility()) continue;
    const text = node.textContent.trim();
    if (text) texts.push(text);
  }
  return texts;
}"""


@pytest.fixture
def arabic_shop(make, session):
    """A café whose names are all Arabic: a stamps card and a points card, one customer."""
    owner, business = make.business("مقهى الياسمين")
    owner = profile.change_name(session, owner, "سامي")
    stamps = make.program(owner, business, name="بطاقة القهوة", kind=ProgramKind.STAMPS)
    points = make.program(owner, business, name="نقاط المقهى", points_per_scan=10)
    programs.add_reward(session, owner, stamps.id, name="قهوة مجانية", cost=5)
    customer = make.customer("علياء")
    card = make.card(customer, stamps, balance=3)
    make.card(customer, points, balance=25)
    return owner, customer, card


@pytest.fixture
def referral_page(arabic_shop, session) -> str:
    """The customer's referral link to the points card, its program paying referrals."""
    owner, customer, _card = arabic_shop
    points_card = session.exec(
        select(LoyaltyCard).where(LoyaltyCard.customer_id == customer.id, LoyaltyCard.balance == 25)
    ).one()
    program_bonuses.set_program_bonuses(
        session,
        owner,
        points_card.program_id,
        welcome_bonus=0,
        birthday_bonus=0,
        birthday_window_days=0,
        referrer_bonus=30,
        friend_bonus=20,
        referral_limit=0,
    )
    return routes.join_page(referral_code(points_card.id, get_settings().secret_key))


def settled(page: Page, path: str) -> Page:
    page.goto(path)
    expect(page.locator("h1").first).to_be_visible()
    expect(page.locator(".rt-Skeleton")).to_have_count(0)
    return page


def assert_in(page: Page, language: str) -> None:
    path = page.url
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")
    width, inner = page.evaluate("[document.scrollingElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{path} scrolls sideways in {language}: {width} > {inner}"
    texts = page.evaluate(VISIBLE_TEXT)
    translated = {
        english for english, words in frontend_words(language).items() if words != english
    }
    left_in_english = [text for text in texts if text in translated]
    assert left_in_english == [], f"{path} in {language}"
    if language == "ar":
        latin = [
            text
            for text in texts
            if "@" not in text and set(re.findall(r"[A-Za-z]{2,}", text)) - KEPT_IN_ARABIC
        ]
        assert latin == [], f"{path} shows English in Arabic"


def in_language(page: Page, language: str) -> Page:
    page.get_by_label("Language").select_option(LANGUAGE_NAMES[language])
    expect(page.locator("html")).to_have_attribute("lang", language)
    return page


@pytest.mark.parametrize("language", list(LANGUAGE_NAMES))
def test_every_visitor_page(new_page, referral_page, language):
    page = in_language(settled(new_page(390, 844), "/"), language)
    for path in VISITOR_PAGES:
        assert_in(settled(page, path), language)
    assert_in(settled(page, referral_page), language)
    expect(page.locator("#join-offer")).to_be_visible()  # the offer, not a refused link


@pytest.mark.parametrize("language", list(LANGUAGE_NAMES))
def test_every_customer_page(new_page, arabic_shop, language):
    _, customer, card = arabic_shop
    page = in_language(log_in(new_page(390, 844), customer.email, "/cards"), language)
    for path in ["/cards", f"/cards/{card.id}", "/settings"]:
        assert_in(settled(page, path), language)


@pytest.mark.parametrize("language", list(LANGUAGE_NAMES))
def test_every_business_page(new_page, arabic_shop, language):
    owner, customer, _ = arabic_shop
    page = in_language(log_in(new_page(390, 844), owner.email, "/business/scanner"), language)
    for path in [
        "/business/dashboard",
        "/business/scanner",
        "/business/customers",
        f"/business/customers/{customer.id}",
        "/business/programs",
        "/business/promotions",
        "/business/staff",
        "/business/activity",
        "/settings",
    ]:
        assert_in(settled(page, path), language)
