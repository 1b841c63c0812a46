"""Delete my account: personal data gone, the books still balance, nothing resolves to them."""

import pytest
from sqlalchemy import func, text
from sqlmodel import SQLModel, select

from gudcity.domain.errors import (
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ServiceError,
)
from gudcity.models import (
    ApprovalRequest,
    ApprovalStatus,
    BusinessNotification,
    EnrollmentStatus,
    LoyaltyCard,
    NotificationType,
    PointTransaction,
    ProgramEnrollment,
    RewardCode,
    RewardCodeStatus,
    StaffPermission,
    TransactionKind,
    User,
)
from gudcity.services import (
    account_deletion,
    awards,
    counter,
    customers,
    deductions,
    email_change,
    enrollment,
    login,
    password_reset,
    profile,
    programs,
    qr_cards,
    redemptions,
    scanning,
    sessions,
)
from gudcity.services.permissions import Permission
from tests.support.make import PASSWORD
from tests.support.snapshots import changes, snapshot

NAME = "Alice Zyxwvut"


@pytest.fixture
def alice_at_the_shop(session, make):
    """Alice holds 60 points, a waiting reward code (20), a waiting deduction and invitation,
    a reset link and an email change on their way by mail."""
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    other = make.program(owner, business, name="Tea Club")
    reward = programs.add_reward(session, owner, program.id, name="Free latte", cost=20)
    alice = make.customer(NAME)
    card = make.card(alice, program, balance=80)
    redemptions.redeem_reward(session, alice, card.id, reward.id, make.key())
    deductions.request_deduction(session, owner, card.id, 5, make.key())
    enrollment.request_enrollment(session, owner, other.id, alice.id, make.key())
    password_reset.request_password_reset(session, alice.email)
    email_change.request_email_change(session, alice, f"{make.prefix}new@example.org", PASSWORD)
    token = sessions.start_session(session, alice)
    session.refresh(card)
    return owner, business, program, alice, card, token


def _ledger(session, card_id: int) -> list[tuple]:
    return session.execute(
        select(PointTransaction.kind, PointTransaction.amount)
        .where(PointTransaction.card_id == card_id)
        .order_by(PointTransaction.id)
    ).all()


def _rows_mentioning(session, *needles: str) -> list[str]:
    """Every table's rows (as text) holding any of `needles`."""
    found = []
    for table in SQLModel.metadata.sorted_tables:
        for row in session.execute(text(f"SELECT * FROM {table.name}")):
            line = repr(tuple(row)).lower()
            found += [f"{table.name}: {line}" for n in needles if n.lower() in line]
    return found


def test_deletion_leaves_no_personal_data_anywhere(session, alice_at_the_shop):
    _owner, _business, _program, alice, card, _token = alice_at_the_shop
    new_email = alice.email.split("customer")[0] + "new@example.org"
    personal = (NAME, alice.email, new_email, alice.card_number, card.card_number, alice.public_id)
    for needle in personal:
        assert _rows_mentioning(session, needle) != [], needle

    account_deletion.delete_account(session, alice, PASSWORD)

    session.expire_all()
    assert _rows_mentioning(session, *personal) == []
    gone = session.get(User, alice.id)
    assert gone.name == "Deleted customer"
    assert gone.email.endswith("@deleted.gudcity.invalid")
    assert gone.card_number is None
    assert gone.deleted_at is not None


def test_the_ledger_stays_and_a_waiting_code_is_refunded(session, alice_at_the_shop):
    owner, business, _program, alice, card, _token = alice_at_the_shop
    before = _ledger(session, card.id)

    account_deletion.delete_account(session, alice, PASSWORD)

    session.expire_all()
    assert _ledger(session, card.id) == [*before, (TransactionKind.REFUND, 20)]
    assert session.get(LoyaltyCard, card.id).balance == 80
    total = select(func.sum(PointTransaction.amount)).where(PointTransaction.card_id == card.id)
    assert session.exec(total).one() == 80
    code = session.exec(select(RewardCode).where(RewardCode.card_id == card.id)).one()
    assert code.status == RewardCodeStatus.CANCELLED
    notes = session.exec(
        select(BusinessNotification.message).where(BusinessNotification.customer_id == alice.id)
    ).all()
    assert any(m.startswith("Deleted customer cancelled Free latte") for m in notes)
    # The business's books still show the card's history, under no name.
    assert customers.count_customers(session, owner, business.id) == 0


def test_waiting_requests_expire_and_every_program_is_left(session, alice_at_the_shop):
    _owner, _business, _program, alice, _card, _token = alice_at_the_shop

    account_deletion.delete_account(session, alice, PASSWORD)

    session.expire_all()
    requests = session.exec(select(ApprovalRequest).where(ApprovalRequest.customer_id == alice.id))
    assert {r.status for r in requests} == {ApprovalStatus.EXPIRED}
    statuses = session.exec(
        select(ProgramEnrollment.status).where(ProgramEnrollment.customer_id == alice.id)
    ).all()
    assert set(statuses) == {EnrollmentStatus.LEFT}


def test_a_deleted_customer_cannot_log_in_and_their_sessions_end(session, alice_at_the_shop):
    _owner, _business, _program, alice, _card, token = alice_at_the_shop
    email = alice.email

    account_deletion.delete_account(session, alice, PASSWORD)

    with pytest.raises(AuthenticationError):
        login.log_in(session, email, PASSWORD)
    with pytest.raises(AuthenticationError):
        sessions.user_for_token(session, token)


