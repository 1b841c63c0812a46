"""The owner's ledger export at scale: 1,000,000 ledger rows streamed as CSV.

Fills a fresh PostgreSQL database in bulk (COPY, as bench/activity.py does): one
business, 2,000 customers with a card each, and `--rows` ledger rows. Then
downloads /export/ledger.csv and /export/customers.csv through the real endpoint
(gudcity/web/exports.py behind the credentials middleware, driven in-process as
ASGI, the body chunks counted and dropped as a socket would send them) and prints,
per export, the time, the bytes, and the process's peak resident memory above what
it held idle just before (sampled every 10 ms), then the peak of Python's own
allocations during a second run (tracemalloc, which slows the run).

    .venv/bin/python -m bench.export [--rows 1000000]
"""

import argparse
import asyncio
import gc
import os
import threading
import time
import tracemalloc

from sqlmodel import Session

from bench import fresh_database, open_business
from bench.activity import CUSTOMERS, bulk_cards, bulk_customers, copy_rows, ledger_rows
from gudcity import db, routes
from gudcity.db import make_engine
from gudcity.services import programs, sessions
from gudcity.settings import get_settings
from gudcity.web.credentials import SESSION_COOKIE, CredentialsMiddleware
from gudcity.web.exports import export_endpoints

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def rss_bytes() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_BYTES


def fill(url: str, rows: int) -> str:
    """Load the business; a session token of its owner."""
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as session:
        owner, business = open_business(session, "Busy Café", "owner@bench.example")
        points = programs.create_program(session, owner, business.id, name="Coffee Club")
        customers = bulk_customers(session, CUSTOMERS)
        cards = bulk_cards(session, customers, points.id, 0)
        copy_rows(
            session,
            "point_transactions",
            ("card_id", "kind", "amount", "actor_id", "idempotency_key", "note", "created_at"),
            ledger_rows(rows, cards[:2], cards, [owner.id]),
        )
        session.commit()
        token = sessions.start_session(session, owner)
    with engine.connect() as connection:
        connection.exec_driver_sql("ANALYZE")
        connection.commit()
    engine.dispose()
    return token


async def download(app, path: str, token: str) -> tuple[int, int]:
    """GET `path` through the ASGI app; (status, body bytes), the body dropped as it comes."""
    status, size = 0, 0
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"cookie", f"{SESSION_COOKIE}={token}".encode())],
        "scheme": "http",
        "server": ("localhost", 80),
        "client": ("127.0.0.1", 50000),
        "http_version": "1.1",
        "root_path": "",
    }

    requested, finished = False, asyncio.Event()

    async def receive():
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message):
        nonlocal status, size
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            size += len(message.get("body", b""))
            if not message.get("more_body", False):
                finished.set()

    await app(scope, receive, send)
    return status, size


def measured(app, path: str, token: str) -> tuple[float, int, int]:
    """(seconds, bytes, peak RSS above idle) of one download."""
    gc.collect()
    idle = peak = rss_bytes()
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.wait(0.01):
            peak = max(peak, rss_bytes())

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    status, size = asyncio.run(download(app, path, token))
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    assert status == 200, status
    return elapsed, size, max(peak, rss_bytes()) - idle


def traced_peak(app, path: str, token: str) -> int:
    gc.collect()
    tracemalloc.start()
    asyncio.run(download(app, path, token))
    _size, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    options = parser.parse_args()

    with fresh_database() as url:
        started = time.perf_counter()
        token = fill(url, options.rows)
        print(f"{options.rows:,} ledger rows loaded in {time.perf_counter() - started:.0f} s")
        # The endpoints open their sessions through the settings' DATABASE_URL.
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
        db.get_engine.cache_clear()
        app = CredentialsMiddleware(export_endpoints())
        for path in (routes.LEDGER_CSV, routes.CUSTOMERS_CSV):
            seconds, size, above_idle = measured(app, path, token)
            python_peak = traced_peak(app, path, token)
            print(
                f"{path:<24} {seconds:6.1f} s  {size / 1e6:7.1f} MB  "
                f"peak RSS +{above_idle / 1e6:5.1f} MB  Python peak {python_peak / 1e6:5.1f} MB"
            )
        db.get_engine().dispose()


if __name__ == "__main__":
    main()
