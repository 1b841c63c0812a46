"""TCP_NODELAY reaches the connections a server socket accepts afterwards."""

import socket

import pytest

from gudcity.realtime.nodelay import disable_nagle


def nodelay(sock: socket.socket) -> int:
    return sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


@pytest.fixture
def bound_socket():
    """A server socket bound but not yet listening, as Granian hands it to a worker."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    yield server
    server.close()


def test_accepted_connections_send_without_delay(bound_socket):
    assert disable_nagle() >= 1
    bound_socket.listen()
    with socket.create_connection(bound_socket.getsockname()) as client:
        accepted, _ = bound_socket.accept()
        with accepted:
            assert nodelay(accepted) == 1
            assert nodelay(client) == 0


def test_connected_sockets_are_left_alone(bound_socket):
    bound_socket.listen()
    with socket.create_connection(bound_socket.getsockname()) as client:
        accepted, _ = bound_socket.accept()
        with accepted:
            disable_nagle()
            assert nodelay(client) == 0
            assert nodelay(accepted) == 0