def test_their_card_numbers_and_qr_no_longer_resolve(session, make, alice_at_the_shop):
    owner, business, program, alice, card, _token = alice_at_the_shop
    old_qr = qr_cards.issue_token(alice)
    numbers = (alice.card_number, card.card_number)

    account_deletion.delete_account(session, alice, PASSWORD)

    for number in numbers:
        with pytest.raises(NotFoundError):
            scanning.find_customer_by_card_number(session, owner, business.id, number)
    with pytest.raises(ServiceError):
        scanning.scan_token(session, owner, program.id, old_qr, make.key())


def test_a_wrong_password_deletes_nothing(session, alice_at_the_shop):
    alice = alice_at_the_shop[3]
    before = snapshot(session)

    for wrong in ("not my password", "", None, 42):
        with pytest.raises(AuthenticationError, match="not right"):
            account_deletion.delete_account(session, alice, wrong)

    # A wrong try is written down as a failed log-in (the throttle's), nothing else; what
    # cannot be a password at all ("", not text) is refused without a try.
    assert changes(before, snapshot(session)) == {"login_failures": (0, 1)}


def test_an_owner_is_told_to_export_or_transfer_first(session, alice_at_the_shop):
    owner = alice_at_the_shop[0]
    before = snapshot(session)

    with pytest.raises(PermissionDeniedError, match=r"You own Bean There.*Export its customers"):
        account_deletion.delete_account(session, owner, PASSWORD)

    assert changes(before, snapshot(session)) == {}
    assert login.log_in(session, owner.email, PASSWORD).id == owner.id


def test_a_staff_member_loses_their_seat_and_their_name(session, make, alice_at_the_shop):
    owner, business, _program, alice, card, _token = alice_at_the_shop
    clerk = make.staff(owner, business, Permission.AWARD)
    email = clerk.email

    account_deletion.delete_account(session, clerk, PASSWORD)

    session.expire_all()
    assert (
        session.exec(select(StaffPermission).where(StaffPermission.user_id == clerk.id)).all() == []
    )
    assert session.get(User, clerk.id).name == "Deleted user"
    with pytest.raises(AuthenticationError):
        login.log_in(session, email, PASSWORD)
    assert session.get(LoyaltyCard, card.id).customer_id == alice.id


def test_an_account_is_deleted_once(session, alice_at_the_shop):
    alice = alice_at_the_shop[3]
    account_deletion.delete_account(session, alice, PASSWORD)
    with pytest.raises(PermissionDeniedError):
        account_deletion.delete_account(session, alice, PASSWORD)


def _business_messages(session, customer_id: int) -> list[str]:
    return session.scalars(
        select(BusinessNotification.message)
        .where(BusinessNotification.customer_id == customer_id)
        .order_by(BusinessNotification.id)
    ).all()


def test_a_short_name_is_rewritten_where_it_was_written_and_nowhere_else(session, make):
    owner, business = make.business("Almond House")
    profile.change_name(session, owner, "Al Brown")
    program = make.program(owner, business, name="Almond Club")
    reward = programs.add_reward(session, owner, program.id, name="Salted Almond", cost=10)
    al = make.customer("Al")
    enrollment.join_program(session, al, program.id)
    card = session.exec(select(LoyaltyCard).where(LoyaltyCard.customer_id == al.id)).one()
    awards.award_points(session, owner, card.id, 30, make.key())
    code = redemptions.redeem_reward(session, al, card.id, reward.id, make.key()).redemption_code
    view = counter.check_reward_code(session, owner, business.id, code)
    counter.deliver_reward_code(session, owner, business.id, view.code_id)
    assert _business_messages(session, al.id) == [
        "Al joined Almond Club.",
        f"Al redeemed Salted Almond (code {code}).",
        f"Al Brown delivered Salted Almond to Al (code {code}).",
    ]

    account_deletion.delete_account(session, al, PASSWORD)

    session.expire_all()
    assert _business_messages(session, al.id) == [
        "Deleted customer joined Almond Club.",
        f"Deleted customer redeemed Salted Almond (code {code}).",
        f"Al Brown delivered Salted Almond to Deleted customer (code {code}).",
    ]


def test_a_name_changed_since_is_rewritten_where_it_was_written(session, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Robin Oldname")
    enrollment.join_program(session, customer, program.id)
    renamed = profile.change_name(session, customer, "Robin Newname")

    account_deletion.delete_account(session, renamed, PASSWORD)

    session.expire_all()
    assert _business_messages(session, customer.id) == ["Deleted customer joined Coffee Club."]


def test_rows_written_before_spans_are_rewritten_at_their_templates_place(session, make):
    _owner, business = make.business("Almond House")
    al = make.customer("Al")
    written = {
        NotificationType.ENROLLMENT_ACCEPTED: "Al joined Almond Club.",
        NotificationType.REWARD_EXPIRED: "Al's code ABC for Almond Cake expired.",
        NotificationType.REWARD_DELIVERED: "Al Brown delivered Almond Cake to Al (code ABC).",
        NotificationType.REWARD_REDEEMED: "Alfred redeemed Almond Cake (code ABC).",
    }
    for kind, message in written.items():
        session.add(
            BusinessNotification(
                business_id=business.id, customer_id=al.id, type=kind, message=message
            )
        )
    session.commit()

    account_deletion.delete_account(session, al, PASSWORD)

    session.expire_all()
    assert _business_messages(session, al.id) == [
        "Deleted customer joined Almond Club.",
        "Deleted customer's code ABC for Almond Cake expired.",
        "Al Brown delivered Almond Cake to Deleted customer (code ABC).",
        # Not this customer's name at its place: left as it was written.
        "Alfred redeemed Almond Cake (code ABC).",
    ]
