"""The doors of the running app: security headers the pages live with, CORS, size limits."""

import select
import socket
import time
import urllib.request
import uuid
from urllib.error import HTTPError
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from gudcity.services import qr_cards, sessions
from gudcity.state.scanner import ScannerState
from gudcity.web.credentials import SESSION_COOKIE
from gudcity.web.limits import max_request_bytes
from tests.support.browser import log_in

pytestmark = pytest.mark.e2e

EVIL = "https://evil.example"
# Every Content-Security-Policy violation the page reports, and the console's CSP errors.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (event) => {
    window.__csp.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""
SECURITY_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}
UPLOAD_HANDLER = f"{ScannerState.get_full_name()}.scan_upload"


def watched(page: Page) -> list[str]:
    """Start watching `page` for CSP violations; the console's reports land in the list."""
    page.add_init_script(WATCH_CSP)
    reports: list[str] = []
    page.on(
        "console",
        lambda message: (
            reports.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return reports


def assert_secured(response) -> None:
    headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, name
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src "))
    assert "'unsafe-inline'" not in script_src  # the built pages' scripts go by their hash


def assert_no_violation(page: Page, reports: list[str]) -> None:
    page.wait_for_timeout(500)  # late reports: scripts, images, the socket
    assert page.evaluate("window.__csp") == []
    assert reports == []


def test_the_pages_carry_the_headers_and_break_no_rule_of_their_policy(new_page, make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    customer = make.customer("Alice")
    make.card(customer, program, balance=3)

    visitor = new_page()
    reports = watched(visitor)
    assert_secured(visitor.goto("/login"))
    visitor.get_by_label("Email").fill(customer.email)
    visitor.get_by_label("Password").fill("not the password")
    visitor.get_by_role("button", name="Log in").click()
    expect(visitor.get_by_role("alert")).to_contain_text("Wrong email or password.")
    assert_no_violation(visitor, reports)

    phone = new_page(width=390, height=844)
    reports = phone_reports = watched(phone)
    log_in(phone, customer.email, "/cards")
    assert_secured(phone.goto("/cards"))
    expect(phone.locator("img[src^='data:image/png']").first).to_be_visible()  # the QR code
    expect(phone.locator("[data-testid=loyalty-card]")).to_contain_text("Coffee Club")
    assert_no_violation(phone, reports)

    shop = new_page()
    reports = watched(shop)
    log_in(shop, owner.email, "/business/scanner")
    assert_secured(shop.goto("/business/scanner"))
    shop.locator("#scan-upload input[type=file]").set_input_files(
        files=[{"name": "card.png", "mimeType": "image/png", "buffer": qr_of(customer)}]
    )
    expect(shop.locator("#scan-result")).to_contain_text("Alice")
    assert_no_violation(shop, reports)
    # The scan's notice reaches the customer's open page as a toast: a script Reflex evals.
    expect(phone.locator("[data-sonner-toast]").first).to_be_visible()
    assert_no_violation(phone, phone_reports)


def test_the_policy_blocks_what_it_does_not_name_and_the_watch_sees_it(new_page):
    """The check above is not vacuous: a script-made image from elsewhere is refused."""
    page = new_page()
    reports = watched(page)
    page.goto("/login")
    page.evaluate(
        """() => { const img = document.createElement('img');
        img.src = 'https://evil.example/pixel.png'; document.body.appendChild(img); }"""
    )
    page.wait_for_function("window.__csp.length > 0")

    assert page.evaluate("window.__csp") == ["img-src https://evil.example/pixel.png"]
    page.wait_for_timeout(200)
    assert reports  # the console says so too


def qr_of(customer) -> bytes:
    return qr_cards.qr_png(qr_cards.issue_token(customer))


def test_the_assets_and_the_api_carry_the_headers_too(app_url):
    for path in ("/ping", "/favicon.ico", "/camera.js"):
        with urllib.request.urlopen(f"{app_url}{path}") as response:
            for name, value in SECURITY_HEADERS.items():
                assert response.headers[name] == value, (path, name)


def cors_answer(app_url: str, origin: str, method: str = "OPTIONS") -> dict[str, str]:
    """The CORS headers /_upload answers a request from a page at `origin` with."""
    request = urllib.request.Request(
        f"{app_url}/_upload",
        method=method,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "reflex-client-token, reflex-event-handler",
        },
    )
    try:
        with urllib.request.urlopen(request) as response:
            headers = response.headers
    except HTTPError as error:
        headers = error.headers
    return {k.lower(): v for k, v in headers.items() if k.lower().startswith("access-control")}


def test_upload_answers_no_other_origin_with_credentials(app_url):
    own = cors_answer(app_url, app_url)
    assert own.get("access-control-allow-origin") == app_url
    assert own.get("access-control-allow-credentials") == "true"

    for method in ("OPTIONS", "POST"):
        evil = cors_answer(app_url, EVIL, method)
        assert evil.get("access-control-allow-origin") not in (EVIL, "*"), method


def test_a_page_of_another_origin_cannot_open_the_websocket(app_url):
    address = urlsplit(app_url).netloc
    socket_url = f"ws://{address}/_event/?EIO=4&transport=websocket"
    with connect(socket_url, origin=app_url, open_timeout=10) as own:
        assert own.recv(timeout=10).startswith("0")  # engine.io's open packet

    with pytest.raises(InvalidStatus) as refused:
        connect(socket_url, origin=EVIL, open_timeout=10)
    assert refused.value.response.status_code in (400, 403)  # engine.io, or granian itself


def upload_request(address: str, extra_headers: str) -> bytes:
    return (
        f"POST /_upload HTTP/1.1\r\nHost: {address}\r\n"
        "Content-Type: multipart/form-data; boundary=B\r\n"
        f"reflex-client-token: {uuid.uuid4()}\r\nreflex-event-handler: {UPLOAD_HANDLER}\r\n"
        f"{extra_headers}\r\n"
    ).encode()


def test_an_upload_declared_over_the_limit_is_refused_before_it_is_read(app_url):
    address = urlsplit(app_url).netloc
    declared = 300 * 1024 * 1024
    with socket.create_connection(address.split(":"), timeout=10) as client:
        started = time.monotonic()
        client.sendall(upload_request(address, f"Content-Length: {declared}\r\n"))
        answer = client.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    assert time.monotonic() - started < 2


def test_an_upload_without_a_session_is_refused_before_it_is_read(app_url):
    address = urlsplit(app_url).netloc
    with socket.create_connection(address.split(":"), timeout=10) as client:
        client.sendall(upload_request(address, "Content-Length: 5000000\r\n"))
        answer = client.recv(4096)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:100]
    assert b"Please log in to scan." in answer


def test_a_chunked_upload_past_the_limit_is_cut_off_while_it_streams(app_url, make, session):
    """A huge form field (never a file, so no handler takes it) streamed without a length,
    by a logged-in user (an anonymous upload is refused before anything is read)."""
    address = urlsplit(app_url).netloc
    token = sessions.start_session(session, make.customer())
    piece = b"a" * 64 * 1024
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    field = b'--B\r\nContent-Disposition: form-data; name="huge"\r\n\r\n'
    sent, cap, answer = 0, 300 * 1024 * 1024, b""
    with socket.create_connection(address.split(":"), timeout=10) as client:
        cookie = f"Cookie: {SESSION_COOKIE}={token}\r\n"
        client.sendall(upload_request(address, f"Transfer-Encoding: chunked\r\n{cookie}"))
        client.sendall(f"{len(field):x}\r\n".encode() + field + b"\r\n")
        while sent < cap and not answer:
            if select.select([client], [], [], 0)[0]:
                answer = client.recv(4096)
                break
            try:
                client.sendall(chunk)
            except OSError:  # the server closed the connection after its answer
                break
            sent += len(piece)
        answer = answer or client.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:100]
    assert sent < max_request_bytes() + 64 * 1024 * 1024  # what socket buffers hold, at most
