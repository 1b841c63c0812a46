"""Notifications: listing, unread counts, marking read, and answering requests."""

import pytest
from sqlmodel import select

from gudcity.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from gudcity.domain.notification_groups import SCAN_LINK
from gudcity.models import (
    ApprovalRequest,
    ApprovalStatus,
    CustomerNotification,
    EnrollmentStatus,
    LoyaltyCard,
    NotificationType,
    PointTransaction,
    TransactionKind,
)
from gudcity.services import (
    answers,
    awards,
    deductions,
    enrollment,
    lookups,
    notifications,
    notify,
    scanning,
)


def tell(session, customer, *titles: str) -> list[int]:
    """Give `customer` one plain notification per title, committed in that order; their ids."""
    created = [
        notify.notify_customer(
            session, customer.id, NotificationType.POINTS_ADDED, title, f"{title} message"
        )
        for title in titles
    ]
    session.commit()
    return created


def enrollment_request_notification(session, make, shop) -> CustomerNotification:
    owner, _, program, customer = shop
    request = enrollment.request_enrollment(session, owner, program.id, customer.id, make.key())
    return session.exec(
        select(CustomerNotification).where(CustomerNotification.approval_request_id == request.id)
    ).one()


def deduction_request_notification(session, make, shop, balance: int, deduct: int):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=balance)
    request = deductions.request_deduction(session, owner, card.id, deduct, make.key())
    notification = session.exec(
        select(CustomerNotification).where(CustomerNotification.approval_request_id == request.id)
    ).one()
    return card, notification


def reread(session, model, row_id):
    session.rollback()
    return session.get(model, row_id)


# --- listing -----------------------------------------------------------------------------


def test_customer_sees_their_notifications_newest_first(session, make):
    customer = make.customer()
    tell(session, customer, "first", "second", "third")

    listed = notifications.list_customer_notifications(session, customer)

    assert [n.title for n in listed] == ["third", "second", "first"]


def test_customer_sees_only_their_own_notifications(session, make):
    alice, bob = make.customer(), make.customer()
    tell(session, alice, "for alice")
    tell(session, bob, "for bob")

    assert [n.title for n in notifications.list_customer_notifications(session, alice)] == [
        "for alice"
    ]


def test_listing_honours_the_limit(session, make):
    customer = make.customer()
    tell(session, customer, "a", "b", "c", "d")

    listed = notifications.list_customer_notifications(session, customer, limit=2)

    assert [n.title for n in listed] == ["d", "c"]


def test_unread_count_counts_only_the_callers_unread(session, make):
    alice, bob = make.customer(), make.customer()
    first, *_ = tell(session, alice, "a", "b", "c")
    tell(session, bob, "x")

    notifications.mark_read(session, alice, first)

    assert notifications.unread_count(session, alice) == 2
    assert notifications.unread_count(session, bob) == 1


# --- marking read ------------------------------------------------------------------------


def test_mark_read_sets_read_at_once(session, make):
    customer = make.customer()
    (notification,) = tell(session, customer, "hello")

    first_read = notifications.mark_read(session, customer, notification).read_at
    again = notifications.mark_read(session, customer, notification).read_at

    assert first_read is not None
    assert again == first_read
    assert reread(session, CustomerNotification, notification).read_at is not None


def test_someone_elses_notification_cannot_be_marked_read(session, make):
    alice, bob = make.customer(), make.customer()
    (bobs,) = tell(session, bob, "private")
    before = make.counts()

    with pytest.raises(NotFoundError, match="Notification not found"):
        notifications.mark_read(session, alice, bobs)

    assert make.counts() == before
    assert reread(session, CustomerNotification, bobs).read_at is None
    assert notifications.unread_count(session, bob) == 1


def test_marking_a_missing_notification_is_not_found(session, make):
    customer = make.customer()

    with pytest.raises(NotFoundError, match="Notification not found"):
        notifications.mark_read(session, customer, 987654)


def test_the_unread_count_stops_at_the_cap(session, make, monkeypatch):
    monkeypatch.setattr(notifications, "UNREAD_COUNT_CAP", 3)
    customer = make.customer()
    first, *_ = tell(session, customer, "a", "b", "c", "d", "e")
    notifications.mark_read(session, customer, first)

    assert notifications.unread_count(session, customer) == 3


