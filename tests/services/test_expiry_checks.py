"""The sweep reads a card again only when it may have work: at its next look (a warning's
time, or a deadline warned of), or once it moved, or the warning days changed."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from gudcity.models import (
    CustomerNotification,
    ExpiryCheck,
    LoyaltyCard,
    NotificationType,
    RewardCode,
)
from gudcity.realtime import sweeps
from gudcity.services import (
    awards,
    deductions,
    expiry,
    expiry_candidates,
    expiry_rules,
    programs,
    redemptions,
)
from gudcity.settings import get_settings

T0 = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)
US = timedelta(microseconds=1)


@pytest.fixture(autouse=True)
def app_database(engine, monkeypatch):
    """The sweep opens sessions of its own, as a worker does."""
    monkeypatch.setattr("gudcity.db.get_engine", lambda: engine)


@pytest.fixture
def reads(monkeypatch) -> list[int]:
    """The cards whose ledgers the sweep's batches read, in order."""
    read, seen = expiry_candidates.ledger_entries, []

    def counted(session, card_ids):
        seen.extend(card_ids)
        return read(session, card_ids)

    monkeypatch.setattr(expiry_candidates, "ledger_entries", counted)
    return seen


@pytest.fixture
def held_card(session, make, shop, clock):
    """20 points earned at T0 under a 30-day rule (warned of 7 days before, by default)."""
    owner, _business, program, customer = shop
    clock.freeze(T0 - DAY)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 30)
    clock.freeze(T0)
    card = make.card(customer, program, balance=20)
    return owner, customer, program, card.id


def sweep(session, reads: list[int]) -> tuple[int, list[int]]:
    """A worker's sweep: the points it expired and the cards it read."""
    session.rollback()
    reads.clear()
    return sweeps.expire_points_once(), list(reads)


def notes(session, customer_id) -> int:
    """The customer's warnings of points expiring."""
    session.expire_all()
    rows = session.exec(
        select(CustomerNotification.id).where(
            CustomerNotification.customer_id == customer_id,
            CustomerNotification.type == NotificationType.POINTS_EXPIRING,
        )
    )
    return len(rows.all())


def balance(session, card_id) -> int:
    session.expire_all()
    return session.get(LoyaltyCard, card_id).balance


def checked(session, clock, reads, card_id) -> None:
    """At T0 + 23 days: the card warned of its T0 + 30 deadline, then read once more
    with nothing to do, which writes its check."""
    clock.freeze(T0 + 23 * DAY)
    assert sweep(session, reads) == (0, [card_id])
    assert sweep(session, reads) == (0, [card_id])
    assert sweep(session, reads) == (0, [])


def test_a_card_is_read_again_at_its_deadline_and_at_its_next_warning(
    session, make, clock, held_card, reads
):
    owner, _customer, _program, card_id = held_card
    clock.freeze(T0 + 10 * DAY)
    awards.award_points(session, owner, card_id, 10, make.key())  # due at T0 + 40
    checked(session, clock, reads, card_id)
    session.expire_all()
    assert session.get(ExpiryCheck, card_id).look_at == T0 + 30 * DAY  # warned of: itself

    clock.freeze(T0 + 30 * DAY - US)
    assert sweep(session, reads) == (0, [])
    clock.freeze(T0 + 30 * DAY)
    assert sweep(session, reads) == (20, [card_id])
    assert sweep(session, reads) == (0, [card_id])  # moved by its expiry: checked again
    session.expire_all()
    assert session.get(ExpiryCheck, card_id).look_at == T0 + 33 * DAY  # to warn of T0 + 40

    clock.freeze(T0 + 33 * DAY - US)
    assert sweep(session, reads) == (0, [])
    clock.freeze(T0 + 33 * DAY)
    assert sweep(session, reads) == (0, [card_id])
    assert notes(session, _customer.id) == 2


def test_a_move_of_the_card_sends_it_back_to_be_read(session, make, clock, held_card, reads):
    owner, _customer, _program, card_id = held_card
    checked(session, clock, reads, card_id)

    awards.award_points(session, owner, card_id, 5, make.key())
    assert sweep(session, reads) == (0, [card_id])
    assert sweep(session, reads) == (0, [])


def test_a_refund_of_old_points_is_read_and_expired_on_time(session, make, clock, held_card, reads):
    owner, customer, program, card_id = held_card
    reward = programs.add_reward(session, owner, program.id, name="Cake", cost=20)
    checked(session, clock, reads, card_id)
    redemptions.redeem_reward(session, customer, card_id, reward.id, make.key())
    awards.award_points(session, owner, card_id, 1, make.key())  # due at T0 + 53
    assert sweep(session, reads) == (0, [card_id])
    assert sweep(session, reads) == (0, [])
    session.rollback()
    code_id = session.exec(select(RewardCode.id).where(RewardCode.card_id == card_id)).one()
    redemptions.cancel_reward_code(session, customer, code_id)  # the first 20 come back

    clock.freeze(T0 + 30 * DAY)
    assert sweep(session, reads) == (20, [card_id])
    assert balance(session, card_id) == 1


def test_a_change_of_the_warning_days_reads_the_cards_again(
    session, clock, held_card, reads, monkeypatch
):
    _owner, _customer, _program, card_id = held_card
    checked(session, clock, reads, card_id)

    monkeypatch.setattr(get_settings(), "expiry_warning_days", 21)
    assert sweep(session, reads) == (0, [card_id])
    assert sweep(session, reads) == (0, [])


def batch_reading(session, moment):
    """The sweep's batch read of the shop's one expiring program: its readings."""
    session.rollback()
    [program] = expiry_candidates.expiring_programs(session)
    readings, _after = expiry_candidates.cards_to_settle(session, program, moment)
    return readings


def test_a_card_that_moved_after_the_batch_read_it_is_read_again(session, make, clock, held_card):
    owner, customer, _program, card_id = held_card
    clock.freeze(T0 + 30 * DAY)
    [reading] = batch_reading(session, T0 + 30 * DAY)
    assert (reading.card_id, sum(e.amount for e in reading.entries)) == (card_id, 20)
    request = deductions.request_deduction(session, owner, card_id, 15, make.key())
    deductions.respond_to_deduction(session, customer, request.id, True)  # takes the due 15

    session.rollback()
    assert expiry.settle_card(session, card_id, reading) == 5
    assert balance(session, card_id) == 0


def test_a_rule_changed_after_the_batch_read_is_the_one_applied(session, clock, held_card):
    owner, _customer, program, card_id = held_card
    clock.freeze(T0 + 30 * DAY)
    [reading] = batch_reading(session, T0 + 30 * DAY)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 60)

    session.rollback()
    assert expiry.settle_card(session, card_id, reading) == 0  # 60 days now: not due yet
    assert balance(session, card_id) == 20
