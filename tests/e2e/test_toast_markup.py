"""A name holding Reflex's own var markup shows, as typed, in the toast that carries it."""

import pytest
from playwright.sync_api import expect

from gudcity.services import scanning
from gudcity.state.cards_page import ANSWER_AT_THE_TOP
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e

# reflex_base's REFLEX_VAR_OPENING_TAG / CLOSING_TAG around a body that is not a var id.
MARKED_UP = 'Bean <reflex.Var>{"state":"x"}</reflex.Var> Café'


def test_a_business_named_with_reflex_markup_shows_literally_in_the_toast(new_page, make, session):
    owner, business = make.business(MARKED_UP)
    program = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Alice")
    phone = log_in(new_page(width=390, height=844), customer.email, "/cards")
    expect(phone.get_by_text("No loyalty cards yet")).to_be_visible()

    scanning.scan_customer(session, owner, program.id, customer.id, make.key())

    toast = phone.locator("[data-sonner-toast]", has_text="Your QR code was scanned by")
    expect(toast).to_have_text(f"Your QR code was scanned by {MARKED_UP}")
    invitation = phone.locator("[data-sonner-toast]", has_text="invites you to join")
    expect(invitation).to_have_text(
        f"{MARKED_UP} invites you to join Coffee Club. {ANSWER_AT_THE_TOP}"
    )
