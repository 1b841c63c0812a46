"""Promo codes that grant a reward: made with one of the program's rewards, used on /cards
or at the counter as a WAITING reward code behind a REDEEM row of 0, delivered at the
counter, and refunding nothing when cancelled or expired."""

from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from gudcity.domain.errors import ConflictError, ExpiredError, ServiceError, ValidationError
from gudcity.domain.promotions import promo_qr_payload
from gudcity.models import (
    CustomerNotification,
    DailyStats,
    LoyaltyCard,
    PointTransaction,
    PromoCode,
    PromoCodeUse,
    RewardCode,
    RewardCodeStatus,
    TransactionKind,
    User,
    utc_now,
)
from gudcity.services import counter, programs, promo_codes, redemptions, reward_codes
from gudcity.services.analytics_rebuild import rebuild_analytics
from gudcity.services.permissions import Permission
from tests.services.test_analytics_rebuild import aggregates
from tests.support.races import race

WAITING = RewardCodeStatus.WAITING


@pytest.fixture
def gift(session, make, shop):
    """Alice holds 30 points in Coffee Club; Bean There made a code for a Free latte (40)."""
    owner, business, program, customer = shop
    latte = programs.add_reward(session, owner, program.id, name="Free latte", cost=40)
    card = make.card(customer, program, balance=30)
    code = promo_codes.create_promo_code(session, owner, program.id, reward_id=latte.id)
    return owner, business, program, customer, card, latte, code


def rows(session, card) -> list[PointTransaction]:
    session.expire_all()
    statement = select(PointTransaction).where(PointTransaction.card_id == card.id)
    return list(session.exec(statement.order_by(PointTransaction.id)))


def balance(session, card) -> int:
    session.expire_all()
    return session.get(LoyaltyCard, card.id).balance


def holds(session, card) -> bool:
    """balance = ledger."""
    total = select(func.sum(PointTransaction.amount)).where(PointTransaction.card_id == card.id)
    return session.exec(total).one() == balance(session, card)


def reward_code(session, code: str) -> RewardCode:
    session.expire_all()
    return session.exec(select(RewardCode).where(RewardCode.code == code)).one()


def test_a_reward_code_is_made_with_a_reward_of_its_program(session, gift):
    _, _, _, _, _, latte, code = gift
    assert (code.points, code.reward_id) == (0, latte.id)


def test_a_customer_gets_the_reward_as_a_waiting_code_and_keeps_their_points(session, make, gift):
    _, _, _, customer, card, latte, code = gift

    used = promo_codes.apply_promo_code(session, customer, code.code)

    assert used.reward_name == "Free latte"
    assert balance(session, card) == 30
    *_, redeem = rows(session, card)
    assert (redeem.kind, redeem.amount, redeem.reward_id) == (TransactionKind.REDEEM, 0, latte.id)
    assert redeem.idempotency_key == f"code:{code.id}:{customer.id}"
    waiting = reward_code(session, used.reward_code)
    assert (waiting.status, waiting.redeem_transaction_id) == (WAITING, redeem.id)
    use = session.exec(select(PromoCodeUse).where(PromoCodeUse.code_id == code.id)).one()
    assert use.transaction_id == redeem.id
    [view] = redemptions.list_reward_codes(session, customer)
    assert (view.reward_name, view.cost, view.refunds) == ("Free latte", 0, False)
    assert holds(session, card)
    said = session.exec(
        select(CustomerNotification)
        .where(CustomerNotification.customer_id == customer.id)
        .order_by(CustomerNotification.id.desc())
    ).first()
    assert said.data["code"] == used.reward_code
    assert said.message == (
        f"Promo code {code.code} gave you Free latte at Bean There. "
        f"Show code {used.reward_code} at the counter."
    )

    before = make.counts()
    with pytest.raises(ConflictError, match="already used"):
        promo_codes.apply_promo_code(session, customer, code.code)
    assert make.counts() == before


def test_the_dashboard_counts_a_reward_redeemed_for_no_points(session, gift):
    _, _, program, customer, _, _, code = gift
    promo_codes.apply_promo_code(session, customer, code.code)
    session.expire_all()
    stats = session.exec(
        select(func.sum(DailyStats.rewards_redeemed), func.sum(DailyStats.points_redeemed)).where(
            DailyStats.program_id == program.id
        )
    ).one()
    assert tuple(stats) == (1, 0)
    maintained = aggregates(session)
    rebuild_analytics(session)
    session.commit()
    assert aggregates(session) == maintained


def test_the_usage_limit_counts_customers_of_a_reward_code(session, make, shop):
    owner, _, program, alice = shop
    latte = programs.add_reward(session, owner, program.id, name="Free latte", cost=40)
    bob = make.customer("Bob")
    for who in (alice, bob):
        make.card(who, program)
    code = promo_codes.create_promo_code(
        session, owner, program.id, reward_id=latte.id, usage_limit=1
    )
    promo_codes.apply_promo_code(session, alice, code.code)
    before = make.counts()
    with pytest.raises(ConflictError, match="used up"):
        promo_codes.apply_promo_code(session, bob, code.code)
    assert make.counts() == before


