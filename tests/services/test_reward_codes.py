"""Reward codes at the counter: redeemed, checked, delivered once, cancelled, expired."""

from datetime import timedelta

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from gudcity.domain.errors import ConflictError, ExpiredError, NotFoundError, ValidationError
from gudcity.models import (
    BusinessNotification,
    CustomerNotification,
    LoyaltyCard,
    NotificationType,
    PointTransaction,
    RewardCode,
    RewardCodeStatus,
    StaffAction,
    StaffActionKind,
    SyncNotification,
    TransactionKind,
    utc_now,
)
from gudcity.services import counter, programs, redemptions, reward_codes
from gudcity.services.permissions import Permission
from gudcity.settings import get_settings

WAITING, DELIVERED = RewardCodeStatus.WAITING, RewardCodeStatus.DELIVERED
CANCELLED, EXPIRED = RewardCodeStatus.CANCELLED, RewardCodeStatus.EXPIRED


@pytest.fixture
def counter_scene(session, make, shop):
    """Alice holds 100 points in Coffee Club and has redeemed a Free latte (40)."""
    owner, business, program, customer = shop
    reward = programs.add_reward(session, owner, program.id, name="Free latte", cost=40)
    card = make.card(customer, program, balance=100)
    redeemed = redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    return owner, business, program, customer, card, reward, redeemed


def code_row(session, code: str) -> RewardCode:
    session.expire_all()
    return session.exec(select(RewardCode).where(RewardCode.code == code)).one()


def balance(session, card) -> int:
    session.expire_all()
    return session.get(LoyaltyCard, card.id).balance


def ledger_sum(session, card) -> int:
    total = select(func.sum(PointTransaction.amount)).where(PointTransaction.card_id == card.id)
    return session.exec(total).one()


def refunds(session, card) -> list[PointTransaction]:
    return session.exec(
        select(PointTransaction).where(
            PointTransaction.card_id == card.id, PointTransaction.kind == TransactionKind.REFUND
        )
    ).all()


def overdue(session, code: str) -> None:
    """Make the code's time be up."""
    session.execute(
        update(RewardCode)
        .where(RewardCode.code == code)
        .values(expires_at=utc_now() - timedelta(seconds=1))
    )
    session.commit()


def latest_customer_note(session, customer) -> CustomerNotification:
    return session.exec(
        select(CustomerNotification)
        .where(CustomerNotification.customer_id == customer.id)
        .order_by(CustomerNotification.id.desc())
    ).first()


def latest_business_note(session, business) -> BusinessNotification:
    return session.exec(
        select(BusinessNotification)
        .where(BusinessNotification.business_id == business.id)
        .order_by(BusinessNotification.id.desc())
    ).first()


# --- redeeming opens a code ---------------------------------------------------------------


def test_redeeming_opens_a_waiting_code_that_expires_after_the_setting(session, counter_scene):
    _, business, _, customer, card, reward, redeemed = counter_scene
    row = code_row(session, redeemed.redemption_code)
    assert (row.status, row.business_id, row.card_id) == (WAITING, business.id, card.id)
    assert (row.customer_id, row.reward_id, row.redeem_transaction_id) == (
        customer.id,
        reward.id,
        redeemed.id,
    )
    ttl = timedelta(minutes=get_settings().redemption_code_ttl_minutes)
    assert abs(row.expires_at - (row.created_at + ttl)) < timedelta(seconds=1)
    assert balance(session, card) == 60


def test_redeeming_again_with_the_same_key_opens_no_second_code(session, make, counter_scene):
    _, _, _, customer, card, reward, _ = counter_scene
    key = make.key()
    first = redemptions.redeem_reward(session, customer, card.id, reward.id, key)
    again = redemptions.redeem_reward(session, customer, card.id, reward.id, key)
    assert again.redemption_code == first.redemption_code
    assert len(session.exec(select(RewardCode)).all()) == 2


def test_a_code_taken_in_the_business_is_drawn_again(session, make, counter_scene, monkeypatch):
    _, _, _, customer, card, reward, redeemed = counter_scene
    drawn = iter(["ZZZZZZZZ"])
    taken = redeemed.redemption_code
    monkeypatch.setattr(
        "gudcity.services.ledger.new_redemption_code", lambda: taken
    )  # the ledger draws a clash
    monkeypatch.setattr("gudcity.services.reward_codes.new_redemption_code", lambda: next(drawn))
    second = redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    assert second.redemption_code == "ZZZZZZZZ"
    assert code_row(session, "ZZZZZZZZ").redeem_transaction_id == second.id
    assert session.get(PointTransaction, second.id).redemption_code == "ZZZZZZZZ"


