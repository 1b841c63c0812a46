"""Security headers on every HTTP response: the page's, the assets', the API's.

The Content-Security-Policy is as strict as Reflex's built frontend allows:
- scripts from this origin, the prerendered pages' own inline scripts by their
  SHA-256 (the theme, React Router's context and module loader: read from the
  build when the first response goes out), and `eval`, with which Reflex runs the
  scripts the server sends (`rx.call_script`, every toast). With no build to read
  (a development server) any inline script is allowed instead;
- inline styles: Emotion writes the components' CSS into <style> elements;
- images from this origin and `data:` (the card's QR code is a data URL), `blob:`;
- connections to this origin and to PUBLIC_URL's (the websocket is ws(s)://, which
  'self' does not cover when the page was opened by another name for the host);
- the service worker and the manifest from this origin only;
- no plugins, no <base>, forms post here only, and no framing at all
  (`frame-ancestors 'none'`, with X-Frame-Options for older browsers).
"""

import base64
import hashlib
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gudcity.settings import PROJECT_ROOT, get_settings

BUILT_PAGES = PROJECT_ROOT / ".web" / "build" / "client"


class InlineScripts(HTMLParser):
    """The text of every inline <script> of a page (not those with a `src`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script" and not any(name == "src" for name, _ in attrs):
            self._current = []

    def handle_data(self, data):
        if self._current is not None:
            self._current.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._current is not None:
            self.scripts.append("".join(self._current))
            self._current = None


def inline_script_hashes(pages: Path) -> list[str]:
    """CSP sources ('sha256-...') for the inline scripts of every built page under `pages`."""
    hashes = set()
    for page in pages.rglob("*.html"):
        parser = InlineScripts()
        parser.feed(page.read_text(encoding="utf-8"))
        for script in parser.scripts:
            digest = hashlib.sha256(script.encode("utf-8")).digest()
            hashes.add(f"'sha256-{base64.b64encode(digest).decode()}'")
    return sorted(hashes)


def content_security_policy(origins: list[str], script_hashes: list[str]) -> str:
    """The policy, for pages whose backend answers at `origins`, with these inline scripts."""
    sockets = [
        f"{'wss' if urlsplit(o).scheme == 'https' else 'ws'}://{urlsplit(o).netloc}"
        for o in origins
    ]
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", *(script_hashes or ["'unsafe-inline'"]), "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *origins, *sockets],
        "media-src": ["'self'", "blob:"],
        # The service worker and the web app manifest (gudcity/web/pwa.py): this origin's.
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


@cache
def security_headers() -> list[tuple[bytes, bytes]]:
    """The headers, made once (on the first response, when the build is there to read)."""
    policy = content_security_policy(
        get_settings().allowed_origins, inline_script_hashes(BUILT_PAGES)
    )
    return [
        (b"content-security-policy", policy.encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]


def add_security_headers(app: ASGIApp) -> ASGIApp:
    """`app`, whose HTTP responses all carry `security_headers()` (replacing any it set)."""

    async def with_headers(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = security_headers()
                names = {name for name, _ in headers}
                kept = [(n, v) for n, v in message.get("headers", ()) if n.lower() not in names]
                message = {**message, "headers": kept + headers}
            await send(message)

        await app(scope, receive, send_with_headers)

    return with_headers
