"""The activity log: each counter action writes its row, and the owner pages through them."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, select

from gudcity.domain.errors import PermissionDeniedError, ValidationError
from gudcity.domain.scans import ScanOutcome
from gudcity.models import ProgramKind, StaffAction, StaffActionKind
from gudcity.services import activity, awards, deductions, enrollment, qr_cards, scanning
from gudcity.services.permissions import Permission
from tests.support.snapshots import changes, snapshot

ALL = (Permission.SCAN, Permission.AWARD, Permission.DEDUCT)


@pytest.fixture
def counter(make):
    """Bean There with a barista who may do everything at the counter, and Alice's card."""
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club", points_per_scan=10)
    barista = make.staff(owner, business, *ALL)
    alice = make.customer("Alice")
    card = make.card(alice, program, balance=50)
    return owner, business, program, barista, alice, card


def logged(session) -> list[StaffAction]:
    session.rollback()
    return list(session.exec(select(StaffAction).order_by(StaffAction.id)).scalars())


def newest(session) -> StaffAction:
    return logged(session)[-1]


def walk(session, owner, business_id, limit, **filters):
    pages, after = [], None
    while True:
        page = activity.list_activity(
            session, owner, business_id, after=after, limit=limit, **filters
        )
        pages.append(page)
        if page.next_cursor is None:
            return pages
        after = page.next_cursor
        assert len(pages) < 500, "the pages do not end"


# --- each action writes its row, naming who did it -----------------------------------------


def test_a_manual_award_is_logged_with_its_amount_and_transaction(session, make, counter):
    _, business, program, barista, alice, card = counter
    before = len(logged(session))

    transaction = awards.award_points(session, barista, card.id, 15, make.key())

    action = newest(session)
    assert len(logged(session)) == before + 1
    assert (action.kind, action.actor_id, action.business_id) == (
        StaffActionKind.AWARD,
        barista.id,
        business.id,
    )
    assert (action.customer_id, action.program_id, action.amount) == (alice.id, program.id, 15)
    assert action.transaction_id == transaction.id


def test_the_same_award_sent_twice_is_logged_once(session, make, counter):
    _, _, _, barista, _, card = counter
    key = make.key()
    awards.award_points(session, barista, card.id, 15, key)
    before = snapshot(session)

    awards.award_points(session, barista, card.id, 15, key)

    assert changes(before, snapshot(session)) == {}


def test_a_scan_that_awards_logs_the_scan_and_its_award(session, make, counter):
    _, _, program, barista, alice, _ = counter
    before = len(logged(session))

    result = scanning.scan_customer(session, barista, program.id, alice.id, make.key())

    *_, award, scan = logged(session)
    assert len(logged(session)) == before + 2
    assert (award.kind, award.actor_id, award.amount, award.transaction_id) == (
        StaffActionKind.AWARD,
        barista.id,
        10,
        result.transaction.id,
    )
    assert (scan.kind, scan.actor_id, scan.customer_id, scan.detail) == (
        StaffActionKind.SCAN,
        barista.id,
        alice.id,
        ScanOutcome.AWARDED,
    )


def test_a_scan_delivered_twice_is_logged_once(session, make, counter):
    _, _, program, barista, alice, _ = counter
    key = make.key()
    scanning.scan_customer(session, barista, program.id, alice.id, key)
    before = snapshot(session)

    scanning.scan_customer(session, barista, program.id, alice.id, key)

    assert changes(before, snapshot(session)) == {}


def test_a_qr_scan_of_a_new_customer_logs_the_scan_and_the_invitation(session, make, counter):
    _, _, program, barista, _, _ = counter
    bob = make.customer("Bob")
    token = qr_cards.issue_token(bob)

    scanning.scan_token(session, barista, program.id, token, make.key())

    *_, invitation, scan = logged(session)
    assert (invitation.kind, invitation.actor_id, invitation.customer_id) == (
        StaffActionKind.ENROLLMENT_REQUEST,
        barista.id,
        bob.id,
    )
    assert (scan.kind, scan.detail) == (StaffActionKind.SCAN, ScanOutcome.ENROLLMENT_REQUESTED)


def test_a_deduction_request_is_logged_with_its_amount(session, make, counter):
    _, _, program, barista, alice, card = counter

    deductions.request_deduction(session, barista, card.id, 20, make.key())

    action = newest(session)
    assert (action.kind, action.actor_id, action.customer_id, action.program_id) == (
        StaffActionKind.DEDUCTION_REQUEST,
        barista.id,
        alice.id,
        program.id,
    )
    assert action.amount == 20


def test_an_invitation_is_logged(session, make, counter):
    owner, business, _, barista, _, _ = counter
    tea = make.program(owner, business, name="Tea Club")
    bob = make.customer("Bob")

    enrollment.request_enrollment(session, barista, tea.id, bob.id, make.key())

    action = newest(session)
    assert (action.kind, action.actor_id, action.customer_id, action.program_id) == (
        StaffActionKind.ENROLLMENT_REQUEST,
        barista.id,
        bob.id,
        tea.id,
    )


def test_a_refused_action_logs_nothing(session, make, counter):
    owner, business, _, _, _, card = counter
    scanner_only = make.staff(owner, business, Permission.SCAN)
    before = snapshot(session)

    with pytest.raises(PermissionDeniedError):
        awards.award_points(session, scanner_only, card.id, 5, make.key())

    assert changes(before, snapshot(session)) == {}


