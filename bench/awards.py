"""Awards per second through the service layer on PostgreSQL, notifications and events included.

Each writer is a process of its own (as each backend worker is), with its own
connection, awarding 1 point at a time on its own customers' cards through
`awards.award_points`: permission check, ledger row, balance, the customer's
notification, the visit and the outbox rows, committed one by one.

    .venv/bin/python -m bench.awards [--seconds 5] [--writers 1 4 8]
"""

import argparse
import multiprocessing
import time
import uuid

from sqlmodel import Session, select

from bench import PASSWORD, fresh_database, open_business
from gudcity.db import make_engine, session_scope
from gudcity.models import LoyaltyCard, PointTransaction, User
from gudcity.services import accounts, enrollment, programs
from gudcity.services.awards import award_points

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


def writer(url: str, owner_id: int, card_ids: list[int], seconds: float, ready, done) -> None:
    """Once every writer is connected, award for `seconds`; report how many committed."""
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


def run(url: str, owner_id: int, card_ids: list[int], writers: int, seconds: float) -> float:
    context = multiprocessing.get_context("spawn")
    ready, done = context.Barrier(writers), context.Queue()
    processes = [
        context.Process(
            target=writer, args=(url, owner_id, card_ids[i::writers], seconds, ready, done)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4, 8])
    options = parser.parse_args()

    with fresh_database() as url:
        owner_id, card_ids = make_shop(url, CARDS_PER_WRITER * max(options.writers))
        print(f"Awards per second through the services (PostgreSQL, {options.seconds:g} s each)")
        for writers in options.writers:
            rate = run(url, owner_id, card_ids, writers, options.seconds)
            print(f"{writers:>2} writer{'s' if writers > 1 else ' '}  {rate:8.0f} awards/s")
        check_ledger(url)


if __name__ == "__main__":
    main()
