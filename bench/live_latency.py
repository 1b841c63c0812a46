"""Click -> the other party's page: how long a live update takes, end to end.

Starts the production app on a fresh PostgreSQL database, opens a business tab
on the scanner and a customer tab on /cards, and times N awards from the
business's click ("Award points") until the customer's `card-balance` shows the
new value. Both timestamps are read inside the pages (`performance.timeOrigin +
performance.now()`), so the figure is what a person would see. The customer page
also stamps the arrival of the first websocket message after the click, which
splits each figure into server + network (click -> message) and browser
(message -> new balance on screen). Runs once with only those two tabs, then
with more connected: other customers' tabs, light sessions of other customers
(bench/light_sessions.py; the backend's memory per session is printed), and
more tabs of the watched customer.

Next to the first award figure, the other way round: the customer answers a
deduction the counter asked for ("Accept" on /cards, 0.3 s after the request shows
there, as a person reads it first) until the counter's `#scan-result` shows the
answer ("approved"), timed the same way.

    .venv/bin/python -m bench.live_latency [--awards 50] [--answers 30] [--extra-tabs 20]
        [--light-sessions 200] [--against DIR]

With `--against DIR` (another checkout of the project, e.g. `git archive main | tar -x
-C DIR` with a link to .venv) both apps are served at once, each on its own database,
and the first two figures are taken from each in turns of five, so that both see the
same machine: a before/after in one run.
"""

import argparse
import contextlib
import statistics
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from sqlmodel import Session

from bench import PASSWORD, at, fresh_database, open_business
from bench.light_sessions import RECORD_SOCKET, LightSessions
from gudcity.db import make_engine
from gudcity.devserver import BROWSER_ARGS, CHROMIUM, app_server
from gudcity.services import accounts, awards, enrollment, programs, sessions
from gudcity.settings import PROJECT_ROOT

CLICK_AND_STAMP = """() => {
    const stamp = performance.timeOrigin + performance.now();
    [...document.querySelectorAll('button')].find(b => b.textContent === 'Award points').click();
    return stamp;
}"""

# The customer answers the counter: Accept on the (only) notification still waiting.
ACCEPT_AND_STAMP = """() => {
    const stamp = performance.timeOrigin + performance.now();
    [...document.querySelectorAll('#notifications button')]
        .find(b => b.textContent === 'Accept').click();
    return stamp;
}"""

