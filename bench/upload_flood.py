"""Anonymous uploads against a logged-in customer's click: does a flood stall anyone?

Starts the production app on a fresh PostgreSQL database, logs a customer in to
/cards in Chromium, and times their "Mark as read" (one light service call and a
re-read of the page), from the click to the notification shown as read. Then N
anonymous loops post a blank 6300x6300 PNG (52 KB, just under the pixel limit, and
seconds of work for a decoder) to /_upload as fast as the server answers, and the
same clicks are timed again. Prints p50/p95 of the click without and with the
flood, and the flood's own round trip per upload (an upper bound of what a refused
upload costs the server).

Runs it twice, side by side: on the code of `--before` (a git revision, by default
where this branch left main: the uploads decoded before any check, in the default
thread pool) and on this tree. Loopback only; every loop stops after
`--max-uploads` uploads or when the clicks are done.

    .venv/bin/python -m bench.upload_flood [--loops 6] [--clicks 15] [--before REV]
"""

import argparse
import http.client
import io
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image
from playwright.sync_api import Page, sync_playwright
from sqlmodel import Session

from bench import PASSWORD, at, fresh_database
from gudcity.db import make_engine
from gudcity.devserver import APP_FILES, BROWSER_ARGS, CHROMIUM, PROJECT_ROOT, app_server
from gudcity.models import NotificationType
from gudcity.services import accounts, notify
from gudcity.state.scanner import ScannerState

NOTIFICATIONS_SHOWN = 20  # gudcity/state/cards.py
WARM_UP_CLICKS = 2
UPLOAD_HANDLER = f"{ScannerState.get_full_name()}.scan_upload"
BOUNDARY = "benchboundary"

# Clicks the first "Mark as read"; resolves with the ms until one fewer is shown.
TIME_MARK_READ = """() => new Promise((resolve, reject) => {
    const buttons = () => [...document.querySelectorAll('[data-testid=notification] button')]
        .filter((b) => b.textContent === 'Mark as read');
    const before = buttons().length;
    if (!before) return reject(new Error('no unread notification left'));
    const start = performance.now();
    const observer = new MutationObserver(() => {
        if (buttons().length < before) {
            observer.disconnect();
            resolve(performance.now() - start);
        }
    });
    observer.observe(document.body, { childList: true, subtree: true });
    buttons()[0].click();
})"""


def blank_png(side: int = 6300) -> bytes:
    out = io.BytesIO()
    Image.new("L", (side, side), 255).save(out, format="PNG", optimize=True)
    return out.getvalue()


def upload_body(png: bytes) -> bytes:
    head = (
        f"--{BOUNDARY}\r\n"
        'Content-Disposition: form-data; name="files"; filename="blank.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    return head + png + f"\r\n--{BOUNDARY}--\r\n".encode()


class Flood:
    """`loops` threads posting `body` to /_upload, each as an anonymous tab of its own."""

    def __init__(self, base_url: str, body: bytes, loops: int, max_uploads: int) -> None:
        self.address = urlsplit(base_url).netloc
        self.body, self.loops, self.max_uploads = body, loops, max_uploads
        self.round_trips: list[float] = []
        self.statuses: dict[int, int] = {}
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._loop) for _ in range(loops)]

    def __enter__(self) -> "Flood":
        self.started = time.perf_counter()
        for thread in self._threads:
            thread.start()
        time.sleep(1)  # every loop under way before the clicks
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=120)
        self.seconds = time.perf_counter() - self.started

    @property
    def per_second(self) -> float:
        return len(self.round_trips) / self.seconds

    def _loop(self) -> None:
        connection = http.client.HTTPConnection(self.address, timeout=60)
        headers = {
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "reflex-client-token": uuid.uuid4().hex,
            "reflex-event-handler": UPLOAD_HANDLER,
        }
        for _ in range(self.max_uploads):
            if self._stop.is_set():
                break
            started = time.perf_counter()
            try:
                connection.request("POST", "/_upload", body=self.body, headers=headers)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(self.address, timeout=60)
                continue
            self.round_trips.append((time.perf_counter() - started) * 1000)
            self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        connection.close()


def make_customer(url: str, unread: int) -> str:
    """A customer with `unread` unread notifications; their email."""
    engine = make_engine(url)
    email = f"flood-{uuid.uuid4().hex[:8]}@bench.example"
    with Session(engine, expire_on_commit=False) as session:
        customer = accounts.register_customer(
            session, name="Flo Customer", email=email, password=PASSWORD
        )
        for n in range(unread):
            notify.notify_customer(
                session, customer.id, NotificationType.QR_SCANNED, "Scanned", f"Notice {n}"
            )
        session.commit()
    engine.dispose()
    return email


