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


@contextmanager
def app_server(database_url: str, log: Path, **extra_env: str) -> Iterator[str]:
    """Serve the app on a free port; yield its base URL; stop it (and its children) after."""
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
            cwd=PROJECT_ROOT,
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
