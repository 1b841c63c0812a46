"""Benchmarks: each prints figures (see the README); none is a test."""

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from gudcity.db import drop_database, ensure_database_exists, make_engine, migrate

# The PostgreSQL server the benchmarks create (and drop) their databases on.
POSTGRES_SERVER = os.environ.get(
    "GUDCITY_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432"
)


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, migrated PostgreSQL database for one run; its URL. Dropped afterwards."""
    url = f"{POSTGRES_SERVER}/gudcity_bench_{uuid.uuid4().hex[:8]}"
    ensure_database_exists(url)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    try:
        yield url
    finally:
        drop_database(url)
