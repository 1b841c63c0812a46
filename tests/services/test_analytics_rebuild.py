"""The dashboard's aggregates, kept with each change, equal a recount from scratch.

Random activity runs through the real services (scans, awards, deductions approved
and declined, redemptions cancelled, expired and delivered, points expired, joins,
leaves, an account deleted, the time zone changed), with days passing in between; after it,
every aggregate row is what `rebuild_analytics` computes from the ledger, the
visits, the reward codes and the enrollment log.
"""

from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text, update
from sqlmodel import Session

from gudcity.domain.analytics import business_day, preset_period
from gudcity.domain.errors import ServiceError
from gudcity.models import (
    Business,
    DailyStats,
    LoyaltyProgram,
    Reward,
    RewardCode,
    User,
    utc_now,
)
from gudcity.services import (
    account_deletion,
    awards,
    counter,
    deductions,
    enrollment,
    expiry,
    expiry_rules,
    profile,
    programs,
    redemptions,
    reward_codes,
    scanning,
)
from gudcity.services.analytics_log import STATS_SLOTS, forget_known_days
from gudcity.services.analytics_rebuild import TABLES, rebuild_analytics
from gudcity.services.dashboard import read_dashboard
from gudcity.services.lookups import card_of, pending_enrollment_request
from gudcity.services.permissions import Permission
from gudcity.settings import get_settings
from tests.services.test_properties import FEWER
from tests.support.make import PASSWORD, Make

# Zones without daylight saving, far from UTC: a day passing moves every day by one.
ZONES = ["UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Kolkata"]
# Timestamps the recount reads, and the aggregates' days: "a day passes" moves both.
MOMENTS = {
    "point_transactions": ["created_at"],
    "customer_interactions": ["created_at"],
    "loyalty_cards": ["created_at"],
    "enrollment_changes": ["created_at"],
    "reward_codes": ["created_at", "delivered_at"],
    "expiry_rules": ["starts_at"],
    "expiry_notices": ["covered_until", "created_at"],
}


@dataclass
class Shop:
    session: Session
    owner: User
    business: Business
    staff: User
    programs: list[LoyaltyProgram]
    rewards: list[Reward]
    customers: list[User]

    def card(self, customer: User, program: LoyaltyProgram):
        return card_of(self.session, customer.id, program.id)


def open_shop(session: Session, make: Make, zone: str) -> Shop:
    owner, business = make.business()
    if zone != "UTC":
        set_zone(session, owner, business, zone)
    staff = make.staff(owner, business, *Permission)
    shop_programs = [
        make.program(owner, business, points_per_scan=5, scan_cooldown_seconds=0),
        make.program(owner, business, points_per_scan=1, scan_cooldown_seconds=0),
    ]
    rewards = [
        programs.add_reward(session, owner, p.id, name=f"Reward {n}", cost=cost)
        for n, (p, cost) in enumerate([(shop_programs[0], 10), (shop_programs[1], 2)])
    ]
    customers = [make.customer() for _ in range(3)]
    # The first program's points expire a day after they are earned.
    expiry_rules.set_expiry_rule(session, owner, shop_programs[0].id, "AFTER_EARNED", 1)
    return Shop(session, owner, business, staff, shop_programs, rewards, customers)


def set_zone(session: Session, owner: User, business: Business, zone: str) -> None:
    profile.update_business_profile(
        session,
        owner,
        business.id,
        name=business.name,
        address=business.address,
        phone=business.phone,
        opening_hours=business.opening_hours,
        time_zone=zone,
    )


def waiting_code(shop: Shop, customer: User) -> RewardCode | None:
    codes = reward_codes.code_views(
        shop.session,
        RewardCode.__table__.c.customer_id == customer.id,
        RewardCode.__table__.c.status == reward_codes.WAITING,
    )
    return shop.session.get(RewardCode, codes[0].code_id) if codes else None


