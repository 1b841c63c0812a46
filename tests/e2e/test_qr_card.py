"""The QR card on /cards: renewed on screen before its token expires."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import QR_RENEW_SECONDS, assert_not_reloaded, log_in, mark_document

pytestmark = pytest.mark.e2e


def test_the_qr_code_renews_itself_without_a_reload(new_page, make):
    customer = make.customer()
    phone = log_in(new_page(width=390, height=844), customer.email, "/cards")
    qr = phone.locator("#customer-qr")
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
    first = qr.get_attribute("src")
    mark_document(phone)

    expect(qr).not_to_have_attribute("src", first, timeout=(QR_RENEW_SECONDS + 8) * 1000)
    assert_not_reloaded(phone)
