"""The security headers, on a response as an ASGI server sends it."""

import base64
import hashlib

import pytest

from gudcity.web.headers import add_security_headers, content_security_policy, inline_script_hashes

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
    policy = content_security_policy(["https://gudcity.example"], [])
    directives = dict(d.split(" ", 1) for d in policy.split("; "))

    assert directives["connect-src"].split() == [
        "'self'",
        "https://gudcity.example",
        "wss://gudcity.example",
    ]
    assert directives["object-src"] == "'none'"
    assert "data:" in directives["img-src"].split()
    assert directives["default-src"] == "'self'"
    # The service worker and the manifest: this origin's only.
    assert directives["worker-src"] == directives["manifest-src"] == "'self'"


def directives_of(policy: str) -> dict[str, list[str]]:
    return {d.split(" ")[0]: d.split(" ")[1:] for d in policy.split("; ")}


def test_the_built_pages_inline_scripts_are_allowed_by_their_hash_and_no_other(tmp_path):
    theme = "document.documentElement.classList.add('light');"
    (tmp_path / "login").mkdir()
    (tmp_path / "login" / "index.html").write_text(
        f'<html><head><script>{theme}</script><script src="/assets/app.js"></script>'
        '<script type="module">import("/assets/entry.js");</script></head></html>'
    )
    (tmp_path / "cards.html").write_text(f"<html><script>{theme}</script></html>")

    hashes = inline_script_hashes(tmp_path)
    script_src = directives_of(content_security_policy(["http://localhost:3000"], hashes))

    digest = base64.b64encode(hashlib.sha256(theme.encode()).digest()).decode()
    assert len(hashes) == 2
    assert f"'sha256-{digest}'" in hashes
    assert script_src["script-src"] == ["'self'", *hashes, "'unsafe-eval'"]


def test_without_a_build_any_inline_script_is_allowed(tmp_path):
    policy = directives_of(content_security_policy(["http://localhost:3000"], []))

    assert "'unsafe-inline'" in policy["script-src"]
