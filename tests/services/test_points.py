from datetime import timedelta

import pytest
from sqlmodel import select

from gudcity.domain.errors import (
    ConflictError,
    ExpiredError,
    InsufficientPointsError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from gudcity.domain.tiers import Tier
from gudcity.models import (
    ApprovalRequest,
    ApprovalStatus,
    BusinessNotification,
    LoyaltyCard,
    NotificationType,
    PointTransaction,
    ProgramKind,
    TransactionKind,
    utc_now,
)
from gudcity.services import (
    awards,
    deductions,
    enrollment,
    notifications,
    programs,
    redemptions,
    tiers,
)
from gudcity.services.permissions import Permission
from gudcity.settings import get_settings


def _balance(session, card) -> int:
    session.expire_all()
    return session.get(LoyaltyCard, card.id).balance


def _latest_business_note(session) -> BusinessNotification:
    return session.exec(
        select(BusinessNotification).order_by(BusinessNotification.id.desc())
    ).first()


def _ledger(session, card) -> list[PointTransaction]:
    return list(
        session.exec(
            select(PointTransaction)
            .where(PointTransaction.card_id == card.id)
            .order_by(PointTransaction.id)
        )
    )


def test_award_writes_one_ledger_row_moves_balance_and_tells_the_customer(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program)

    transaction = awards.award_points(session, owner, card.id, 25, make.key(), note="Birthday")

    assert (transaction.kind, transaction.amount, transaction.actor_id) == (
        TransactionKind.EARN,
        25,
        owner.id,
    )
    assert _balance(session, card) == 25
    assert [t.id for t in _ledger(session, card)] == [transaction.id]
    latest = notifications.list_customer_notifications(session, customer)[0]
    assert latest.type == NotificationType.POINTS_ADDED
    assert latest.message == "You earned 25 points from Bean There!"


def test_the_same_key_twice_changes_nothing_the_second_time(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program)
    key = make.key()
    first = awards.award_points(session, owner, card.id, 10, key)
    before = make.counts()

    again = awards.award_points(session, owner, card.id, 10, key)

    assert again.id == first.id
    assert make.counts() == before
    assert _balance(session, card) == 10


def test_a_key_used_on_another_card_is_a_conflict(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program)
    other_card = make.card(make.customer(), program)
    key = make.key()
    awards.award_points(session, owner, card.id, 10, key)
    with pytest.raises(ConflictError):
        awards.award_points(session, owner, other_card.id, 10, key)
    assert _balance(session, other_card) == 0


@pytest.mark.parametrize("amount", [0, -5, 10**9, 2.5, True, "10", None])
def test_bad_amounts_are_refused_and_write_nothing(session, make, shop, amount):
    owner, _, program, customer = shop
    card = make.card(customer, program)
    before = make.counts()
    with pytest.raises(ValidationError, match="Points must"):
        awards.award_points(session, owner, card.id, amount, make.key())
    assert make.counts() == before


def test_the_largest_allowed_award_goes_through(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program)
    limit = get_settings().max_points_per_transaction
    awards.award_points(session, owner, card.id, limit, make.key())
    assert _balance(session, card) == limit


def test_unknown_card_and_missing_key_are_refused(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program)
    with pytest.raises(NotFoundError):
        awards.award_points(session, owner, 999_999, 5, make.key())
    with pytest.raises(ValidationError, match="key"):
        awards.award_points(session, owner, card.id, 5, "")
    with pytest.raises(ValidationError, match="key"):
        awards.award_points(session, owner, card.id, 5, "k" * 129)


def test_another_business_cannot_award_and_staff_need_permission(session, make, shop):
    owner, business, program, customer = shop
    card = make.card(customer, program)
    other_owner, _ = make.business()
    scanner_only = make.staff(owner, business, Permission.SCAN)
    before = make.counts()
    for actor in (other_owner, scanner_only, customer):
        with pytest.raises(PermissionDeniedError):
            awards.award_points(session, actor, card.id, 5, make.key())
    assert make.counts() == before
    cashier = make.staff(owner, business, Permission.AWARD)
    awards.award_points(session, cashier, card.id, 5, make.key())
    assert _balance(session, card) == 5


def test_no_awards_on_a_paused_program_or_after_leaving(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program)
    enrollment.leave_program(session, customer, program.id)
    with pytest.raises(ValidationError, match="not enrolled"):
        awards.award_points(session, owner, card.id, 5, make.key())
    enrollment.join_program(session, customer, program.id)
    programs.update_program(session, owner, program.id, is_active=False)
    with pytest.raises(ValidationError, match="paused"):
        awards.award_points(session, owner, card.id, 5, make.key())


def test_tier_follows_lifetime_points_not_balance(session, make, shop):
    owner, _, program, customer = shop
    ladder = [Tier("Bronze", 0), Tier("Silver", 500), Tier("Gold", 2000)]
    tiers.save_tiers(
        session, owner, program.id, tiers=ladder, basis="LIFETIME", window_days=365,
        downgrade="WINDOW",
    )  # fmt: skip
    card = make.card(customer, program, balance=600)
    reward = programs.add_reward(session, owner, program.id, name="Cake", cost=550)
    redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    session.expire_all()
    assert session.get(LoyaltyCard, card.id).tier_level == 1
    awards.award_points(session, owner, card.id, 1500, make.key())
    session.expire_all()
    assert session.get(LoyaltyCard, card.id).tier_level == 2


def test_stamp_programs_speak_of_stamps(session, make):
    owner, business = make.business("Crumbs")
    program = make.program(owner, business, kind=ProgramKind.STAMPS, points_per_scan=1)
    customer = make.customer()
    card = make.card(customer, program)
    awards.award_points(session, owner, card.id, 1, make.key())
    latest = notifications.list_customer_notifications(session, customer)[0]
    assert latest.message == "You earned 1 stamp from Crumbs!"


# --- deductions ------------------------------------------------------------------------


def test_a_deduction_changes_nothing_until_the_customer_approves(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=50)

    request = deductions.request_deduction(session, owner, card.id, 20, make.key(), reason="Refund")

    assert _balance(session, card) == 50
    note = notifications.list_customer_notifications(session, customer)[0]
    assert note.type == NotificationType.POINTS_DEDUCTION_REQUEST and note.requires_action
    assert "deduct 20 points" in note.message and "Refund" in note.message

    transaction = deductions.respond_to_deduction(session, customer, request.id, accept=True)

    assert transaction.kind == TransactionKind.DEDUCT and transaction.amount == -20
    assert transaction.actor_id == owner.id
    assert _balance(session, card) == 30
    assert _latest_business_note(session).type == NotificationType.POINTS_DEDUCTED


def test_a_declined_deduction_moves_nothing(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=50)
    request = deductions.request_deduction(session, owner, card.id, 20, make.key())

    assert deductions.respond_to_deduction(session, customer, request.id, accept=False) is None

    assert _balance(session, card) == 50
    session.expire_all()
    assert session.get(ApprovalRequest, request.id).status == ApprovalStatus.DECLINED
    assert _latest_business_note(session).type == NotificationType.POINTS_DEDUCTION_DECLINED


def test_a_deduction_is_answered_once(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=50)
    request = deductions.request_deduction(session, owner, card.id, 20, make.key())
    deductions.respond_to_deduction(session, customer, request.id, accept=True)
    for accept in (True, False):
        with pytest.raises(ConflictError):
            deductions.respond_to_deduction(session, customer, request.id, accept=accept)
    assert _balance(session, card) == 30


def test_a_deduction_beyond_the_balance_is_refused_and_writes_nothing(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=15)
    before = make.counts()
    with pytest.raises(InsufficientPointsError, match="only 15 points"):
        deductions.request_deduction(session, owner, card.id, 16, make.key())
    assert make.counts() == before


def test_approval_after_the_balance_fell_is_refused_and_writes_nothing(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=30)
    first = deductions.request_deduction(session, owner, card.id, 20, make.key())
    second = deductions.request_deduction(session, owner, card.id, 20, make.key())
    deductions.respond_to_deduction(session, customer, first.id, accept=True)
    before = make.counts()

    with pytest.raises(InsufficientPointsError):
        deductions.respond_to_deduction(session, customer, second.id, accept=True)

    assert make.counts() == before
    assert _balance(session, card) == 10
    session.expire_all()
    assert session.get(ApprovalRequest, second.id).status == ApprovalStatus.PENDING


def test_an_expired_deduction_cannot_be_approved(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=30)
    request = deductions.request_deduction(session, owner, card.id, 10, make.key())
    request.expires_at = utc_now() - timedelta(minutes=1)
    session.add(request)
    session.commit()
    with pytest.raises(ExpiredError):
        deductions.respond_to_deduction(session, customer, request.id, accept=True)
    assert _balance(session, card) == 30


def test_deductions_need_their_own_permission(session, make, shop):
    owner, business, program, customer = shop
    card = make.card(customer, program, balance=30)
    cashier = make.staff(owner, business, Permission.SCAN, Permission.AWARD)
    with pytest.raises(PermissionDeniedError):
        deductions.request_deduction(session, cashier, card.id, 10, make.key())
    manager = make.staff(owner, business, Permission.DEDUCT)
    assert deductions.request_deduction(session, manager, card.id, 10, make.key()).points == 10


def test_only_the_card_holder_answers_a_deduction(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=30)
    request = deductions.request_deduction(session, owner, card.id, 10, make.key())
    with pytest.raises(NotFoundError):
        deductions.respond_to_deduction(session, make.customer(), request.id, accept=True)
    with pytest.raises(PermissionDeniedError):
        deductions.respond_to_deduction(session, owner, request.id, accept=True)
    assert _balance(session, card) == 30


def test_a_repeated_deduction_request_key_returns_the_first_request(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=30)
    key = make.key()
    first = deductions.request_deduction(session, owner, card.id, 10, key)
    before = make.counts()
    assert deductions.request_deduction(session, owner, card.id, 10, key).id == first.id
    assert make.counts() == before


# --- rewards ---------------------------------------------------------------------------


def test_redeeming_spends_points_and_gives_a_code(session, make, shop):
    owner, _business, program, customer = shop
    reward = programs.add_reward(session, owner, program.id, name="Free latte", cost=40)
    card = make.card(customer, program, balance=50)

    transaction = redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())

    assert transaction.kind == TransactionKind.REDEEM and transaction.amount == -40
    assert len(transaction.redemption_code) == 8
    assert _balance(session, card) == 10
    latest = notifications.list_customer_notifications(session, customer)[0]
    assert latest.type == NotificationType.REWARD_REDEEMED
    assert transaction.redemption_code in latest.message
    assert transaction.redemption_code in _latest_business_note(session).message


