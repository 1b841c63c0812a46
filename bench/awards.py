"""Awards per second through the service layer on PostgreSQL, notifications and events included.

Each writer is a process of its own (as each backend worker is), with its own
connection, awarding 1 point at a time on its own customers' cards through
`awards.award_points`: permission check, ledger row, balance, the customer's
notification, the visit and the outbox rows, committed one by one.

The dashboard's aggregates (ANALYTICS_MAINTAINED) are measured on and off in the
same run: turns alternate (on, off, on, off, ...) so that both see the same
machine, the same table sizes and the same noise; the ratio is what keeping
them costs. A rebuild at the end makes the aggregates whole again.

With `--growth`, the turns alternate instead between the plain program and one
with the growth engine on: a tier ladder whose every card earns at 1.5x, and a
promotion doubling points all day, every day (so each award also grants a tier
and a promotion bonus); the aggregates stay on. Each award gives 10 points, so
every bonus is a whole number of points.

    .venv/bin/python -m bench.awards [--seconds 5] [--writers 1 4 8] [--turns 3] [--growth]
"""

import argparse
import multiprocessing
import os
import random
import time
import uuid

from sqlalchemy import func
from sqlmodel import Session, select

from bench import PASSWORD, fresh_database, open_business
from gudcity.db import make_engine, session_scope
from gudcity.domain.tiers import Tier
from gudcity.models import LoyaltyCard, PointTransaction, TransactionKind, User
from gudcity.services import accounts, enrollment, programs, promotions, tiers
from gudcity.services.analytics_rebuild import rebuild_analytics
from gudcity.services.awards import award_points
from gudcity.settings import get_settings

CARDS_PER_WRITER = 20
POINTS = 10
EVERY_DAY = range(7)


def boost(session: Session, owner: User, program_id: int) -> None:
    """Every card of the program earns at 1.5x from its first point, and 2x all day."""
    tiers.save_tiers(
        session,
        owner,
        program_id,
        tiers=[Tier("Member", 0, 150), Tier("Gold", 1_000_000, 200)],
        basis="LIFETIME",
        window_days=365,
        downgrade="WINDOW",
    )
    promotions.create_promotion(
        session,
        owner,
        program_id,
        promotions.PromotionInput("All day double", "MULTIPLIER", 200, EVERY_DAY, "00:00", "23:59"),
    )


def make_shop(url: str, cards: int) -> tuple[int, dict[str, list[int]]]:
    """A business, a plain program and a boosted one, and `cards` customers holding a card
    of each: (owner id, {"plain": card ids, "growth": card ids})."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        owner, business = open_business(session, "Bench Café", "owner@bench.example")
        plain = programs.create_program(session, owner, business.id, name="Bench Points")
        boosted = programs.create_program(session, owner, business.id, name="Bench Boosted")
        boost(session, owner, boosted.id)
        card_ids: dict[str, list[int]] = {"plain": [], "growth": []}
        for n in range(cards):
            customer = accounts.register_customer(
                session,
                name=f"Customer {n}",
                email=f"c{n}@bench.example",
                password=PASSWORD,
            )
            for name, program in (("plain", plain), ("growth", boosted)):
                card_ids[name].append(
                    enrollment.join_program(session, customer, program.id).card.id
                )
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
            award_points(session, owner, card_ids[count % len(card_ids)], POINTS, uuid.uuid4().hex)
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
    """The benchmark is only worth quoting if every point landed once, bonuses included."""
    engine = make_engine(url)
    with Session(engine) as session:
        balances = session.exec(select(func.sum(LoyaltyCard.balance))).one()
        ledger = session.exec(select(func.sum(PointTransaction.amount))).one()
        awards = session.exec(
            select(func.count()).where(PointTransaction.kind == TransactionKind.EARN)
        ).one()
    engine.dispose()
    assert balances == ledger, f"balances {balances} != ledger {ledger}"
    print(f"ledger check: {awards} awards, balances add up to the ledger ({ledger} points)")


def side_by_side(url: str, owner_id: int, cards: dict, writers: int, options) -> None:
    """Alternating turns of two variants; the mean rate of each, and the ratio (the cost of
    the first against the second)."""
    if options.growth:
        variants = {"growth on": (True, cards["growth"]), "plain": (True, cards["plain"])}
    else:
        variants = {"aggregates on": (True, cards["plain"]), "off": (False, cards["plain"])}
    rates: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(options.turns):
        for name, (maintained, card_ids) in variants.items():
            rates[name].append(run(url, owner_id, card_ids, writers, options.seconds, maintained))
    (first, with_it), (second, without) = ((n, sum(r) / len(r)) for n, r in rates.items())
    turns = "; ".join(f"{n}: {' '.join(f'{r:.0f}' for r in rates[n])}" for n in rates)
    print(
        f"{writers:>2} writer{'s' if writers > 1 else ' '}  {first} {with_it:6.0f} awards/s"
        f"   {second} {without:6.0f} awards/s   cost {without / with_it:.3f}x   (turns {turns})"
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
    parser.add_argument(
        "--growth", action="store_true", help="tiers and a promotion against a plain program"
    )
    options = parser.parse_args()

    with fresh_database() as url:
        owner_id, card_ids = make_shop(url, CARDS_PER_WRITER * max(options.writers))
        against = (
            "a program with tiers and a promotion against a plain one"
            if options.growth
            else "the dashboard's aggregates on and off"
        )
        print(
            f"Awards per second through the services (PostgreSQL, {options.turns} turns of"
            f" {options.seconds:g} s each, {against})"
        )
        for writers in options.writers:
            side_by_side(url, owner_id, card_ids, writers, options)
        check_ledger(url)
        rebuild(url)


if __name__ == "__main__":
    main()
