"""The owner's dashboard: every number equals a count of the ledger, the visits and the codes.

Months of activity are played through the real services on a moved clock (awards,
a deduction, delivered, cancelled and expired reward codes, a left program, a
deleted customer, two businesses, one in New York where the day ends five hours
after UTC's), then each period's dashboard is held against tests/support/brute_force.py.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from gudcity.domain.analytics import Period, business_day, custom_period, preset_period
from gudcity.models import Business, ProgramKind, RewardCode, User, utc_now
from gudcity.services import (
    account_deletion,
    awards,
    counter,
    deductions,
    enrollment,
    programs,
    redemptions,
    reward_codes,
)
from gudcity.services.analytics_rebuild import rebuild_analytics
from gudcity.services.dashboard import read_dashboard
from gudcity.services.permissions import Permission
from tests.support import brute_force
from tests.support.clock import Clock
from tests.support.make import PASSWORD

NEW_YORK = "America/New_York"


@dataclass
class Scene:
    owner: User
    business: Business
    rival_owner: User
    rival: Business
    barista: User
    customers: dict[str, User]


class Diary:
    """Plays the scene's days: `on(days_ago, hour)` moves the clock to that local hour."""

    def __init__(self, clock: Clock, time_zone: str) -> None:
        self.clock, self.zone = clock, ZoneInfo(time_zone)
        self.today = business_day(clock.now(), time_zone)

    def on(self, days_ago: int, hour: int = 12, minute: int = 0) -> None:
        local = datetime.combine(self.today - timedelta(days=days_ago), time(hour, minute))
        self.clock.set(local.replace(tzinfo=self.zone).astimezone(UTC))


def set_time_zone(session: Session, business: Business, time_zone: str) -> None:
    business.time_zone = time_zone
    session.add(business)
    session.commit()


def code_of(session: Session, redeemed) -> RewardCode:
    return session.exec(
        select(RewardCode).where(RewardCode.redeem_transaction_id == redeemed.id)
    ).one()


def _first_months(session, make, diary, shop) -> dict:
    owner, business, coffee, cake, barista = shop
    latte = programs.add_reward(session, owner, coffee.id, name="Free latte", cost=20)
    alice, bob, carol = make.customer("Alice"), make.customer("Bob"), make.customer("Carol")
    frank, gina = make.customer("Frank"), make.customer("Gina")
    diary.on(200)
    gina_card = make.card(gina, coffee, balance=5)
    for days_ago in (190, 185):  # three visits, the last too long ago to win back
        diary.on(days_ago)
        awards.award_points(session, barista, gina_card.id, 5, make.key())
    diary.on(100)
    frank_card = make.card(frank, coffee, balance=10)
    for days_ago in (70, 60):  # a regular gone for two months
        diary.on(days_ago)
        awards.award_points(session, barista, frank_card.id, 10, make.key())
    diary.on(100)
    alice_card = make.card(alice, coffee)
    awards.award_points(session, barista, alice_card.id, 50, make.key())
    diary.on(45)
    bob_card = make.card(bob, coffee, balance=30)
    bob_stamps = make.card(bob, cake)
    awards.award_points(session, barista, bob_stamps.id, 3, make.key())
    diary.on(40)
    awards.award_points(session, barista, alice_card.id, 20, make.key())
    diary.on(35, 23, 30)  # 04:30 UTC on the next day: still the 35th day ago in New York
    carol_card = make.card(carol, coffee, balance=40)
    diary.on(34, 0, 30)
    awards.award_points(session, barista, carol_card.id, 10, make.key())
    diary.on(20)
    code = code_of(
        session, redemptions.redeem_reward(session, alice, alice_card.id, latte.id, "a1")
    )
    counter.deliver_reward_code(session, barista, business.id, code.id)
    diary.on(12)
    code = code_of(session, redemptions.redeem_reward(session, bob, bob_card.id, latte.id, "b1"))
    redemptions.cancel_reward_code(session, bob, code.id)
    return {
        "alice": alice_card,
        "bob": bob_card,
        "carol": carol_card,
        "latte": latte,
        "carol_user": carol,
        "frank_user": frank,
    }


