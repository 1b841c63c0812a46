"""Random sequences of earns, repeated earns, spends, days passing and sweeps on a tiered
program: balance = ledger, never negative, one tier bonus per earn and of a tier's rate,
the tier always a rung of the ladder, and after a sweep exactly what the rules say."""

import contextlib
import uuid
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from gudcity.domain.errors import InsufficientPointsError
from gudcity.domain.tiers import Tier, level_by_balance, tier_bonus, tier_bonus_key
from gudcity.models import LoyaltyCard, PointTransaction, TransactionKind, utc_now
from gudcity.services import awards, programs, redemptions, tiers
from gudcity.services.tier_levels import settle_balance_tiers, settle_due_windows
from tests.support.make import Make

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LADDER = [Tier("Member", 0), Tier("Silver", 40, 150), Tier("Gold", 120, 300)]
WINDOW_DAYS = 14
T0 = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)

STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("earn"), st.integers(1, 90)),
        st.tuples(st.just("repeat"), st.just(0)),
        st.tuples(st.just("spend"), st.integers(1, 150)),
        st.tuples(st.just("days"), st.integers(1, 20)),
        st.tuples(st.just("sweep"), st.just(0)),
    ),
    max_size=20,
)


def _ledger(session, card_id):
    return list(session.exec(select(PointTransaction).where(PointTransaction.card_id == card_id)))


def _check(session, card_id, downgrade, swept):
    session.expire_all()
    card = session.get(LoyaltyCard, card_id)
    rows = _ledger(session, card_id)
    assert card.balance == sum(row.amount for row in rows) >= 0
    earns = {row.idempotency_key: row.amount for row in rows if row.kind == TransactionKind.EARN}
    rates = {tier.multiplier_percent for tier in LADDER}
    for bonus in (row for row in rows if row.kind == TransactionKind.TIER_BONUS):
        (base,) = [
            amount for key, amount in earns.items() if tier_bonus_key(key) == bonus.idempotency_key
        ]
        assert bonus.amount in {tier_bonus(base, rate) for rate in rates} - {0}
    assert 0 <= card.tier_level < len(LADDER)
    if swept and downgrade == "BALANCE":
        earned = session.exec(
            select(func.coalesce(func.sum(PointTransaction.amount), 0)).where(
                PointTransaction.card_id == card_id,
                PointTransaction.kind == TransactionKind.EARN,
                PointTransaction.created_at > utc_now() - timedelta(days=WINDOW_DAYS),
            )
        ).one()
        thresholds = [tier.threshold for tier in LADDER]
        assert card.tier_level == level_by_balance(thresholds, earned, card.balance)
    if swept and downgrade == "WINDOW":
        assert (card.tier_review_at is None) == (card.tier_level == 0)
        assert card.tier_review_at is None or card.tier_review_at > utc_now()
    session.commit()


def _step(session, make, owner, customer, card_id, program_id, kind, n, keys):
    if kind == "earn" or (kind == "repeat" and keys):
        key, amount = (make.key(), n) if kind == "earn" else keys[-1]
        awards.award_points(session, owner, card_id, amount, key)
        keys.append((key, amount))
    elif kind == "spend":
        reward = programs.add_reward(session, owner, program_id, name=f"Gift {n}", cost=n)
        with contextlib.suppress(InsufficientPointsError):  # more than the card holds
            redemptions.redeem_reward(session, customer, card_id, reward.id, make.key())
    elif kind == "sweep":
        settle_due_windows(session)
        settle_balance_tiers(session)
        session.commit()


@SETTINGS
@given(steps=STEPS, downgrade=st.sampled_from(["WINDOW", "BALANCE"]))
def test_any_sequence_keeps_the_ledger_and_the_tier_rules(session, clock, steps, downgrade):
    clock.freeze(T0)
    make = Make(session, prefix=uuid.uuid4().hex[:8])
    owner, business = make.business()
    program = make.program(owner, business)
    tiers.save_tiers(
        session,
        owner,
        program.id,
        tiers=LADDER,
        basis="WINDOW",
        window_days=WINDOW_DAYS,
        downgrade=downgrade,
    )
    customer = make.customer()
    card_id = make.card(customer, program).id
    keys: list[tuple[str, int]] = []
    for kind, n in steps:
        if kind == "days":
            clock.advance(days=n)
        _step(session, make, owner, customer, card_id, program.id, kind, n, keys)
        _check(session, card_id, downgrade, swept=kind == "sweep")
