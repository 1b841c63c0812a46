"""The whole growth engine at once, under random sequences of events on one program.

The program has a tier ladder (multipliers above 1x, a rolling window), two promotions
running all day (2x points, and +5 once per customer per day), a welcome bonus and a
promo code; its AFTER_EARNED expiry rule is switched on part-way, so some points
predate it. Customers are scanned and awarded (an award sent again with its key, as a
double click), deducted, redeem a reward and cancel it or let its code expire, enter
the code; days pass and the real tier and expiry sweeps run. After every step each
card's balance is its ledger's sum and never negative, a repeated award wrote nothing,
and every bonus is one row derived from what caused it. At the end the expiries are
replayed by brute force (oldest points spent first, a refund giving back what its own
redemption took): each EXPIRE row took exactly the points due then, never any earned
before the rule existed; and the dashboard's aggregates equal a rebuild.
"""

from collections import Counter
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import update
from sqlmodel import Session, select

from gudcity.domain.errors import ServiceError
from gudcity.domain.promotions import derived_key
from gudcity.domain.tiers import Tier, tier_bonus, tier_bonus_key
from gudcity.models import (
    ExpiryRule,
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    PromoCode,
    Promotion,
    Reward,
    RewardCode,
    TransactionKind,
    User,
    as_utc,
    utc_now,
)
from gudcity.realtime import sweeps, tier_sweep
from gudcity.services import (
    awards,
    deductions,
    enrollment,
    expiry_rules,
    programs,
    promo_codes,
    promotions,
    redemptions,
    reward_codes,
    scanning,
    tiers,
)
from gudcity.services.analytics_rebuild import rebuild_analytics
from gudcity.services.permissions import Permission
from gudcity.services.promotions import PromotionInput
from gudcity.services.welcome import welcome_key
from tests.services.growth_support import offer
from tests.services.test_analytics_rebuild import aggregates
from tests.services.test_properties import FEWER
from tests.support.make import Make

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
LADDER = [Tier("Member", 0), Tier("Silver", 40, 150), Tier("Gold", 120, 200)]
RATES = {tier.multiplier_percent for tier in LADDER}
WINDOW_DAYS = 10
WELCOME, DAILY_BONUS, CODE_POINTS, REWARD_COST = 7, 5, 6, 10
ALL_DAY = ([0, 1, 2, 3, 4, 5, 6], "00:00", "24:00")

# Weighted towards what builds the interesting cases: tiers reached, codes refunded after
# later spendings, points due.
ACTIONS = ["award"] * 3 + ["deduct", "redeem", "cancel", "days"] * 2 + ["scan", "again", "lapse"]
ACTIONS += ["code", "rule", "tier-sweep", "expiry-sweep"]
STEP = st.tuples(st.sampled_from(ACTIONS), st.sampled_from([0, 0, 0, 1]), st.integers(1, 40))
STEPS = st.lists(STEP, min_size=8, max_size=30)


@dataclass
class Shop:
    session: Session
    make: Make
    owner: User
    staff: User
    program: LoyaltyProgram
    reward: Reward
    code: PromoCode
    multiplier: Promotion
    daily: Promotion
    customers: list[User]
    card_ids: list[int]
    # Each customer's last award (key, points), to send again.
    last_award: dict[int, tuple[str, int]] = field(default_factory=dict)


def open_shop(session: Session, make: Make) -> Shop:
    owner, business = make.business()
    staff = make.staff(owner, business, *Permission)
    program = make.program(owner, business, points_per_scan=10, scan_cooldown_seconds=0)
    tiers.save_tiers(
        session,
        owner,
        program.id,
        tiers=LADDER,
        basis="WINDOW",
        window_days=WINDOW_DAYS,
        downgrade="WINDOW",
    )
    offer(session, owner, program, welcome_bonus=WELCOME)
    multiplier = all_day(
        session, owner, program, PromotionInput("Double", "MULTIPLIER", 200, *ALL_DAY)
    )
    daily = all_day(
        session,
        owner,
        program,
        PromotionInput("Daily", "BONUS", DAILY_BONUS, *ALL_DAY, once_per_day=True),
    )
    reward = programs.add_reward(session, owner, program.id, name="Cake", cost=REWARD_COST)
    code = promo_codes.create_promo_code(session, owner, program.id, points=CODE_POINTS)
    customers = [make.customer() for _ in range(2)]
    card_ids = [enrollment.join_program(session, c, program.id).card.id for c in customers]
    return Shop(
        session, make, owner, staff, program, reward, code, multiplier, daily, customers, card_ids
    )


def all_day(session: Session, owner: User, program: LoyaltyProgram, typed: PromotionInput):
    return promotions.create_promotion(session, owner, program.id, typed)


def waiting_code_id(shop: Shop, card_id: int) -> int | None:
    return shop.session.exec(
        select(RewardCode.id).where(
            RewardCode.card_id == card_id, RewardCode.status == reward_codes.WAITING
        )
    ).first()