def _last_days(session, make, diary, shop, cards) -> dict:
    owner, _business, coffee, cake, barista = shop
    dave, erin = make.customer("Dave"), make.customer("Erin")
    diary.on(10)
    dave_card = make.card(dave, coffee, balance=25)
    request = deductions.request_deduction(session, barista, dave_card.id, 5, make.key())
    deductions.respond_to_deduction(session, dave, request.id, True)
    diary.on(8)
    carol, carol_card, latte = cards["carol_user"], cards["carol"], cards["latte"]
    redeemed = redemptions.redeem_reward(session, carol, carol_card.id, latte.id, "c1")
    diary.on(6)
    session.execute(
        update(RewardCode)
        .where(RewardCode.id == code_of(session, redeemed).id)
        .values(expires_at=utc_now() - timedelta(seconds=1))
    )
    session.commit()
    assert reward_codes.expire_due_codes(session) == 1
    diary.on(5)
    make.card(erin, coffee, balance=10)
    make.card(erin, cake, balance=2)
    diary.on(3)
    awards.award_points(session, barista, cards["alice"].id, 15, make.key())
    enrollment.leave_program(session, erin, cake.id)
    diary.on(2)
    awards.award_points(session, owner, dave_card.id, 5, make.key())
    account_deletion.delete_account(session, dave, PASSWORD)
    diary.on(1, 9)
    awards.award_points(session, owner, cards["bob"].id, 5, make.key())
    diary.on(1, 17)
    awards.award_points(session, barista, cards["bob"].id, 5, make.key())  # the same visit
    diary.clock.back_to_now()
    awards.award_points(session, barista, cards["alice"].id, 10, make.key())
    return {"dave": dave, "erin": erin}


@pytest.fixture
def scene(session, make, monkeypatch) -> Scene:
    clock = Clock(monkeypatch)
    owner, business = make.business("Bean There")
    set_time_zone(session, business, NEW_YORK)
    coffee = make.program(owner, business, name="Coffee Club")
    cake = make.program(owner, business, name="Cake Card", kind=ProgramKind.STAMPS)
    barista = make.staff(owner, business, Permission.SCAN, Permission.AWARD, Permission.DEDUCT)
    rival_owner, rival = make.business("Rival Roasters")
    rival_program = make.program(rival_owner, rival, name="Rival Points")
    diary = Diary(clock, NEW_YORK)
    shop = (owner, business, coffee, cake, barista)
    cards = _first_months(session, make, diary, shop)
    diary.on(5)  # Alice is a customer of the rival too
    alice = session.get(User, cards["alice"].customer_id)
    awards.award_points(session, rival_owner, make.card(alice, rival_program).id, 70, make.key())
    zed_card = make.card(make.customer("Zed"), rival_program, balance=9)
    people = _last_days(session, make, diary, shop, cards)
    awards.award_points(session, rival_owner, zed_card.id, 1, make.key())
    customers = {"alice": alice, "frank": cards["frank_user"], **people}
    return Scene(owner, business, rival_owner, rival, barista, customers)


def periods(today: date) -> list[Period]:
    return [
        *(preset_period(today, days) for days in (7, 30, 90)),
        custom_period(today - timedelta(50), today - timedelta(30)),
        # Starting and ending on visit days: steps on the period's edges count
        custom_period(today - timedelta(45), today - timedelta(1)),
        custom_period(today - timedelta(40), today - timedelta(3)),
        custom_period(today - timedelta(35), today - timedelta(34)),
        custom_period(today - timedelta(365), today),
    ]


def kpi_map(board) -> dict:
    return {(k.key, k.unit_kind): (k.value, k.previous) for k in board.kpis}


