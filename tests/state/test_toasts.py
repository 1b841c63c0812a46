"""Toasts of user text carry it literally, whatever Reflex markup it holds."""

import json

import pytest

from gudcity.services import scanning
from gudcity.state import toasts
from gudcity.state.cards import CardsState
from gudcity.state.cards_page import ANSWER_AT_THE_TOP
from tests.support.events import toasts as shown_toasts

pytestmark = pytest.mark.anyio

# Reflex's own markup for a var inside a string (reflex_base REFLEX_VAR_OPENING_TAG):
# a non-numeric body made rx.toast loop forever, a numeric one raise or pick a var.
MARKED_UP = [
    'Bean <reflex.Var>{"state":"x"}</reflex.Var> Café',
    "Bean <reflex.Var>12</reflex.Var> Café",
    "</script><script>alert(1)</script> \u2028 \"quotes\" 'and' \\ back",
]


@pytest.mark.parametrize("text", MARKED_UP)
def test_a_toasts_text_is_a_literal_the_browser_reads_back_exactly(text):
    literal = toasts.literal_text(text)

    assert "<" not in literal._js_expr
    assert json.loads(literal._js_expr) == text
    assert shown_toasts([toasts.info(text)]) == [("info", text)]
    assert shown_toasts([toasts.error(text)]) == [("error", text)]


async def test_a_business_named_with_reflex_markup_reaches_the_customers_toast(
    session, make, tab, run
):
    name = MARKED_UP[0]
    owner, business = make.business(name)
    program = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice")
    state = tab(CardsState, "/cards", alice)
    await run(state.load())

    scanning.scan_customer(session, owner, program.id, alice.id, make.key())
    events = await run(state._live_refresh())

    assert shown_toasts(events) == [
        ("info", f"Your QR code was scanned by {name}"),
        ("info", f"{name} invites you to join Coffee Club. {ANSWER_AT_THE_TOP}"),
    ]
