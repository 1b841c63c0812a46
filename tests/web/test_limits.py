"""The request-size limit, driven as an ASGI server drives it: scope, receive, send."""

import pytest

from gudcity.settings import get_settings
from gudcity.web.limits import MULTIPART_OVERHEAD_BYTES, limit_request_size, max_request_bytes

pytestmark = pytest.mark.anyio

LIMIT = 1000


@pytest.fixture
def anyio_backend():
    return "asyncio"


class RecordingApp:
    """An app that reads the whole body, then answers 200: what it was given is kept."""

    def __init__(self) -> None:
        self.called = False
        self.body = b""
        self.saw_disconnect = False

    async def __call__(self, scope, receive, send):
        self.called = True
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                self.saw_disconnect = True
                break
            self.body += message.get("body", b"")
            if not message.get("more_body"):
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


def request(content_length: int | None = None, path: str = "/_upload") -> dict:
    headers = [(b"content-type", b"multipart/form-data; boundary=x")]
    if content_length is not None:
        headers.append((b"content-length", str(content_length).encode()))
    return {"type": "http", "method": "POST", "path": path, "headers": headers}


class Client:
    """Sends `chunks` as the body; keeps what the server answered and how much it read."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = list(chunks)
        self.read = 0
        self.sent: list[dict] = []

    async def receive(self) -> dict:
        if not self.chunks:
            return {"type": "http.disconnect"}
        chunk = self.chunks.pop(0)
        self.read += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": bool(self.chunks)}

    async def send(self, message: dict) -> None:
        self.sent.append(message)

    @property
    def status(self) -> int:
        return next(m["status"] for m in self.sent if m["type"] == "http.response.start")


async def test_a_declared_length_over_the_limit_is_refused_before_the_app_is_called():
    app = RecordingApp()
    client = Client([b"x" * 1024] * 300)

    await limit_request_size(app, LIMIT)(request(300 * 1024), client.receive, client.send)

    assert client.status == 413
    assert not app.called
    assert client.read == 0


async def test_a_chunked_body_is_cut_off_at_the_limit_and_answered_413():
    app = RecordingApp()
    client = Client([b"x" * 300] * 1000)  # 300 KB, no Content-Length

    await limit_request_size(app, LIMIT)(request(), client.receive, client.send)

    assert client.status == 413
    assert [m["status"] for m in client.sent if m["type"] == "http.response.start"] == [413]
    assert app.saw_disconnect
    assert len(app.body) <= LIMIT
    assert client.read <= LIMIT + 300


async def test_a_content_length_that_lies_is_cut_off_all_the_same():
    app = RecordingApp()
    client = Client([b"x" * 300] * 1000)

    await limit_request_size(app, LIMIT)(request(content_length=10), client.receive, client.send)

    assert client.status == 413
    assert len(app.body) <= LIMIT


async def test_a_body_within_the_limit_reaches_the_app_whole():
    app = RecordingApp()
    client = Client([b"x" * 250] * 4)

    await limit_request_size(app, LIMIT)(request(LIMIT), client.receive, client.send)

    assert client.status == 200
    assert app.body == b"x" * LIMIT


async def test_websockets_and_lifespan_pass_through_untouched():
    seen = []

    async def app(scope, receive, send):
        seen.append(scope["type"])

    limited = limit_request_size(app, LIMIT)
    for kind in ("websocket", "lifespan"):
        await limited({"type": kind, "headers": [(b"content-length", b"99999")]}, None, None)

    assert seen == ["websocket", "lifespan"]


def test_the_default_limit_is_one_photo_at_the_upload_limit_in_its_form():
    assert max_request_bytes() == get_settings().max_upload_bytes + MULTIPART_OVERHEAD_BYTES
