"""grant_bonus: the one way the growth engine's rules put points on a card."""

import pytest
from sqlalchemy import func, select

from gudcity.domain.stored_messages import loaded
from gudcity.i18n.catalogue import N_, Message
from gudcity.models import CustomerNotification, NotificationType, PointTransaction, TransactionKind
from gudcity.services.analytics_rebuild import rebuild_analytics
from gudcity.services.bonuses import grant_bonus
from gudcity.services.ledger import card_access
from tests.services.test_analytics_rebuild import aggregates

REASON = Message(N_("Welcome to {business}"), {"business": "Bean There"})


def _facts(session, card):
    return card_access(session, card.id, None).card


def _ledger_sum(session, card_id: int) -> int:
    return session.execute(
        select(func.sum(PointTransaction.amount)).where(PointTransaction.card_id == card_id)
    ).scalar_one()


def test_a_bonus_is_one_ledger_row_once_per_key(session, make, shop):
    _owner, _business, program, customer = shop
    card = make.card(customer, program, balance=10)
    facts = _facts(session, card)
    for _ in range(2):
        grant_bonus(
            session,
            facts,
            TransactionKind.WELCOME_BONUS,
            15,
            idempotency_key="welcome:1",
            reason=REASON,
        )
        session.commit()
    session.refresh(card)
    assert card.balance == 25 == _ledger_sum(session, card.id)
    rows = session.exec(select(PointTransaction).where(PointTransaction.card_id == card.id)).all()
    assert [row[0].kind for row in rows] == [TransactionKind.EARN, TransactionKind.WELCOME_BONUS]
    notes = session.exec(
        select(CustomerNotification).where(
            CustomerNotification.type == NotificationType.BONUS_GRANTED
        )
    ).all()
    assert len(notes) == 1
    assert loaded(notes[0][0].message_i18n, "").args["reason"] == REASON


def test_a_bonus_counts_as_points_issued_like_a_rebuild(session, make, shop):
    _owner, business, program, customer = shop
    card = make.card(customer, program, balance=10)
    grant_bonus(
        session,
        _facts(session, card),
        TransactionKind.TIER_BONUS,
        5,
        idempotency_key="tier:1",
        reason=REASON,
    )
    session.commit()
    kept = aggregates(session)
    rebuild_analytics(session)
    session.commit()
    assert aggregates(session) == kept
    issued = [row for row in kept["daily_stats"] if row[0] == business.id]
    assert sum(row[4] for row in issued) == 15


@pytest.mark.parametrize("amount", [0, -5])
def test_nothing_is_granted_for_no_points(session, make, shop, amount):
    _owner, _business, program, customer = shop
    card = make.card(customer, program)
    before = make.counts()
    assert grant_bonus(
        session,
        _facts(session, card),
        TransactionKind.CODE_BONUS,
        amount,
        idempotency_key="code:1",
        reason=REASON,
    ) == (None, False)
    assert make.counts() == before


def test_only_bonus_kinds_are_granted(session, make, shop):
    _owner, _business, program, customer = shop
    card = make.card(customer, program)
    with pytest.raises(ValueError):
        grant_bonus(
            session,
            _facts(session, card),
            TransactionKind.EARN,
            5,
            idempotency_key="earn:1",
            reason=REASON,
        )
