"""The reward-code sweep the workers run: overdue codes expire, each once, in batches."""

import asyncio
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import update
from sqlmodel import select

from gudcity.models import LoyaltyCard, RewardCode, RewardCodeStatus, utc_now
from gudcity.realtime import sweeps
from gudcity.services import programs, redemptions, reward_codes


@pytest.fixture(autouse=True)
def app_database(engine, monkeypatch):
    monkeypatch.setattr("gudcity.db.get_engine", lambda: engine)


def test_a_sweep_expires_all_overdue_codes_batch_by_batch_and_then_nothing(
    session, make, monkeypatch
):
    owner, business = make.business()
    program = make.program(owner, business)
    reward = programs.add_reward(session, owner, program.id, name="Cookie", cost=5)
    customer = make.customer()
    card = make.card(customer, program, balance=50)
    for _ in range(5):
        redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    fresh = redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    session.execute(
        update(RewardCode)
        .where(RewardCode.code != fresh.redemption_code)
        .values(expires_at=utc_now() - timedelta(minutes=1))
    )
    session.commit()
    monkeypatch.setattr(reward_codes, "SWEEP_BATCH", 2)

    assert sweeps.sweep_once() == 5
    assert sweeps.sweep_once() == 0

    session.expire_all()
    statuses = session.exec(select(RewardCode.status)).all()
    assert sorted(statuses) == sorted([RewardCodeStatus.EXPIRED] * 5 + [RewardCodeStatus.WAITING])
    assert session.get(LoyaltyCard, card.id).balance == 45


def test_the_lifespan_task_sweeps_again_and_again_and_survives_a_failure(monkeypatch):
    calls = []

    def sweep():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database is restarting")
        return 0

    monkeypatch.setattr(sweeps, "sweep_once", sweep)
    monkeypatch.setattr(
        sweeps, "get_settings", lambda: SimpleNamespace(reward_code_sweep_seconds=0.01)
    )

    async def scenario():
        task = asyncio.create_task(sweeps.sweep_reward_codes())
        while len(calls) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        await task

    asyncio.run(asyncio.wait_for(scenario(), 5))
    assert len(calls) >= 3


def test_the_expiry_task_sweeps_at_start_up_and_again_and_survives_a_failure(monkeypatch):
    calls = []

    def sweep():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database is restarting")
        return 0

    monkeypatch.setattr(sweeps, "expire_points_once", sweep)
    monkeypatch.setattr(sweeps, "get_settings", lambda: SimpleNamespace(expiry_sweep_seconds=0.01))

    async def scenario():
        task = asyncio.create_task(sweeps.sweep_points_expiry())
        while len(calls) < 3:
            await asyncio.sleep(0.01)
        task.cancel()
        await task

    asyncio.run(asyncio.wait_for(scenario(), 5))
    assert len(calls) >= 3
