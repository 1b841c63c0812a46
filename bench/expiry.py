"""The expiry sweep at scale: 100,000 cards, 1,000,000 ledger rows, awards while it runs.

Fills a fresh PostgreSQL database in bulk (COPY, bench/expiry_load.py): one business,
a points program whose rule (points expire 180 days after they were earned) has been in
force since before the history began, 100,000 enrolled customers with a card each, and
`--rows` ledger rows over 365 days (awards, and some deductions and redemptions, so that the oldest
points spent first matters; some customers come often, most rarely), each balance the
sum of its card's rows. Then, in this process, as a worker's lifespan task runs it
(`sweeps.expire_points_once`):

1. the first sweep: the backlog of everything already due (and the warnings); or, with
   `--backlog loaded`, its EXPIRE rows and warnings reckoned by gudcity/domain/expiry.py
   as the sweep does and loaded with the rest, then a sweep that should find nothing;
2. the services' clock one day on, the sweep that applies that day's expiries (wall
   time, cards read, cards settled, EXPIRE rows, each card's transaction: p50/p99/max,
   and where a card's time goes, by statement), while 2 writer processes award points
   through `awards.award_points`, half of them on the very card the sweep is settling
   at that moment, the rest on cards due that day or not; each award is timed, and
   within it the balance UPDATE, which is what waits for a card's lock. Side by side:
   the same writers for `--baseline` seconds with no sweep;
3. the sweep again at the same moment (nothing left to do), and balance = ledger.

    .venv/bin/python -m bench.expiry [--rows 1000000] [--customers 100000] [--baseline 15]
        [--backlog sweep|loaded] [--before FILE]  (a day swept by an older
        services/expiry.py's settle_card, and its cards_to_settle where it had one,
        first, then the next day by this code)

A card counts as locked from the end of the statement that locked its row (an older
settle_card's FOR NO KEY UPDATE, this one's balance UPDATE) to the commit.
"""

import argparse
import importlib.util
import multiprocessing
import os
import random
import re
import statistics
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import event

import gudcity.db
import gudcity.models.base
from bench import fresh_database
from bench.expiry_load import DAYS, RULE_DAYS, fill
from gudcity.db import make_engine, session_scope
from gudcity.models import User, utc_now
from gudcity.realtime import sweeps
from gudcity.services import expiry, expiry_candidates
from gudcity.services.awards import award_points
from gudcity.settings import get_settings

WRITERS = 2


# -- the clock and the sweep ------------------------------------------------------------


@contextmanager
def clock_on(delta: timedelta) -> Iterator[None]:
    """The services' clock (`utc_now`, as tests/support/clock.py moves it) `delta` ahead."""

    class Shifted(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.now(tz) + delta

    real = gudcity.models.base.datetime
    gudcity.models.base.datetime = Shifted
    try:
        yield
    finally:
        gudcity.models.base.datetime = real


@dataclass
class SweepProbe:
    """What one sweep did: each card's settling timed (and from its lock on), the cards
    its batches read, and the statements of the settling by kind (ms and count)."""

    current: object  # a shared multiprocessing Value: the card being settled, 0 when none
    settle_ms: list[float] = field(default_factory=list)
    locked_ms: list[float] = field(default_factory=list)
    locked_at: float | None = None
    cards_read: int = 0
    statements: defaultdict = field(default_factory=lambda: defaultdict(lambda: [0.0, 0]))
    settling: bool = False

    @contextmanager
    def watching(self, engine) -> Iterator[None]:
        settle, entries = expiry.settle_card, expiry_candidates.ledger_entries

        def timed_settle(session, card_id, reading=None):
            self.current.value, self.settling, self.locked_at = card_id, True, None
            started = time.perf_counter()
            try:
                return settle(session, card_id, reading)
            finally:
                ended = time.perf_counter()
                self.settle_ms.append((ended - started) * 1000)
                if self.locked_at is not None:
                    self.locked_ms.append((ended - self.locked_at) * 1000)
                self.current.value, self.settling = 0, False

        def counted_entries(session, card_ids):
            if not self.settling:
                self.cards_read += len(card_ids)
            return entries(session, card_ids)

        def before(_conn, _cursor, statement, _parameters, context, _many):
            context._bench_started = time.perf_counter()

        def after(_conn, _cursor, statement, _parameters, context, _many):
            # The lock is held from the end of the statement that took it (which may
            # have waited for an award's) to the commit.
            if self.settling and self.locked_at is None and _locks_the_card(statement):
                self.locked_at = time.perf_counter()
            if self.settling:
                tally = self.statements[statement_kind(statement)]
                tally[0] += (time.perf_counter() - context._bench_started) * 1000
                tally[1] += 1

        expiry.settle_card = timed_settle
        expiry_candidates.ledger_entries = counted_entries
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
        try:
            yield
        finally:
            expiry.settle_card, expiry_candidates.ledger_entries = settle, entries
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)


