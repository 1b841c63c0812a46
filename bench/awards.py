"""Awards per second through the service layer on PostgreSQL, notifications and events included.

Each writer is a process of its own (as each backend worker is), with its own
connection, awarding 1 point at a time on its own customers' cards through
`awards.award_points`: permission check, ledger row, balance, the customer's
notification, the visit and the outbox rows, committed one by one.

The dashboard's aggregates (ANALYTICS_MAINTAINED) are measured on and off in the
same run: turns alternate (on, off, on, off, ...) so that both see the same
machine, the same table sizes and the same noise; the ratio is what keeping
them costs. A rebuild at the end makes the aggregates whole again.

    .venv/bin/python -m bench.awards [--seconds 5] [--writers 1 4 8] [--turns 3]
"""

import argparse
import multiprocessing
import os
import random
import time
import uuid

from sqlmodel import Session, select

from bench import PASSWORD, fresh_database, open_business
from gudcity.db import make_engine, session_scope
from gudcity.models import LoyaltyCard, PointTransaction, User
from gudcity.services import accounts, enrollment, programs
from gudcity.services.analytics_rebuild import rebuild_analytics
from gudcity.services.awards import award_points
from gudcity.settings import get_settings

CARDS_PER_WRITER = 20


def make_shop(url: str, cards: int) -> tuple[int, list[int]]:
    """A business, its program and `cards` enrolled customers: (owner id, card ids)."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        owner, business = open_business(session, "Bench Café", "owner@bench.example")
        program = programs.create_program(session, owner, business.id, name="Bench Points")
        card_ids = []
        for n in range(cards):
            customer = accounts.register_customer(
                session,
                name=f"Customer {n}",
                email=f"c{n}@bench.example",
                password=PASSWORD,
            )
            card_ids.append(enrollment.join_program(session, customer, program.id).card.id)
    engine.dispose()
    return owner.id, card_ids


def writer(
    url: str, owner_id: int, card_ids: list[int], seconds: float, maintained: bool, ready, done
) -> None:
    """Once every writer is connected, award for `seconds`; report how many committed."""
    os.environ["ANALYTICS_MAINTAINED"] = "1" if maintained else "0"
    get_settings.cache_clear()
    engine = make_engine(url)
    count = 0
    # The app's own sessions (gudcity.db.session_scope) keep objects after a commit.
    with session_scope(engine) as session:
        owner = session.get(User, owner_id)
        ready.wait()
        stop_at = time.perf_counter() + seconds
        while time.perf_counter() < stop_at:
            award_points(session, owner, card_ids[count % len(card_ids)], 1, uuid.uuid4().hex)
            count += 1
    engine.dispose()
    done.put(count)


def run(
    url: str, owner_id: int, card_ids: list[int], writers: int, seconds: float, maintained: bool
) -> float:
    context = multiprocessing.get_context("spawn")
    ready, done = context.Barrier(writers), context.Queue()
    # Each writer's cards in no pattern: consecutive ids dealt round would give each
    # writer daily_stats slots (card id % 8) of its own, which real tills do not have.
    card_ids = random.Random(writers).sample(card_ids, len(card_ids))
    processes = [
        context.Process(
            target=writer,
            args=(url, owner_id, card_ids[i::writers], seconds, maintained, ready, done),
        )
        for i in range(writers)
    ]
    for process in processes:
        process.start()
    total = sum(done.get() for _ in processes)
    for process in processes:
        process.join()
    return total / seconds


def check_ledger(url: str) -> None:
    """The benchmark is only worth quoting if every point landed once."""
    engine = make_engine(url)
    with Session(engine) as session:
        balances = sum(session.exec(select(LoyaltyCard.balance)).all())
        rows = len(session.exec(select(PointTransaction.id)).all())
    engine.dispose()
    assert balances == rows, f"balances {balances} != ledger rows {rows}"
    print(f"ledger check: {rows} awards, balances add up")


def side_by_side(url: str, owner_id: int, card_ids: list[int], writers: int, options) -> None:
    """Alternating turns with the aggregates on and off; the mean rate of each, and the ratio."""
    rates: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(options.turns):
        for maintained in (True, False):
            rates[maintained].append(
                run(url, owner_id, card_ids, writers, options.seconds, maintained)
            )
    on, off = (sum(rates[m]) / len(rates[m]) for m in (True, False))
    print(
        f"{writers:>2} writer{'s' if writers > 1 else ' '}  aggregates on {on:6.0f} awards/s"
        f"   off {off:6.0f} awards/s   cost {off / on:.3f}x"
        f"   (turns on: {' '.join(f'{r:.0f}' for r in rates[True])};"
        f" off: {' '.join(f'{r:.0f}' for r in rates[False])})"
    )


def rebuild(url: str) -> None:
    engine = make_engine(url)
    with Session(engine) as session:
        started = time.perf_counter()
        rebuild_analytics(session)
        session.commit()
    engine.dispose()
    print(f"rebuild-analytics after the run: {time.perf_counter() - started:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4, 8])
    parser.add_argument("--turns", type=int, default=3, help="turns each, on and off")
    options = parser.parse_args()

    with fresh_database() as url:
        owner_id, card_ids = make_shop(url, CARDS_PER_WRITER * max(options.writers))
        print(
            f"Awards per second through the services (PostgreSQL, {options.turns} turns of"
            f" {options.seconds:g} s each with the dashboard's aggregates on and off)"
        )
        for writers in options.writers:
            side_by_side(url, owner_id, card_ids, writers, options)
        check_ledger(url)
        rebuild(url)


if __name__ == "__main__":
    main()