# --- the owner's log -----------------------------------------------------------------------


def test_the_log_names_staff_customer_amount_newest_first(session, make, counter):
    owner, business, _, barista, _, card = counter
    awards.award_points(session, barista, card.id, 15, make.key())
    deductions.request_deduction(session, owner, card.id, 5, make.key())

    page = activity.list_activity(session, owner, business.id)

    assert [
        (r.kind, r.actor_name, r.customer_name, r.amount, r.program_name, r.program_kind)
        for r in page.rows[:3]
    ] == [
        (
            StaffActionKind.DEDUCTION_REQUEST,
            owner.name,
            "Alice",
            5,
            "Coffee Club",
            ProgramKind.POINTS,
        ),
        (StaffActionKind.AWARD, barista.name, "Alice", 15, "Coffee Club", ProgramKind.POINTS),
        # make.card's award of the opening balance, by the owner.
        (StaffActionKind.AWARD, owner.name, "Alice", 50, "Coffee Club", ProgramKind.POINTS),
    ]
    assert page.next_cursor is None


def test_the_staff_filter_keeps_one_members_actions_the_owners_included(session, make, counter):
    owner, business, _, barista, _, card = counter
    awards.award_points(session, barista, card.id, 15, make.key())

    mine = activity.list_activity(session, owner, business.id, staff_id=owner.id)
    theirs = activity.list_activity(session, owner, business.id, staff_id=barista.id)

    assert {r.actor_id for r in mine.rows} == {owner.id}
    assert [r.amount for r in theirs.rows] == [15]
    assert activity.list_activity(session, owner, business.id, staff_id=2**40).rows == []


def test_the_day_filter_keeps_one_utc_day(session, make, counter):
    owner, business, _, barista, alice, _ = counter
    yesterday = datetime.now(UTC) - timedelta(days=1)
    session.execute(
        insert(StaffAction),
        [
            {
                "business_id": business.id,
                "actor_id": barista.id,
                "kind": StaffActionKind.SCAN,
                "customer_id": alice.id,
                "detail": "AWARDED",
                "created_at": yesterday,
            }
        ],
    )
    session.commit()

    today = activity.list_activity(session, owner, business.id, day=datetime.now(UTC).date())
    before = activity.list_activity(session, owner, business.id, day=yesterday.date())

    assert [r.created_at for r in before.rows] == [yesterday]
    assert yesterday not in [r.created_at for r in today.rows]
    assert today.rows


def test_staff_members_lists_the_owner_then_the_staff(session, make, counter):
    owner, business, _, barista, _, _ = counter
    rival, rivals = make.business("Elsewhere")
    make.staff(rival, rivals)

    members = activity.staff_members(session, owner, business.id)

    assert [(m.user_id, m.is_owner) for m in members] == [(owner.id, True), (barista.id, False)]


def test_staff_and_other_owners_may_not_read_the_log(session, make, counter):
    _, business, _, barista, alice, _ = counter
    rival, _ = make.business("Elsewhere")
    for who in (barista, rival, alice, None):
        with pytest.raises(PermissionDeniedError):
            activity.list_activity(session, who, business.id)
        with pytest.raises(PermissionDeniedError):
            activity.staff_members(session, who, business.id)


@pytest.mark.parametrize(
    "filters",
    [
        {"after": ("2026-01-01", 1)},
        {"after": (datetime(2026, 1, 1), 1)},
        {"day": "2026-01-01"},
        {"day": datetime(2026, 1, 1, tzinfo=UTC)},
    ],
)
def test_filters_not_handed_out_are_refused(session, counter, filters):
    owner, business, *_ = counter
    with pytest.raises(ValidationError):
        activity.list_activity(session, owner, business.id, **filters)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    actions=st.lists(
        st.tuples(st.integers(0, 1), st.integers(0, 3), st.integers(0, 20)), max_size=30
    ),
    limit=st.integers(min_value=1, max_value=6),
    by=st.sampled_from([None, 0, 1]),
    on_day=st.sampled_from([None, 0, 1]),
)
def test_walking_the_log_yields_every_matching_action_once_in_order(
    session, make, actions, limit, by, on_day
):
    """Random actions by two members over days, many at the same instant: the pages hold
    each action that matches the filters exactly once, newest first."""
    owner, business = make.business()
    members = [owner, make.staff(owner, business)]
    start = datetime(2026, 3, 1, tzinfo=UTC)
    rows = [
        {
            "business_id": business.id,
            "actor_id": members[member].id,
            "kind": StaffActionKind.SCAN,
            "detail": "",
            "created_at": start + timedelta(days=day, minutes=minute % 3),
        }
        for member, day, minute in actions
    ]
    if rows:
        session.execute(insert(StaffAction), rows)
    session.commit()
    filters = {
        "staff_id": None if by is None else members[by].id,
        "day": None if on_day is None else date(2026, 3, 1 + on_day),
    }

    pages = walk(session, owner, business.id, limit, **filters)

    walked = [(r.created_at, r.action_id) for page in pages for r in page.rows]
    expected = [
        (member, day)
        for member, day, _ in actions
        if (by is None or member == by) and (on_day is None or day == on_day)
    ]
    assert walked == sorted(walked, reverse=True)
    assert len(walked) == len(set(walked)) == len(expected)
    assert all(len(page.rows) == limit for page in pages[:-1])
