"""The customer list at scale: 100,000 enrollments for one business, server time per request.

Fills a fresh PostgreSQL database in bulk (80,000 customers in the business's first
program, 20,000 of them also in its second, and 20,000 customers of another
business), then times `customers.list_customers` as /business/customers calls it:
the first page, a page deep in the list (through the keyset cursor), and searches
by name, by email and by card number. Prints the median and p95 of each.

    .venv/bin/python -m bench.customers_list [--customers 80000] [--repeat 20]
"""

import argparse
import random
import statistics
import time
import uuid

from sqlalchemy import insert, select
from sqlmodel import Session

from bench import fresh_database, open_business
from gudcity.db import make_engine
from gudcity.domain.card_numbers import luhn_check_digit
from gudcity.models import (
    EnrollmentStatus,
    LoyaltyCard,
    ProgramEnrollment,
    User,
    UserRole,
    customer_business_view,
    utc_now,
)
from gudcity.services import customers, programs

FIRST_NAMES = ["Alice", "Ben", "Chloé", "Dmitri", "Eva", "Farid", "Grace", "Hiro", "Ines", "Jonas"]
LAST_NAMES = ["Rivera", "Okafor", "Müller", "Nguyen", "Smith", "Kowalski", "Haddad", "Rossi"]
CHUNK = 5_000


def card_number(n: int) -> str:
    digits = f"9{n:010d}"
    return digits + luhn_check_digit(digits)


def bulk_customers(session: Session, first: int, count: int) -> list[int]:
    """Insert `count` customers numbered from `first`; their ids."""
    rng = random.Random(first)
    ids = []
    for start in range(first, first + count, CHUNK):
        rows = [
            {
                "email": f"customer{n}@bench.example",
                "name": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n}",
                "password_hash": "not-a-password",
                "role": UserRole.CUSTOMER,
                "public_id": uuid.uuid4().hex,
                "card_number": card_number(n),
                "created_at": utc_now(),
            }
            for n in range(start, min(start + CHUNK, first + count))
        ]
        ids += session.execute(insert(User).returning(User.id), rows).scalars().all()
    return ids


def bulk_enroll(session: Session, customer_ids: list[int], program_id: int, offset: int) -> None:
    now = utc_now()
    for start in range(0, len(customer_ids), CHUNK):
        chunk = customer_ids[start : start + CHUNK]
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
                for c in chunk
            ],
        )
        session.execute(
            insert(LoyaltyCard),
            [
                {
                    "customer_id": c,
                    "program_id": program_id,
                    "card_number": card_number(offset + start + i),
                    "balance": (c * 7) % 300,
                    "lifetime_points": (c * 7) % 300,
                    "tier": "BRONZE",
                    "last_activity_at": now,
                    "created_at": now,
                }
                for i, c in enumerate(chunk)
            ],
        )


def fill(url: str, count: int):
    """The business under test (owner, business id) after loading the data."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        owner, business = open_business(session, "Big Café", "owner@bench.example")
        coffee = programs.create_program(session, owner, business.id, name="Coffee Club")
        cakes = programs.create_program(session, owner, business.id, name="Cake Club")
        other_owner, other = open_business(
            session, "Elsewhere", "other@bench.example", owner_name="Other"
        )
        elsewhere = programs.create_program(session, other_owner, other.id, name="Elsewhere")
        ours = bulk_customers(session, 1, count)
        theirs = bulk_customers(session, 10_000_000, count // 4)
        bulk_enroll(session, ours, coffee.id, 20_000_000)
        bulk_enroll(session, ours[: count // 4], cakes.id, 30_000_000)
        bulk_enroll(session, theirs, elsewhere.id, 40_000_000)
        session.commit()
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    engine.dispose()
    return owner, business.id


def timed(session: Session, call, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        session.expire_all()
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=80_000)
    parser.add_argument("--repeat", type=int, default=20)
    options = parser.parse_args()

    with fresh_database() as url:
        started = time.perf_counter()
        owner, business_id = fill(url, options.customers)
        enrollments = options.customers + options.customers // 4
        print(f"{enrollments:,} enrollments loaded in {time.perf_counter() - started:.0f} s")
        engine = make_engine(url)
        with Session(engine) as session:
            owner = session.get(User, owner.id)
            view = customer_business_view
            # A cursor halfway down the list, as paging there would have produced.
            middle = session.execute(
                select(view.c.customer_name, view.c.customer_id)
                .where(view.c.business_id == business_id)
                .order_by(view.c.customer_name, view.c.customer_id)
                .offset(options.customers // 2)
                .limit(1)
            ).one()
            probe = options.customers // 19  # a customer somewhere in the list
            searches = {
                "first page": {},
                "page halfway down": {"after": (middle[0], middle[1])},
                "search by name": {"search": "grace okafor"},
                "search by email": {"search": f"customer{probe}@"},
                "search by card number": {"search": card_number(probe)[:8]},
            }
            print(f"customers.list_customers, 25 rows, {options.repeat} runs each (PostgreSQL)")
            for label, arguments in searches.items():

                def call(arguments=arguments, label=label):
                    page = customers.list_customers(session, owner, business_id, **arguments)
                    assert page.rows, label

                times = sorted(timed(session, call, options.repeat))
                p95 = times[max(0, round(0.95 * len(times)) - 1)]
                print(f"{label:<24} median {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms")
        engine.dispose()


if __name__ == "__main__":
    main()
