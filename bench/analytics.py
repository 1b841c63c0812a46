"""The owner's dashboard at scale: one business, 100,000 customers, 1,000,000 ledger rows.

Fills a fresh PostgreSQL database in bulk (COPY): a business in Europe/Berlin with a
points and a stamps program, a reward, 5 staff members, 100,000 customers (a fifth
also collect stamps), and `--rows` ledger rows over 365 days (awards, deductions,
redemptions with their reward codes, delivered, cancelled or expired and refunded),
each award, deduction and delivery with its visit; some customers come often, most
rarely. Then `rebuild_analytics` fills the aggregates, and the whole read
(`read_dashboard`, one session per read as a page makes it) is timed per period:
server time, p50 and p95. Side by side, the indexed count over visit_days that
the visit history (visit_steps) replaces: active customers and repeat visitors
grouped by customer.

    .venv/bin/python -m bench.analytics [--rows 1000000] [--customers 100000] [--repeat 30]
        [--keep]  (then time the reads again: --again URL)
"""

import argparse
import random
import statistics
import time
import uuid
from datetime import timedelta

from sqlalchemy import text
from sqlmodel import Session

from bench import PASSWORD, fresh_database, open_business
from bench.activity import card_number, copy_rows
from gudcity.db import make_engine
from gudcity.domain.analytics import Period, business_day, percent
from gudcity.models import DailyStats, ProgramKind, User, utc_now
from gudcity.services import accounts, programs
from gudcity.services.analytics_fold import fold_cut
from gudcity.services.analytics_log import STATS_SLOTS
from gudcity.services.analytics_rebuild import rebuild_analytics
from gudcity.services.dashboard import read_dashboard
from gudcity.services.permissions import Permission

DAYS = 365
STAFF = 5
TIME_ZONE = "Europe/Berlin"
COST = 50
PERIODS = (7, 30, 90, 365)


def _customers(session: Session, count: int) -> int:
    """COPY the customers in; the id of the first (the others follow it)."""
    first = session.execute(text("SELECT coalesce(max(id), 0) + 1 FROM users")).scalar_one()
    now = utc_now()
    copy_rows(
        session,
        "users",
        (
            *("id", "email", "name", "password_hash", "role", "public_id", "card_number"),
            *("must_change_password", "created_at"),
        ),
        (
            (
                first + n,
                f"c{n}@bench.example",
                f"Customer {n}",
                "-",
                "CUSTOMER",
                uuid.uuid4().hex,
                card_number(n),
                False,
                now,
            )
            for n in range(count)
        ),
    )
    session.execute(text("SELECT setval('users_id_seq', (SELECT max(id) FROM users))"))
    return first


class Books:
    """The generated history: cards, ledger rows, visits, reward codes, in time order."""

    def __init__(self, customers: int, rows: int, first_customer: int, staff: list[int]):
        self.rng = random.Random(7)
        self.customers, self.rows, self.first, self.staff = customers, rows, first_customer, staff
        self.cards: dict[tuple[int, int], list] = {}  # (customer, 0|1) -> [id, created, balance]
        self.ledger, self.visits, self.codes = [], [], []

    def card(self, customer: int, stamps: int, moment) -> list:
        key = (customer, stamps)
        if key not in self.cards:
            self.cards[key] = [len(self.cards) + 1, moment, 0, 0]
        return self.cards[key]

    def row(self, card: list, kind: str, amount: int, actor, moment, reward=None) -> int:
        self.ledger.append((len(self.ledger) + 1, card[0], kind, amount, actor, moment, reward))
        card[2] += amount
        card[3] += max(amount, 0) if kind != "REFUND" else 0
        return len(self.ledger)

    def play(self, reward_id: int) -> None:
        start = utc_now() - timedelta(days=DAYS)
        step = timedelta(days=DAYS) / self.rows
        rng = self.rng
        for n in range(self.rows):
            moment = start + n * step
            # A few come often, most rarely: customer k is drawn about 1/sqrt(k) as often.
            customer = self.first + int(self.customers * rng.random() ** 2)
            stamps = int(customer % 5 == 0 and rng.random() < 0.3)
            card = self.card(customer, stamps, moment)
            staff = rng.choice(self.staff)
            if not stamps and card[2] >= COST and rng.random() < 0.15:
                self._redeem(card, customer, staff, reward_id, moment)
            elif card[2] >= 5 and rng.random() < 0.05:
                self.row(card, "DEDUCT", -rng.randint(1, 5), staff, moment)
                self.visits.append((customer, "deduct", moment))
            else:
                amount = rng.randint(1, 3) if stamps else rng.randint(5, 20)
                self.row(card, "EARN", amount, staff, moment)
                self.visits.append((customer, "award", moment))

    def _redeem(self, card: list, customer: int, staff: int, reward_id: int, moment) -> None:
        redeem = self.row(card, "REDEEM", -COST, customer, moment, reward_id)
        fate = self.rng.random()
        later = moment + timedelta(minutes=5)
        if fate < 0.8:
            self.codes.append((card[0], customer, redeem, None, "DELIVERED", later, staff, None))
            self.visits.append((customer, "delivery", later))
        else:
            refund = self.row(card, "REFUND", COST, None, later, reward_id)
            status = "CANCELLED" if fate < 0.9 else "EXPIRED"
            self.codes.append((card[0], customer, redeem, refund, status, None, None, later))
        self.codes[-1] = (*self.codes[-1], moment, reward_id)