def _locks_the_card(statement: str) -> bool:
    """The settling's first statement that locks the card's row until the commit: an
    older settle_card's FOR NO KEY UPDATE, or this one's balance UPDATE."""
    return "FOR NO KEY UPDATE" in statement or statement.startswith("UPDATE loyalty_cards")


def statement_kind(statement: str) -> str:
    """ "SELECT loyalty_cards", "UPDATE loyalty_cards", "SELECT loyalty_cards FOR UPDATE"..."""
    table = _TABLE.search(statement)
    locking = " FOR UPDATE" if "FOR NO KEY UPDATE" in statement else ""
    return f"{statement.split()[0]} {table.group(1) if table else ''}{locking}"


_TABLE = re.compile(r"\b(?:FROM|INTO|UPDATE)\s+(\w+)")


def sweep(label: str, current, delta: timedelta) -> SweepProbe:
    """One `expire_points_once` with the clock `delta` ahead; prints what it did."""
    probe = SweepProbe(current)
    engine = gudcity.db.get_engine()
    rows_before = _count_expire_rows(engine)
    with clock_on(delta), probe.watching(engine):
        started = time.perf_counter()
        points = sweeps.expire_points_once()
        seconds = time.perf_counter() - started
    rows = _count_expire_rows(engine) - rows_before
    times = sorted(probe.settle_ms)
    print(
        f"{label}: {seconds:.1f} s, {probe.cards_read:,} cards read, {len(times):,} settled, "
        f"{rows:,} EXPIRE rows ({points:,} points); settling {sum(times) / 1000:.1f} s, "
        f"the rest (reading the batches) {seconds - sum(times) / 1000:.1f} s"
    )
    for name, chosen in (("per card transaction", times), ("card locked", probe.locked_ms)):
        if chosen:
            chosen = sorted(chosen)
            print(
                f"  {name}: p50 {statistics.median(chosen):.1f} ms, "
                f"p99 {percentile(chosen, 0.99):.1f} ms, max {chosen[-1]:.1f} ms"
            )
    return probe


def _count_expire_rows(engine) -> int:
    with engine.connect() as connection:
        return connection.exec_driver_sql(
            "SELECT count(*) FROM point_transactions WHERE kind = 'EXPIRE'"
        ).scalar_one()


def print_statements(probe: SweepProbe) -> None:
    """Where a settled card's time goes: the SQL by statement (the rest is Python)."""
    cards = max(len(probe.settle_ms), 1)
    total = sum(probe.settle_ms) / cards
    sql = sum(ms for ms, _ in probe.statements.values()) / cards
    print(f"  a card's {total:.2f} ms: SQL {sql:.2f} ms, the rest Python and the driver")
    ranked = sorted(probe.statements.items(), key=lambda item: -item[1][0])
    for statement, (ms, count) in ranked[:12]:
        print(f"    {ms / cards:6.2f} ms  {count / cards:4.2f} x  {statement}")


# -- the writers ------------------------------------------------------------------------