def act(shop: Shop, action: str, who: int, which: int, amount: int) -> None:
    """One thing happening at the shop; a refusal (not enrolled, too few points) is fine."""
    session, customer = shop.session, shop.customers[who]
    program, key = shop.programs[which], f"{action}-{utc_now().timestamp()}-{who}-{amount}"
    actor = shop.owner if amount % 2 else shop.staff
    card = shop.card(customer, program)
    if action == "join":
        enrollment.join_program(session, customer, program.id)
    elif action == "leave":
        enrollment.leave_program(session, customer, program.id)
    elif action == "scan":
        scanning.scan_customer(session, actor, program.id, customer.id, key)
    elif action in ("accept", "decline"):
        request = pending_enrollment_request(session, customer.id, program.id)
        if request is not None:
            enrollment.respond_to_enrollment(session, customer, request.id, action == "accept")
    elif action == "award" and card is not None:
        awards.award_points(session, actor, card.id, amount, key)
    elif action in ("deduct", "deduct-declined") and card is not None:
        request = deductions.request_deduction(session, shop.staff, card.id, amount, key)
        deductions.respond_to_deduction(session, customer, request.id, action == "deduct")
    elif action == "redeem" and card is not None:
        redemptions.redeem_reward(session, customer, card.id, shop.rewards[which].id, key)
    else:
        close_code(shop, action, customer)


def close_code(shop: Shop, action: str, customer: User) -> None:
    session, code = shop.session, waiting_code(shop, customer)
    if action == "delete":
        account_deletion.delete_account(session, customer, PASSWORD)
        shop.customers.remove(customer)
    elif action == "zone":
        set_zone(session, shop.owner, shop.business, ZONES[len(shop.customers) % len(ZONES)])
    elif action == "day":
        a_day_passes(session)
    elif action == "expire-points":
        for card in [shop.card(c, p) for c in shop.customers for p in shop.programs]:
            if card is not None:
                expiry.settle_card(session, card.id)
    elif code is None:
        return
    elif action == "cancel":
        redemptions.cancel_reward_code(session, customer, code.id)
    elif action == "deliver":
        counter.deliver_reward_code(session, shop.staff, shop.business.id, code.id)
    elif action == "expire":
        session.execute(
            update(RewardCode)
            .where(RewardCode.id == code.id)
            .values(expires_at=utc_now() - timedelta(seconds=1))
        )
        session.commit()
        reward_codes.expire_due_codes(session)


def a_day_passes(session: Session) -> None:
    """Everything so far happened a day earlier: timestamps and aggregate days alike."""
    postgres = session.get_bind().dialect.name == "postgresql"
    for table, columns in MOMENTS.items():
        for column in columns:
            earlier = (
                f"{column} - INTERVAL '1 day'"
                if postgres
                else f"strftime('%Y-%m-%d %H:%M:%f', {column}, '-1 day')"
            )
            session.execute(text(f"UPDATE {table} SET {column} = {earlier}"))
    for table in TABLES:
        # Two steps, so that no row takes the key of one not moved yet.
        for days in (-1000, 999):
            moved = f"day + {days}" if postgres else f"date(day, '{days:+d} day')"
            session.execute(text(f"UPDATE {table} SET day = {moved}"))
    session.commit()
    forget_known_days()  # today's visit days moved to yesterday


_STATS = DailyStats.__table__
_STATS_KEY = [column for column in _STATS.primary_key if column.name != "slot"]
# A key's daily_stats counts summed over its slots (where a writer put them is storage).
_STATS_BY_KEY = select(
    *_STATS_KEY, *(func.sum(column) for column in _STATS.columns if not column.primary_key)
).group_by(*_STATS_KEY)


def aggregates(session: Session) -> dict[str, list[tuple]]:
    """Every aggregate row, sorted; daily_stats' as one row per key, without the slot."""
    session.rollback()
    return {
        table: sorted(
            tuple(row)
            for row in session.execute(
                _STATS_BY_KEY if table == "daily_stats" else text(f"SELECT * FROM {table}")
            )
        )
        for table in TABLES
    }