def _load(session: Session, books: Books, business_id: int, program_ids: tuple[int, int]):
    cards = sorted(books.cards.items(), key=lambda item: item[1][0])
    copy_rows(
        session,
        "program_enrollments",
        ("customer_id", "program_id", "status", "created_at", "updated_at"),
        ((c, program_ids[s], "ACTIVE", card[1], card[1]) for (c, s), card in cards),
    )
    copy_rows(
        session,
        "enrollment_changes",
        ("business_id", "program_id", "customer_id", "active", "created_at"),
        ((business_id, program_ids[s], c, True, card[1]) for (c, s), card in cards),
    )
    copy_rows(
        session,
        "loyalty_cards",
        (
            *("id", "customer_id", "program_id", "card_number", "balance", "lifetime_points"),
            *("tier", "last_activity_at", "created_at"),
        ),
        (
            (
                card[0],
                c,
                program_ids[s],
                f"9{card[0]:011d}",
                card[2],
                card[3],
                "BRONZE",
                card[1],
                card[1],
            )
            for (c, s), card in cards
        ),
    )
    copy_rows(
        session,
        "point_transactions",
        (
            *("id", "card_id", "kind", "amount", "actor_id", "created_at", "reward_id"),
            *("idempotency_key", "redemption_code", "note"),
        ),
        (
            (*row, f"bench:{row[0]}", f"R{row[0]:09d}" if row[2] == "REDEEM" else None, "")
            for row in books.ledger
        ),
    )
    copy_rows(
        session,
        "customer_interactions",
        ("business_id", "customer_id", "kind", "created_at"),
        ((business_id, *visit) for visit in books.visits),
    )
    copy_rows(
        session,
        "reward_codes",
        (
            *("business_id", "card_id", "customer_id", "redeem_transaction_id"),
            *("refund_transaction_id", "status", "delivered_at", "delivered_by", "closed_at"),
            *("created_at", "reward_id", "code", "expires_at"),
        ),
        (
            (business_id, *code, f"B{n:07d}", code[-2] + timedelta(minutes=15))
            for n, code in enumerate(books.codes)
        ),
    )
    for table in ("loyalty_cards", "point_transactions"):
        session.execute(text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))


