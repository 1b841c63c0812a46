"""A referral from the link to both rewards: Alice's link on /cards, a friend signs up
through it, and the friend's first award at the counter pays both, live on /cards; the
owner's /business/promotions follows it, live too."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from gudcity.models import User
from gudcity.services import awards, referrals
from tests.services.growth_support import offer
from tests.services.test_referrals import code_of
from tests.support.browser import assert_not_reloaded, at, log_in, mark_document
from tests.support.make import PASSWORD

pytestmark = pytest.mark.e2e


def _card(page: Page, program_name: str):
    return page.locator("[data-testid=loyalty-card]", has_text=program_name)


def _balance(page: Page, program_name: str):
    return _card(page, program_name).locator("[data-testid=card-balance]")


def _offer_referrals(shop: Page) -> None:
    """The owner's "Bonuses" dialog: a refused limit is shown, then the offer is saved."""
    shop.goto("/business/programs")
    shop.get_by_role("button", name="Bonuses of Coffee Club").click()
    dialog = shop.locator("[data-testid=program-bonuses]")
    dialog.get_by_label("Reward for the referrer").fill("30")
    dialog.get_by_label("Reward for the friend").fill("20")
    dialog.get_by_label("Paid referrals per customer").fill("99999")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("referral limit must be between 0 and")
    dialog.get_by_label("Paid referrals per customer").fill("0")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)


def test_a_friend_through_the_link_pays_both_on_the_first_visit(new_page, make, session):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club", points_per_scan=10)
    alice = make.customer("Alice Rivera")
    make.card(alice, program)
    alices = log_in(new_page(), alice.email, "/cards")
    card = _card(alices, "Coffee Club")
    expect(card.locator("[data-testid=card-balance]")).to_have_text("0")
    expect(card.locator("[data-testid=card-referral-link]")).to_have_count(0)
    mark_document(alices)

    shop = log_in(new_page(), owner.email, "/business/scanner")
    _offer_referrals(shop)
    expect(card).to_contain_text("on their first visit you get 30 points and they get 20 points")
    link = card.locator("[data-testid=card-referral-link]")
    expect(link).to_contain_text("/join/")
    expect(card.get_by_role("button", name="Copy the referral link of Coffee Club")).to_be_visible()

    friend = new_page(width=390, height=844)
    friend.goto(urlsplit(link.inner_text()).path)
    expect(friend.locator("#join-offer")).to_contain_text("A friend invites you to Coffee Club")
    expect(friend.locator("#join-offer")).to_contain_text("Your first visit earns you 20 points.")
    friend.get_by_role("button", name="Create an account").click()
    friend.wait_for_url(at("/register"))
    email = f"{make.prefix}friend@example.com"
    friend.get_by_label("Name").fill("Ben Okafor")
    friend.get_by_label("Email").fill(email)
    friend.get_by_label("Password").fill(PASSWORD)
    friend.get_by_role("button", name="Create account").click()
    friend.wait_for_url(at("/cards"))
    expect(_balance(friend, "Coffee Club")).to_have_text("0")  # nothing on sign-up
    expect(_balance(alices, "Coffee Club")).to_have_text("0")
    mark_document(friend)

    assert friend.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    card_number = session.exec(select(User.card_number).where(User.email == email)).one()
    shop.goto("/business/scanner")
    shop.get_by_label("Card number").fill(card_number)
    shop.get_by_role("button", name="Look up").click()
    expect(shop.locator("#scan-result")).to_contain_text("Ben Okafor")
    shop.get_by_label("Points").fill("5")
    shop.get_by_role("button", name="Award points").click()

    expect(_balance(friend, "Coffee Club")).to_have_text("25")
    expect(_balance(alices, "Coffee Club")).to_have_text("30")
    expect(
        alices.locator("#notifications [data-testid=notification]", has_text="A friend you invited")
    ).to_be_visible()
    assert_not_reloaded(alices)
    assert_not_reloaded(friend)


def test_the_owner_sees_a_referral_wait_then_get_paid_live(new_page, make, session):
    """On a phone-wide /business/promotions: the friend's referral appears, waiting,
    when they join, then paid on their first visit, without a reload."""
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club", points_per_scan=10)
    offer(session, owner, program, referrer_bonus=30, friend_bonus=20)
    code = code_of(make.card(make.customer("Alice Rivera"), program))
    shop = log_in(new_page(width=390, height=844), owner.email, "/business/scanner")
    shop.goto("/business/promotions")
    section = shop.locator("#business-referrals")
    expect(section.get_by_role("heading", name="Referrals")).to_be_visible()
    expect(section).to_contain_text("No referrals yet.")
    counts = section.locator("[data-testid=referral-counts]")
    expect(counts).to_contain_text("Coffee Club")
    expect(counts).to_contain_text("Waiting for a first visit: 0")
    mark_document(shop)

    bens = referrals.join_through_referral(session, make.customer("Ben Okafor"), code).card
    row = section.locator("[data-testid=referral-row]")
    expect(row).to_contain_text("Ben Okafor, invited by Alice Rivera")
    expect(row.locator("[data-testid=referral-state]")).to_have_text("Waiting for a first visit")
    expect(counts).to_contain_text("Waiting for a first visit: 1")

    awards.award_points(session, owner, bens.id, 5, make.key())
    expect(row.locator("[data-testid=referral-state]")).to_contain_text("Paid on ")
    expect(counts).to_contain_text("Paid: 1")
    assert shop.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_not_reloaded(shop)
