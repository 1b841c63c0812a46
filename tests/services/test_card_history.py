"""A card as its holder sees it (`card_history`), and what leaving a program closes."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, update
from sqlmodel import select

from gudcity.domain.errors import NotFoundError, ValidationError
from gudcity.models import (
    ApprovalRequest,
    ApprovalStatus,
    PointTransaction,
    RewardCodeStatus,
    SyncNotification,
    TransactionKind,
)
from gudcity.services import (
    awards,
    card_history,
    cards,
    customers,
    deductions,
    enrollment,
    programs,
    redemptions,
)


def walk(session, actor, card_id, limit):
    pages, after = [], None
    while True:
        page = card_history.card_history(session, actor, card_id, after=after, limit=limit)
        pages.append(page)
        if page.next_cursor is None:
            return pages
        after = page.next_cursor
        assert len(pages) < 200, "the pages do not end"


def test_history_pages_newest_first_through_the_whole_ledger(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=10)
    for amount in range(1, 8):
        awards.award_points(session, owner, card.id, amount, make.key())
    # Two rows at the same instant: the id breaks the tie, none is lost or doubled.
    same = datetime(2026, 1, 1, tzinfo=UTC)
    session.exec(
        update(PointTransaction).where(PointTransaction.amount.in_([3, 4])).values(created_at=same)
    )
    session.commit()

    pages = walk(session, customer, card.id, limit=3)

    rows = [row for page in pages for row in page.rows]
    everything = session.exec(
        select(PointTransaction.id).where(PointTransaction.card_id == card.id)
    ).all()
    assert sorted(r.transaction_id for r in rows) == sorted(everything)
    assert len(rows) == len(everything) == 8
    keys = [(r.created_at, r.transaction_id) for r in rows]
    assert keys == sorted(keys, reverse=True)
    assert [len(p.rows) for p in pages] == [3, 3, 2]
    assert rows[0].amount == 7 and rows[0].kind == TransactionKind.EARN


def test_history_is_the_holders_only(session, make, shop):
    _, _, program, customer = shop
    card = make.card(customer, program, balance=10)
    mallory = make.customer("Mallory")
    make.card(mallory, program, balance=5)

    for crafted in (card.id + 10_000, -1, 0, "1", True, None, 1.5):
        with pytest.raises(NotFoundError):
            card_history.card_history(session, customer, crafted)
    for call in (
        card_history.card_history,
        card_history.card_summary,
        card_history.card_reward_codes,
    ):
        with pytest.raises(NotFoundError):
            call(session, mallory, card.id)


def test_a_crafted_cursor_is_refused(session, make, shop):
    _, _, program, customer = shop
    card = make.card(customer, program, balance=10)
    for cursor in (("yesterday", 1), (datetime(2026, 1, 1), 1), (datetime.now(UTC), -4), [1, 2, 3]):
        with pytest.raises(ValidationError):
            card_history.card_history(session, customer, card.id, after=cursor)


def test_reward_codes_of_the_card_past_and_present(session, make, shop):
    owner, _, program, customer = shop
    card = make.card(customer, program, balance=100)
    reward = programs.add_reward(session, owner, program.id, name="Free coffee", cost=20)
    first = redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    second = redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    codes = redemptions.list_reward_codes(session, customer)
    cancelled = next(c for c in codes if c.code == first.redemption_code)
    redemptions.cancel_reward_code(session, customer, cancelled.code_id)

    shown = card_history.card_reward_codes(session, customer, card.id)

    assert [(c.code, c.status) for c in shown] == [
        (second.redemption_code, RewardCodeStatus.WAITING),
        (first.redemption_code, RewardCodeStatus.CANCELLED),
    ]


def test_summary_names_the_card_and_says_once_left(session, make, shop):
    _, business, program, customer = shop
    card = make.card(customer, program, balance=30)

    summary = card_history.card_summary(session, customer, card.id)
    assert (summary.program_name, summary.business_name, summary.balance) == (
        program.name,
        business.name,
        30,
    )
    assert summary.enrolled
    enrollment.leave_program(session, customer, program.id)
    assert not card_history.card_summary(session, customer, card.id).enrolled


# --- leaving a program ----------------------------------------------------------------------


def test_leaving_closes_waiting_codes_and_pending_deductions(session, make, shop):
    owner, business, program, customer = shop
    card = make.card(customer, program, balance=100)
    reward = programs.add_reward(session, owner, program.id, name="Free coffee", cost=20)
    redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    request = deductions.request_deduction(session, owner, card.id, 5, make.key())
    last = session.exec(select(func.max(SyncNotification.id))).one()

    enrollment.leave_program(session, customer, program.id)

    codes = card_history.card_reward_codes(session, customer, card.id)
    assert [c.status for c in codes] == [RewardCodeStatus.CANCELLED]
    session.refresh(card)
    assert card.balance == 100, "the cancelled code's points went back on the kept card"
    assert session.get(ApprovalRequest, request.id).status == ApprovalStatus.DECLINED
    assert cards.list_cards(session, customer) == []
    assert customers.list_customers(session, owner, business.id).rows == []
    topics = set(
        session.exec(select(SyncNotification.topic).where(SyncNotification.id > last)).all()
    )
    assert {f"customer:{customer.id}", f"business:{business.id}"} <= topics


def test_leaving_leaves_other_programs_alone(session, make, shop):
    owner, business, program, customer = shop
    other = make.program(owner, business, name="Tea Club")
    kept = make.card(customer, other, balance=50)
    reward = programs.add_reward(session, owner, other.id, name="Tea", cost=10)
    redemptions.redeem_reward(session, customer, kept.id, reward.id, make.key())
    request = deductions.request_deduction(session, owner, kept.id, 5, make.key())
    make.card(customer, program, balance=10)

    enrollment.leave_program(session, customer, program.id)

    assert [c.status for c in card_history.card_reward_codes(session, customer, kept.id)] == [
        RewardCodeStatus.WAITING
    ]
    assert session.get(ApprovalRequest, request.id).status == ApprovalStatus.PENDING
    assert [c.card_id for c in cards.list_cards(session, customer)] == [kept.id]
