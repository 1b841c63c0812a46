"""CredentialsMiddleware: GudCity's cookies never reach Reflex, only the scope."""

import asyncio

import pytest
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.testclient import TestClient

from gudcity.web import credentials
from gudcity.web.credentials import SCOPE_KEY, Credentials, CredentialsMiddleware


def _echo(request):
    """What the app behind the middleware sees."""
    found = request.scope[SCOPE_KEY]
    return JSONResponse(
        {
            "cookie": request.headers.get("cookie"),
            "session": found.session_token,
            "device": found.device_cookie,
        }
    )


async def _echo_socket(websocket):
    await websocket.accept()
    found = websocket.scope[SCOPE_KEY]
    await websocket.send_json(
        {"cookie": websocket.headers.get("cookie"), "session": found.session_token}
    )
    await websocket.close()


@pytest.fixture
def client():
    inner = Starlette(routes=[Route("/echo", _echo), WebSocketRoute("/_event/", _echo_socket)])
    return TestClient(CredentialsMiddleware(inner))


def test_our_cookies_move_from_the_header_to_the_scope(client):
    seen = client.get(
        "/echo",
        headers={"cookie": "theme=dark; gudcity_session=s3cret; other=1; gudcity_device=d.sig"},
    ).json()

    assert seen == {"cookie": "theme=dark; other=1", "session": "s3cret", "device": "d.sig"}


def test_a_header_of_only_our_cookies_is_dropped(client):
    seen = client.get("/echo", headers={"cookie": "gudcity_session=s3cret"}).json()

    assert seen == {"cookie": None, "session": "s3cret", "device": ""}


def test_no_cookies_are_no_credentials(client):
    assert client.get("/echo").json() == {"cookie": None, "session": "", "device": ""}


def test_the_websocket_handshake_loses_our_cookies_too(client):
    with client.websocket_connect(
        "/_event/", headers={"cookie": "gudcity_session=s3cret; theme=dark"}
    ) as socket:
        assert socket.receive_json() == {"cookie": "theme=dark", "session": "s3cret"}


def test_credentials_never_show_their_values():
    assert "s3cret" not in repr(Credentials("s3cret", "d.sig"))


def test_an_upload_in_flight_stands_for_its_tab():
    seen = {}

    async def upload_app(scope, receive, send):
        seen["during"] = credentials.of_tab("tab-1", "")
        await JSONResponse({})(scope, receive, send)

    client = TestClient(CredentialsMiddleware(upload_app))
    client.post(
        "/_upload",
        headers={"reflex-client-token": "tab-1", "cookie": "gudcity_session=s3cret"},
    )

    assert seen["during"] == Credentials("s3cret", "")
    assert credentials._uploads == {}  # forgotten once the upload is done


def test_an_upload_without_a_session_is_refused_before_the_app_sees_it():
    reached = []

    async def upload_app(scope, receive, send):
        reached.append(scope["path"])
        await JSONResponse({})(scope, receive, send)

    client = TestClient(CredentialsMiddleware(upload_app))
    refused = client.post(
        "/_upload", headers={"reflex-client-token": "tab-1"}, content=b"x" * 100_000
    )
    kept = client.post("/echo-elsewhere", content=b"x")

    assert (refused.status_code, refused.text) == (401, "Please log in to scan.")
    assert reached == ["/echo-elsewhere"]  # other requests are the app's to answer
    assert kept.status_code == 200


def test_a_lifespan_passes_through_untouched():
    events = []

    async def app(scope, receive, send):
        events.append(scope["type"])

    asyncio.run(CredentialsMiddleware(app)({"type": "lifespan"}, None, None))
    assert events == ["lifespan"]