# --- checking at the counter --------------------------------------------------------------


def test_a_check_names_the_reward_the_customer_the_program_and_the_state(session, counter_scene):
    owner, business, _, _, _, _, redeemed = counter_scene
    code = redeemed.redemption_code
    typed = f" {code[:4].lower()}-{code[4:]} "
    view = counter.check_reward_code(session, owner, business.id, typed)
    assert (view.reward_name, view.customer_name, view.program_name) == (
        "Free latte",
        "Alice",
        "Coffee Club",
    )
    assert (view.state, view.code, view.cost) == ("Waiting", code, 40)
    assert counter.check_reward_code(session, owner, business.id, "GCR." + code).code_id == (
        view.code_id
    )


def test_a_code_of_another_business_is_not_found(session, make, counter_scene):
    *_, redeemed = counter_scene
    rival, rivals = make.business("Rival Roasters")
    with pytest.raises(NotFoundError):
        counter.check_reward_code(session, rival, rivals.id, redeemed.redemption_code)


def test_typos_and_empty_codes_are_told_apart(session, counter_scene):
    owner, business, *_ = counter_scene
    with pytest.raises(ValidationError):
        counter.check_reward_code(session, owner, business.id, "  - ")
    with pytest.raises(NotFoundError):
        counter.check_reward_code(session, owner, business.id, "OOOOIIII")
    with pytest.raises(ValidationError):
        counter.check_reward_code(session, owner, business.id, "AB\x00CD")


# --- delivering ---------------------------------------------------------------------------


def test_delivering_hands_over_once_and_a_second_check_names_who_and_when(
    session, make, counter_scene
):
    owner, business, _, customer, card, _, redeemed = counter_scene
    sam = make.staff(owner, business, Permission.SCAN)
    code = redeemed.redemption_code
    shown = counter.check_reward_code(session, sam, business.id, code)

    delivered = counter.deliver_reward_code(session, sam, business.id, shown.code_id)

    assert (delivered.state, delivered.delivered_by_name) == ("Delivered", sam.name)
    again = counter.check_reward_code(session, owner, business.id, code)
    assert again.status == DELIVERED and again.delivered_by_name == sam.name
    assert abs(again.delivered_at - utc_now()) < timedelta(minutes=1)
    with pytest.raises(ConflictError, match=f"already delivered by {sam.name}"):
        counter.deliver_reward_code(session, owner, business.id, shown.code_id)
    assert balance(session, card) == 60 and refunds(session, card) == []
    action = session.exec(
        select(StaffAction).where(StaffAction.kind == StaffActionKind.DELIVERY)
    ).one()
    assert (action.kind, action.actor_id, action.customer_id) == (
        StaffActionKind.DELIVERY,
        sam.id,
        customer.id,
    )
    assert (action.reward_code_id, action.amount) == (shown.code_id, 40)
    note = latest_customer_note(session, customer)
    assert note.type == NotificationType.REWARD_DELIVERED and "Free latte" in note.message
    told = latest_business_note(session, business)
    assert told.type == NotificationType.REWARD_DELIVERED and sam.name in told.message


def test_a_delivery_is_published_to_the_customer_and_the_business(session, counter_scene):
    owner, business, _, customer, _, _, redeemed = counter_scene
    view = counter.check_reward_code(session, owner, business.id, redeemed.redemption_code)
    last = session.exec(select(func.max(SyncNotification.id))).one()
    counter.deliver_reward_code(session, owner, business.id, view.code_id)
    topics = session.exec(select(SyncNotification.topic).where(SyncNotification.id > last)).all()
    assert set(topics) == {f"customer:{customer.id}", f"business:{business.id}"}


def test_another_business_cannot_deliver_the_code(session, make, counter_scene):
    owner, business, *_, redeemed = counter_scene
    view = counter.check_reward_code(session, owner, business.id, redeemed.redemption_code)
    rival, rivals = make.business("Rival Roasters")
    with pytest.raises(NotFoundError):
        counter.deliver_reward_code(session, rival, rivals.id, view.code_id)
    assert code_row(session, redeemed.redemption_code).status == WAITING


# --- cancelling ---------------------------------------------------------------------------