def act(shop: Shop, action: str, who: int, n: int) -> None:
    """One event; one that cannot happen now (too few points, no code waiting) is refused."""
    session, customer, card_id = shop.session, shop.customers[who], shop.card_ids[who]
    key = shop.make.key()
    if action == "scan":
        scanning.scan_customer(session, shop.staff, shop.program.id, customer.id, key)
    elif action == "award":
        shop.last_award[who] = (key, n)
        awards.award_points(session, shop.owner, card_id, n, key)
    elif action == "deduct":
        request = deductions.request_deduction(session, shop.staff, card_id, n, key)
        deductions.respond_to_deduction(session, customer, request.id, True)
    elif action == "redeem":
        redemptions.redeem_reward(session, customer, card_id, shop.reward.id, key)
    elif action == "code":
        promo_codes.apply_promo_code(session, customer, shop.code.code)
    elif action == "rule":
        expiry_rules.set_expiry_rule(session, shop.owner, shop.program.id, "AFTER_EARNED", n)
    elif action in ("tier-sweep", "expiry-sweep"):
        session.rollback()  # the real sweeps, in sessions of their own
        (tier_sweep.sweep_tiers_once if action == "tier-sweep" else sweeps.expire_points_once)()
    else:
        close_code(shop, action, who)


def close_code(shop: Shop, action: str, who: int) -> None:
    """The customer's waiting reward code cancelled, or left until its time is up."""
    session, code_id = shop.session, waiting_code_id(shop, shop.card_ids[who])
    if code_id is None:
        return
    if action == "cancel":
        redemptions.cancel_reward_code(session, shop.customers[who], code_id)
    else:  # its time is up: the code sweep refunds it
        session.execute(
            update(RewardCode)
            .where(RewardCode.id == code_id)
            .values(expires_at=utc_now() - timedelta(seconds=1))
        )
        session.commit()
        reward_codes.expire_due_codes(session)


def ledger(session: Session, card_id: int) -> list[PointTransaction]:
    """The card's rows in the ledger's order (time, then id)."""
    return list(
        session.exec(
            select(PointTransaction)
            .where(PointTransaction.card_id == card_id)
            .order_by(PointTransaction.created_at, PointTransaction.id)
        )
    )


def check_card(shop: Shop, card_id: int) -> None:
    """Balance = ledger >= 0, and every bonus is the one row its cause derives."""
    session = shop.session
    rows = ledger(session, card_id)
    assert session.get(LoyaltyCard, card_id).balance == sum(r.amount for r in rows) >= 0
    kinds = Counter(r.kind for r in rows)
    earns = [r for r in rows if r.kind == TransactionKind.EARN]
    by_key = {r.idempotency_key: r for r in rows}
    assert len(by_key) == len(rows)
    customer_id = shop.customers[shop.card_ids.index(card_id)].id
    assert by_key[welcome_key(shop.program.id, customer_id)].amount == WELCOME
    assert kinds[TransactionKind.WELCOME_BONUS] == 1
    assert kinds[TransactionKind.CODE_BONUS] <= 1
    for earn in earns:
        doubled = by_key[derived_key(f"promo:{shop.multiplier.id}:", earn.idempotency_key)]
        assert doubled.amount == earn.amount  # 2x: the base once more, never compounded
        tier_row = by_key.get(tier_bonus_key(earn.idempotency_key))
        assert tier_row is None or tier_row.amount in {tier_bonus(earn.amount, r) for r in RATES}
    earned_days = {as_utc(r.created_at).date() for r in earns}
    assert kinds[TransactionKind.PROMOTION_BONUS] == len(earns) + len(earned_days)
    tier_keys = {tier_bonus_key(earn.idempotency_key) for earn in earns}
    assert {r.idempotency_key for r in rows if r.kind == TransactionKind.TIER_BONUS} <= tier_keys


def double_click(shop: Shop, who: int) -> None:
    """The customer's last award sent again with its key: no row of any kind is written."""
    if who not in shop.last_award:
        return
    session, card_id = shop.session, shop.card_ids[who]
    before = [r.id for r in ledger(session, card_id)]
    key, points = shop.last_award[who]
    with suppress(ServiceError):
        awards.award_points(session, shop.owner, card_id, points, key)
    session.rollback()
    assert [r.id for r in ledger(session, card_id)] == before


def run(shop: Shop, clock, steps, switch_at: int, rule_days: int) -> None:
    session = shop.session
    for index, (action, who, n) in enumerate(steps):
        clock.advance(seconds=1)  # no two steps at one moment
        if index == switch_at:
            expiry_rules.set_expiry_rule(
                session, shop.owner, shop.program.id, "AFTER_EARNED", rule_days
            )
            clock.advance(seconds=1)
        if action == "days":
            clock.advance(days=n % 12, hours=n)
        elif action == "again":
            double_click(shop, who)
        else:
            with suppress(ServiceError):
                act(shop, action, who, n)
        session.rollback()
        session.expire_all()
        for card_id in shop.card_ids:
            check_card(shop, card_id)


