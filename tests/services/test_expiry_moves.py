"""A card whose balance moves while the expiry sweep reckons it: the sweep holds no lock
on the card while it reads, and writes only what is due on the ledger as it stands."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, func, select

from gudcity.models import (
    CustomerNotification,
    LoyaltyCard,
    NotificationType,
    PointTransaction,
    TransactionKind,
    User,
)
from gudcity.services import awards, deductions, expiry, expiry_rules

T0 = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def on_postgresql(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's transactions begin IMMEDIATE: nothing moves while the sweep reads")


@pytest.fixture
def due_card(session, make, shop, clock):
    """20 points earned at T0 and 30 at T0 + 25 days, under a 30-day rule; now T0 + 31 days:
    the first 20 are due."""
    owner, _business, program, customer = shop
    clock.freeze(T0 - timedelta(days=1))
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 30)
    clock.freeze(T0)
    card = make.card(customer, program, balance=20)
    clock.freeze(T0 + timedelta(days=25))
    awards.award_points(session, owner, card.id, 30, make.key())
    clock.freeze(T0 + timedelta(days=31))
    session.commit()
    return owner, customer, card.id


def meanwhile(engine, monkeypatch, move, times: int = 1) -> list[int]:
    """Run `move(session)` in a session of its own, committed, right after each of the
    settling's first `times` ledger reads; the calls made. On PostgreSQL a lock the sweep
    held on the card would stop it (lock_timeout) instead of hanging the test."""
    read, calls = expiry.ledger_entries, []

    def read_then_move(session, card_ids):
        entries = read(session, card_ids)
        if len(calls) < times:
            calls.append(len(calls))
            with Session(engine, expire_on_commit=False) as other:
                if engine.dialect.name == "postgresql":
                    other.exec(select(func.set_config("lock_timeout", "2s", True)))
                move(other)
                other.commit()
        return entries

    monkeypatch.setattr(expiry, "ledger_entries", read_then_move)
    return calls


def settle(engine, session, card_id) -> int:
    session.rollback()
    with Session(engine, expire_on_commit=False) as own:
        return expiry.settle_card(own, card_id)


def expire_rows(session, card_id) -> list[int]:
    session.expire_all()
    rows = session.exec(
        select(PointTransaction.amount).where(
            PointTransaction.card_id == card_id, PointTransaction.kind == TransactionKind.EXPIRE
        )
    )
    return list(rows)


def balance(session, card_id) -> int:
    session.expire_all()
    return session.get(LoyaltyCard, card_id).balance


def expired_notes(session, customer_id) -> list[str]:
    session.expire_all()
    rows = session.exec(
        select(CustomerNotification.message).where(
            CustomerNotification.customer_id == customer_id,
            CustomerNotification.type == NotificationType.POINTS_EXPIRED,
        )
    )
    return list(rows)


def test_a_spending_meanwhile_takes_the_due_points_first(
    engine, session, make, due_card, monkeypatch
):
    owner, customer, card_id = due_card

    calls = meanwhile(engine, monkeypatch, spend(make, owner.id, customer.id, card_id, 15))

    assert settle(engine, session, card_id) == 5
    assert calls == [0]
    assert expire_rows(session, card_id) == [-5]
    assert balance(session, card_id) == 50 - 15 - 5
    [note] = expired_notes(session, customer.id)
    assert "5 points" in note


def test_an_award_meanwhile_leaves_the_due_points_due(engine, session, make, due_card, monkeypatch):
    """Under a rule on earning, a new earning changes nothing due: no second reading."""
    owner, _customer, card_id = due_card
    reads = meanwhile(
        engine,
        monkeypatch,
        lambda other: awards.award_points(other, other.get(User, owner.id), card_id, 7, make.key()),
    )

    assert settle(engine, session, card_id) == 20
    assert reads == [0]
    assert expire_rows(session, card_id) == [-20]
    assert balance(session, card_id) == 50 + 7 - 20


def test_a_visit_meanwhile_saves_points_an_inactivity_rule_was_taking(
    engine, session, make, shop, clock, monkeypatch
):
    owner, _business, program, customer = shop
    clock.freeze(T0 - timedelta(days=1))
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_INACTIVITY", 30)
    clock.freeze(T0)
    card_id = make.card(customer, program, balance=20).id
    clock.freeze(T0 + timedelta(days=31))
    session.commit()
    calls = meanwhile(
        engine,
        monkeypatch,
        lambda other: awards.award_points(other, other.get(User, owner.id), card_id, 7, make.key()),
    )

    assert settle(engine, session, card_id) == 0  # read again: the visit keeps them
    assert calls == [0]
    assert expire_rows(session, card_id) == []
    assert balance(session, card_id) == 27


def spend(make, owner_id: int, customer_id: int, card_id: int, points: int):
    """A deduction the customer approves, in the session given."""

    def run(other):
        request = deductions.request_deduction(
            other, other.get(User, owner_id), card_id, points, make.key()
        )
        deductions.respond_to_deduction(other, other.get(User, customer_id), request.id, True)

    return run


def test_a_card_that_keeps_moving_is_left_whole_for_the_next_sweep(
    engine, session, make, due_card, monkeypatch
):
    owner, customer, card_id = due_card
    attempts = expiry.SETTLE_ATTEMPTS
    spend_1 = spend(make, owner.id, customer.id, card_id, 1)
    calls = meanwhile(engine, monkeypatch, spend_1, times=attempts)

    assert settle(engine, session, card_id) == 0
    assert len(calls) == attempts
    assert expire_rows(session, card_id) == []
    assert expired_notes(session, customer.id) == []
    assert balance(session, card_id) == 50 - attempts

    # The next sweep, the card quiet: the spendings took the due points first.
    assert settle(engine, session, card_id) == 20 - attempts
    assert balance(session, card_id) == 30