def test_redeeming_twice_with_one_key_spends_once(session, make, shop):
    owner, _, program, customer = shop
    reward = programs.add_reward(session, owner, program.id, name="Free latte", cost=20)
    card = make.card(customer, program, balance=50)
    key = make.key()
    first = redemptions.redeem_reward(session, customer, card.id, reward.id, key)
    again = redemptions.redeem_reward(session, customer, card.id, reward.id, key)
    assert again.id == first.id
    assert _balance(session, card) == 30


def test_redeeming_without_enough_points_writes_nothing(session, make, shop):
    owner, _, program, customer = shop
    reward = programs.add_reward(session, owner, program.id, name="Free latte", cost=100)
    card = make.card(customer, program, balance=50)
    before = make.counts()
    with pytest.raises(InsufficientPointsError, match="costs 100 points; you have 50"):
        redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    assert make.counts() == before


def test_rewards_of_another_program_and_cards_of_others_are_refused(session, make, shop):
    owner, business, program, customer = shop
    other_program = make.program(owner, business)
    foreign_reward = programs.add_reward(session, owner, other_program.id, name="Mug", cost=5)
    reward = programs.add_reward(session, owner, program.id, name="Cookie", cost=5)
    card = make.card(customer, program, balance=50)
    with pytest.raises(NotFoundError, match="not available"):
        redemptions.redeem_reward(session, customer, card.id, foreign_reward.id, make.key())
    with pytest.raises(NotFoundError, match="Card"):
        redemptions.redeem_reward(session, make.customer(), card.id, reward.id, make.key())
    programs.set_reward_active(session, owner, reward.id, False)
    with pytest.raises(NotFoundError, match="not available"):
        redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    assert _balance(session, card) == 50


