"""/auth/session and /auth/log-out: the only places the session cookie is set or cleared."""

from http.cookies import SimpleCookie

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from gudcity.db import make_engine
from gudcity.models import UserSession
from gudcity.services import devices, sessions
from gudcity.settings import get_settings
from gudcity.web import session_endpoints as endpoints
from gudcity.web.credentials import CredentialsMiddleware
from tests.support.make import Make


@pytest.fixture
def client():
    return TestClient(
        CredentialsMiddleware(endpoints.session_endpoints()),
        base_url="http://localhost",
        follow_redirects=False,
    )


def set_cookies(response) -> SimpleCookie:
    jar = SimpleCookie()
    for header in response.headers.get_list("set-cookie"):
        jar.load(header)
    return jar


def test_a_ticket_sets_httponly_strict_cookies_and_goes_on(session, client):
    customer = Make(session).customer()
    ticket = sessions.issue_ticket(session, customer, "/cards")

    response = client.get(f"/auth/session?ticket={ticket}")

    assert (response.status_code, response.headers["location"]) == (303, "/cards")
    jar = set_cookies(response)
    token = jar["gudcity_session"].value
    assert sessions.user_for_token(session, token).id == customer.id
    assert devices.device_nonce(jar["gudcity_device"].value, customer.email) is not None
    for name in ("gudcity_session", "gudcity_device"):
        assert jar[name]["httponly"] is True
        assert jar[name]["samesite"] == "strict"
        assert jar[name]["path"] == "/"
        assert not jar[name]["secure"]  # PUBLIC_URL is http here
    assert int(jar["gudcity_session"]["max-age"]) == get_settings().session_ttl_hours * 3600


def test_the_cookies_are_secure_when_the_public_url_is_https(session, client, monkeypatch):
    https = get_settings().model_copy(update={"public_url": "https://gudcity.example"})
    monkeypatch.setattr(endpoints, "get_settings", lambda: https)
    ticket = sessions.issue_ticket(session, Make(session).customer(), "/cards")

    jar = set_cookies(client.get(f"/auth/session?ticket={ticket}"))

    assert jar["gudcity_session"]["secure"] is True
    assert jar["gudcity_device"]["secure"] is True


@pytest.mark.parametrize("query", ["", "?ticket=", "?ticket=made-up", "?ticket=%00"])
def test_no_valid_ticket_sets_nothing_and_goes_to_log_in(session, client, query):
    response = client.get(f"/auth/session{query}")

    assert (response.status_code, response.headers["location"]) == (303, "/login")
    assert "set-cookie" not in response.headers


def test_a_ticket_works_once(session, client):
    ticket = sessions.issue_ticket(session, Make(session).customer(), "/cards")
    client.get(f"/auth/session?ticket={ticket}")

    again = client.get(f"/auth/session?ticket={ticket}")

    assert again.headers["location"] == "/login"
    assert "set-cookie" not in again.headers


def test_log_out_ends_the_session_and_clears_only_its_cookie(session, client):
    customer = Make(session).customer()
    token = sessions.start_session(session, customer)

    response = client.get(
        "/auth/log-out", headers={"cookie": f"gudcity_session={token}; gudcity_device=d.sig"}
    )

    assert (response.status_code, response.headers["location"]) == (303, "/login")
    # The browser forgets the card it kept for offline use, with the site's caches.
    assert response.headers["clear-site-data"] == '"cache", "storage"'
    jar = set_cookies(response)
    assert list(jar) == ["gudcity_session"]
    assert jar["gudcity_session"].value == "" and int(jar["gudcity_session"]["max-age"]) == 0
    session.expire_all()
    assert session.exec(select(UserSession)).one().revoked_at is not None


def test_log_out_without_a_cookie_only_goes_to_log_in(session, client):
    response = client.get("/auth/log-out")

    assert response.headers["location"] == "/login"
    assert "set-cookie" not in response.headers


@pytest.mark.parametrize("path", ["/auth/session?ticket=t", "/auth/log-out"])
def test_a_database_that_cannot_be_reached_is_a_clear_503(client, monkeypatch, path):
    unreachable = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/gudcity")
    monkeypatch.setattr("gudcity.db.get_engine", lambda: unreachable)

    response = client.get(path, headers={"cookie": "gudcity_session=t"})

    assert response.status_code == 503
    assert response.text.startswith("GudCity cannot reach its database right now.")
    assert "set-cookie" not in response.headers