def test_two_customers_racing_for_a_reward_codes_last_use_one_gets_the_reward(
    engine, session, make, shop
):
    if engine.dialect.name != "postgresql":
        pytest.skip("the many-writer race is PostgreSQL's: SQLite runs one writer at a time")
    owner, _, program, alice = shop
    bob = make.customer("Bob")
    for who in (alice, bob):
        make.card(who, program)
    latte = programs.add_reward(session, owner, program.id, name="Free latte", cost=40)
    code = promo_codes.create_promo_code(
        session, owner, program.id, reward_id=latte.id, usage_limit=1
    )

    outcomes = race(
        engine,
        [
            lambda own, who=who: promo_codes.apply_promo_code(own, own.get(User, who), code.code)
            for who in (alice.id, bob.id)
        ],
    )

    assert sum(not isinstance(o, ServiceError) for o in outcomes) == 1
    session.expire_all()
    assert len(session.exec(select(RewardCode)).all()) == 1
    assert session.get(PromoCode, code.id).uses == 1


def test_a_cancelled_gift_gives_nothing_back(session, make, gift):
    owner, business, _, customer, card, _, code = gift
    used = promo_codes.apply_promo_code(session, customer, code.code)
    waiting = reward_code(session, used.reward_code)

    view = redemptions.cancel_reward_code(session, customer, waiting.id)

    assert view.status == RewardCodeStatus.CANCELLED
    assert reward_codes.cancelled_message(view).id == "Cancelled."
    assert balance(session, card) == 30
    assert [r.kind for r in rows(session, card)][-1] == TransactionKind.REDEEM
    assert reward_code(session, used.reward_code).refund_transaction_id is None
    assert holds(session, card)
    told = session.exec(
        select(CustomerNotification)
        .where(CustomerNotification.customer_id == customer.id)
        .order_by(CustomerNotification.id.desc())
    ).first()
    assert told.message == f"You cancelled Free latte (code {used.reward_code})."
    with pytest.raises(ConflictError, match=r"^This reward code was cancelled\.$"):
        counter.deliver_reward_code(session, owner, business.id, waiting.id)


def test_an_expired_gift_gives_nothing_back(session, make, gift):
    _, _, _, customer, card, _, code = gift
    used = promo_codes.apply_promo_code(session, customer, code.code)
    session.execute(
        update(RewardCode)
        .where(RewardCode.code == used.reward_code)
        .values(expires_at=utc_now() - timedelta(seconds=1))
    )
    session.commit()

    assert reward_codes.expire_due_codes(session) == 1

    assert reward_code(session, used.reward_code).status == RewardCodeStatus.EXPIRED
    assert balance(session, card) == 30
    assert TransactionKind.REFUND not in [r.kind for r in rows(session, card)]
    assert holds(session, card)


def test_the_counter_applies_a_reward_code_and_delivers_the_reward(session, make, gift):
    owner, business, _, customer, card, _, code = gift
    staff = make.staff(owner, business, Permission.SCAN, Permission.AWARD)

    used = promo_codes.apply_promo_code_at_counter(
        session, staff, business.id, customer.id, promo_qr_payload(code.code)
    )
    checked = counter.check_reward_code(session, staff, business.id, used.reward_code)
    assert (checked.reward_name, checked.status, checked.customer_id) == (
        "Free latte",
        WAITING,
        customer.id,
    )
    delivered = counter.deliver_reward_code(session, staff, business.id, checked.code_id)

    assert delivered.status == RewardCodeStatus.DELIVERED
    assert balance(session, card) == 30
    assert holds(session, card)
    with pytest.raises(ConflictError, match="This customer has already used"):
        promo_codes.apply_promo_code_at_counter(session, staff, business.id, customer.id, code.code)


def test_a_reward_no_longer_offered_is_not_given(session, make, gift):
    owner, _, _, customer, _, latte, code = gift
    programs.set_reward_active(session, owner, latte.id, False)
    before = make.counts()
    with pytest.raises(ExpiredError, match="no longer offered"):
        promo_codes.apply_promo_code(session, customer, code.code)
    assert make.counts() == before
    session.expire_all()
    assert session.get(PromoCode, code.id).uses == 0


# --- refused on creation -------------------------------------------------------------------


def test_bad_rewards_are_refused(session, make, gift):
    owner, business, program, _, _, latte, _ = gift
    other = make.program(owner, business, name="Pastry Club")
    croissant = programs.add_reward(session, owner, other.id, name="Croissant", cost=5)
    rival, rivals = make.business("Rival Roasters")
    rival_program = make.program(rival, rivals)
    theirs = programs.add_reward(session, rival, rival_program.id, name="Mocha", cost=5)
    retired = programs.add_reward(session, owner, program.id, name="Old mug", cost=5)
    programs.set_reward_active(session, owner, retired.id, False)
    before = make.counts()
    for bad in (
        {"reward_id": croissant.id},
        {"reward_id": theirs.id},
        {"reward_id": retired.id},
        {"reward_id": "1"},
        {"reward_id": True},
        {"reward_id": 2**40},
        {"reward_id": latte.id, "points": 5},
        {},
    ):
        with pytest.raises(ValidationError):
            promo_codes.create_promo_code(session, owner, program.id, **bad)
    assert make.counts() == before