def test_a_stamps_program_speaks_of_stamps_one_or_many(session, make):
    """Titles and messages follow the program's kind and number."""
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Stamp Card", kind=ProgramKind.STAMPS)
    customer = make.customer("Alice")
    card = make.card(customer, program)

    awards.award_points(session, owner, card.id, 1, make.key())
    awards.award_points(session, owner, card.id, 3, make.key())
    request = deductions.request_deduction(session, owner, card.id, 1, make.key())
    deductions.respond_to_deduction(session, customer, request.id, True)

    said = [
        (n.title, n.message) for n in notifications.list_customer_notifications(session, customer)
    ]
    assert said[:4] == [
        ("Stamp deducted", "1 stamp was deducted from your Stamp Card card."),
        ("Approve a deduction?", "Bean There wants to deduct 1 stamp from your Stamp Card card."),
        ("Stamps added", "You earned 3 stamps from Bean There!"),
        ("Stamp added", "You earned 1 stamp from Bean There!"),
    ]
    assert _latest_business_note(session).message == "Alice approved the deduction of 1 stamp."


def test_a_points_program_titles_follow_the_number(session, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business)
    customer = make.customer("Alice")
    card = make.card(customer, program)

    awards.award_points(session, owner, card.id, 1, make.key())
    awards.award_points(session, owner, card.id, 5, make.key())

    titles = [n.title for n in notifications.list_customer_notifications(session, customer)]
    assert titles[:2] == ["Points added", "Point added"]