@pytest.mark.parametrize("whose", ["business", "rival"])
def test_every_number_of_every_period_equals_the_brute_force(session, scene, whose):
    business = getattr(scene, whose)
    owner = scene.owner if whose == "business" else scene.rival_owner
    books = brute_force.read_books(session, business, datetime.now(UTC))
    for period in periods(books.today):
        board = read_dashboard(session, owner, business.id, period)

        assert board.period == period and board.previous == period.previous()
        assert kpi_map(board) == brute_force.expected_kpis(books, period), period
        assert [(d.day, d.visits, d.new) for d in board.visits_by_day] == (
            brute_force.visits_by_day(books, period)
        )
        assert all(d.returning == d.visits - d.new for d in board.visits_by_day)
        assert [(d.day, d.program_kind, d.issued, d.redeemed) for d in board.points_by_day] == (
            brute_force.points_by_day(books, period)
        )
        assert board.has_activity == brute_force.has_activity(books, period)
    assert [(c.customer_id, c.last_visit, c.visits) for c in board.win_back] == (
        brute_force.win_back(books)
    )


def test_the_numbers_of_the_scene_are_the_ones_it_played(session, scene):
    today = business_day(datetime.now(UTC), NEW_YORK)
    board = read_dashboard(session, scene.owner, scene.business.id, preset_period(today, 7))
    numbers = kpi_map(board)

    # Alice (3 days ago, today), Bob (yesterday twice: one visit), Dave (2 days ago), Erin's
    # visit 5 days ago (her card's award); the week before, Dave's one visit.
    assert numbers[("visits", None)] == (5, 1)
    assert numbers[("active_customers", None)] == (4, 1)
    assert numbers[("repeat_rate", None)] == (25, 0)
    # Alice, Bob, Carol, Erin, Frank and Gina; deleting his account took Dave away, Erin
    # left only the cakes.
    assert numbers[("customers", None)][0] == 6
    assert numbers[("points_issued", ProgramKind.STAMPS)] == (2, 0)  # Erin's card
    assert [(c.name, c.visits) for c in board.win_back] == [("Frank", 3)]
    assert scene.customers["dave"].id not in {c.customer_id for c in board.top_customers}
    assert board.top_customers[0].name == "Alice"


def test_a_late_evening_in_new_york_is_that_days_visit(session, scene):
    today = business_day(datetime.now(UTC), NEW_YORK)
    days = (today - timedelta(35), today - timedelta(34))
    board = read_dashboard(session, scene.owner, scene.business.id, custom_period(*days))

    assert [(d.day, d.visits) for d in board.visits_by_day] == [(days[0], 1), (days[1], 1)]
    assert kpi_map(board)[("repeat_rate", None)] == (100, None)


def test_a_rebuild_reads_the_same_dashboard(session, scene):
    today = business_day(datetime.now(UTC), NEW_YORK)
    before = [
        read_dashboard(session, scene.owner, scene.business.id, period) for period in periods(today)
    ]
    rebuild_analytics(session)
    session.commit()

    after = [
        read_dashboard(session, scene.owner, scene.business.id, period) for period in periods(today)
    ]
    assert after == before


def test_a_business_without_activity_says_so_and_invents_nothing(session, make):
    owner, business = make.business("Empty Shop")
    today = business_day(datetime.now(UTC), "UTC")

    board = read_dashboard(session, owner, business.id, preset_period(today, 30))

    assert not board.has_activity
    assert {k.key: k.value for k in board.kpis}["repeat_rate"] is None
    assert {k.key: k.value for k in board.kpis}["redemption_rate"] is None
    assert [k.unit_kind for k in board.kpis if k.key == "points_issued"] == [ProgramKind.POINTS]
    assert board.top_customers == board.win_back == board.rewards == board.staff == []
    assert len(board.visits_by_day) == 30 and not any(d.visits for d in board.visits_by_day)
