"""Send pushed updates at once: TCP_NODELAY on the server's listening sockets.

Granian, the server Reflex runs in production, leaves Nagle's algorithm on for
the connections it accepts. A websocket message written in more than one piece
then waits for the browser's delayed ACK (up to 40 ms on Linux) before its last
piece leaves, on every live update (`bench/live_latency.py` shows it; the README
has the figures). Granian has no option for it, but on
Linux an accepted socket inherits TCP_NODELAY from its listening socket, so
setting it once on this worker's server sockets, before any browser connects,
covers every connection.
"""

import contextlib
import logging
import os
import socket
from pathlib import Path

logger = logging.getLogger(__name__)

OPEN_FILES = Path("/proc/self/fd")


def _is_unconnected(candidate: socket.socket) -> bool:
    try:
        candidate.getpeername()
    except OSError:
        return True
    return False


def _server_tcp_sockets() -> list[socket.socket]:
    """Duplicates of this process's server TCP sockets (the caller closes them).

    A server socket is one without a peer: Granian hands its worker the bound
    socket before calling listen(), so SO_ACCEPTCONN cannot tell them apart yet.
    """
    found = []
    for entry in OPEN_FILES.iterdir() if OPEN_FILES.is_dir() else ():
        with contextlib.suppress(OSError, ValueError):
            if not os.readlink(entry).startswith("socket:"):
                continue
            duplicate = socket.socket(fileno=os.dup(int(entry.name)))
            if (
                duplicate.family in (socket.AF_INET, socket.AF_INET6)
                and duplicate.type == socket.SOCK_STREAM
                and _is_unconnected(duplicate)
            ):
                found.append(duplicate)
            else:
                duplicate.close()
    return found


def disable_nagle() -> int:
    """Set TCP_NODELAY on every server TCP socket of this process; return how many.

    Registered as a Reflex lifespan task, so it runs in each worker as it starts.
    """
    listeners = _server_tcp_sockets()
    for listener in listeners:
        with listener:
            listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    logger.debug("TCP_NODELAY set on %d server socket(s)", len(listeners))
    return len(listeners)
