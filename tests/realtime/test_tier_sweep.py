"""The tier sweep the workers run: every ended window settled, batch by batch, once, and
"by balance" cards brought down to what their balance still reaches."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from gudcity.domain.tiers import Tier
from gudcity.models import CustomerNotification, LoyaltyCard, NotificationType
from gudcity.realtime import tier_sweep
from gudcity.services import awards, programs, redemptions, tier_levels, tiers

T0 = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
LADDER = [Tier("Member", 0), Tier("Gold", 50, 150)]


@pytest.fixture(autouse=True)
def app_database(engine, monkeypatch):
    monkeypatch.setattr("gudcity.db.get_engine", lambda: engine)


def _ladder(session, owner, program, downgrade):
    tiers.save_tiers(
        session,
        owner,
        program.id,
        tiers=LADDER,
        basis="WINDOW",
        window_days=10,
        downgrade=downgrade,
    )


def _levels(session, card_ids):
    """The cards' levels, read in a transaction that ends at once (the sweep's sessions
    write on the same SQLite file)."""
    session.expire_all()
    levels = [session.get(LoyaltyCard, card_id).tier_level for card_id in card_ids]
    session.commit()
    return levels


def test_a_sweep_settles_every_ended_window_in_batches_and_a_second_changes_nothing(
    session, make, clock, monkeypatch
):
    owner, business = make.business()
    program = make.program(owner, business)
    _ladder(session, owner, program, "WINDOW")
    clock.freeze(T0)
    card_ids = [make.card(make.customer(), program, balance=60).id for _ in range(5)]
    assert _levels(session, card_ids) == [1] * 5
    monkeypatch.setattr(tier_levels, "SWEEP_BATCH", 2)
    clock.freeze(T0 + timedelta(days=10))
    session.commit()

    assert tier_sweep.sweep_tiers_once() == 5
    assert _levels(session, card_ids) == [0] * 5
    assert tier_sweep.sweep_tiers_once() == 0
    lost = session.exec(
        select(CustomerNotification).where(
            CustomerNotification.type == NotificationType.TIER_CHANGED,
            CustomerNotification.title == "Your tier is now Member",
        )
    ).all()
    assert len(lost) == 5


def test_by_balance_the_sweep_follows_a_spend(session, make):
    owner, business = make.business()
    program = make.program(owner, business)
    _ladder(session, owner, program, "BALANCE")
    customer = make.customer()
    card = make.card(customer, program, balance=60)
    kept = make.card(make.customer(), program, balance=80)
    reward = programs.add_reward(session, owner, program.id, name="Cake", cost=20)
    redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    session.commit()

    tier_sweep.sweep_tiers_once()

    assert _levels(session, [card.id, kept.id]) == [0, 1]
    awards.award_points(session, owner, card.id, 15, make.key())
    assert _levels(session, [card.id]) == [1]