ACTIONS = st.sampled_from(
    [
        "join", "join", "leave", "scan", "scan", "accept", "decline", "award", "award",
        "deduct", "deduct-declined", "redeem", "redeem", "cancel", "deliver", "expire",
        "delete", "zone", "day", "day", "expire-points", "expire-points",
    ]
)  # fmt: skip
STEPS = st.lists(
    st.tuples(
        ACTIONS,
        st.integers(min_value=0, max_value=2),
        st.integers(min_value=0, max_value=1),
        st.integers(min_value=1, max_value=12),
    ),
    min_size=5,
    max_size=30,
)


@FEWER
@given(zone=st.sampled_from(ZONES), steps=STEPS)
def test_maintained_aggregates_equal_a_rebuild(session, make, zone, steps):
    shop = open_shop(session, make, zone)
    for action, who, which, amount in steps:
        if who >= len(shop.customers):
            continue
        with suppress(ServiceError):
            act(shop, action, who, which, amount)
    maintained = aggregates(session)

    rebuild_analytics(session)
    session.commit()

    assert aggregates(session) == maintained


def test_scans_and_awards_on_one_day_are_one_visit(session, make):
    shop = open_shop(session, make, "UTC")
    customer, program = shop.customers[0], shop.programs[0]
    card = make.card(customer, program)  # joining is the day's first activity
    scanning.scan_customer(session, shop.staff, program.id, customer.id, make.key())
    awards.award_points(session, shop.staff, card.id, 3, make.key())

    tables = aggregates(session)

    assert [row[2:4] for row in tables["daily_visits"]] == [(1, 1)]  # visits, new customers
    staff_rows = [row for row in tables["daily_stats"] if row[2] == shop.staff.id]
    assert [row[4:8] for row in staff_rows] == [(5 + 3, 0, 0, 2)]  # issued ... awards


def test_switched_off_nothing_is_kept_until_a_rebuild(session, make, monkeypatch):
    shop = open_shop(session, make, "Asia/Kolkata")
    monkeypatch.setattr(get_settings(), "analytics_maintained", False)
    card = make.card(shop.customers[0], shop.programs[0], balance=7)
    enrollment.leave_program(session, shop.customers[0], shop.programs[0].id)
    assert aggregates(session) == {table: [] for table in TABLES}

    rebuild_analytics(session, shop.business.id)
    session.commit()

    tables = aggregates(session)
    assert len(tables["visit_days"]) == 1 and sum(row[4] for row in tables["daily_stats"]) == 7
    assert card.balance == 7 and sum(row[9] for row in tables["daily_stats"]) == 1  # the leave


def test_awards_on_cards_of_two_slots_are_two_rows_the_dashboard_adds_up(session, make):
    shop = open_shop(session, make, "UTC")
    program = shop.programs[0]
    cards = [make.card(customer, program) for customer in shop.customers]
    first = cards[0]
    second = next(card for card in cards if card.id % STATS_SLOTS != first.id % STATS_SLOTS)
    awards.award_points(session, shop.staff, first.id, 3, make.key())
    awards.award_points(session, shop.staff, second.id, 4, make.key())

    session.rollback()
    rows = session.execute(
        select(_STATS.c.slot, _STATS.c.points_issued, _STATS.c.awards).where(
            _STATS.c.staff_id == shop.staff.id
        )
    ).all()
    assert sorted(rows) == sorted([(first.id % STATS_SLOTS, 3, 1), (second.id % STATS_SLOTS, 4, 1)])
    today = business_day(datetime.now(UTC), "UTC")
    board = read_dashboard(session, shop.owner, shop.business.id, preset_period(today, 7))
    assert board.kpi("points_issued").value == board.kpi("points_outstanding").value == 7
    assert board.kpi("new_enrollments").value == len(cards)
    assert [(m.awards, m.points_issued) for m in board.staff] == [(2, 7)]
    assert [p.points_issued for p in board.programs if p.program_id == program.id] == [7]
    assert [d.issued for d in board.points_by_day if d.day == today] == [7]