def writer(url, owner_id, cards, current, seed, ready, stop, done) -> None:
    """Award 1 point at a time until `stop`: half on the card being settled (if any),
    the rest on `cards`; report (award ms, balance UPDATE ms, on the settled card)."""
    engine = make_engine(url)
    update_ms: list[float] = []

    def before(_conn, _cursor, statement, _parameters, context, _many):
        context._bench_started = time.perf_counter()

    def after(_conn, _cursor, statement, _parameters, context, _many):
        if statement.startswith("UPDATE loyalty_cards"):
            update_ms.append((time.perf_counter() - context._bench_started) * 1000)

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    rng, results = random.Random(seed), []
    with session_scope(engine) as session:
        owner = session.get(User, owner_id)
        ready.wait()
        while not stop.is_set():
            settling = current.value if rng.random() < 0.5 else 0
            card_id = settling or rng.choice(cards)
            update_ms.clear()
            started = time.perf_counter()
            award_points(session, owner, card_id, 1, uuid.uuid4().hex)
            elapsed = (time.perf_counter() - started) * 1000
            results.append((elapsed, max(update_ms), bool(settling)))
    engine.dispose()
    done.put(results)


@contextmanager
def awarding(url: str, owner_id: int, cards: list[int], current) -> Iterator[list]:
    """WRITERS award while the block runs; the list of their awards fills at its end."""
    context = multiprocessing.get_context("spawn")
    ready, stop, done = context.Barrier(WRITERS + 1), context.Event(), context.Queue()
    processes = [
        context.Process(target=writer, args=(url, owner_id, cards, current, n, ready, stop, done))
        for n in range(WRITERS)
    ]
    for process in processes:
        process.start()
    ready.wait()
    awards: list = []
    try:
        yield awards
    finally:
        stop.set()
        for _ in processes:
            awards.extend(done.get())
        for process in processes:
            process.join()


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def print_awards(label: str, awards: list, seconds: float) -> None:
    for name, chosen in (("all", awards), ("on the card being settled", None)):
        chosen = chosen if chosen is not None else [a for a in awards if a[2]]
        if not chosen:
            continue
        times = sorted(a[0] for a in chosen)
        updates = sorted(a[1] for a in chosen)
        print(
            f"  {label:<14} {name:<26} {len(chosen):>6,} awards ({len(chosen) / seconds:5.0f}/s)"
            f"  p50 {statistics.median(times):5.1f}  p95 {percentile(times, 0.95):5.1f}"
            f"  p99 {percentile(times, 0.99):6.1f}  max {times[-1]:6.1f} ms;"
            f"  balance UPDATE p99 {percentile(updates, 0.99):5.1f}  max {updates[-1]:6.1f} ms"
        )


# -- the run ----------------------------------------------------------------------------


def due_tomorrow(engine, program_id: int) -> list[int]:
    """Cards holding points with an inflow that comes due in the next day."""
    now = utc_now()
    with engine.connect() as connection:
        return list(
            connection.exec_driver_sql(
                "SELECT DISTINCT t.card_id FROM point_transactions t "
                "JOIN loyalty_cards c ON c.id = t.card_id WHERE c.program_id = %(p)s "
                "AND c.balance > 0 AND t.amount > 0 AND t.created_at > %(a)s "
                "AND t.created_at <= %(b)s",
                {
                    "p": program_id,
                    "a": now - timedelta(days=RULE_DAYS),
                    "b": now - timedelta(days=RULE_DAYS - 1),
                },
            ).scalars()
        )


def check_ledger(engine) -> None:
    with engine.connect() as connection:
        wrong, negative, cards = connection.exec_driver_sql(
            "SELECT count(*) FILTER (WHERE c.balance <> coalesce(s.total, 0)), "
            "count(*) FILTER (WHERE c.balance < 0), count(*) FROM loyalty_cards c "
            "LEFT JOIN (SELECT card_id, sum(amount) AS total FROM point_transactions "
            "GROUP BY card_id) s ON s.card_id = c.id"
        ).one()
    assert wrong == 0 and negative == 0, f"{wrong} cards off their ledger, {negative} negative"
    print(f"ledger check: all {cards:,} balances equal their ledger, none negative")


