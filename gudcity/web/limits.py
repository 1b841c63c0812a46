"""Request bodies are refused past the upload limit while they are read, not after.

Reflex's `/_upload` endpoint reads the whole multipart body before any handler can
look at its size. This ASGI middleware goes in front of every HTTP route: a request
whose Content-Length is over the limit gets 413 before a byte of it is read (the
app is never called), and one that streams more than the limit (chunked, or a
Content-Length that lies) gets 413 the moment the limit is passed; the app then
sees the client go away (`http.disconnect`), which ends its read.
"""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gudcity.settings import get_settings

# Room for the multipart framing around the file: boundaries, part headers, the
# handler's small form fields.
MULTIPART_OVERHEAD_BYTES = 64 * 1024
TOO_LARGE_BODY = b"Request too large."


def max_request_bytes() -> int:
    """The largest request body served: one photo at the upload limit, in its form."""
    return get_settings().max_upload_bytes + MULTIPART_OVERHEAD_BYTES


class BodyTooLarge:
    """The 413 answer, sent at most once, and the app's own answer dropped after it."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self.refused = False
        self._app_started = False

    async def refuse(self) -> None:
        self.refused = True
        if self._app_started:
            return  # the app has answered already: only cutting the read is left
        await self._send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/plain; charset=utf-8"),
                    (b"content-length", str(len(TOO_LARGE_BODY)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await self._send({"type": "http.response.body", "body": TOO_LARGE_BODY})

    async def send(self, message: Message) -> None:
        if self.refused:
            return
        if message["type"] == "http.response.start":
            self._app_started = True
        await self._send(message)


def limit_request_size(app: ASGIApp, limit: int | None = None) -> ASGIApp:
    """`app`, with every HTTP request body capped at `limit` bytes (default: the upload's)."""

    async def limited(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        cap = max_request_bytes() if limit is None else limit
        answer = BodyTooLarge(send)
        if _declared_length(scope) > cap:
            await answer.refuse()
            return
        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            if answer.refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > cap:
                    await answer.refuse()
                    return {"type": "http.disconnect"}
            return message

        await app(scope, counted_receive, answer.send)

    return limited


def _declared_length(scope: Scope) -> int:
    """The request's Content-Length; 0 when it has none (or none that parses)."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return 0
    return 0