def test_cancelling_gives_the_points_back_once(session, counter_scene):
    owner, business, _, customer, card, _, redeemed = counter_scene
    row = code_row(session, redeemed.redemption_code)

    cancelled = redemptions.cancel_reward_code(session, customer, row.id)
    again = redemptions.cancel_reward_code(session, customer, row.id)

    assert cancelled.state == again.state == "Cancelled"
    assert balance(session, card) == 100 == ledger_sum(session, card)
    [refund] = refunds(session, card)
    assert (refund.amount, refund.idempotency_key) == (40, f"refund:{row.id}")
    assert code_row(session, redeemed.redemption_code).refund_transaction_id == refund.id
    assert session.get(LoyaltyCard, card.id).lifetime_points == 100  # a refund earns nothing
    assert latest_customer_note(session, customer).type == NotificationType.REWARD_CANCELLED
    assert "cancelled" in latest_business_note(session, business).message
    with pytest.raises(ConflictError, match="cancelled"):
        counter.deliver_reward_code(session, owner, business.id, row.id)


def test_a_delivered_code_cannot_be_cancelled(session, counter_scene):
    owner, business, _, customer, card, _, redeemed = counter_scene
    row = code_row(session, redeemed.redemption_code)
    counter.deliver_reward_code(session, owner, business.id, row.id)
    with pytest.raises(ConflictError, match="already delivered"):
        redemptions.cancel_reward_code(session, customer, row.id)
    assert balance(session, card) == 60 and refunds(session, card) == []


def test_only_its_customer_can_cancel_a_code(session, make, counter_scene):
    *_, redeemed = counter_scene
    row = code_row(session, redeemed.redemption_code)
    with pytest.raises(NotFoundError):
        redemptions.cancel_reward_code(session, make.customer(), row.id)
    with pytest.raises(NotFoundError):
        redemptions.cancel_reward_code(session, make.customer(), "1; DROP TABLE")


# --- expiry -------------------------------------------------------------------------------


def test_a_check_past_its_time_expires_the_code_and_refunds_it(session, counter_scene):
    owner, business, _, customer, card, _, redeemed = counter_scene
    overdue(session, redeemed.redemption_code)

    view = counter.check_reward_code(session, owner, business.id, redeemed.redemption_code)

    assert view.state == "Expired"
    assert balance(session, card) == 100 == ledger_sum(session, card)
    assert latest_customer_note(session, customer).type == NotificationType.REWARD_EXPIRED
    with pytest.raises(ExpiredError):
        counter.deliver_reward_code(session, owner, business.id, view.code_id)
    with pytest.raises(ExpiredError):
        redemptions.cancel_reward_code(session, customer, view.code_id)
    assert len(refunds(session, card)) == 1


def test_delivering_past_its_time_refuses_and_refunds(session, counter_scene):
    owner, business, _, _, card, _, redeemed = counter_scene
    row = code_row(session, redeemed.redemption_code)
    overdue(session, redeemed.redemption_code)
    with pytest.raises(ExpiredError):
        counter.deliver_reward_code(session, owner, business.id, row.id)
    assert code_row(session, row.code).status == EXPIRED
    assert balance(session, card) == 100


def test_the_customers_list_expires_lazily_waiting_first(session, make, counter_scene):
    _, _, _, customer, card, reward, first = counter_scene
    second = redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    overdue(session, first.redemption_code)

    listed = redemptions.list_reward_codes(session, customer)

    assert [(v.code, v.state) for v in listed] == [
        (second.redemption_code, "Waiting"),
        (first.redemption_code, "Expired"),
    ]
    assert balance(session, card) == 60 == ledger_sum(session, card)
    assert redemptions.list_reward_codes(session, make.customer()) == []


def test_the_sweep_expires_each_code_once(session, make, counter_scene):
    _, _, _, customer, card, reward, first = counter_scene
    second = redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    overdue(session, first.redemption_code)

    assert reward_codes.expire_due_codes(session) == 1
    assert reward_codes.expire_due_codes(session) == 0
    redemptions.list_reward_codes(session, customer)

    assert code_row(session, first.redemption_code).status == EXPIRED
    assert code_row(session, second.redemption_code).status == WAITING
    assert len(refunds(session, card)) == 1
    assert balance(session, card) == 60 == ledger_sum(session, card)
    expired = [
        n
        for n in session.exec(select(CustomerNotification)).all()
        if n.type == NotificationType.REWARD_EXPIRED
    ]
    assert len(expired) == 1
