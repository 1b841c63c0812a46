"""One customer as the business sees them: `customer_detail` and `customer_history`."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert, update

from gudcity.domain.errors import NotFoundError, ValidationError
from gudcity.domain.membership import Membership
from gudcity.models import (
    LoyaltyCard,
    LoyaltyProgram,
    PointTransaction,
    ProgramKind,
    TransactionKind,
)
from gudcity.services import awards, customer_detail, deductions, enrollment, redemptions
from gudcity.services import programs as programs_service
from gudcity.services.permissions import Permission


@pytest.fixture
def cafe(make):
    """Alice holds a points card and a stamps card at Bean There; Tea Club she never joined."""
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club")
    stamps = make.program(owner, business, name="Pastry Stamps", kind=ProgramKind.STAMPS)
    tea = make.program(owner, business, name="Tea Club")
    alice = make.customer("Alice")
    coffee_card = make.card(alice, coffee, balance=30)
    stamps_card = make.card(alice, stamps, balance=6)
    return owner, business, alice, coffee, stamps, tea, coffee_card, stamps_card


def walk(session, actor, business_id, customer_id, limit):
    pages, after = [], None
    while True:
        page = customer_detail.customer_history(
            session, actor, business_id, customer_id, after=after, limit=limit
        )
        pages.append(page)
        if page.next_cursor is None:
            return pages
        after = page.next_cursor
        assert len(pages) < 500, "the pages do not end"


def test_detail_holds_name_programs_balances_and_visits(session, cafe):
    owner, business, alice, _, _, _, _, _ = cafe

    detail = customer_detail.customer_detail(session, owner, business.id, alice.id)

    assert (detail.name, detail.email, detail.card_number) == (
        alice.name,
        alice.email,
        alice.card_number,
    )
    assert [(p.program_name, p.program_kind, p.membership, p.balance) for p in detail.programs] == [
        ("Coffee Club", ProgramKind.POINTS, Membership.ENROLLED, 30),
        ("Pastry Stamps", ProgramKind.STAMPS, Membership.ENROLLED, 6),
        ("Tea Club", ProgramKind.POINTS, Membership.NOT_ENROLLED, None),
    ]
    # Each join and each award was a visit.
    assert detail.visit_count == 4
    assert [v.kind for v in detail.recent_visits] == ["award", "enroll", "award", "enroll"]


def test_an_invitation_shows_as_invited(session, make, cafe):
    owner, business, alice, _, _, tea, _, _ = cafe
    enrollment.request_enrollment(session, owner, tea.id, alice.id, make.key())

    detail = customer_detail.customer_detail(session, owner, business.id, alice.id)

    assert detail.programs[-1].membership == Membership.INVITED


def test_history_is_newest_first_across_programs_with_kind_amount_and_actor(session, make, cafe):
    owner, business, alice, coffee, _, _, coffee_card, stamps_card = cafe
    barista = make.staff(owner, business, Permission.AWARD, Permission.DEDUCT)
    awards.award_points(session, barista, stamps_card.id, 2, make.key())
    request = deductions.request_deduction(session, barista, coffee_card.id, 5, make.key())
    deductions.respond_to_deduction(session, alice, request.id, True)
    reward = programs_service.add_reward(session, owner, coffee.id, name="Free coffee", cost=10)
    redemptions.redeem_reward(session, alice, coffee_card.id, reward.id, make.key())

    page = customer_detail.customer_history(session, owner, business.id, alice.id)

    assert [
        (r.kind, r.amount, r.program_name, r.program_kind, r.actor_name, r.by_customer)
        for r in page.rows
    ] == [
        (TransactionKind.REDEEM, -10, "Coffee Club", ProgramKind.POINTS, "Alice", True),
        (TransactionKind.DEDUCT, -5, "Coffee Club", ProgramKind.POINTS, barista.name, False),
        (TransactionKind.EARN, 2, "Pastry Stamps", ProgramKind.STAMPS, barista.name, False),
        (TransactionKind.EARN, 6, "Pastry Stamps", ProgramKind.STAMPS, owner.name, False),
        (TransactionKind.EARN, 30, "Coffee Club", ProgramKind.POINTS, owner.name, False),
    ]
    assert page.next_cursor is None
    times = [r.created_at for r in page.rows]
    assert times == sorted(times, reverse=True)


def test_history_pages_walk_every_row_once_newest_first(session, make, cafe):
    owner, business, alice, _, _, _, coffee_card, stamps_card = cafe
    for n in range(1, 8):
        card = coffee_card if n % 2 else stamps_card
        awards.award_points(session, owner, card.id, n, make.key())

    pages = walk(session, owner, business.id, alice.id, limit=3)

    rows = [r for page in pages for r in page.rows]
    assert [len(page.rows) for page in pages] == [3, 3, 3]
    assert [r.amount for r in rows] == [7, 6, 5, 4, 3, 2, 1, 6, 30]
    assert len({r.transaction_id for r in rows}) == 9


def test_history_keeps_the_rows_of_a_program_the_customer_left(session, cafe):
    owner, business, alice, _, stamps, _, _, _ = cafe
    enrollment.leave_program(session, alice, stamps.id)

    page = customer_detail.customer_history(session, owner, business.id, alice.id)
    detail = customer_detail.customer_detail(session, owner, business.id, alice.id)

    assert {r.program_name for r in page.rows} == {"Coffee Club", "Pastry Stamps"}
    assert [p.membership for p in detail.programs][:2] == [
        Membership.ENROLLED,
        Membership.NOT_ENROLLED,
    ]


def test_staff_without_any_permission_see_the_customer(session, make, cafe):
    owner, business, alice, _, _, _, _, _ = cafe
    staff = make.staff(owner, business)

    assert customer_detail.customer_detail(session, staff, business.id, alice.id).name == "Alice"
    assert len(customer_detail.customer_history(session, staff, business.id, alice.id).rows) == 2


def test_another_business_customer_is_not_found_and_shows_nothing(session, make, cafe):
    owner, business, alice, _, _, _, _, _ = cafe
    rival, rivals = make.business("Rival Roasters")
    bob = make.customer("Bob")
    make.card(bob, make.program(rival, rivals), balance=12)

    with pytest.raises(NotFoundError, match="Customer not found"):
        customer_detail.customer_detail(session, owner, business.id, bob.id)
    with pytest.raises(NotFoundError, match="Customer not found"):
        customer_detail.customer_detail(session, rival, rivals.id, alice.id)
    with pytest.raises(NotFoundError, match="Customer not found"):
        customer_detail.customer_history(session, owner, business.id, bob.id)
    with pytest.raises(NotFoundError, match="Customer not found"):
        customer_detail.customer_history(session, rival, rivals.id, alice.id)


@pytest.mark.parametrize("customer_id", [0, -1, 2**40, "1", None, True])
def test_no_such_customer_is_not_found(session, cafe, customer_id):
    owner, business, *_ = cafe
    with pytest.raises(NotFoundError, match="Customer not found"):
        customer_detail.customer_detail(session, owner, business.id, customer_id)


def test_the_owner_and_staff_are_not_customers_here(session, make, cafe):
    owner, business, *_ = cafe
    staff = make.staff(owner, business)
    for user in (owner, staff):
        with pytest.raises(NotFoundError):
            customer_detail.customer_detail(session, owner, business.id, user.id)


def test_an_invited_customer_who_never_joined_is_not_found(session, make, cafe):
    owner, business, _, _, _, tea, _, _ = cafe
    bob = make.customer("Bob")
    enrollment.request_enrollment(session, owner, tea.id, bob.id, make.key())
    with pytest.raises(NotFoundError):
        customer_detail.customer_detail(session, owner, business.id, bob.id)


@pytest.mark.parametrize(
    "after",
    [("2026-01-01", 1), (datetime(2026, 1, 1), 1), (datetime.now(UTC), 0), "x", (1, 2, 3)],
)
def test_a_cursor_not_handed_out_is_refused(session, cafe, after):
    owner, business, alice, *_ = cafe
    with pytest.raises(ValidationError, match="start again"):
        customer_detail.customer_history(session, owner, business.id, alice.id, after=after)


# --- the paging, for any rows -------------------------------------------------------------


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    offsets=st.lists(
        st.tuples(st.integers(min_value=0, max_value=1), st.integers(0, 6)), max_size=30
    ),
    limit=st.integers(min_value=1, max_value=7),
)
def test_walking_the_history_yields_every_row_once_in_order(session, make, offsets, limit):
    """Random rows on two cards, many at the very same instant: the pages, one after
    another, hold each row exactly once, newest first ((created_at, id) descending)."""
    owner, business = make.business()
    customer = make.customer()
    cards = [make.card(customer, make.program(owner, business)) for _ in range(2)]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [
        {
            "card_id": cards[which].id,
            "kind": TransactionKind.ADJUST,
            "amount": 1,
            "actor_id": owner.id,
            "idempotency_key": make.key(),
            "note": "",
            "created_at": start + timedelta(seconds=second),
        }
        for which, second in offsets
    ]
    if rows:
        session.execute(insert(PointTransaction), rows)
    for which, card in enumerate(cards):
        held = sum(1 for w, _ in offsets if w == which)
        session.execute(update(LoyaltyCard).where(LoyaltyCard.id == card.id).values(balance=held))
    session.commit()

    pages = walk(session, owner, business.id, customer.id, limit)

    walked = [(r.created_at, r.transaction_id) for page in pages for r in page.rows]
    assert walked == sorted(walked, reverse=True)
    assert len(walked) == len(set(walked)) == len(rows)
    assert all(len(page.rows) == limit for page in pages[:-1])


def test_an_archived_program_leaves_the_choices_but_not_the_history(session, cafe):
    owner, business, alice, _, stamps, _, _, _ = cafe
    session.execute(
        update(LoyaltyProgram)
        .where(LoyaltyProgram.id == stamps.id)
        .values(archived_at=datetime.now(UTC))
    )
    session.commit()

    detail = customer_detail.customer_detail(session, owner, business.id, alice.id)
    page = customer_detail.customer_history(session, owner, business.id, alice.id)

    assert "Pastry Stamps" not in [p.program_name for p in detail.programs]
    assert [r.program_name for r in page.rows] == ["Pastry Stamps", "Coffee Club"]