def test_mark_all_read_clears_only_the_callers_unread(session, make):
    alice, bob = make.customer(), make.customer()
    first, *_ = tell(session, alice, "a", "b", "c")
    tell(session, bob, "x")
    notifications.mark_read(session, alice, first)

    marked = notifications.mark_all_read(session, alice)

    assert marked == 2
    assert notifications.unread_count(session, alice) == 0
    assert notifications.unread_count(session, bob) == 1


def test_mark_all_read_with_nothing_unread_changes_nothing(session, make):
    customer = make.customer()
    tell(session, customer, "a")
    notifications.mark_all_read(session, customer)
    before = make.counts()

    assert notifications.mark_all_read(session, customer) == 0
    assert make.counts() == before


@pytest.mark.parametrize(
    "call",
    [
        lambda s, actor, n: notifications.list_customer_notifications(s, actor),
        lambda s, actor, n: notifications.unread_count(s, actor),
        lambda s, actor, n: notifications.mark_read(s, actor, n.id),
        lambda s, actor, n: notifications.mark_all_read(s, actor),
        lambda s, actor, n: answers.act_on_notification(s, actor, n.id, accept=True),
    ],
    ids=["list", "unread_count", "mark_read", "mark_all_read", "act"],
)
def test_a_business_cannot_use_the_customer_functions(session, make, shop, call):
    owner, *_ = shop
    notification = enrollment_request_notification(session, make, shop)
    before = make.counts()

    with pytest.raises(PermissionDeniedError, match="Only customers"):
        call(session, owner, notification)
    assert make.counts() == before


# --- answering requests ------------------------------------------------------------------


def test_acting_on_a_plain_notification_is_not_found(session, make):
    customer = make.customer()
    (plain,) = tell(session, customer, "just news")
    before = make.counts()

    with pytest.raises(NotFoundError, match="no request to answer"):
        answers.act_on_notification(session, customer, plain, accept=True)
    assert make.counts() == before


def test_acting_on_someone_elses_request_is_not_found(session, make, shop):
    *_, program, customer = shop
    notification = enrollment_request_notification(session, make, shop)
    stranger = make.customer()
    before = make.counts()

    with pytest.raises(NotFoundError, match="no request to answer"):
        answers.act_on_notification(session, stranger, notification.id, accept=True)
    assert make.counts() == before
    assert lookups.enrollment_of(session, customer.id, program.id).status == (
        EnrollmentStatus.PENDING
    )


def test_accepting_an_enrollment_request_enrolls_and_issues_a_card(session, make, shop):
    *_, program, customer = shop
    notification = enrollment_request_notification(session, make, shop)

    answer = answers.act_on_notification(session, customer, notification.id, accept=True)

    assert answer.enrollment.status == EnrollmentStatus.ACTIVE
    assert lookups.card_of(session, customer.id, program.id).id == answer.card.id
    stored = reread(session, CustomerNotification, notification.id)
    assert stored.action_taken == ApprovalStatus.APPROVED
    assert stored.read_at is not None


def test_declining_an_enrollment_request_issues_no_card(session, make, shop):
    *_, program, customer = shop
    notification = enrollment_request_notification(session, make, shop)

    answer = answers.act_on_notification(session, customer, notification.id, accept=False)

    assert answer.card is None
    assert lookups.enrollment_of(session, customer.id, program.id).status == (
        EnrollmentStatus.DECLINED
    )
    assert lookups.card_of(session, customer.id, program.id) is None
    assert reread(session, CustomerNotification, notification.id).action_taken == "DECLINED"


def test_accepting_an_invitation_from_a_scan_awards_the_scans_points(session, make, shop):
    owner, _, program, customer = shop
    scan = scanning.scan_customer(session, owner, program.id, customer.id, make.key())
    notification = session.exec(
        select(CustomerNotification).where(
            CustomerNotification.approval_request_id == scan.enrollment_request.id
        )
    ).one()

    answers.act_on_notification(session, customer, notification.id, accept=True)

    assert lookups.card_of(session, customer.id, program.id).balance == program.points_per_scan