def load_before(path: str):
    """An older services/expiry.py (`git show REV:gudcity/services/expiry.py`)."""
    spec = importlib.util.spec_from_file_location("bench_expiry_before", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@contextmanager
def older_code(module) -> Iterator[None]:
    """The sweep with an older module's `settle_card` (which reads the card itself), and
    its `cards_to_settle` where it had one (before services/expiry_candidates.py): its
    card ids taken as readings of nothing but the id, its reads counted as this code's."""
    now = (expiry.settle_card, expiry_candidates.cards_to_settle)
    expiry.settle_card = lambda session, card_id, _reading=None: module.settle_card(
        session, card_id
    )
    if hasattr(module, "cards_to_settle"):
        module.ledger_entries = lambda session, ids: expiry_candidates.ledger_entries(session, ids)

        def cards_to_settle(session, program, moment, after_id=0):
            card_ids, after = module.cards_to_settle(session, program, moment, after_id)
            return [SimpleNamespace(card_id=card_id) for card_id in card_ids], after

        expiry_candidates.cards_to_settle = cards_to_settle
    try:
        yield
    finally:
        expiry.settle_card, expiry_candidates.cards_to_settle = now


def day_under_awards(shop: tuple[str, int, list[int]], current, day: int, label: str) -> None:
    """Day `day`'s sweep while the writers award; its figures and theirs."""
    url, owner_id, pool = shop
    with awarding(url, owner_id, pool, current) as busy:
        started = time.perf_counter()
        probe = sweep(f"day {day}'s sweep, {label}", current, timedelta(days=day))
        swept = time.perf_counter() - started
    print_statements(probe)
    print_awards("during sweep", busy, swept)


def measure(url: str, owner_id: int, program_id: int, options) -> None:
    engine = gudcity.db.get_engine()
    current = multiprocessing.get_context("spawn").Value("q", 0)
    if options.backlog == "sweep":
        sweep("first sweep (the backlog)", current, timedelta(0))
    else:  # what was loaded is what the sweep would have written: it finds nothing to do
        sweep("a sweep now, after the backlog loaded", current, timedelta(0))
    due = due_tomorrow(engine, program_id)
    others = random.Random(3).sample(range(1, options.customers + 1), min(len(due), 2_000))
    shop = (url, owner_id, due + others)
    print(f"{len(due):,} cards with points due in the next day; {WRITERS} writer processes award")
    print(f"on them, on {len(others):,} others, and half the time on the card being settled (ms)")
    with awarding(url, owner_id, shop[2], current) as quiet:
        time.sleep(options.baseline)
    print_awards("no sweep", quiet, options.baseline)
    day = 1
    if options.before:
        with older_code(load_before(options.before)):
            day_under_awards(shop, current, day, f"the code before ({options.before})")
        day += 1
    day_under_awards(shop, current, day, "this code")
    sweep("the same day again", current, timedelta(days=day))
    check_ledger(engine)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--baseline", type=float, default=15, help="seconds of awards alone")
    parser.add_argument(
        "--backlog",
        choices=("sweep", "loaded"),
        default="sweep",
        help="time the first sweep, or load what it writes (reckoned by the domain)",
    )
    parser.add_argument(
        "--before",
        metavar="FILE",
        help="an older services/expiry.py: sweep a day with its settle_card first",
    )
    options = parser.parse_args()
    with fresh_database() as url:
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
        gudcity.db.get_engine.cache_clear()
        started = time.perf_counter()
        loaded = options.backlog == "loaded"
        owner_id, program_id = fill(url, options.customers, options.rows, backlog_loaded=loaded)
        print(
            f"{options.customers:,} cards, {options.rows:,} ledger rows over {DAYS} days, "
            f"points expire {RULE_DAYS} days after earning: loaded in "
            f"{time.perf_counter() - started:.0f} s"
        )
        try:
            measure(url, owner_id, program_id, options)
        finally:
            gudcity.db.get_engine().dispose()


if __name__ == "__main__":
    main()
