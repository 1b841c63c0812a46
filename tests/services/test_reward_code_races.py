"""Races at the counter (PostgreSQL): two counters deliver one code, a cancel meets a delivery,
two workers sweep at once. Each code leaves WAITING exactly once, and the ledger stays right."""

from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from gudcity.domain.errors import ServiceError
from gudcity.models import (
    LoyaltyCard,
    PointTransaction,
    RewardCode,
    RewardCodeStatus,
    StaffAction,
    StaffActionKind,
    TransactionKind,
    User,
    utc_now,
)
from gudcity.services import counter, programs, redemptions, reward_codes
from gudcity.services.permissions import Permission
from tests.support.races import race


@pytest.fixture(autouse=True)
def on_postgresql(engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("the many-writer races are PostgreSQL's: SQLite runs one writer at a time")


@pytest.fixture
def waiting(session, make, shop):
    """Alice redeemed codes for a Free latte (40 of her 200 points each); staff who may scan."""
    owner, business, program, customer = shop
    reward = programs.add_reward(session, owner, program.id, name="Free latte", cost=40)
    card = make.card(customer, program, balance=200)
    staff = [make.staff(owner, business, Permission.SCAN) for _ in range(2)]

    def redeem() -> int:
        code = redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
        return session.exec(
            select(RewardCode.id).where(RewardCode.code == code.redemption_code)
        ).one()

    return business.id, customer.id, card.id, [s.id for s in staff], redeem


def succeeded(outcomes) -> int:
    return sum(not isinstance(o, ServiceError) for o in outcomes)


def ledger(session, card_id) -> tuple[int, int, list[TransactionKind]]:
    """(balance, ledger sum, kinds): the card as it stands."""
    session.expire_all()
    rows = session.exec(select(PointTransaction).where(PointTransaction.card_id == card_id)).all()
    return (
        session.get(LoyaltyCard, card_id).balance,
        sum(r.amount for r in rows),
        [r.kind for r in rows],
    )


def test_one_code_delivered_from_two_counters_at_once_is_delivered_once(session, engine, waiting):
    business_id, _, card_id, staff_ids, redeem = waiting
    code_id = redeem()
    session.commit()

    def deliver_as(staff_id):
        return lambda own: counter.deliver_reward_code(
            own, own.get(User, staff_id), business_id, code_id
        )

    outcomes = race(engine, [deliver_as(staff_ids[0]), deliver_as(staff_ids[1])])

    assert succeeded(outcomes) == 1, outcomes
    [loser] = [o for o in outcomes if isinstance(o, ServiceError)]
    assert "already delivered" in loser.message
    session.expire_all()
    delivered = select(func.count()).where(StaffAction.kind == StaffActionKind.DELIVERY)
    assert session.exec(delivered).one() == 1
    assert session.get(RewardCode, code_id).status == RewardCodeStatus.DELIVERED
    balance, total, _ = ledger(session, card_id)
    assert balance == total == 160


def test_a_cancel_racing_a_delivery_ends_in_exactly_one_of_them(session, engine, waiting):
    business_id, customer_id, card_id, staff_ids, redeem = waiting
    code_ids = [redeem() for _ in range(4)]
    session.commit()
    for code_id in code_ids:

        def deliver(own, code_id=code_id):
            return counter.deliver_reward_code(
                own, own.get(User, staff_ids[0]), business_id, code_id
            )

        def cancel(own, code_id=code_id):
            return redemptions.cancel_reward_code(own, own.get(User, customer_id), code_id)

        outcomes = race(engine, [deliver, cancel])
        assert succeeded(outcomes) == 1, outcomes

    session.expire_all()
    statuses = [session.get(RewardCode, code_id).status for code_id in code_ids]
    cancelled = statuses.count(RewardCodeStatus.CANCELLED)
    assert cancelled + statuses.count(RewardCodeStatus.DELIVERED) == 4
    balance, total, kinds = ledger(session, card_id)
    assert kinds.count(TransactionKind.REFUND) == cancelled
    assert balance == total == 200 - 40 * 4 + 40 * cancelled


def test_two_workers_sweeping_at_once_expire_and_refund_each_code_once(session, engine, waiting):
    business_id, customer_id, card_id, staff_ids, redeem = waiting
    code_ids = [redeem() for _ in range(5)]
    session.execute(
        update(RewardCode)
        .where(RewardCode.id.in_(code_ids))
        .values(expires_at=utc_now() - timedelta(seconds=1))
    )
    first_code = session.get(RewardCode, code_ids[0]).code
    session.commit()

    def sweep(own):
        return reward_codes.expire_due_codes(own)

    def look(own):
        return len(redemptions.list_reward_codes(own, own.get(User, customer_id)))

    def check(own):
        staff = own.get(User, staff_ids[0])
        return counter.check_reward_code(own, staff, business_id, first_code).state

    def cancel(own):
        return redemptions.cancel_reward_code(own, own.get(User, customer_id), code_ids[1])

    outcomes = race(engine, [sweep, sweep, look, check, cancel])

    assert outcomes[2] == 5 and outcomes[3] == "Expired", outcomes
    assert "expired" in outcomes[4].message  # too late to cancel: it expired (points back)
    session.expire_all()
    assert {session.get(RewardCode, c).status for c in code_ids} == {RewardCodeStatus.EXPIRED}
    balance, total, kinds = ledger(session, card_id)
    assert kinds.count(TransactionKind.REFUND) == 5
    assert balance == total == 200
