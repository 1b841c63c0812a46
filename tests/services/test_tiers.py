"""Tiers in the services: the owner's ladder, the multiplier on scans and awards (once per
key, from base points), qualification from base EARN rows, and the window's end."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from gudcity.domain.errors import NotFoundError, ValidationError
from gudcity.domain.tiers import Tier
from gudcity.models import (
    CustomerNotification,
    LoyaltyCard,
    NotificationType,
    PointTransaction,
    ProgramTier,
    TransactionKind,
)
from gudcity.services import (
    awards,
    cards,
    customers,
    deductions,
    expiry,
    expiry_rules,
    exports,
    my_data,
    programs,
    redemptions,
    scanning,
    tiers,
)
from gudcity.services.tier_levels import settle_balance_tiers, settle_due_windows

LADDER = [Tier("Member", 0), Tier("Silver", 50, 150, ("Free refill",)), Tier("Gold", 200, 200)]
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def set_ladder(session, owner, program, ladder=LADDER, **rules):
    return tiers.save_tiers(
        session,
        owner,
        program.id,
        tiers=ladder,
        basis=rules.get("basis", "LIFETIME"),
        window_days=rules.get("window_days", 30),
        downgrade=rules.get("downgrade", "WINDOW"),
    )


def rows(session, card_id, kind=None):
    statement = select(PointTransaction).where(PointTransaction.card_id == card_id)
    if kind is not None:
        statement = statement.where(PointTransaction.kind == kind)
    return list(session.exec(statement.order_by(PointTransaction.id)))


def level(session, card):
    session.expire_all()
    return session.get(LoyaltyCard, card.id).tier_level


def tier_notes(session, customer):
    statement = select(CustomerNotification).where(
        CustomerNotification.customer_id == customer.id,
        CustomerNotification.type == NotificationType.TIER_CHANGED,
    )
    return [note.title for note in session.exec(statement.order_by(CustomerNotification.id))]


def test_a_new_program_has_no_tiers_and_earns_no_bonus(session, make, shop):
    owner, _business, program, customer = shop
    card = make.card(customer, program, balance=500)
    assert tiers.read_tier_settings(session, owner, program.id).tiers == ()
    assert rows(session, card.id, TransactionKind.TIER_BONUS) == []
    assert tiers.tier_standings(session, customer, [card.id]) == {}


def test_the_multiplier_of_the_tier_held_applies_to_an_award(session, make, shop):
    owner, _business, program, customer = shop
    set_ladder(session, owner, program)
    card = make.card(customer, program)
    awards.award_points(session, owner, card.id, 60, make.key())
    # The award that reached Silver earned at Member's 1x; the next earns at 1.5x.
    assert rows(session, card.id, TransactionKind.TIER_BONUS) == []
    assert level(session, card) == 1
    key = make.key()
    awards.award_points(session, owner, card.id, 11, key)
    (bonus,) = rows(session, card.id, TransactionKind.TIER_BONUS)
    assert (bonus.amount, bonus.idempotency_key) == (5, f"tier:{key}")
    assert session.get(LoyaltyCard, card.id).balance == 76
    assert tier_notes(session, customer) == ["You reached Silver"]


def test_an_award_delivered_twice_grants_its_bonus_once(session, make, shop):
    owner, _business, program, customer = shop
    set_ladder(session, owner, program)
    card = make.card(customer, program, balance=60)
    key = make.key()
    for _ in range(2):
        awards.award_points(session, owner, card.id, 20, key)
    assert [row.amount for row in rows(session, card.id, TransactionKind.TIER_BONUS)] == [10]
    assert session.get(LoyaltyCard, card.id).balance == 90


def test_an_award_sent_again_after_it_reached_a_tier_grants_no_bonus(session, make, shop):
    # Found by tests/services/test_growth_engine_properties.py: the double click earned at
    # the tier its first delivery had just reached.
    owner, _business, program, customer = shop
    set_ladder(session, owner, program)
    card = make.card(customer, program)
    key = make.key()
    for _ in range(2):
        awards.award_points(session, owner, card.id, 60, key)
    assert rows(session, card.id, TransactionKind.TIER_BONUS) == []
    assert (level(session, card), session.get(LoyaltyCard, card.id).balance) == (1, 60)


def test_an_awards_longest_key_still_grants_its_bonus_once(session, make, shop):
    owner, _business, program, customer = shop
    set_ladder(session, owner, program, [Tier("Gold", 0, 200)])
    card = make.card(customer, program)
    key = "k" * 128
    for _ in range(2):
        awards.award_points(session, owner, card.id, 7, key)
    assert [row.amount for row in rows(session, card.id, TransactionKind.TIER_BONUS)] == [7]


def test_the_multiplier_applies_to_a_scan(session, make):
    owner, business = make.business()
    program = make.program(owner, business, points_per_scan=10, scan_cooldown_seconds=0)
    set_ladder(session, owner, program, [Tier("Gold", 0, 300)])
    customer = make.customer()
    make.card(customer, program)
    scanning.scan_customer(session, owner, program.id, customer.id, make.key())
    card = session.exec(select(LoyaltyCard).where(LoyaltyCard.customer_id == customer.id)).one()
    assert [row.amount for row in rows(session, card.id)] == [10, 20]
    assert card.balance == 30


def test_bonus_points_count_toward_no_tier(session, make, shop):
    owner, _business, program, customer = shop
    set_ladder(session, owner, program, [Tier("Star", 0, 1000), Tier("Gold", 100)])
    card = make.card(customer, program)
    awards.award_points(session, owner, card.id, 60, make.key())
    assert session.get(LoyaltyCard, card.id).balance == 600
    assert level(session, card) == 0
    standing = tiers.tier_standings(session, customer, [card.id])[card.id]
    assert (standing.tier.name, standing.next.name, standing.next.missing) == ("Star", "Gold", 40)


def test_a_rolling_window_counts_only_its_days(session, make, shop, clock):
    owner, _business, program, customer = shop
    set_ladder(session, owner, program, basis="WINDOW", window_days=30)
    card = make.card(customer, program)
    clock.freeze(T0)
    awards.award_points(session, owner, card.id, 40, make.key())
    clock.freeze(T0 + timedelta(days=30))  # the first 40 just left the window
    awards.award_points(session, owner, card.id, 40, make.key())
    assert level(session, card) == 0
    clock.advance(seconds=1)
    awards.award_points(session, owner, card.id, 10, make.key())
    assert level(session, card) == 1


def _gold_on_a_window(session, make, shop, clock):
    owner, _business, program, customer = shop
    set_ladder(session, owner, program, basis="WINDOW", window_days=30)
    card = make.card(customer, program)
    clock.freeze(T0)
    awards.award_points(session, owner, card.id, 200, make.key())
    assert level(session, card) == 2
    assert session.get(LoyaltyCard, card.id).tier_review_at == T0 + timedelta(days=30)
    return owner, customer, card


def test_a_tier_is_lost_exactly_at_the_windows_end_one_step_and_once(session, make, shop, clock):
    _owner, customer, card = _gold_on_a_window(session, make, shop, clock)
    end = T0 + timedelta(days=30)
    clock.freeze(end - timedelta(microseconds=1))
    assert settle_due_windows(session) == 0
    session.commit()
    assert level(session, card) == 2
    clock.freeze(end)
    assert settle_due_windows(session) == 1
    session.commit()
    assert level(session, card) == 1  # one step, though nothing was earned
    assert session.get(LoyaltyCard, card.id).tier_review_at == end + timedelta(days=30)
    for _ in range(2):  # a second sweep (another worker) changes nothing
        assert settle_due_windows(session) == 0
        session.commit()
    assert level(session, card) == 1
    assert tier_notes(session, customer) == ["You reached Gold", "Your tier is now Silver"]


def test_points_earned_at_the_windows_end_keep_the_tier(session, make, shop, clock):
    owner, customer, card = _gold_on_a_window(session, make, shop, clock)
    end = T0 + timedelta(days=30)
    clock.freeze(end)
    awards.award_points(session, owner, card.id, 200, make.key())  # earned at the edge
    clock.freeze(end + timedelta(days=1))
    settle_due_windows(session)
    session.commit()
    assert level(session, card) == 2
    assert session.get(LoyaltyCard, card.id).tier_review_at == end + timedelta(days=30)
    assert tier_notes(session, customer) == ["You reached Gold"]


def test_an_earn_after_a_missed_sweep_earns_at_the_tier_the_card_still_holds(
    session, make, shop, clock
):
    owner, _customer, card = _gold_on_a_window(session, make, shop, clock)
    clock.freeze(T0 + timedelta(days=61))  # two windows ended; no sweep ran
    awards.award_points(session, owner, card.id, 10, make.key())
    assert level(session, card) == 0
    assert rows(session, card.id, TransactionKind.TIER_BONUS) == []


def test_by_balance_a_spend_takes_the_tier_at_once(session, make, shop):
    owner, _business, program, customer = shop
    set_ladder(session, owner, program, downgrade="BALANCE")
    card = make.card(customer, program, balance=260)
    assert level(session, card) == 2
    request = deductions.request_deduction(session, owner, card.id, 50, make.key())
    deductions.respond_to_deduction(session, customer, request.id, True)
    assert level(session, card) == 2  # 210 left: still Gold
    reward = programs.add_reward(session, owner, program.id, name="Cake", cost=170)
    redemptions.redeem_reward(session, customer, card.id, reward.id, make.key())
    assert level(session, card) == 0  # 40 left: below Silver, told at once
    assert settle_balance_tiers(session) == 0  # nothing left for the sweep
    awards.award_points(session, owner, card.id, 20, make.key())
    assert level(session, card) == 1


def test_by_balance_an_expiry_takes_the_tier_at_the_next_sweep(session, make, shop, clock):
    owner, _business, program, customer = shop
    set_ladder(session, owner, program, downgrade="BALANCE")
    clock.freeze(T0)
    expiry_rules.set_expiry_rule(session, owner, program.id, "AFTER_EARNED", 30)
    card = make.card(customer, program, balance=210)
    clock.freeze(T0 + timedelta(days=30))
    session.rollback()
    assert expiry.settle_card(session, card.id) == 210
    assert level(session, card) == 2
    assert settle_balance_tiers(session) == card.id
    session.commit()
    assert level(session, card) == 0


def test_fewer_tiers_bring_cards_down_to_the_new_top_and_none_take_them_away(session, make, shop):
    owner, _business, program, customer = shop
    set_ladder(session, owner, program)
    card = make.card(customer, program, balance=300)
    assert level(session, card) == 2
    set_ladder(session, owner, program, LADDER[:2])
    assert level(session, card) == 1
    set_ladder(session, owner, program, [])
    assert level(session, card) == 0
    assert tiers.tier_standings(session, customer, [card.id]) == {}
    awards.award_points(session, owner, card.id, 10, make.key())
    assert rows(session, card.id, TransactionKind.TIER_BONUS) == []


@pytest.mark.parametrize(
    "change",
    [
        {"tiers": [Tier("Gold", 10)]},
        {"tiers": [Tier("A", 0), Tier("a", 10)]},
        {"tiers": [Tier("A", 0, 2000)]},
        {"tiers": [Tier("A", 0), Tier("B", "lots")]},
        {"basis": "FOREVER"},
        {"downgrade": "NEVER"},
        {"window_days": 0},
        {"window_days": "30"},
    ],
)
def test_bad_input_changes_nothing(session, make, shop, change):
    owner, _business, program, customer = shop
    set_ladder(session, owner, program)
    make.card(customer, program, balance=60)
    before = make.counts()
    rules = {"tiers": LADDER, "basis": "LIFETIME", "window_days": 30, "downgrade": "WINDOW"}
    with pytest.raises(ValidationError):
        tiers.save_tiers(session, owner, program.id, **(rules | change))
    assert make.counts() == before
    stored = session.exec(select(ProgramTier).where(ProgramTier.program_id == program.id)).all()
    assert [tier.name for tier in stored] == ["Member", "Silver", "Gold"]


def test_an_unknown_program_is_not_found(session, make, shop):
    owner, *_ = shop
    with pytest.raises(NotFoundError):
        tiers.read_tier_settings(session, owner, 999_999)


def test_what_the_card_shows(session, make, shop):
    owner, _business, program, customer = shop
    set_ladder(session, owner, program, basis="WINDOW", window_days=90)
    card = make.card(customer, program, balance=80)
    standing = tiers.tier_standings(session, customer, [card.id])[card.id]
    assert standing.tier == LADDER[1]
    assert (standing.next.name, standing.next.missing, standing.window_days) == ("Gold", 120, 90)


def test_the_customer_list_exports_cards_and_my_data_name_the_tier(session, make, shop):
    owner, business, program, customer = shop
    set_ladder(session, owner, program)
    make.card(customer, program, balance=60)
    (row,) = customers.list_customers(session, owner, business.id).rows
    assert [(p.tier, p.tier_level) for p in row.programs] == [("Silver", 1)]
    (line,) = exports.customers_csv(session, owner, business.id).rows
    assert line[7] == "Silver"
    assert my_data.export_my_data(session, customer)["cards"][0]["tier"] == "Silver"
    assert [card.tier for card in cards.list_cards(session, customer)] == ["Silver"]


def test_a_ladder_switched_to_windows_starts_one_for_cards_above_the_first_tier(
    session, make, shop, clock
):
    owner, _business, program, customer = shop
    clock.freeze(T0)
    set_ladder(session, owner, program)
    card = make.card(customer, program, balance=60)
    member = make.card(make.customer(), program)
    session.expire_all()
    assert session.get(LoyaltyCard, card.id).tier_review_at is None
    set_ladder(session, owner, program, basis="WINDOW", window_days=30)
    session.expire_all()
    assert session.get(LoyaltyCard, card.id).tier_review_at == T0 + timedelta(days=30)
    assert session.get(LoyaltyCard, member.id).tier_review_at is None
    set_ladder(session, owner, program, downgrade="BALANCE")
    session.expire_all()
    assert session.get(LoyaltyCard, card.id).tier_review_at is None


def test_the_card_says_what_keeps_its_tier_at_the_windows_end(session, make, shop, clock):
    owner, customer, card = _gold_on_a_window(session, make, shop, clock)

    def keep():
        return tiers.tier_standings(session, customer, [card.id])[card.id].keep

    assert (keep().missing, keep().until, keep().time_zone) == (200, T0 + timedelta(days=30), "UTC")
    clock.freeze(T0 + timedelta(days=3))
    awards.award_points(session, owner, card.id, 150, make.key())  # its Gold bonus counts not
    assert keep().missing == 50
    awards.award_points(session, owner, card.id, 80, make.key())
    assert keep().missing == 0
