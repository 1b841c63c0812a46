"""The security headers, on a response as an ASGI server sends it."""

import pytest

from gudcity.web.headers import add_security_headers, content_security_policy

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


async def served_headers(app_headers: list[tuple[bytes, bytes]]) -> dict[bytes, list[bytes]]:
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": app_headers})
        await send({"type": "http.response.body", "body": b""})

    sent = []

    async def send(message):
        sent.append(message)

    await add_security_headers(app)({"type": "http", "path": "/"}, None, send)
    headers: dict[bytes, list[bytes]] = {}
    for name, value in sent[0]["headers"]:
        headers.setdefault(name, []).append(value)
    return headers


async def test_every_response_carries_the_security_headers_once():
    headers = await served_headers([(b"x-frame-options", b"SAMEORIGIN"), (b"etag", b"1")])

    assert headers[b"x-frame-options"] == [b"DENY"]
    assert headers[b"x-content-type-options"] == [b"nosniff"]
    assert headers[b"referrer-policy"] == [b"same-origin"]
    assert b"frame-ancestors 'none'" in headers[b"content-security-policy"][0]
    assert headers[b"etag"] == [b"1"]


def test_the_policy_lets_the_page_reach_its_backend_by_http_and_websocket():
    policy = content_security_policy(["https://gudcity.example"])
    directives = dict(d.split(" ", 1) for d in policy.split("; "))

    assert directives["connect-src"].split() == [
        "'self'",
        "https://gudcity.example",
        "wss://gudcity.example",
    ]
    assert directives["object-src"] == "'none'"
    assert "data:" in directives["img-src"].split()
    assert directives["default-src"] == "'self'"
