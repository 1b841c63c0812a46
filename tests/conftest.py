"""Shared fixtures: every test runs on SQLite and on a real PostgreSQL.

Each backend gets a fresh database built by the Alembic migrations once per run;
each test starts from empty tables and ends with the ledger invariant checked.
"""

import os
import uuid

# Settings are read once: fix the test values before gudcity is imported.
os.environ["PASSWORD_HASH_PROFILE"] = "CHEAPEST"
os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough")

import pytest
from sqlmodel import Session

from gudcity.db import make_engine, migrate
from tests.support.clock import Clock
from tests.support.databases import (
    assert_balances_match_ledger,
    create_postgres_database,
    drop_postgres_database,
    empty_all_tables,
)
from tests.support.make import Make


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def engine(request, tmp_path_factory):
    """A migrated, empty database of each kind, shared by the tests of one run."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "gudcity.db"
        engine, name = make_engine(f"sqlite:///{path}"), None
    else:
        url, name = create_postgres_database()
        engine = make_engine(url)
    migrate(engine)
    yield engine
    engine.dispose()
    if name:
        drop_postgres_database(name)


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session
    with Session(engine) as check:
        assert_balances_match_ledger(check)
    empty_all_tables(engine)


@pytest.fixture
def backend(engine) -> str:
    return engine.dialect.name


@pytest.fixture
def make(session) -> Make:
    """Each test's own data, through the real services (unique emails on a shared database)."""
    return Make(session, prefix=uuid.uuid4().hex[:8])


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """The services' clock, to move or freeze (tests of time never sleep)."""
    return Clock(monkeypatch)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items) -> None:
    """Run the browser tests last, and last among them those with app servers of their own.

    Sync Playwright keeps an event loop running for the browser's lifetime, which
    the async state tests cannot share; the browser closes at the end of the run.
    The tests with servers of their own run them from copies of the project
    (`devserver.project_copy`), made from the frontend the shared server built first.
    """

    def order(item) -> int:
        if item.get_closest_marker("e2e") is None:
            return 0
        return 2 if item.get_closest_marker("own_server") else 1

    items.sort(key=order)