def log_in(browser, base_url: str, email: str) -> Page:
    page = browser.new_context(base_url=base_url).new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(at("/cards"), timeout=30_000)  # log-in ends with a full page load
    page.locator("[data-testid=notification]").first.wait_for(timeout=30_000)
    return page


def time_clicks(page: Page, clicks: int) -> list[float]:
    timings = []
    for _ in range(clicks):
        timings.append(page.evaluate(TIME_MARK_READ))
        page.wait_for_timeout(100)
    return timings


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} / {percentile(values, 0.95):.0f} ms"


def measure(project: Path, label: str, options, body: bytes, log: Path) -> dict:
    with (
        fresh_database() as url,
        app_server(url, log, project=project, PASSWORD_HASH_PROFILE="CHEAPEST") as base_url,
        sync_playwright() as driver,
    ):
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        # A customer per phase: /cards shows their 20 newest notifications.
        quiet_page, flooded_page = (
            log_in(browser, base_url, make_customer(url, NOTIFICATIONS_SHOWN)) for _ in range(2)
        )
        for page in (quiet_page, flooded_page):
            time_clicks(page, WARM_UP_CLICKS)
        quiet = time_clicks(quiet_page, options.clicks)
        with Flood(base_url, body, options.loops, options.max_uploads) as flood:
            flooded = time_clicks(flooded_page, options.clicks)
        browser.close()
    figures = {
        "label": label,
        "quiet": quiet,
        "flooded": flooded,
        "uploads": len(flood.round_trips),
        "upload_ms": statistics.median(flood.round_trips) if flood.round_trips else float("nan"),
        "per_second": flood.per_second,
        "statuses": flood.statuses,
    }
    print(
        f"{label}: mark_read p50 / p95 {spread(quiet)} quiet, {spread(flooded)} under"
        f" {options.loops} upload loops; {figures['uploads']} uploads,"
        f" {figures['per_second']:.0f} a second, {figures['upload_ms']:.1f} ms each at the median,"
        f" answers {flood.statuses}",
        flush=True,
    )
    return figures


def checkout(revision: str, destination: Path) -> Path:
    """The app's files at `revision`, beside this tree's built frontend (as project_copy)."""
    tracked = [name for name in APP_FILES if name != ".secret_key"]
    archive = subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "archive", revision, *tracked],
        check=True,
        capture_output=True,
    ).stdout
    destination.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(destination)], input=archive, check=True)
    shutil.copy2(PROJECT_ROOT / ".secret_key", destination / ".secret_key")
    web = PROJECT_ROOT / ".web"
    if web.is_dir():
        shutil.copytree(web, destination / ".web", ignore=shutil.ignore_patterns("node_modules"))
        (destination / ".web" / "node_modules").symlink_to(web / "node_modules")
    return destination


def merge_base() -> str:
    return subprocess.run(
        ["git", "-C", str(PROJECT_ROOT), "merge-base", "main", "HEAD"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()


def print_table(rows: list[dict], loops: int) -> None:
    print(f"\n| code | mark_read p50 / p95 | with {loops} upload loops | uploads answered |")
    print("| --- | --- | --- | --- |")
    for row in rows:
        print(
            f"| {row['label']} | {spread(row['quiet'])} | {spread(row['flooded'])}"
            f" | {row['per_second']:.0f}/s, {row['upload_ms']:.0f} ms each (p50) |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loops", type=int, default=6)
    parser.add_argument("--clicks", type=int, default=15)
    parser.add_argument("--max-uploads", type=int, default=3000, help="per loop")
    parser.add_argument("--before", default=None, help="git revision (default: merge-base)")
    options = parser.parse_args()
    if options.clicks > NOTIFICATIONS_SHOWN - WARM_UP_CLICKS:
        parser.error(f"at most {NOTIFICATIONS_SHOWN - WARM_UP_CLICKS} clicks per phase")
    body = upload_body(blank_png())
    print(f"upload: {len(body) / 1024:.0f} KB, a blank 6300x6300 PNG", flush=True)
    before = options.before or merge_base()
    with tempfile.TemporaryDirectory(prefix="gudcity-flood-") as scratch:
        root = Path(scratch)
        rows = [
            measure(
                checkout(before, root / "before"),
                f"before ({before[:7]})",
                options,
                body,
                root / "before.log",
            ),
            measure(PROJECT_ROOT, "after (this tree)", options, body, root / "after.log"),
        ]
    print_table(rows, options.loops)


if __name__ == "__main__":
    main()
