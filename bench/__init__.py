"""Benchmarks: each prints figures (see the README); none is a test."""

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from sqlmodel import Session

from gudcity.db import drop_database, ensure_database_exists, make_engine, migrate
from gudcity.models import Business, User
from gudcity.services import accounts

# The PostgreSQL server the benchmarks create (and drop) their databases on.
POSTGRES_SERVER = os.environ.get(
    "GUDCITY_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432"
)


@contextmanager
def fresh_database(*, keep: bool = False) -> Iterator[str]:
    """A new, migrated PostgreSQL database for one run; its URL. Dropped afterwards,
    unless `keep`."""
    url = f"{POSTGRES_SERVER}/gudcity_bench_{uuid.uuid4().hex[:8]}"
    ensure_database_exists(url)
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    try:
        yield url
    finally:
        if not keep:
            drop_database(url)


# Every account the benchmarks make logs in with this password.
PASSWORD = "bench-password-1"


def open_business(
    session: Session, business_name: str, owner_email: str, owner_name: str = "Owner"
) -> tuple[User, Business]:
    """A business and its owner for a benchmark, through the services: (owner, business)."""
    return accounts.register_business(
        session,
        name=owner_name,
        email=owner_email,
        password=PASSWORD,
        business_name=business_name,
    )


def at(path: str) -> Callable[[str], bool]:
    """For `wait_for_url`: the page is at `path` (a full page load adds a slash)."""
    return lambda url: urlsplit(url).path.rstrip("/") == path