def fill(url: str, customers: int, rows: int) -> tuple[int, int, float]:
    """(owner id, business id, seconds the rebuild took) after loading."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        owner, business = open_business(session, "Busy Café", "owner@bench.example")
        business.time_zone = TIME_ZONE
        session.add(business)
        session.commit()
        points = programs.create_program(session, owner, business.id, name="Coffee Club")
        stamps = programs.create_program(
            session, owner, business.id, name="Cake Card", kind=ProgramKind.STAMPS
        )
        reward = programs.add_reward(session, owner, points.id, name="Free latte", cost=COST)
        staff = [owner.id] + [
            accounts.add_staff_member(
                session,
                owner,
                business.id,
                name=f"Barista {n}",
                email=f"barista{n}@bench.example",
                password=PASSWORD,
                permissions={Permission.SCAN, Permission.AWARD, Permission.DEDUCT},
            ).id
            for n in range(STAFF)
        ]
        books = Books(customers, rows, _customers(session, customers), staff)
        books.play(reward.id)
        _load(session, books, business.id, (points.id, stamps.id))
        session.commit()
        started = time.perf_counter()
        rebuild_analytics(session, business.id)
        session.commit()
        rebuilt = time.perf_counter() - started
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    engine.dispose()
    return owner.id, business.id, rebuilt


_GROUPED = text(
    "SELECT count(*), count(*) FILTER (WHERE days >= 2) FROM (SELECT customer_id, count(*) "
    "AS days FROM visit_days WHERE business_id = :b AND day BETWEEN :s AND :e "
    "GROUP BY customer_id) AS per_customer"
)


def timed(call, repeat: int) -> tuple[float, float]:
    """(p50, p95) in ms of `repeat` calls after one to warm up."""
    call()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, round(0.95 * len(times)) - 1)]


def measure(url: str, owner_id: int, business_id: int, repeat: int) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        for name in ("visit_days", "visit_steps", "daily_stats", "customer_visits"):
            count = session.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
            print(f"  {name}: {count:,} rows")
    today = business_day(utc_now(), TIME_ZONE)
    print(f"{repeat} runs each (PostgreSQL), server time, ms")
    print("period     read_dashboard p50 / p95    visit_days grouped p50 / p95 (one period)")
    for days in PERIODS:
        period = Period(today - timedelta(days=days - 1), today)

        def read(period=period):
            with Session(engine) as session:
                return read_dashboard(session, session.get(User, owner_id), business_id, period)

        def grouped(period=period):
            with Session(engine) as session:
                values = {"b": business_id, "s": period.start, "e": period.end}
                return session.execute(_GROUPED, values).one()

        board, (active, repeaters) = read(), grouped()
        assert board.kpi("active_customers").value == active, days
        assert board.kpi("repeat_rate").value == percent(repeaters, active), days
        p50, p95 = timed(read, repeat)
        g50, g95 = timed(grouped, repeat)
        print(f"{days:>3} days   {p50:8.1f} / {p95:6.1f}            {g50:8.1f} / {g95:6.1f}")
    engine.dispose()


def spread_over_slots(url: str) -> None:
    """The keys of the days not folded yet on all STATS_SLOTS rows (the extra ones at
    zero): the most rows a live database's dashboard has to sum, where the rebuild
    leaves one per key (services/analytics_fold.py folds the days that are over)."""
    columns = [c.name for c in DailyStats.__table__.columns if c.name != "slot"]
    keys = ("business_id", "program_id", "staff_id", "day")
    chosen = ", ".join(c if c in keys else "0" for c in columns)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(
            f"INSERT INTO daily_stats ({', '.join(columns)}, slot) SELECT {chosen}, s.slot "
            f"FROM daily_stats CROSS JOIN generate_series(1, {STATS_SLOTS - 1}) AS s(slot) "
            "WHERE day >= %(cut)s",
            {"cut": fold_cut(utc_now().date())},
        )
        connection.exec_driver_sql("ANALYZE daily_stats")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument(
        "--again",
        metavar="URL",
        help="time the reads again on a database a run loaded (kept with --keep)",
    )
    parser.add_argument("--keep", action="store_true", help="print the database's URL, keep it")
    options = parser.parse_args()
    if options.again:
        measure(options.again, 1, 1, options.repeat)  # the bench's owner and business
        return
    with fresh_database(keep=options.keep) as url:
        started = time.perf_counter()
        owner_id, business_id, rebuilt = fill(url, options.customers, options.rows)
        print(
            f"{options.customers:,} customers, {options.rows:,} ledger rows over {DAYS} days "
            f"loaded in {time.perf_counter() - started:.0f} s (rebuild_analytics {rebuilt:.1f} s)"
        )
        if options.keep:
            print(f"kept: {url}")
        measure(url, owner_id, business_id, options.repeat)
        spread_over_slots(url)
        print(f"again, with the days not folded yet on all {STATS_SLOTS} slots:")
        measure(url, owner_id, business_id, options.repeat)


if __name__ == "__main__":
    main()
