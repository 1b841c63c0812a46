"""Download my data: the user's own profile, cards, ledger, notifications and codes, exactly."""

import json
from datetime import datetime

import pytest
from sqlmodel import select

from gudcity.domain.errors import PermissionDeniedError
from gudcity.models import CustomerNotification, LoyaltyCard, ProgramKind
from gudcity.services import enrollment, my_data, programs, redemptions


@pytest.fixture
def alices_data(session, make, shop):
    """Alice: 50 points in Coffee Club (a Free latte redeemed), a stamps card she left."""
    owner, business, program, alice = shop
    reward = programs.add_reward(session, owner, program.id, name="Free latte", cost=40)
    card = make.card(alice, program, balance=90)
    code = redemptions.redeem_reward(session, alice, card.id, reward.id, make.key())
    stamps = make.program(owner, business, name="Cake Card", kind=ProgramKind.STAMPS)
    make.card(alice, stamps, balance=2)
    enrollment.leave_program(session, alice, stamps.id)
    return alice, card, code.redemption_code


def _without_dates(rows: list[dict]) -> list[dict]:
    dates = {"date", "created_at", "expires_at", "delivered_at", "closed_at", "read_at"}
    return [{k: v for k, v in row.items() if k not in dates} for row in rows]


def test_the_export_holds_the_customers_data_exactly(session, alices_data):
    alice, _card, code = alices_data
    data = my_data.export_my_data(session, alice)

    cards = {c.program_id: c for c in session.exec(select(LoyaltyCard)).all()}
    assert data["format"] == 1
    assert data["profile"] == {
        "name": "Alice",
        "email": alice.email,
        "role": "CUSTOMER",
        "card_number": alice.card_number,
        "birthday": None,
        "created_at": alice.created_at.isoformat(),
    }
    coffee, cake = sorted(cards.values(), key=lambda c: c.id)
    assert _without_dates(data["cards"]) == [
        {
            "card_number": coffee.card_number,
            "program": "Coffee Club",
            "business": "Bean There",
            "unit": "points",
            "balance": 50,
            "lifetime": 90,
            "tier": None,
            "status": "ACTIVE",
        },
        {
            "card_number": cake.card_number,
            "program": "Cake Card",
            "business": "Bean There",
            "unit": "stamps",
            "balance": 2,
            "lifetime": 2,
            "tier": None,
            "status": "LEFT",
        },
    ]
    assert _without_dates(data["ledger"]) == [
        _row(coffee, "Coffee Club", "EARN", 90),
        _row(coffee, "Coffee Club", "REDEEM", -40, reward="Free latte", code=code),
        _row(cake, "Cake Card", "EARN", 2),
    ]
    assert _without_dates(data["reward_codes"]) == [
        {
            "code": code,
            "reward": "Free latte",
            "program": "Coffee Club",
            "business": "Bean There",
            "status": "WAITING",
        }
    ]
    notes = session.exec(
        select(CustomerNotification)
        .where(CustomerNotification.customer_id == alice.id)
        .order_by(CustomerNotification.id)
    ).all()
    assert [n["message"] for n in data["notifications"]] == [n.message for n in notes]
    assert {n["business"] for n in data["notifications"]} == {"Bean There"}
    assert len(notes) >= 3


def _row(card, program, kind, amount, reward=None, code=None) -> dict:
    return {
        "card_number": card.card_number,
        "program": program,
        "kind": kind,
        "amount": amount,
        "reward": reward,
        "redemption_code": code,
        # Awards carry no note; a redemption names its reward (services/redemptions.py).
        "note": reward or "",
    }


def test_the_export_is_json_with_iso_dates(session, alices_data):
    alice, _card, _code = alices_data
    data = json.loads(json.dumps(my_data.export_my_data(session, alice)))
    for row in data["ledger"] + data["notifications"]:
        assert datetime.fromisoformat(row["date"]).tzinfo is not None
    assert datetime.fromisoformat(data["exported_at"])


def test_another_customers_data_is_never_included(session, make, alices_data):
    alice, card, code = alices_data
    mallory = make.customer("Mallory")
    data = my_data.export_my_data(session, mallory)

    assert data["cards"] == data["ledger"] == data["notifications"] == data["reward_codes"] == []
    text = json.dumps(data)
    for secret in (alice.email, alice.card_number, card.card_number, code, "Alice"):
        assert secret not in text


def test_an_owner_gets_their_profile_and_no_customers(session, shop, alices_data):
    owner = shop[0]
    data = my_data.export_my_data(session, owner)
    assert data["profile"]["email"] == owner.email
    assert data["profile"]["card_number"] is None
    assert data["cards"] == data["ledger"] == []
    assert "Alice" not in json.dumps(data)


def test_nobody_gets_anything(session):
    with pytest.raises(PermissionDeniedError):
        my_data.export_my_data(session, None)
