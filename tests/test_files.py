"""The files the app writes are its user's alone: 0600, folders 0700."""

import os
import stat

import pytest
from sqlalchemy import text

from gudcity import files, settings
from gudcity.db import make_engine


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask_restored():
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.fixture
def app_files(tmp_path, monkeypatch, umask_restored):
    """Where the app would write: a project folder of the test's own."""
    monkeypatch.setattr(files, "DEV_SECRET_FILE", tmp_path / ".secret_key")
    monkeypatch.setattr(files, "get_states_dir", lambda: tmp_path / ".states")
    return tmp_path


def test_files_written_before_are_made_private(app_files):
    states = app_files / ".states"
    states.mkdir(mode=0o755)
    (states / "a-tab.pkl").write_bytes(b"state")
    for name in (".secret_key", "gudcity.db", "gudcity.db-wal", "gudcity.db-shm"):
        (app_files / name).write_text("x")
        (app_files / name).chmod(0o644)
    (states / "a-tab.pkl").chmod(0o644)

    files.keep_files_private(f"sqlite:///{app_files / 'gudcity.db'}")

    assert mode(states) == 0o700
    assert mode(states / "a-tab.pkl") == 0o600
    for name in (".secret_key", "gudcity.db", "gudcity.db-wal", "gudcity.db-shm"):
        assert mode(app_files / name) == 0o600, name


def test_files_written_after_are_private_from_the_start(app_files):
    database = app_files / "new.db"
    files.keep_files_private(f"sqlite:///{database}")

    engine = make_engine(f"sqlite:///{database}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
        written = [p for p in app_files.iterdir() if p.name.startswith("new.db")]
        assert {p.name for p in written} >= {"new.db", "new.db-wal", "new.db-shm"}
        assert all(mode(p) == 0o600 for p in written), [(p.name, oct(mode(p))) for p in written]
    engine.dispose()
    (app_files / ".states").mkdir()
    assert mode(app_files / ".states") == 0o700


def test_a_postgresql_url_touches_no_file(app_files):
    files.keep_files_private("postgresql+psycopg://postgres@127.0.0.1:5432/gudcity")

    assert list(app_files.iterdir()) == []


def test_a_new_development_secret_is_never_readable_by_others(tmp_path, monkeypatch):
    monkeypatch.setattr(settings, "DEV_SECRET_FILE", tmp_path / ".secret_key")

    secret = settings._development_secret()

    assert mode(tmp_path / ".secret_key") == 0o600
    assert settings._development_secret() == secret
