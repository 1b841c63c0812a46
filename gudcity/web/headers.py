"""Security headers on every HTTP response: the page's, the assets', the API's.

The Content-Security-Policy is as strict as Reflex's built frontend allows:
- scripts from this origin only, plus inline ones and eval: the prerendered pages
  carry inline scripts (the theme, React Router's context and module loader), and
  Reflex runs the scripts the server sends (`rx.call_script`, every toast) with
  `eval`;
- inline styles: Emotion writes the components' CSS into <style> elements;
- images from this origin and `data:` (the card's QR code is a data URL), `blob:`;
- connections to this origin and to PUBLIC_URL's (the websocket is ws(s)://, which
  'self' does not cover when the page was opened by another name for the host);
- no plugins, no <base>, forms post here only, and no framing at all
  (`frame-ancestors 'none'`, with X-Frame-Options for older browsers).
"""

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gudcity.settings import get_settings


def content_security_policy(origins: list[str]) -> str:
    """The policy, for pages whose backend answers at `origins`."""
    sockets = [
        f"{'wss' if urlsplit(o).scheme == 'https' else 'ws'}://{urlsplit(o).netloc}"
        for o in origins
    ]
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", "'unsafe-inline'", "'unsafe-eval'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'", *origins, *sockets],
        "media-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


def security_headers() -> list[tuple[bytes, bytes]]:
    policy = content_security_policy(get_settings().allowed_origins)
    return [
        (b"content-security-policy", policy.encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
    ]


def add_security_headers(app: ASGIApp) -> ASGIApp:
    """`app`, whose HTTP responses all carry `security_headers()` (replacing any it set)."""
    headers = security_headers()
    names = {name for name, _ in headers}

    async def with_headers(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(n, v) for n, v in message.get("headers", ()) if n.lower() not in names]
                message = {**message, "headers": kept + headers}
            await send(message)

        await app(scope, receive, send_with_headers)

    return with_headers
