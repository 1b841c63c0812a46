"""A throwaway PostgreSQL cluster of the tests' own, to stop and restart at will.

Built with the machine's PostgreSQL binaries on a spare port, in a temporary
directory, so the shared server on 5432 is never touched. As root, the server
runs as the `postgres` user (PostgreSQL refuses to run as root).
"""

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from gudcity.db import make_engine, migrate
from gudcity.devserver import free_port


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version)
    return Path(found[-1]).parent if found else None


def _version(path: str) -> int:
    return int(Path(path).parent.parent.name)


class PostgresCluster:
    def __init__(self) -> None:
        self.bin = _bin_dir()
        # Not under pytest's tmp_path: the `postgres` user cannot enter root's 0700 folders.
        self.directory = Path(tempfile.mkdtemp(prefix="gudcity-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()

    @staticmethod
    def available() -> bool:
        return _bin_dir() is not None and (os.geteuid() != 0 or shutil.which("runuser") is not None)

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/gudcity"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def create(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "gudcity")

    def _ctl(self, action: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        log = str(self.directory / "server.log")
        self._run("pg_ctl", action, "-D", str(self.data), "-w", "-mfast", "-o", options, "-l", log)

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop")

    def restart(self) -> None:
        self._ctl("restart")

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@contextmanager
def migrated_cluster() -> Iterator[PostgresCluster]:
    """A running cluster with GudCity's schema in its `gudcity` database; destroyed after."""
    if not PostgresCluster.available():
        pytest.skip("the machine's PostgreSQL binaries are not installed")
    cluster = PostgresCluster()
    cluster.create()
    try:
        engine = make_engine(cluster.url)
        migrate(engine)
        engine.dispose()
        yield cluster
    finally:
        cluster.destroy()
