"""Promotions: kept by the program's managers, and granted on scans and awards at the
business's local hours (a frozen clock; Europe/Berlin, on the day its clocks change)."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from gudcity.domain.errors import NotFoundError, PermissionDeniedError, ValidationError
from gudcity.models import LoyaltyCard, NotificationType, PointTransaction, TransactionKind
from gudcity.services import awards, notifications, programs, promotions, scanning
from gudcity.services.permissions import Permission
from gudcity.services.promotion_bonuses import running_promotions
from gudcity.services.promotions import PromotionInput

WEEKDAYS = [0, 1, 2, 3, 4]
SUNDAY = 6
# Berlin moves its clocks forward on Sunday 29 March 2026: 9:00 local is 07:00 UTC.
CHANGE_DAY_NINE = datetime(2026, 3, 29, 7, 0, tzinfo=UTC)


def mornings(**changes) -> PromotionInput:
    """2x points, Sundays 9:00-11:00, through 2026."""
    values = {
        "name": "Sunday mornings",
        "kind": "MULTIPLIER",
        "value": 200,
        "weekdays": [SUNDAY],
        "start_time": "09:00",
        "end_time": "11:00",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 12, 31),
    }
    return PromotionInput(**(values | changes))


@pytest.fixture
def berlin(session, make, shop, clock):
    """Bean There in Berlin, Alice's card, the clock at 8:59 local on the change day."""
    owner, business, program, customer = shop
    business.time_zone = "Europe/Berlin"
    session.add(business)
    session.commit()
    card = make.card(customer, program)
    clock.freeze(CHANGE_DAY_NINE - timedelta(minutes=1))
    return owner, business, program, customer, card


def bonuses(session, card) -> list[int]:
    statement = select(PointTransaction.amount).where(
        PointTransaction.card_id == card.id,
        PointTransaction.kind == TransactionKind.PROMOTION_BONUS,
    )
    return sorted(session.exec(statement).all())


def balance(session, card) -> int:
    session.expire_all()
    return session.get(LoyaltyCard, card.id).balance


def test_an_award_at_859_local_earns_no_bonus_and_at_900_doubles(session, make, berlin, clock):
    owner, _, program, _, card = berlin
    promotions.create_promotion(session, owner, program.id, mornings())

    awards.award_points(session, owner, card.id, 10, make.key())
    assert bonuses(session, card) == []
    clock.freeze(CHANGE_DAY_NINE)
    awards.award_points(session, owner, card.id, 10, make.key())

    assert bonuses(session, card) == [10]
    assert balance(session, card) == 30


def test_a_scan_earns_the_promotion_too_and_the_customer_is_told(session, make, berlin, clock):
    owner, _, program, customer, card = berlin
    promotions.create_promotion(session, owner, program.id, mornings(kind="BONUS", value=5))
    clock.freeze(CHANGE_DAY_NINE + timedelta(hours=1, minutes=59))  # 10:59 local

    scanning.scan_customer(session, owner, program.id, customer.id, make.key())

    assert bonuses(session, card) == [5]
    assert balance(session, card) == 15
    told = notifications.list_customer_notifications(session, customer)
    earned = [n.message for n in told if n.type == NotificationType.POINTS_ADDED]
    assert earned == ["You earned 15 points from Bean There, with a bonus of 5 points!"]
    assert not [n for n in told if n.type == NotificationType.BONUS_GRANTED]


def test_the_end_time_is_not_included(session, make, berlin, clock):
    owner, _, program, _, card = berlin
    promotions.create_promotion(session, owner, program.id, mornings())
    clock.freeze(CHANGE_DAY_NINE + timedelta(hours=2))  # 11:00 local
    awards.award_points(session, owner, card.id, 10, make.key())
    assert bonuses(session, card) == []


def test_an_award_delivered_twice_earns_its_bonus_once(session, make, berlin, clock):
    owner, _, program, _, card = berlin
    promotions.create_promotion(session, owner, program.id, mornings())
    clock.freeze(CHANGE_DAY_NINE)
    key = make.key()
    awards.award_points(session, owner, card.id, 10, key)
    awards.award_points(session, owner, card.id, 10, key)
    assert bonuses(session, card) == [10]
    assert balance(session, card) == 20


def test_two_promotions_add_up_from_the_base_never_compound(session, make, berlin, clock):
    owner, _, program, _, card = berlin
    promotions.create_promotion(session, owner, program.id, mornings(value=150))
    promotions.create_promotion(session, owner, program.id, mornings(kind="BONUS", value=3))
    clock.freeze(CHANGE_DAY_NINE)
    awards.award_points(session, owner, card.id, 15, make.key())
    assert bonuses(session, card) == [3, 7]
    assert balance(session, card) == 25


def test_once_per_day_grants_one_bonus_a_local_day(session, make, berlin, clock):
    owner, _, program, _, card = berlin
    promotions.create_promotion(
        session,
        owner,
        program.id,
        mornings(weekdays=list(range(7)), start_time="00:00", end_time="24:00", once_per_day=True),
    )
    clock.freeze(datetime(2026, 3, 28, 22, 30, tzinfo=UTC))  # 23:30 local, Saturday
    awards.award_points(session, owner, card.id, 10, make.key())
    awards.award_points(session, owner, card.id, 10, make.key())
    assert bonuses(session, card) == [10]
    clock.freeze(datetime(2026, 3, 28, 23, 0, tzinfo=UTC))  # midnight local: Sunday
    awards.award_points(session, owner, card.id, 20, make.key())
    assert bonuses(session, card) == [10, 20]