@FEWER
@given(steps=STEPS, switch_at=st.integers(0, 12), rule_days=st.integers(1, 5))
@example(  # a refund after a later spending gives back its own (older) points
    steps=[
        ("award", 0, 20),  # pre-rule points: the welcome, 20, the 2x and daily bonuses
        ("redeem", 0, 0),  # takes the oldest 10
        ("award", 0, 40),  # after the rule: these can expire
        ("deduct", 0, 60),  # the rest of the old points, then new ones
        ("cancel", 0, 0),  # the 10 back are old points again: they never expire
    ],
    switch_at=2,
    rule_days=1,
)
@example(  # an award sent again once its first delivery reached Silver: no tier bonus then
    steps=[("scan", 0, 0), ("scan", 0, 0), ("award", 0, 20), ("again", 0, 0)],
    switch_at=0,
    rule_days=1,
)
def test_any_sequence_keeps_every_promise_of_the_growth_engine(
    session, make, clock, engine, monkeypatch, steps, switch_at, rule_days
):
    monkeypatch.setattr("gudcity.db.get_engine", lambda: engine)  # for the real sweeps
    clock.freeze(T0)
    shop = open_shop(session, make)
    run(shop, clock, steps, switch_at, rule_days)
    clock.advance(days=3)
    session.rollback()
    sweeps.expire_points_once()
    session.expire_all()

    starts = rule_starts(session, shop.program.id)
    for card_id in shop.card_ids:
        check_card(shop, card_id)
        refunds = refunded_redemptions(session, card_id)
        held = replay_expiries(ledger(session, card_id), refunds, starts)
        assert not [points for deadline, points in held if deadline and deadline <= utc_now()]
    keys = session.exec(select(PointTransaction.idempotency_key)).all()
    assert len(keys) == len(set(keys))
    maintained = aggregates(session)
    rebuild_analytics(session)
    session.commit()
    assert aggregates(session) == maintained


# The brute force: the ledger replayed as lots, without gudcity/domain/expiry.py.


def rule_starts(session: Session, program_id: int) -> list[tuple[datetime, int]]:
    """The program's rule versions as (start, days), oldest first (all AFTER_EARNED)."""
    rows = session.exec(
        select(ExpiryRule.starts_at, ExpiryRule.days)
        .where(ExpiryRule.program_id == program_id)
        .order_by(ExpiryRule.starts_at, ExpiryRule.id)
    ).all()
    return [(as_utc(start), days) for start, days in rows]


def refunded_redemptions(session: Session, card_id: int) -> dict[int, int]:
    """Each REFUND row's id, and the id of the REDEEM row whose points it gives back."""
    rows = session.exec(
        select(RewardCode.refund_transaction_id, RewardCode.redeem_transaction_id).where(
            RewardCode.card_id == card_id, RewardCode.refund_transaction_id.isnot(None)
        )
    ).all()
    return dict(rows)


def deadline(earned_at: datetime, moment: datetime, starts: list[tuple[datetime, int]]):
    """When points earned at `earned_at` expire, as the versions started by `moment` say:
    never if no version was in force then; else the longest of the versions since."""
    in_force = [i for i, (start, _) in enumerate(starts) if start <= earned_at]
    if not in_force:
        return None
    days = [d for start, d in starts[in_force[-1] :] if start <= moment]
    return earned_at + timedelta(days=max(days))


def replay_expiries(rows, refunds: dict[int, int], starts) -> list[tuple[datetime | None, int]]:
    """Replay the ledger: inflows are lots, spending takes the oldest, a refund gives back
    exactly what its redemption took, and each EXPIRE row must take all that is due then
    (so nothing earned before the rule). What is held at the end, with deadlines."""
    lots: list[list] = []  # [earned_at, points]
    taken_by: dict[int, list[tuple[int, int]]] = {}
    for row in rows:
        at = as_utc(row.created_at)
        if row.kind == TransactionKind.REFUND:
            for index, points in taken_by.pop(refunds[row.id]):
                lots[index][1] += points
        elif row.kind == TransactionKind.EXPIRE:
            due = [lot for lot in lots if (d := deadline(lot[0], at, starts)) and d <= at]
            assert -row.amount == sum(lot[1] for lot in due), f"expired at {at}: {lots}"
            for lot in due:
                lot[1] = 0
        elif row.amount > 0:
            lots.append([at, row.amount])
        else:
            taken_by[row.id] = take_oldest(lots, -row.amount)
    now = utc_now()
    return [(deadline(at, now, starts), points) for at, points in lots if points]


def take_oldest(lots: list[list], points: int) -> list[tuple[int, int]]:
    taken = []
    for index, lot in enumerate(lots):
        part = min(lot[1], points)
        if part:
            lot[1] -= part
            points -= part
            taken.append((index, part))
    assert points == 0, "spent more than was held"
    return taken
