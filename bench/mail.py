"""Mail: what asking for a reset link costs, known email or not, and how fast the outbox drains.

On a fresh PostgreSQL database: times `request_password_reset` (the service call, one
session, as /forgot-password makes it before its half-second floor) for emails with
and without an account, alternating; then queues mails and delivers them to a real
SMTP server in-process (aiosmtpd) with 1 and with 4 workers at once (threads
running the worker's `deliver_due`, as several backend workers would), checking
that each mail arrived exactly once. Prints medians, p95s and mails per second.

    .venv/bin/python -m bench.mail [--requests 200] [--mails 1000]
"""

import argparse
import statistics
import threading
import time
import uuid

from sqlmodel import Session, update

from bench import fresh_database
from gudcity.db import make_engine
from gudcity.mail.smtp import sender_for
from gudcity.mail.worker import deliver_due
from gudcity.models import AccountToken
from gudcity.services import accounts, password_reset
from gudcity.services.mail import compose, link, queue_mail
from gudcity.settings import Settings, get_settings
from tests.support.smtp import SmtpServer


def percentiles(seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    return f"p50 {statistics.median(ms):6.2f} ms   p95 {ms[int(len(ms) * 0.95) - 1]:6.2f} ms"


def time_requests(engine, requests: int) -> None:
    # No throttle in the way: every known request writes its token and mail.
    get_settings().password_resets_per_account = requests + 1
    with Session(engine) as session:
        known = accounts.register_customer(
            session, name="Ann", email="ann@bench.example", password="bench-password-1"
        ).email
    timings: dict[str, list[float]] = {"known": [], "unknown": []}
    for n in range(requests):
        for kind, email in (("known", known), ("unknown", f"nobody{n}@bench.example")):
            with Session(engine) as session:
                started = time.perf_counter()
                password_reset.request_password_reset(session, email, "198.51.100.7")
                timings[kind].append(time.perf_counter() - started)
            with Session(engine) as session:  # the window's count stays the same each time
                session.exec(update(AccountToken).values(used_at=None))
                session.commit()
    for kind, seconds in timings.items():
        print(f"request_password_reset, {kind:7} email: {percentiles(seconds)}")


def queue(engine, count: int, to: str) -> None:
    with Session(engine) as session:
        for n in range(count):
            text, html = compose([f"Mail {n}"], ("Open", link("/cards", token=str(n))))
            queue_mail(session, to, f"Mail {n}", text, html)
        session.commit()


def drain(engine, server: SmtpServer, workers: int, count: int) -> None:
    to = f"{uuid.uuid4().hex[:8]}@bench.example"
    queue(engine, count, to)
    send = sender_for(Settings(smtp_url=server.url))
    barrier = threading.Barrier(workers)

    def work():
        barrier.wait()
        while deliver_due(send, engine):
            pass

    threads = [threading.Thread(target=work) for _ in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    received = server.wait_for(to, count)
    once = len({m["Subject"] for m in received}) == len(received) == count
    print(
        f"{count} mails, {workers} worker(s): {elapsed:5.2f} s, {count / elapsed:6.0f} mails/s,"
        f" each exactly once: {once}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--mails", type=int, default=1000)
    args = parser.parse_args()
    with fresh_database() as url:
        engine = make_engine(url)
        time_requests(engine, args.requests)
        server = SmtpServer().start()
        try:
            for workers in (1, 4):
                drain(engine, server, workers, args.mails)
        finally:
            server.stop()
            engine.dispose()


if __name__ == "__main__":
    main()
