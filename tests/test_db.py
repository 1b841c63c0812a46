"""gudcity.db: PostgreSQL connections are checked only when they sat idle in the pool."""

import psycopg
import pytest
from sqlalchemy import text

from gudcity import db
from tests.support.databases import create_postgres_database, drop_postgres_database


@pytest.fixture
def pg_engine():
    url, name = create_postgres_database("gudcity_pool")
    engine = db.make_engine(url)
    yield engine
    engine.dispose()
    drop_postgres_database(name)


def backend_pid(engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text("SELECT pg_backend_pid()")).scalar_one()


def terminate(engine, pid: int) -> None:
    """Kill one server process from outside the pool, as a database restart would."""
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as outsider:
        outsider.execute("SELECT pg_terminate_backend(%s)", (pid,))


def count_pings(engine, monkeypatch) -> list[int]:
    pings: list[int] = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(
        engine.dialect, "do_ping", lambda connection: pings.append(1) or real_ping(connection)
    )
    return pings


def test_a_connection_back_from_the_pool_at_once_is_not_pinged(pg_engine, monkeypatch):
    pings = count_pings(pg_engine, monkeypatch)
    first = backend_pid(pg_engine)

    assert backend_pid(pg_engine) == first  # the same pooled connection
    assert pings == []


def test_an_idle_dead_connection_is_replaced_before_use(pg_engine, monkeypatch):
    pings = count_pings(pg_engine, monkeypatch)
    dead = backend_pid(pg_engine)
    terminate(pg_engine, dead)
    monkeypatch.setattr(db, "IDLE_BEFORE_PING_SECONDS", 0.0)

    replacement = backend_pid(pg_engine)  # no error reaches the caller

    assert replacement != dead
    assert pings == [1]
