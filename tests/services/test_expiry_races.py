"""Two workers sweep the same expiries at once (PostgreSQL): each point expires once."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import func, select

from gudcity.models import (
    CustomerNotification,
    NotificationType,
    OutboxMail,
    PointTransaction,
    TransactionKind,
)
from gudcity.realtime import sweeps
from gudcity.services import expiry, expiry_rules
from tests.support.races import race

T0 = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def on_postgresql(engine, monkeypatch):
    if engine.dialect.name != "postgresql":
        pytest.skip("the many-writer races are PostgreSQL's: SQLite runs one writer at a time")
    monkeypatch.setattr("gudcity.db.get_engine", lambda: engine)


@pytest.fixture
def expiring_cards(session, make, shop, clock):
    """Ten customers' cards of 20 points each, due to expire."""
    owner, _business, program, _customer = shop
    clock.freeze(T0)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 30)
    cards = [make.card(make.customer(), program, balance=20) for _ in range(10)]
    clock.freeze(T0 + timedelta(days=30))
    return [card.id for card in cards]


def expire_rows(session) -> list[tuple[int, int]]:
    session.expire_all()
    return session.exec(
        select(PointTransaction.card_id, func.sum(PointTransaction.amount))
        .where(PointTransaction.kind == TransactionKind.EXPIRE)
        .group_by(PointTransaction.card_id)
    ).all()


def test_two_sweeps_at_once_expire_each_card_once(engine, session, expiring_cards):
    outcomes = race(engine, [lambda _own: sweeps.expire_points_once()] * 2)

    assert sum(outcomes) == 20 * len(expiring_cards)
    assert sorted(expire_rows(session)) == [(card_id, -20) for card_id in sorted(expiring_cards)]


def test_two_settlements_of_one_card_at_once_write_one_row(engine, session, expiring_cards):
    card_id = expiring_cards[0]
    outcomes = race(engine, [lambda own: expiry.settle_card(own, card_id)] * 2)

    assert sorted(outcomes) == [0, 20]
    assert expire_rows(session) == [(card_id, -20)]


def test_two_sweeps_at_once_warn_each_card_once(engine, session, make, shop, clock):
    owner, _business, program, _customer = shop
    clock.freeze(T0)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 30)
    customers = [make.customer() for _ in range(10)]
    for customer in customers:
        make.card(customer, program, balance=20)
    clock.freeze(T0 + timedelta(days=25))  # due in 5 days: warned of, not expired
    session.commit()

    outcomes = race(engine, [lambda _own: sweeps.expire_points_once()] * 2)

    assert outcomes == [0, 0]
    session.expire_all()
    warned = session.exec(
        select(CustomerNotification.customer_id, func.count())
        .where(CustomerNotification.type == NotificationType.POINTS_EXPIRING)
        .group_by(CustomerNotification.customer_id)
    ).all()
    assert sorted(warned) == sorted((customer.id, 1) for customer in customers)
    mails = session.exec(select(func.count()).select_from(OutboxMail)).one()
    assert mails == len(customers)
