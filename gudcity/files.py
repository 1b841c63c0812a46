"""The files the app writes are readable by its own user only.

Reflex's `.states/` (pickled state), the SQLite database with its -wal and -shm
files, and `.secret_key` hold what no other user of the machine may read. New
files get it from the umask; files made before (by an older version) are fixed.
"""

import os
from pathlib import Path

from reflex.utils.prerequisites import get_states_dir
from sqlalchemy.engine import make_url

from gudcity.settings import DEV_SECRET_FILE

PRIVATE_UMASK = 0o077
SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def _sqlite_files(database_url: str) -> list[Path]:
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return []
    return [Path(f"{url.database}{suffix}") for suffix in SQLITE_COMPANIONS]


def keep_files_private(database_url: str) -> None:
    """Set this process's umask to 077 and make the existing files 0600 (folders 0700)."""
    os.umask(PRIVATE_UMASK)
    states = get_states_dir().absolute()
    if states.is_dir():
        states.chmod(0o700)
        for path in states.iterdir():
            path.chmod(0o700 if path.is_dir() else 0o600)
    for path in [DEV_SECRET_FILE, *_sqlite_files(database_url)]:
        if path.is_file():
            path.chmod(0o600)
