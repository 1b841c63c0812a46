"""An award at the counter -> the owner's open dashboard: how long, and how often it re-reads.

Starts the production app on a fresh PostgreSQL database, opens the owner's
/business/dashboard in Chromium and watches `[data-testid=kpi-points-issued]` with a
MutationObserver that stamps each change (`performance.timeOrigin + performance.now()`).
First N single awards, a pause after each, timed from the award's commit to the new
number on screen; then a burst (an award every `--gap` seconds), counting how often the
number changed: the settle (`DashboardState.refresh_settle_seconds`) folds a busy
counter's awards into one re-read.

    .venv/bin/python -m bench.dashboard_live [--awards 20] [--burst 40] [--gap 0.05]
"""

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from sqlmodel import Session

from bench import PASSWORD, at, fresh_database, open_business
from gudcity.db import make_engine
from gudcity.devserver import BROWSER_ARGS, CHROMIUM, app_server
from gudcity.services import accounts, awards, enrollment, programs
from gudcity.services.permissions import Permission
from gudcity.state.dashboard import DashboardState

WATCH = """() => {
    window.__changes = [];
    const number = document.querySelector('[data-testid=kpi-points-issued]');
    new MutationObserver(() => window.__changes.push(performance.timeOrigin + performance.now()))
        .observe(number, {childList: true, characterData: true, subtree: true});
}"""


def _shop(session: Session, customers: int) -> tuple[str, object, list[int]]:
    """A business with a barista and `customers` enrolled cards: (owner's email, barista, cards)."""
    run = uuid.uuid4().hex[:6]
    owner, business = open_business(session, "Bench Beans", f"owner-{run}@example.com")
    program = programs.create_program(session, owner, business.id, name="Club", points_per_scan=1)
    barista = accounts.add_staff_member(
        session,
        owner,
        business.id,
        name="Barista",
        email=f"barista-{run}@example.com",
        password=f"first-{PASSWORD}",
        permissions={Permission.AWARD},
    )
    barista = accounts.choose_first_password(session, barista, PASSWORD)
    cards = []
    for n in range(customers):
        customer = accounts.register_customer(
            session, name=f"Customer {n}", email=f"c{n}-{run}@example.com", password=PASSWORD
        )
        cards.append(enrollment.join_program(session, customer, program.id).card.id)
    return owner.email, barista, cards


def _log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(at("/business/scanner"))
    page.goto("/business/dashboard")
    page.wait_for_selector("[data-testid=kpi-points-issued]")


def _changes(page: Page) -> int:
    return page.evaluate("window.__changes.length")


def _single_awards(page: Page, session: Session, barista, cards: list[int], n: int) -> list:
    delays = []
    for i in range(n):
        seen = _changes(page)
        awards.award_points(session, barista, cards[i % len(cards)], 1, uuid.uuid4().hex)
        committed = time.time() * 1000
        page.wait_for_function(f"window.__changes.length > {seen}", timeout=10_000)
        delays.append(page.evaluate(f"window.__changes[{seen}]") - committed)
        time.sleep(1.5)
    return sorted(delays)


def _burst(page: Page, session: Session, barista, cards: list[int], n: int, gap: float):
    seen = _changes(page)
    started = time.monotonic()
    for i in range(n):
        awards.award_points(session, barista, cards[i % len(cards)], 1, uuid.uuid4().hex)
        time.sleep(gap)
    took = time.monotonic() - started
    time.sleep(2 * DashboardState.refresh_settle_seconds + 1)
    return took, _changes(page) - seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=20)
    parser.add_argument("--burst", type=int, default=40)
    parser.add_argument("--gap", type=float, default=0.05)
    args = parser.parse_args()
    with fresh_database() as url, tempfile.TemporaryDirectory() as folder:
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            owner_email, barista, cards = _shop(session, 5)
            with app_server(url, Path(folder) / "reflex.log") as base, sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
                page = browser.new_context(base_url=base).new_page()
                _log_in(page, owner_email)
                page.evaluate(WATCH)
                delays = _single_awards(page, session, barista, cards, args.awards)
                took, reads = _burst(page, session, barista, cards, args.burst, args.gap)
                browser.close()
        engine.dispose()
    settle = DashboardState.refresh_settle_seconds
    print(f"settle {settle:.2f} s; {args.awards} single awards, commit -> dashboard's number:")
    p95 = delays[int(0.95 * (len(delays) - 1))]
    print(f"  p50 {statistics.median(delays):.0f} ms, p95 {p95:.0f} ms, max {delays[-1]:.0f} ms")
    print(f"burst of {args.burst} awards over {took:.1f} s: the number changed {reads} times")


if __name__ == "__main__":
    main()