def test_approving_a_deduction_request_takes_the_points(session, make, shop):
    *_, customer = shop
    card, notification = deduction_request_notification(session, make, shop, 50, 20)

    transaction = answers.act_on_notification(session, customer, notification.id, accept=True)

    assert (transaction.kind, transaction.amount) == (TransactionKind.DEDUCT, -20)
    assert reread(session, LoyaltyCard, card.id).balance == 30
    assert reread(session, CustomerNotification, notification.id).action_taken == "APPROVED"


def test_declining_a_deduction_request_keeps_the_points(session, make, shop):
    *_, customer = shop
    card, notification = deduction_request_notification(session, make, shop, 50, 20)

    result = answers.act_on_notification(session, customer, notification.id, accept=False)

    assert result is None
    assert reread(session, LoyaltyCard, card.id).balance == 50
    deductions = session.exec(
        select(PointTransaction).where(PointTransaction.kind == TransactionKind.DEDUCT)
    ).all()
    assert deductions == []
    assert reread(session, CustomerNotification, notification.id).action_taken == "DECLINED"


def test_a_request_can_be_answered_only_once(session, make, shop):
    *_, customer = shop
    card, notification = deduction_request_notification(session, make, shop, 50, 20)
    answers.act_on_notification(session, customer, notification.id, accept=True)
    before = make.counts()

    with pytest.raises(ConflictError, match="already been answered"):
        answers.act_on_notification(session, customer, notification.id, accept=True)
    assert make.counts() == before
    assert reread(session, LoyaltyCard, card.id).balance == 30
    request = reread(session, ApprovalRequest, notification.approval_request_id)
    assert request.status == ApprovalStatus.APPROVED


# --- the business side ---------------------------------------------------------------------


def test_owner_sees_the_business_notifications_newest_first(session, make, shop):
    owner, business, program, customer = shop
    notification = enrollment_request_notification(session, make, shop)
    answers.act_on_notification(session, customer, notification.id, accept=True)
    card = lookups.card_of(session, customer.id, program.id)
    awards.award_points(session, owner, card.id, 40, make.key())
    request = deductions.request_deduction(session, owner, card.id, 10, make.key())
    deductions.respond_to_deduction(session, customer, request.id, accept=False)

    listed = notifications.list_business_notifications(session, owner, business.id)

    assert [n.type for n in listed] == [
        NotificationType.POINTS_DEDUCTION_DECLINED,
        NotificationType.ENROLLMENT_ACCEPTED,
    ]
    assert all(n.customer_id == customer.id for n in listed)


def test_business_notifications_are_refused_to_another_business(session, make, shop):
    _, business, _, customer = shop
    notification = enrollment_request_notification(session, make, shop)
    answers.act_on_notification(session, customer, notification.id, accept=False)
    other_owner, other_business = make.business()

    with pytest.raises(PermissionDeniedError):
        notifications.list_business_notifications(session, other_owner, business.id)
    assert notifications.list_business_notifications(session, other_owner, other_business.id) == []


# --- the list as entries: a scan and its award as one, paged ---------------------------------


def test_a_scan_that_awards_is_one_entry_of_two_recorded_notifications(session, make, shop):
    _, _, program, customer = shop
    make.card(customer, program)
    owner = shop[0]
    scanning.scan_customer(session, owner, program.id, customer.id, make.key())

    kinds = session.exec(
        select(CustomerNotification.type).where(CustomerNotification.customer_id == customer.id)
    ).all()
    assert NotificationType.QR_SCANNED in kinds and NotificationType.POINTS_ADDED in kinds
    feed = notifications.notification_entries(session, customer)
    first = feed.entries[0]
    assert first.main.type == NotificationType.POINTS_ADDED
    assert [n.type for n in first.grouped] == [NotificationType.QR_SCANNED]
    assert notifications.unread_count(session, customer) == len(
        [e for e in feed.entries if e.unread]
    )

    notifications.mark_read(session, customer, first.main.id)
    assert not notifications.notification_entries(session, customer).entries[0].unread
    assert session.get(CustomerNotification, first.grouped[0].id).read_at is not None


