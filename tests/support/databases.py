"""Test databases: a fresh PostgreSQL database, emptying tables, and the ledger invariant."""

import os
import uuid

import pytest
from sqlalchemy import func, text
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, SQLModel, select

from gudcity.db import drop_database, ensure_database_exists
from gudcity.models import LoyaltyCard, PointTransaction, TransactionKind
from gudcity.services.analytics_log import forget_known_days

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


def empty_all_tables(engine) -> None:
    forget_known_days()  # the visit days this process saw are gone
    tables = [table.name for table in SQLModel.metadata.sorted_tables]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for name in reversed(tables):
                connection.exec_driver_sql(f"DELETE FROM {name}")


def assert_balances_match_ledger(session: Session) -> None:
    """The core invariant: every card's balance is the sum of its ledger, and >= 0; its
    earned points, the sum of its EARN rows."""
    ledger = select(PointTransaction.card_id, func.sum(PointTransaction.amount)).group_by(
        PointTransaction.card_id
    )
    sums = dict(session.exec(ledger).all())
    earned = dict(session.exec(ledger.where(PointTransaction.kind == TransactionKind.EARN)).all())
    for card in session.exec(select(LoyaltyCard)):
        assert card.balance == sums.get(card.id, 0), f"card {card.id} balance != ledger"
        assert card.balance >= 0
        assert card.earned_points == earned.get(card.id, 0), f"card {card.id} earned != ledger"


def table_counts(session: Session) -> dict[str, int]:
    """Rows per table: compare before and after a refused call to prove it wrote nothing."""
    session.rollback()
    return {
        table.name: session.execute(text(f"SELECT COUNT(*) FROM {table.name}")).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }
