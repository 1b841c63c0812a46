"""Start the production app in a child process: for browser tests and benchmarks.

It runs exactly what `make run` runs (`reflex run --env prod --single-port`), with
Node from the virtualenv, on a port and database of the caller's choosing.
"""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from gudcity.settings import PROJECT_ROOT

VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Headless Chromium as root, without reaching for the network it does not have here.
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_SECONDS = 300


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"The app exited while starting:\n{log.read_text()[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/ping", timeout=2):
                return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"The app did not answer in {STARTUP_SECONDS}s:\n{log.read_text()[-4000:]}")


# What a second copy of the app needs (see project_copy).
APP_FILES = ("gudcity", "assets", "alembic", "rxconfig.py", "pyproject.toml", ".secret_key")


def project_copy(destination: Path) -> Path:
    """A copy of the app to run a second server from, beside the first.

    `reflex run` builds the frontend into the project's .web for its own port (the
    backend's address goes into the bundle), so two servers running from one folder
    would send both servers' pages to whichever built last. The copy shares the
    installed frontend packages (a link to .web/node_modules) and the secret key.
    """
    destination.mkdir(parents=True, exist_ok=True)
    skip_caches = shutil.ignore_patterns("__pycache__")
    for name in APP_FILES:
        source = PROJECT_ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=skip_caches)
        elif source.exists():
            shutil.copy2(source, destination / name)
    web = PROJECT_ROOT / ".web"
    if web.is_dir():
        shutil.copytree(web, destination / ".web", ignore=shutil.ignore_patterns("node_modules"))
        (destination / ".web" / "node_modules").symlink_to(web / "node_modules")
    return destination


@contextmanager
def app_server(
    database_url: str, log: Path, *, project: Path = PROJECT_ROOT, **extra_env: str
) -> Iterator[str]:
    """Serve the app in `project` on a free port; yield its base URL; stop it after.

    Only one server at a time may run from one project folder: see `project_copy`.
    """
    port = free_port()
    env = {
        **os.environ,
        **extra_env,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PATH": f"{VENV_BIN}:{os.environ['PATH']}",
        "REFLEX_USE_NPM": "1",
        "NPM_CONFIG_REGISTRY": os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org"),
    }
    command = [
        str(VENV_BIN / "reflex"),
        "run",
        "--env",
        "prod",
        "--single-port",
        "--backend-port",
        str(port),
    ]
    with log.open("w") as output:
        server = subprocess.Popen(
            command,
            cwd=project,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, server, log)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
