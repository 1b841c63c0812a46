"""The back office at scale: a million ledger rows and a million staff actions for one business.

Fills a fresh PostgreSQL database in bulk (COPY): one business with 5 staff members,
2,000 customers each holding a card in its points program, 1,000,000 ledger rows
over 60 days (200,000 of them on one regular's two cards), and 1,000,000 staff
actions by the owner and the staff. Then times, as /business/activity and
/business/customers/<id> call them, the activity log's first page and a page far
down (also with the "Staff member" and "Day" filters), and the regular's history,
first page and far down. Prints the median and p95 of each (server time: the
service call, one session, as a page's read makes it).

    .venv/bin/python -m bench.activity [--rows 1000000] [--repeat 30]
"""

import argparse
import random
import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import event, insert, select, text
from sqlmodel import Session

from bench import PASSWORD, fresh_database, open_business
from gudcity.db import make_engine
from gudcity.domain.card_numbers import luhn_check_digit
from gudcity.models import (
    EnrollmentStatus,
    LoyaltyCard,
    PointTransaction,
    ProgramEnrollment,
    ProgramKind,
    StaffAction,
    User,
    UserRole,
    utc_now,
)
from gudcity.services import accounts, activity, customer_detail, programs
from gudcity.services.permissions import Permission

CUSTOMERS = 2_000
STAFF = 5
DAYS = 60
# The share of the ledger on the regular's two cards.
REGULAR_SHARE = 0.2


def card_number(n: int) -> str:
    digits = f"8{n:010d}"
    return digits + luhn_check_digit(digits)


def bulk_customers(session: Session, count: int) -> list[int]:
    rows = [
        {
            "email": f"regular{n}@bench.example",
            "name": f"Customer {n}",
            "password_hash": "not-a-password",
            "role": UserRole.CUSTOMER,
            "public_id": uuid.uuid4().hex,
            "card_number": card_number(n),
            "created_at": utc_now(),
        }
        for n in range(count)
    ]
    return list(session.execute(insert(User).returning(User.id), rows).scalars())


def bulk_cards(session: Session, customer_ids: list[int], program_id: int, offset: int) -> list:
    now = utc_now()
    session.execute(
        insert(ProgramEnrollment),
        [
            {
                "customer_id": c,
                "program_id": program_id,
                "status": EnrollmentStatus.ACTIVE,
                "created_at": now,
                "updated_at": now,
            }
            for c in customer_ids
        ],
    )
    rows = [
        {
            "customer_id": c,
            "program_id": program_id,
            "card_number": card_number(offset + i),
            "created_at": now,
            "last_activity_at": now,
        }
        for i, c in enumerate(customer_ids)
    ]
    return list(session.execute(insert(LoyaltyCard).returning(LoyaltyCard.id), rows).scalars())


def copy_rows(session: Session, table: str, columns: tuple[str, ...], rows) -> None:
    """COPY the rows in: the fastest way PostgreSQL takes a million of them."""
    cursor = session.connection().connection.cursor()
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def ledger_rows(count: int, regular_cards: list[int], cards: list[int], actors: list[int]):
    """EARN rows, oldest first, one every few seconds over DAYS days."""
    rng = random.Random(1)
    start = utc_now() - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / count
    for n in range(count):
        card = rng.choice(regular_cards) if rng.random() < REGULAR_SHARE else rng.choice(cards)
        amount = rng.randint(1, 20)
        yield (card, "EARN", amount, rng.choice(actors), f"bench:{n}", "", start + n * step)


def action_rows(count: int, business_id: int, actors: list[int], customers: list[int], program):
    rng = random.Random(2)
    start = utc_now() - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / count
    kinds = ("SCAN", "AWARD", "AWARD", "DEDUCTION_REQUEST", "ENROLLMENT_REQUEST")
    for n in range(count):
        kind = rng.choice(kinds)
        amount = None if kind in ("SCAN", "ENROLLMENT_REQUEST") else rng.randint(1, 20)
        detail = "AWARDED" if kind == "SCAN" else ""
        yield (
            business_id,
            rng.choice(actors),
            kind,
            rng.choice(customers),
            program,
            amount,
            detail,
            start + n * step,
        )


