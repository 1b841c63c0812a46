"""Browser tests: the production build on PostgreSQL, driven in Debian's Chromium.

One app server per test run, on a database of its own; each test makes its own
businesses and customers through the services, against that same database.
"""

import os

import pytest
from playwright.sync_api import Page, sync_playwright
from sqlmodel import Session

from gudcity.db import make_engine, migrate
from gudcity.devserver import BROWSER_ARGS, CHROMIUM, app_server, project_copy
from tests.support.browser import QR_RENEW_SECONDS
from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.smtp import SmtpServer


@pytest.fixture(scope="session")
def e2e_database_url():
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    url, name = create_postgres_database("gudcity_e2e")
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    yield url
    drop_postgres_database(name)


@pytest.fixture(scope="session")
def mail_server():
    """The real SMTP server (aiosmtpd) the app sends its mails to; tests read them there."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_url(e2e_database_url, mail_server, tmp_path_factory):
    """The app in production mode, as `make run` starts it, on a port of its own."""
    log = tmp_path_factory.mktemp("app") / "reflex.log"
    with app_server(
        e2e_database_url,
        log,
        # A QR renewal every few seconds, so a test can watch one happen.
        QR_RENEW_SECONDS=str(QR_RENEW_SECONDS),
        SMTP_URL=mail_server.url,
        MAIL_POLL_SECONDS="0.2",
    ) as url:
        yield url


@pytest.fixture(scope="session")
def copy_of_the_app(app_url, tmp_path_factory):
    """`copy_of_the_app()`: a fresh copy of the project, for a server of its own.

    Depends on the shared server, which has built the frontend the copies start from.
    """
    return lambda: project_copy(tmp_path_factory.mktemp("project"))


@pytest.fixture
def session(e2e_database_url):
    """A session on the app's database, to make each test's data (`make` uses it)."""
    engine = make_engine(e2e_database_url)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


@pytest.fixture(scope="session")
def playwright():
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser, app_url):
    """Open a page in a browser context of its own (its own cookies: one user)."""
    contexts = []

    def open_page(width: int = 1100, height: int = 900) -> Page:
        context = browser.new_context(base_url=app_url, viewport={"width": width, "height": height})
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()
