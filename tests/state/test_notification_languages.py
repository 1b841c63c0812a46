"""Notifications are shown in the tab's language, and follow a switch of it at once."""

import pytest

from gudcity import routes
from gudcity.models import CustomerNotification, NotificationType
from gudcity.services import awards, enrollment, notify
from gudcity.state.cards import CardsState
from gudcity.state.customers import CustomersState
from gudcity.state.locale import LocaleState

pytestmark = pytest.mark.anyio


@pytest.fixture
def cafe(make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice")
    return owner, business, program, alice


async def _switch(page, run, language: str) -> None:
    locale = await page.get_state(LocaleState)
    await run(locale.choose_language(language))


async def test_the_customers_notifications_switch_to_french_and_old_rows_stay(
    session, make, tab, run, cafe
):
    owner, _, program, alice = cafe
    card = make.card(alice, program)
    old = session.get(
        CustomerNotification,
        notify.notify_customer(session, alice.id, NotificationType.CARD_CREATED, "x", "y"),
    )
    old.title, old.message, old.title_i18n, old.message_i18n = "Old", "Written {before}", None, None
    session.add(old)
    awards.award_points(session, owner, card.id, 3, make.key())
    page = tab(CardsState, routes.CARDS, alice)
    await run(page.load())
    shown = lambda: [(n.title, n.message) for n in page.notifications[:2]]  # noqa: E731
    assert shown() == [
        ("Points added", "You earned 3 points from Bean There!"),
        ("Old", "Written {before}"),
    ]

    await _switch(page, run, "fr")

    assert shown() == [
        ("Points ajoutés", "Vous avez gagné 3 points chez Bean There !"),
        ("Old", "Written {before}"),
    ]
    assert page.notifications[-1].title == "Nouvelle carte"


async def test_the_business_notifications_switch_to_arabic(session, make, tab, run, cafe):
    owner, _, program, alice = cafe
    enrollment.join_program(session, alice, program.id)
    page = tab(CustomersState, routes.CUSTOMERS, owner)
    await run(page.load())
    assert [n.message for n in page.business_notices] == ["Alice joined Coffee Club."]

    await _switch(page, run, "ar")

    assert [n.message for n in page.business_notices] == ["انضم Alice إلى Coffee Club."]