def test_the_first_and_last_days_hold(session, make, berlin, clock):
    owner, _, program, _, card = berlin
    promotions.create_promotion(
        session,
        owner,
        program.id,
        mornings(starts_on="2026-03-30", ends_on="2026-04-05", weekdays=list(range(7))),
    )
    clock.freeze(CHANGE_DAY_NINE)  # the 29th: before the first day
    awards.award_points(session, owner, card.id, 10, make.key())
    clock.freeze(CHANGE_DAY_NINE + timedelta(days=1))
    awards.award_points(session, owner, card.id, 10, make.key())
    clock.freeze(CHANGE_DAY_NINE + timedelta(days=7))  # the 5th: the last day
    awards.award_points(session, owner, card.id, 10, make.key())
    clock.freeze(CHANGE_DAY_NINE + timedelta(days=8))
    awards.award_points(session, owner, card.id, 10, make.key())
    assert bonuses(session, card) == [10, 10]


def test_an_ended_promotion_grants_nothing_and_leaves_the_list(session, make, berlin, clock):
    owner, business, program, _, card = berlin
    promotion = promotions.create_promotion(session, owner, program.id, mornings())
    clock.freeze(CHANGE_DAY_NINE)
    assert [p.id for p in promotions.list_promotions(session, owner, business.id)] == [promotion.id]
    assert [r.name for r in running_promotions(session, [program.id])[program.id]] == [
        "Sunday mornings"
    ]

    promotions.end_promotion(session, owner, promotion.id)
    awards.award_points(session, owner, card.id, 10, make.key())

    assert bonuses(session, card) == []
    assert promotions.list_promotions(session, owner, business.id) == []
    assert running_promotions(session, [program.id]) == {program.id: []}
    with pytest.raises(NotFoundError):
        promotions.end_promotion(session, owner, promotion.id)


def test_another_programs_promotion_does_not_apply(session, make, berlin, clock):
    owner, business, _, _, card = berlin
    tea = make.program(owner, business, name="Tea Club")
    promotions.create_promotion(session, owner, tea.id, mornings())
    clock.freeze(CHANGE_DAY_NINE)
    awards.award_points(session, owner, card.id, 10, make.key())
    assert bonuses(session, card) == []


def test_an_edit_changes_what_runs(session, make, berlin, clock):
    owner, _, program, _, card = berlin
    promotion = promotions.create_promotion(session, owner, program.id, mornings())
    promotions.update_promotion(session, owner, promotion.id, mornings(start_time="08:00"))
    awards.award_points(session, owner, card.id, 10, make.key())  # 8:59 local
    assert bonuses(session, card) == [10]


def test_another_business_cannot_reach_a_promotion(session, make, berlin):
    owner, _, program, _, _ = berlin
    promotion = promotions.create_promotion(session, owner, program.id, mornings())
    rival, rivals = make.business("Rival Roasters")
    before = make.counts()
    with pytest.raises(PermissionDeniedError):
        promotions.update_promotion(session, rival, promotion.id, mornings(name="Mine"))
    with pytest.raises(PermissionDeniedError):
        promotions.end_promotion(session, rival, promotion.id)
    with pytest.raises(PermissionDeniedError):
        promotions.create_promotion(session, rival, program.id, mornings())
    assert promotions.list_promotions(session, rival, rivals.id) == []
    assert make.counts() == before


@pytest.mark.parametrize(
    "bad",
    [
        {"name": "  "},
        {"kind": "DISCOUNT"},
        {"value": 100},
        {"value": 1001},
        {"value": -5},
        {"value": "200"},
        {"kind": "BONUS", "value": 0},
        {"kind": "BONUS", "value": 10**9},
        {"weekdays": []},
        {"weekdays": [7]},
        {"weekdays": [True]},
        {"weekdays": None},
        {"start_time": "11:00", "end_time": "09:00"},
        {"start_time": "9"},
        {"end_time": "25:00"},
        {"starts_on": "yesterday"},
        {"starts_on": "2026-05-02", "ends_on": "2026-05-01"},
        {"name": "a\x00b"},
    ],
)
def test_bad_input_is_refused_and_changes_nothing(session, make, berlin, bad):
    owner, _, program, _, _ = berlin
    promotion = promotions.create_promotion(session, owner, program.id, mornings())
    before = make.counts()
    with pytest.raises(ValidationError):
        promotions.create_promotion(session, owner, program.id, mornings(**bad))
    with pytest.raises(ValidationError):
        promotions.update_promotion(session, owner, promotion.id, mornings(**bad))
    assert make.counts() == before
    session.expire_all()
    assert promotions.list_promotions(session, owner, program.business_id)[0].name == (
        "Sunday mornings"
    )


def test_unknown_ids_are_not_found(session, berlin):
    owner = berlin[0]
    for unknown in (0, -1, 2**31, 2**63, "1", None):
        with pytest.raises(NotFoundError):
            promotions.create_promotion(session, owner, unknown, mornings())
        with pytest.raises(NotFoundError):
            promotions.end_promotion(session, owner, unknown)


def test_an_archived_program_takes_no_new_promotion(session, berlin):
    owner, _, program, _, _ = berlin
    programs.archive_program(session, owner, program.id)
    with pytest.raises(ValidationError):
        promotions.create_promotion(session, owner, program.id, mornings())


def test_staff_with_the_programs_permission_keep_promotions(session, make, berlin):
    owner, business, program, _, _ = berlin
    manager = make.staff(owner, business, Permission.MANAGE_PROGRAMS)
    promotion = promotions.create_promotion(session, manager, program.id, mornings())
    promotions.end_promotion(session, manager, promotion.id)
    counter = make.staff(owner, business, Permission.SCAN, Permission.AWARD)
    with pytest.raises(PermissionDeniedError):
        promotions.create_promotion(session, counter, program.id, mornings())
