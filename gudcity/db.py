"""Database engines and sessions for SQLite (the zero-setup default) and PostgreSQL."""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import InvalidatePoolError
from sqlmodel import Session, create_engine

from alembic import command
from gudcity.settings import PROJECT_ROOT, get_settings


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def _apply_sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets readers run beside the one writer; SQLite leaves foreign keys off."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_immediate(connection) -> None:
    """Take SQLite's write lock when a transaction starts, not at its first write.

    A deferred transaction that reads and then writes can fail with "database is
    locked" when another writer got in between; an immediate one waits its turn.
    """
    connection.exec_driver_sql("BEGIN IMMEDIATE")


# A pooled connection that has been idle this long is checked before it is handed out.
IDLE_BEFORE_PING_SECONDS = 1.0


def _note_idle_since(_dbapi_connection, record) -> None:
    record.info["idle_since"] = time.monotonic()


def _ping_if_idle(engine: Engine):
    """The pool's "checkout" listener: ping a connection only if it sat idle a while.

    SQLAlchemy's `pool_pre_ping` pings on every checkout: one more round trip on
    each service call (an award has eight others). A connection used within the
    last second is taken as alive; one idle longer is pinged, and a dead one
    (the database restarted) is replaced, as `pool_pre_ping` would.
    """

    def listener(dbapi_connection, record, _proxy) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < IDLE_BEFORE_PING_SECONDS:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool retries with a new connection and drops the older ones too.
            raise InvalidatePoolError("A pooled connection is dead.") from error

    return listener


def make_engine(url: str) -> Engine:
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _apply_sqlite_pragmas)
        # Let SQLAlchemy, not the sqlite3 driver, decide when transactions begin.
        event.listen(engine, "connect", lambda conn, _rec: setattr(conn, "isolation_level", None))
        event.listen(engine, "begin", _begin_immediate)
        return engine
    engine = create_engine(url, pool_size=10, max_overflow=20)
    event.listen(engine.pool, "checkin", _note_idle_since)
    event.listen(engine.pool, "checkout", _ping_if_idle(engine))
    return engine


@lru_cache
def get_engine() -> Engine:
    return make_engine(get_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session for one unit of work; services commit, this closes."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        yield session


def ensure_database_exists(url: str) -> None:
    """Create the PostgreSQL database named in `url` if it is missing (SQLite makes its own)."""
    if is_sqlite(url):
        return
    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            exists = connection.exec_driver_sql(
                "SELECT 1 FROM pg_database WHERE datname = %s", (target.database,)
            ).first()
            if not exists:
                connection.exec_driver_sql(f'CREATE DATABASE "{target.database}"')
    finally:
        server.dispose()


def drop_database(url: str) -> None:
    """Drop the PostgreSQL database named in `url`, closing its connections (tests, benchmarks)."""
    target = make_url(url)
    server = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)')
    finally:
        server.dispose()


# Indexes the migrations create on PostgreSQL that the models cannot describe (trigram
# and pattern indexes, alembic/versions/*_0003_*): comparisons with the models skip them.
MIGRATION_ONLY_INDEXES = frozenset(
    {
        "trgm_users_name",
        "trgm_users_email",
        "prefix_users_card_number",
        "prefix_loyalty_cards_card_number",
    }
)


def described_by_models(object_, name, type_, reflected, compare_to) -> bool:
    """Alembic's `include_object`: leave the migration-only indexes out of comparisons."""
    return not (type_ == "index" and name in MIGRATION_ONLY_INDEXES)


def migrate(engine: Engine, revision: str = "head") -> None:
    """Apply Alembic migrations through `engine` (the config lives in pyproject.toml)."""
    config = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
