"""Your data in real Chromium: download my data, an owner's CSV exports, deleting an account."""

import csv
import io
import json
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from gudcity.domain.spreadsheet import BOM
from gudcity.services import programs, redemptions
from tests.support.browser import at, log_in
from tests.support.make import PASSWORD

pytestmark = pytest.mark.e2e


def _download(page: Page, button: str) -> bytes:
    with page.expect_download() as info:
        page.get_by_role("button", name=button).click()
    return Path(info.value.path()).read_bytes()


def _csv(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


def _fits(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def alice_at_the_shop(session, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    reward = programs.add_reward(session, owner, program.id, name="Free latte", cost=20)
    alice = make.customer("Alice Rivera")
    card = make.card(alice, program, balance=50)
    redemptions.redeem_reward(session, alice, card.id, reward.id, make.key())
    return owner, alice, card


def test_a_customer_downloads_their_data_as_json(new_page, alice_at_the_shop):
    _owner, alice, card = alice_at_the_shop
    page = log_in(new_page(width=390, height=844), alice.email, "/cards")
    page.goto("/settings")
    expect(page.get_by_role("button", name="Download my data")).to_be_visible()
    assert _fits(page)

    data = json.loads(_download(page, "Download my data"))

    assert data["profile"]["email"] == alice.email
    assert [(c["program"], c["balance"], c["unit"]) for c in data["cards"]] == [
        ("Coffee Club", 30, "points")
    ]
    assert [row["kind"] for row in data["ledger"]] == ["EARN", "REDEEM"]
    assert [code["reward"] for code in data["reward_codes"]] == ["Free latte"]
    assert data["notifications"] != []
    assert card.card_number in {c["card_number"] for c in data["cards"]}


def test_an_owner_exports_customers_and_ledger(new_page, alice_at_the_shop):
    owner, alice, _card = alice_at_the_shop
    page = log_in(new_page(), owner.email, "/business/scanner")
    page.goto("/business/customers")
    expect(page.locator("[data-testid=customer-row]")).to_have_count(1)

    customers = _csv(_download(page, "Export customers (CSV)"))
    ledger = _csv(_download(page, "Export ledger (CSV)"))

    assert customers[0][:3] == ["customer", "email", "card_number"]
    assert [row[:6] for row in customers[1:]] == [
        ["Alice Rivera", alice.email, alice.card_number, "Coffee Club", "points", "30"]
    ]
    assert [(row[1], row[4], row[5]) for row in ledger[1:]] == [
        ("Alice Rivera", "EARN", "50"),
        ("Alice Rivera", "REDEEM", "-20"),
    ]


def test_a_customer_deletes_their_account_and_cannot_log_in_again(new_page, alice_at_the_shop):
    _owner, alice, _card = alice_at_the_shop
    page = log_in(new_page(width=390, height=844), alice.email, "/cards")
    page.goto("/settings")

    page.get_by_role("button", name="Delete my account").click()
    dialog = page.get_by_role("alertdialog")
    dialog.get_by_label("Password").fill("not my password")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_role("alert")).to_contain_text("not right")
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Confirm").click()
    page.wait_for_url(at("/login"))

    page.get_by_label("Email").fill(alice.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Wrong email or password.").first).to_be_visible()
    page.goto("/cards")
    page.wait_for_url(at("/login"))


def test_an_owner_is_told_to_export_first(new_page, alice_at_the_shop):
    owner = alice_at_the_shop[0]
    page = log_in(new_page(), owner.email, "/business/scanner")
    page.goto("/settings")

    page.get_by_role("button", name="Delete my account").click()
    dialog = page.get_by_role("alertdialog")
    dialog.get_by_label("Password").fill(PASSWORD)
    dialog.get_by_role("button", name="Confirm").click()

    expect(dialog.get_by_role("alert")).to_contain_text("You own Bean There")
    page.get_by_role("button", name="Back").click()
    expect(dialog).to_have_count(0)