def test_the_award_names_the_scan_it_belongs_to(session, make, shop):
    owner, _, program, customer = shop
    make.card(customer, program)
    notifications.mark_all_read(session, customer)  # the welcome: out of the count
    scanning.scan_customer(session, owner, program.id, customer.id, make.key())

    scanned, added = (
        session.exec(
            select(CustomerNotification).where(
                CustomerNotification.customer_id == customer.id, CustomerNotification.type == kind
            )
        ).one()
        for kind in (NotificationType.QR_SCANNED, NotificationType.POINTS_ADDED)
    )
    assert added.data[SCAN_LINK] == scanned.id
    # Marking the scan read marks its award too: the entry is read as one.
    notifications.mark_read(session, customer, scanned.id)
    session.refresh(added)
    assert added.read_at is not None
    assert notifications.unread_count(session, customer) == 0


def test_a_counter_award_right_after_a_scan_in_its_cooldown_is_its_own_entry(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program)
    notifications.mark_all_read(session, customer)  # the welcome: out of the count
    scanning.scan_customer(session, owner, program.id, customer.id, make.key())
    # The second scan earns nothing (cooldown); the points typed at once are no scan's.
    again = scanning.scan_customer(session, owner, program.id, customer.id, make.key())
    assert again.outcome == scanning.ScanOutcome.COOLDOWN
    awards.award_points(session, owner, card.id, 5, make.key())

    entries = notifications.notification_entries(session, customer).entries[:3]
    assert [(e.main.type, len(e.grouped)) for e in entries] == [
        (NotificationType.POINTS_ADDED, 0),
        (NotificationType.QR_SCANNED, 0),
        (NotificationType.POINTS_ADDED, 1),
    ]
    assert notifications.unread_count(session, customer) == 3


def test_rows_without_the_link_stay_apart_and_a_link_groups_across_others(session, make):
    customer = make.customer()
    write = lambda kind, data=None: notify.notify_customer(  # noqa: E731
        session, customer.id, kind, kind.value, "text", business_id=None, data=data
    )
    old_scan = write(NotificationType.QR_SCANNED)
    old_award = write(NotificationType.POINTS_ADDED)  # the same instant, written before links
    scan = write(NotificationType.QR_SCANNED)
    between = write(NotificationType.REWARD_REDEEMED)  # another transaction's, in between
    linked = write(NotificationType.POINTS_ADDED, {SCAN_LINK: scan})
    session.commit()

    entries = notifications.notification_entries(session, customer).entries
    assert [[e.main.id, *(n.id for n in e.grouped)] for e in entries] == [
        [linked, scan],
        [between],
        [old_award],
        [old_scan],
    ]
    # A page ending between the award and its scan still shows the entry whole.
    first = notifications.notification_entries(session, customer, entries=1)
    assert [n.id for n in first.entries[0].grouped] == [scan] and first.has_older
    second = notifications.notification_entries(session, customer, entries=2).entries
    assert [e.main.id for e in second] == [linked, between]
    assert notifications.unread_count(session, customer) == 4


def test_entries_page_and_the_unread_count_matches_what_can_be_reached(session, make, shop):
    owner, business, _, customer = shop
    tell(session, customer, *[f"Note {n}" for n in range(5)])
    for n in range(4):
        program = make.program(owner, business, name=f"Club {n}")
        make.card(customer, program)
        scanning.scan_customer(session, owner, program.id, customer.id, make.key())

    shown, everything = 3, None
    while True:
        feed = notifications.notification_entries(session, customer, entries=shown)
        if not feed.has_older:
            everything = feed.entries
            break
        assert len(feed.entries) == shown
        shown += 3
    recorded = session.exec(
        select(CustomerNotification.id).where(CustomerNotification.customer_id == customer.id)
    ).all()
    reached = [n.id for e in everything for n in [e.main, *e.grouped]]
    assert sorted(reached) == sorted(recorded)
    assert reached == sorted(reached, reverse=True)
    assert notifications.unread_count(session, customer) == len(everything) < len(recorded)


def test_entries_refuses_a_crafted_page(session, make):
    customer = make.customer()
    for crafted in (0, -1, notifications.MAX_ENTRIES + 1, "20", True, None):
        with pytest.raises(ValidationError):
            notifications.notification_entries(session, customer, entries=crafted)