# Records when the counter's #scan-result first shows the customer's answer.
WATCH_ANSWER = """() => {
    window.__seen = null;
    window.__messages = [];
    const result = () => document.querySelector('#scan-result');
    const observer = new MutationObserver(() => {
        if (result() && result().textContent.includes(' approved: ')) {
            window.__seen = performance.timeOrigin + performance.now();
            observer.disconnect();
        }
    });
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""

# Stamps every websocket message the page receives (installed before the app loads).
STAMP_MESSAGES = """(() => {
    window.__messages = [];
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
        constructor(...args) {
            super(...args);
            this.addEventListener('message',
                () => window.__messages.push(performance.timeOrigin + performance.now()));
        }
    };
})()"""

# Records when the balance first shows `expected`, from a MutationObserver.
WATCH_BALANCE = """(expected) => {
    window.__seen = null;
    window.__messages = [];
    const balance = () => document.querySelector('[data-testid=card-balance]');
    const observer = new MutationObserver(() => {
        if (balance() && balance().textContent === expected) {
            window.__seen = performance.timeOrigin + performance.now();
            observer.disconnect();
        }
    });
    observer.observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


def make_people(session: Session, extra_customers: int):
    owner, business = open_business(
        session, "Bench Café", f"owner-{uuid.uuid4().hex[:6]}@example.com", owner_name="Bench Owner"
    )
    program = programs.create_program(session, owner, business.id, name="Bench Points")
    customers, cards = [], []
    for n in range(extra_customers + 1):
        customer = accounts.register_customer(
            session,
            name=f"Customer {n}",
            email=f"c{n}-{uuid.uuid4().hex[:6]}@example.com",
            password=PASSWORD,
        )
        cards.append(enrollment.join_program(session, customer, program.id).card)
        customers.append(customer)
    # Enough for every deduction the answers figure asks the watched customer to approve.
    awards.award_points(session, owner, cards[0].id, 1000, uuid.uuid4().hex)
    return owner, customers


def log_in(browser, base_url: str, email: str, lands_on: str) -> Page:
    page = browser.new_context(base_url=base_url).new_page()
    page.add_init_script(STAMP_MESSAGES)
    page.add_init_script(RECORD_SOCKET)
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(at(lands_on), timeout=30_000)  # log-in ends with a full page load
    return page


@dataclass
class Timing:
    total: float  # click -> new balance on the customer's screen
    server: float  # click -> first websocket message at the customer's page

    @property
    def browser(self) -> float:
        return self.total - self.server


def time_awards(shop: Page, customer_page: Page, awards: int) -> list[Timing]:
    timings = []
    balance = int(customer_page.locator("[data-testid=card-balance]").inner_text())
    for _ in range(awards):
        balance += 1
        customer_page.evaluate(WATCH_BALANCE, str(balance))
        clicked = shop.evaluate(CLICK_AND_STAMP)
        customer_page.wait_for_function("() => window.__seen !== null", timeout=10_000)
        seen, first_message = customer_page.evaluate(
            "(clicked) => [window.__seen, window.__messages.find((t) => t >= clicked)]", clicked
        )
        timings.append(Timing(seen - clicked, first_message - clicked))
        shop.wait_for_function(
            "() => ![...document.querySelectorAll('button')]"
            ".find(b => b.textContent === 'Award points').disabled"
        )
    return timings


# A person reads the request before answering it. Without the pause the answer would
# come while the counter re-reads its own request (the business pages' settle), and
# the figure would time that collision rather than the answer.
READ_THE_REQUEST_MS = 300


def time_answers(shop: Page, customer_page: Page, answers: int) -> list[Timing]:
    """The counter asks for 1 off the card; the customer accepts; the counter shows it."""
    timings = []
    waiting = customer_page.locator("#notifications button", has_text="Accept")
    for _ in range(answers):
        shop.get_by_role("button", name="Deduct points").click()
        shop.locator("#scan-result").get_by_text("Asked the customer").wait_for()
        waiting.first.wait_for()
        customer_page.wait_for_timeout(READ_THE_REQUEST_MS)
        shop.evaluate(WATCH_ANSWER)
        clicked = customer_page.evaluate(ACCEPT_AND_STAMP)
        shop.wait_for_function("() => window.__seen !== null", timeout=10_000)
        seen, first_message = shop.evaluate(
            "(clicked) => [window.__seen, window.__messages.find((t) => t >= clicked)]", clicked
        )
        timings.append(Timing(seen - clicked, first_message - clicked))
        waiting.wait_for(state="detached")
    return timings


def p95(values: list[float]) -> float:
    return sorted(values)[max(0, round(0.95 * len(values)) - 1)]


def report(title: str, timings: list[Timing]) -> None:
    totals = [t.total for t in timings]
    servers = [t.server for t in timings]
    browsers = [t.browser for t in timings]
    print(
        f"{title:<46} n={len(totals):>3}  p50={statistics.median(totals):6.1f} ms  "
        f"p95={p95(totals):6.1f} ms  max={max(totals):6.1f} ms  "
        f"(server+network p50 {statistics.median(servers):5.1f}, "
        f"browser p50 {statistics.median(browsers):5.1f})"
    )
    slowest = sorted(timings, key=lambda t: t.total, reverse=True)[:5]
    listed = ", ".join(f"{t.total:.0f} ({t.server:.0f})" for t in slowest)
    print(f"    slowest, ms (server+network): {listed}")


def server_memory_mb(port: int) -> float:
    """Resident memory of the app's processes (the ones started with this backend port)."""
    total_kb = 0
    for process in Path("/proc").glob("[0-9]*"):
        try:
            command = (process / "cmdline").read_bytes().split(b"\0")
            if b"--backend-port" not in command or str(port).encode() not in command:
                continue
            status = (process / "status").read_text()
        except OSError:
            continue
        total_kb += next(
            int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS")
        )
    return total_kb / 1024


def open_light_sessions(engine, watched: Page, customers: list) -> LightSessions:
    """A socket per customer, replaying the watched tab's CONNECT with their own session."""
    with Session(engine) as session:
        cookies = [sessions.start_session(session, customer) for customer in customers]
    connect = next(frame for frame in watched.evaluate("window.__sent") if frame.startswith("40"))
    client_token = watched.evaluate("window.sessionStorage.getItem('token')")
    light = LightSessions(watched.evaluate("window.__socket_url"), connect, client_token)
    light.open(cookies)
    return light


def open_counter(browser, base_url: str, owner, customer) -> tuple[Page, Page]:
    """The business's scanner with `customer` on screen, and the customer's /cards."""
    shop = log_in(browser, base_url, owner.email, "/business/scanner")
    watched = log_in(browser, base_url, customer.email, "/cards")
    shop.get_by_label("Card number").fill(customer.card_number)
    shop.get_by_role("button", name="Look up").click()  # shows the customer, gives nothing
    shop.locator("#scan-result").get_by_text("Enrolled").wait_for()
    shop.get_by_label("Points").fill("1")
    return shop, watched


TURN = 5


def compare(browser, apps: dict[str, tuple[str, object, list]], options) -> None:
    """The first two figures from each app in turns of TURN, then each app's figures."""
    pages = {
        name: open_counter(browser, base_url, owner, customers[0])
        for name, (base_url, owner, customers) in apps.items()
    }
    awarded: dict[str, list[Timing]] = {name: [] for name in apps}
    answered: dict[str, list[Timing]] = {name: [] for name in apps}
    for shop, watched in pages.values():  # warm-up
        time_awards(shop, watched, TURN)
        time_answers(shop, watched, 3)
    for _ in range(0, max(options.awards, options.answers), TURN):
        for name, (shop, watched) in pages.items():
            if len(awarded[name]) < options.awards:
                awarded[name] += time_awards(shop, watched, TURN)
            if len(answered[name]) < options.answers:
                answered[name] += time_answers(shop, watched, TURN)
    print(f"Live latency, side by side in turns of {TURN} (PostgreSQL)")
    for name in apps:
        report(f"{name}: award -> the customer's page", awarded[name])
        report(f"{name}: answer -> the counter's #scan-result", answered[name])


def measure(browser, base_url: str, engine, owner, customers: list, options) -> None:
    """Time the awards with more and more connected: each phase adds to the last."""
    tab_customers = customers[1 : 1 + options.extra_tabs]
    light_customers = customers[1 + options.extra_tabs :]
    shop, watched = open_counter(browser, base_url, owner, customers[0])

    print(f"Live latency, click -> customer's page, {options.awards} awards (PostgreSQL)")
    time_awards(shop, watched, 5)  # warm-up
    report("2 tabs (business + customer)", time_awards(shop, watched, options.awards))
    if options.answers:
        time_answers(shop, watched, 3)  # warm-up
        report(
            "customer answers -> the counter's #scan-result",
            time_answers(shop, watched, options.answers),
        )
    for customer in tab_customers:
        log_in(browser, base_url, customer.email, "/cards")
    report(
        f"+{options.extra_tabs} other customers' tabs connected",
        time_awards(shop, watched, options.awards),
    )
    if light_customers:
        port = int(base_url.rsplit(":", 1)[1])
        before = server_memory_mb(port)
        light = open_light_sessions(engine, watched, light_customers)
        per_session = (server_memory_mb(port) - before) / len(light_customers)
        report(
            f"+{len(light_customers)} light sessions of other customers",
            time_awards(shop, watched, options.awards),
        )
        light.close()
        print(f"backend memory per connected session: {per_session * 1024:.0f} KB")
    for _ in range(options.extra_tabs):
        tab = watched.context.new_page()
        tab.goto("/cards")
        tab.locator("[data-testid=card-balance]").wait_for()
    report(
        f"+{options.extra_tabs} more tabs of the same customer",
        time_awards(shop, watched, options.awards),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--awards", type=int, default=50)
    parser.add_argument("--answers", type=int, default=30)
    parser.add_argument("--extra-tabs", type=int, default=20)
    parser.add_argument("--light-sessions", type=int, default=200)
    parser.add_argument("--against", type=Path, help="another checkout, measured side by side")
    options = parser.parse_args()
    if options.against:
        run_side_by_side(options)
        return

    with fresh_database() as url:
        engine = make_engine(url)
        with Session(engine, expire_on_commit=False) as session:
            owner, customers = make_people(session, options.extra_tabs + options.light_sessions)
        log = Path(tempfile.mkdtemp()) / "reflex.log"
        with (
            app_server(url, log, PASSWORD_HASH_PROFILE="CHEAPEST") as base_url,
            sync_playwright() as playwright,
        ):
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
            measure(browser, base_url, engine, owner, customers, options)
            browser.close()
        engine.dispose()


def run_side_by_side(options) -> None:
    """This checkout ("after") and `--against` ("before"), each on a database of its own."""
    projects = {"before": options.against.resolve(), "after": PROJECT_ROOT}
    with contextlib.ExitStack() as stack:
        apps = {}
        for name, project in projects.items():
            url = stack.enter_context(fresh_database())
            engine = make_engine(url)
            with Session(engine, expire_on_commit=False) as session:
                owner, customers = make_people(session, 0)
            engine.dispose()
            log = Path(tempfile.mkdtemp()) / "reflex.log"
            base_url = stack.enter_context(
                app_server(url, log, project=project, PASSWORD_HASH_PROFILE="CHEAPEST")
            )
            apps[name] = (base_url, owner, customers)
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        compare(browser, apps, options)
        browser.close()


if __name__ == "__main__":
    main()
