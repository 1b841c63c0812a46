"""Demo data: loaded once, into an empty database, and telling the story it promises."""

import pytest
from sqlmodel import select

from gudcity import demo
from gudcity.models import NotificationType, User
from gudcity.services import cards, login, notifications


def alice(session) -> User:
    return session.exec(select(User).where(User.email == demo.CUSTOMER_EMAIL)).one()


def test_demo_loads_into_an_empty_database(session):
    assert demo.load_demo_data(session) is True


def test_alice_holds_3_cards_across_2_businesses(session):
    demo.load_demo_data(session)

    held = cards.list_cards(session, alice(session))

    assert sorted(c.program_name for c in held) == ["Coffee Club", "Glow Rewards", "Pastry Stamps"]
    assert {c.business_name for c in held} == {"Bean There Café", "Glow Salon"}
    assert all(c.balance > 0 for c in held)


def test_alice_has_notifications_and_one_request_waiting_for_her(session):
    demo.load_demo_data(session)
    customer = alice(session)

    listed = notifications.list_customer_notifications(session, customer, limit=100)
    waiting = [n for n in listed if n.requires_action and n.action_taken is None]

    assert len(listed) >= 3
    assert len(waiting) == 1
    assert waiting[0].type == NotificationType.ENROLLMENT_REQUEST
    assert "Nail Bar" in waiting[0].message


@pytest.mark.parametrize("email", [email for _, email in demo.DEMO_LOGINS])
def test_every_demo_login_works(session, email):
    demo.load_demo_data(session)

    user = login.log_in(session, email, demo.DEMO_PASSWORD)

    assert user.email == email


def test_a_second_load_returns_false_and_writes_nothing(session, make):
    demo.load_demo_data(session)
    before = make.counts()

    assert demo.load_demo_data(session) is False
    assert make.counts() == before


def test_demo_is_not_loaded_into_a_database_that_has_users(session, make):
    make.customer()
    before = make.counts()

    assert demo.load_demo_data(session) is False
    assert make.counts() == before
