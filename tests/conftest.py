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
from sqlalchemy import func, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, select

from gudcity.db import drop_database, ensure_database_exists, make_engine, migrate
from gudcity.models import LoyaltyCard, PointTransaction

POSTGRES_SERVER = os.environ.get(
    "GUDCITY_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432"
)
REQUIRE_POSTGRES = os.environ.get("GUDCITY_REQUIRE_POSTGRES") == "1"


def create_postgres_database(prefix: str = "gudcity_test") -> tuple[str, str]:
    """A new, empty database on the test server: (url, name). Skips, or fails in CI,
    when the server is not reachable."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    url = f"{POSTGRES_SERVER}/{name}"
    try:
        ensure_database_exists(url)
    except OperationalError as error:
        message = f"PostgreSQL is not reachable at {POSTGRES_SERVER}: {error}"
        if REQUIRE_POSTGRES:
            pytest.fail(message)
        pytest.skip(message)
    return url, name


def drop_postgres_database(name: str) -> None:
    drop_database(f"{POSTGRES_SERVER}/{name}")


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


def _empty_all_tables(engine) -> None:
    tables = [table.name for table in SQLModel.metadata.sorted_tables]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for name in reversed(tables):
                connection.exec_driver_sql(f"DELETE FROM {name}")


def assert_balances_match_ledger(session: Session) -> None:
    """The core invariant: every card's balance is the sum of its ledger, and >= 0."""
    ledger = select(PointTransaction.card_id, func.sum(PointTransaction.amount)).group_by(
        PointTransaction.card_id
    )
    sums = dict(session.exec(ledger).all())
    for card in session.exec(select(LoyaltyCard)):
        assert card.balance == sums.get(card.id, 0), f"card {card.id} balance != ledger"
        assert card.balance >= 0


@pytest.fixture
def session(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session
    with Session(engine) as check:
        assert_balances_match_ledger(check)
    _empty_all_tables(engine)


@pytest.fixture
def backend(engine) -> str:
    return engine.dialect.name


def table_counts(session: Session) -> dict[str, int]:
    """Rows per table: compare before and after a refused call to prove it wrote nothing."""
    session.rollback()
    return {
        table.name: session.execute(text(f"SELECT COUNT(*) FROM {table.name}")).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }


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
