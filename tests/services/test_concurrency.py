"""Races: the same answer or the same key sent at the same moment from two places."""

import random
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, select

from gudcity.domain.errors import ServiceError
from gudcity.models import (
    ApprovalRequest,
    ApprovalStatus,
    LoyaltyCard,
    NotificationType,
    PointTransaction,
    TransactionKind,
    User,
)
from gudcity.services import awards, deductions, enrollment, notifications, programs, redemptions
from tests.support.races import race


def test_accept_pressed_in_two_tabs_at_once_makes_one_card(session, engine, make, shop):
    owner, _, program, customer = shop
    request_id = enrollment.request_enrollment(
        session, owner, program.id, customer.id, make.key()
    ).id
    customer_id = customer.id
    session.rollback()

    def accept(own):
        return enrollment.respond_to_enrollment(
            own, own.get(User, customer_id), request_id, accept=True
        )

    outcomes = race(engine, [accept, accept])

    assert sum(not isinstance(o, ServiceError) for o in outcomes) == 1
    session.expire_all()
    assert len(session.exec(select(LoyaltyCard)).all()) == 1
    types = [n.type for n in notifications.list_customer_notifications(session, customer)]
    assert types.count(NotificationType.CARD_CREATED) == 1


def test_the_same_award_sent_twice_at_once_is_written_once(session, engine, make, shop):
    owner, _, program, customer = shop
    card_id, owner_id, key = make.card(customer, program).id, owner.id, make.key()
    session.rollback()

    def award(own):
        return awards.award_points(own, own.get(User, owner_id), card_id, 7, key).id

    outcomes = race(engine, [award, award, award])

    assert len(set(outcomes)) == 1, outcomes
    session.expire_all()
    assert session.get(LoyaltyCard, card_id).balance == 7
    ledger = session.exec(select(PointTransaction).where(PointTransaction.card_id == card_id))
    assert len(ledger.all()) == 1


def test_racing_redemptions_never_overdraw(session, engine, make, shop):
    owner, _, program, customer = shop
    reward_id = programs.add_reward(session, owner, program.id, name="Latte", cost=30).id
    card_id, customer_id = make.card(customer, program, balance=50).id, customer.id
    keys = [make.key() for _ in range(3)]
    session.rollback()

    def redeemer(key):
        return lambda own: redemptions.redeem_reward(
            own, own.get(User, customer_id), card_id, reward_id, key
        )

    outcomes = race(engine, [redeemer(key) for key in keys])

    assert sum(not isinstance(o, ServiceError) for o in outcomes) == 1
    session.expire_all()
    assert session.get(LoyaltyCard, card_id).balance == 20


def _on_postgresql(engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("the many-writer races are PostgreSQL's: SQLite runs one writer at a time")


def _in_parallel(engine, calls, workers: int = 8) -> list:
    """Run every call(session) on `workers` threads, each thread with its own connection."""
    local = threading.local()
    sessions = []

    def run(call):
        if not hasattr(local, "session"):
            local.session = Session(engine, expire_on_commit=False)
            sessions.append(local.session)
        try:
            return call(local.session)
        except ServiceError as error:
            return error

    with ThreadPoolExecutor(max_workers=workers) as pool:
        outcomes = list(pool.map(run, calls))
    for own in sessions:
        own.close()
    return outcomes


def _ledger(session, card_id: int) -> list[PointTransaction]:
    session.expire_all()
    return session.exec(select(PointTransaction).where(PointTransaction.card_id == card_id)).all()


def test_a_thousand_awards_from_eight_connections_add_up(session, engine, make, shop):
    _on_postgresql(engine)
    owner, _, program, customer = shop
    card_id, owner_id = make.card(customer, program).id, owner.id
    keys = [make.key() for _ in range(1000)]
    session.rollback()

    def award(key):
        return lambda own: awards.award_points(own, own.get(User, owner_id), card_id, 3, key).id

    # Every award once, then 100 of them again (a retried request): still 1,000 rows.
    outcomes = _in_parallel(engine, [award(key) for key in keys + keys[:100]])

    assert not [o for o in outcomes if isinstance(o, ServiceError)]
    assert len(set(outcomes)) == 1000
    ledger = _ledger(session, card_id)
    assert len(ledger) == 1000
    assert len({t.idempotency_key for t in ledger}) == 1000
    assert session.get(LoyaltyCard, card_id).balance == sum(t.amount for t in ledger) == 3000


def test_awards_deductions_and_redemptions_racing_never_overdraw(session, engine, make, shop):
    _on_postgresql(engine)
    owner, _, program, customer = shop
    reward_id = programs.add_reward(session, owner, program.id, name="Cake", cost=40).id
    card_id = make.card(customer, program, balance=100).id
    requests = [
        deductions.request_deduction(session, owner, card_id, 9, make.key()).id for _ in range(30)
    ]
    owner_id, customer_id = owner.id, customer.id
    session.rollback()

    def award(key):
        return lambda own: awards.award_points(own, own.get(User, owner_id), card_id, 1, key)

    def approve(request_id):  # the customer's phone and laptop both press Approve
        return lambda own: deductions.respond_to_deduction(
            own, own.get(User, customer_id), request_id, accept=True
        )

    def redeem(key):
        return lambda own: redemptions.redeem_reward(
            own, own.get(User, customer_id), card_id, reward_id, key
        )

    calls = (
        [("award", award(make.key())) for _ in range(200)]
        + [("approve", approve(r)) for r in requests for _ in range(2)]
        + [("redeem", redeem(make.key())) for _ in range(20)]
    )
    random.Random(7).shuffle(calls)
    results = _in_parallel(engine, [call for _, call in calls])
    outcomes = defaultdict(list)
    for (kind, _), outcome in zip(calls, results, strict=True):
        outcomes[kind].append(outcome)

    refusals = {type(o).__name__ for o in results if isinstance(o, ServiceError)}
    assert refusals <= {"ConflictError", "InsufficientPointsError"}, refusals
    ledger = _ledger(session, card_id)
    card = session.get(LoyaltyCard, card_id)
    assert card.balance == sum(t.amount for t in ledger) >= 0
    deducted = [t for t in ledger if t.kind == TransactionKind.DEDUCT]
    redeemed = [t for t in ledger if t.kind == TransactionKind.REDEEM]
    approvals_done = [o for o in outcomes["approve"] if not isinstance(o, ServiceError)]
    approved = session.exec(
        select(ApprovalRequest).where(
            ApprovalRequest.id.in_(requests), ApprovalRequest.status == ApprovalStatus.APPROVED
        )
    ).all()
    assert deducted and redeemed, "the race should have let some of each through"
    # No request answered twice: one success, one approval, one deduction per request at most.
    assert len(approvals_done) == len(approved) == len(deducted) <= len(requests)
    assert len(redeemed) == sum(not isinstance(o, ServiceError) for o in outcomes["redeem"])
    assert all(not isinstance(o, ServiceError) for o in outcomes["award"])
    assert card.balance == 100 + 200 - 9 * len(deducted) - 40 * len(redeemed)
