"""Random activity on a card of a program whose expiry rule keeps changing, through the real
services and the clock: the balance is the ledger's sum and never negative, a sweep expires
each point once, and no point earned before the first rule existed ever expires."""

from contextlib import suppress
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func
from sqlmodel import select

from gudcity.domain.errors import ServiceError
from gudcity.models import (
    ExpiryRule,
    LoyaltyCard,
    PointTransaction,
    RewardCode,
    TransactionKind,
    as_utc,
)
from gudcity.services import awards, deductions, expiry, expiry_rules, programs, redemptions
from tests.services.test_properties import FEWER

T0 = datetime(2027, 6, 1, 12, 0, tzinfo=UTC)
STEPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["earn", "earn", "deduct", "redeem", "cancel", "rule", "wait", "wait", "sweep"]
        ),
        st.integers(min_value=1, max_value=30),
        st.sampled_from(["NONE", "AFTER_EARNED", "AFTER_INACTIVITY"]),
    ),
    min_size=3,
    max_size=20,
)


def rows(session, card_id) -> list[PointTransaction]:
    return list(session.exec(select(PointTransaction).where(PointTransaction.card_id == card_id)))


@FEWER
@given(steps=STEPS)
def test_random_activity_keeps_the_ledger_and_expires_fairly(session, make, clock, steps):
    clock.freeze(T0)
    owner, business = make.business()
    program = make.program(owner, business)
    reward = programs.add_reward(session, owner, program.id, name="Cake", cost=15)
    customer = make.customer()
    card = make.card(customer, program, balance=25)  # before any rule: never expires
    for action, amount, mode in steps:
        clock.advance(seconds=1)
        with suppress(ServiceError):
            if action == "earn":
                awards.award_points(session, owner, card.id, amount, make.key())
            elif action == "deduct":
                request = deductions.request_deduction(session, owner, card.id, amount, make.key())
                deductions.respond_to_deduction(session, customer, request.id, True)
            elif action == "redeem":
                redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
            elif action == "cancel":
                code = session.exec(
                    select(RewardCode.id).where(RewardCode.card_id == card.id)
                ).first()
                if code is not None:
                    redemptions.cancel_reward_code(session, customer, code)
            elif action == "rule":
                expiry_rules.set_expiry_rule(session, owner, program.id, mode, amount)
            elif action == "wait":
                clock.advance(days=amount)
            else:
                session.rollback()
                expiry.settle_card(session, card.id)
                assert expiry.settle_card(session, card.id) == 0, "expired twice"
        session.rollback()
        ledger = rows(session, card.id)
        balance = session.get(LoyaltyCard, card.id).balance
        assert balance == sum(row.amount for row in ledger) >= 0

    first_rule = session.exec(
        select(func.min(ExpiryRule.starts_at)).where(ExpiryRule.program_id == program.id)
    ).one()
    ledger = rows(session, card.id)
    expired = -sum(r.amount for r in ledger if r.kind == TransactionKind.EXPIRE)
    earned_under_rules = sum(
        r.amount
        for r in ledger
        if r.kind == TransactionKind.EARN
        and first_rule is not None
        and as_utc(r.created_at) >= as_utc(first_rule)
    )
    assert expired <= earned_under_rules