def fill(url: str, rows: int):
    """The business under test after loading: (owner id, business id, staff ids, regular id)."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        owner, business = open_business(session, "Busy Café", "owner@bench.example")
        points = programs.create_program(session, owner, business.id, name="Coffee Club")
        stamps = programs.create_program(
            session, owner, business.id, name="Pastry Stamps", kind=ProgramKind.STAMPS
        )
        staff = [
            accounts.add_staff_member(
                session,
                owner,
                business.id,
                name=f"Barista {n}",
                email=f"barista{n}@bench.example",
                password=PASSWORD,
                permissions={Permission.SCAN, Permission.AWARD},
            ).id
            for n in range(STAFF)
        ]
        customers = bulk_customers(session, CUSTOMERS)
        cards = bulk_cards(session, customers, points.id, 0)
        regular = customers[0]
        regular_cards = [cards[0], *bulk_cards(session, [regular], stamps.id, CUSTOMERS)]
        actors = [owner.id, *staff]
        copy_rows(
            session,
            "point_transactions",
            ("card_id", "kind", "amount", "actor_id", "idempotency_key", "note", "created_at"),
            ledger_rows(rows, regular_cards, cards, actors),
        )
        copy_rows(
            session,
            "staff_actions",
            (
                "business_id",
                "actor_id",
                "kind",
                "customer_id",
                "program_id",
                "amount",
                "detail",
                "created_at",
            ),
            action_rows(rows, business.id, actors, customers, points.id),
        )
        # Balance = ledger, as everywhere else.
        session.execute(
            text(
                "UPDATE loyalty_cards c SET balance = s.total, lifetime_points = s.total "
                "FROM (SELECT card_id, sum(amount) AS total FROM point_transactions "
                "GROUP BY card_id) s WHERE c.id = s.card_id"
            )
        )
        session.commit()
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    engine.dispose()
    return owner.id, business.id, staff, regular


def timed(session: Session, call, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        session.expire_all()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def cursor_at(session: Session, table, offset: int, *conditions):
    """The (created_at, id) a walk of `offset` rows, newest first, would have reached."""
    return tuple(
        session.execute(
            select(table.c.created_at, table.c.id)
            .where(*conditions)
            .order_by(table.c.created_at.desc(), table.c.id.desc())
            .offset(offset)
            .limit(1)
        ).one()
    )


def cases(session: Session, business_id: int, barista: int, regular: int, rows: int) -> dict:
    """label -> (service, keyword arguments) of each timed call."""
    log, ledger = StaffAction.__table__, PointTransaction.__table__
    middle_day = (utc_now() - timedelta(days=DAYS // 2)).date()
    day_start = datetime.combine(middle_day, datetime.min.time(), UTC)
    in_day = (log.c.created_at >= day_start, log.c.created_at < day_start + timedelta(days=1))
    regular_cards = select(LoyaltyCard.id).where(LoyaltyCard.customer_id == regular)
    log_far = cursor_at(session, log, int(rows * 0.9), log.c.business_id == business_id)
    staff_far = cursor_at(session, log, int(rows * 0.9 / (STAFF + 1)), log.c.actor_id == barista)
    day_far = cursor_at(session, log, int(rows / DAYS * 0.9), *in_day)
    history_far = cursor_at(
        session, ledger, int(rows * REGULAR_SHARE * 0.9), ledger.c.card_id.in_(regular_cards)
    )
    log_call, history_call = activity.list_activity, customer_detail.customer_history
    return {
        "activity: first page": (log_call, {}),
        "activity: 90% down": (log_call, {"after": log_far}),
        "activity: staff, first": (log_call, {"staff_id": barista}),
        "activity: staff, 90% down": (log_call, {"staff_id": barista, "after": staff_far}),
        "activity: day, first": (log_call, {"day": middle_day}),
        "activity: day, 90% down": (log_call, {"day": middle_day, "after": day_far}),
        "activity: staff + day": (log_call, {"staff_id": barista, "day": middle_day}),
        "history: first page": (history_call, {"customer_id": regular}),
        "history: 90% down": (history_call, {"customer_id": regular, "after": history_far}),
    }


def explain(session: Session, call) -> None:
    """EXPLAIN ANALYZE the statements on the big tables that one call runs."""
    seen = []

    def remember(_conn, _cursor, statement, parameters, _context, _many):
        if "staff_actions" in statement or "point_transactions" in statement:
            seen.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", remember)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    cursor = session.connection().connection.cursor()
    for statement, parameters in seen:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", parameters)
        print("\n".join(f"    {line}" for (line,) in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--explain", action="store_true", help="print each query's plan")
    options = parser.parse_args()

    with fresh_database() as url:
        started = time.perf_counter()
        owner_id, business_id, staff, regular = fill(url, options.rows)
        print(
            f"{options.rows:,} ledger rows and {options.rows:,} staff actions loaded "
            f"in {time.perf_counter() - started:.0f} s"
        )
        engine = make_engine(url)
        with Session(engine) as session:
            owner = session.get(User, owner_id)
            timings = cases(session, business_id, staff[0], regular, options.rows)
            print(f"25 rows a page, {options.repeat} runs each (PostgreSQL), server time")
            for label, (service, arguments) in timings.items():

                def call(service=service, arguments=arguments, label=label):
                    page = service(session, owner, business_id, **arguments)
                    assert len(page.rows) == 25, label

                times = sorted(timed(session, call, options.repeat))
                p95 = times[max(0, round(0.95 * len(times)) - 1)]
                print(f"{label:<28} p50 {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms")
                if options.explain:
                    explain(session, call)
        engine.dispose()


if __name__ == "__main__":
    main()
