"""The ASGI pieces of gudcity/web, served in-process by Starlette's test client."""

import pytest


@pytest.fixture(autouse=True)
def app_database(engine, monkeypatch):
    """The endpoints open their sessions on the test database."""
    monkeypatch.setattr("gudcity.db.get_engine", lambda: engine)
