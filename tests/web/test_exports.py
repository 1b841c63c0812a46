"""The download endpoints: the session cookie decides, the CSV streams, the JSON is one's own."""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from starlette.testclient import TestClient

from gudcity.domain.spreadsheet import BOM
from gudcity.services import account_deletion, sessions
from gudcity.services.exports import CUSTOMER_COLUMNS, LEDGER_COLUMNS
from gudcity.services.permissions import Permission
from gudcity.web import exports as endpoints
from gudcity.web.credentials import CredentialsMiddleware
from tests.support.clock import Clock
from tests.support.make import PASSWORD

CSVS = ["/export/customers.csv", "/export/ledger.csv"]


@pytest.fixture
def client():
    return TestClient(
        CredentialsMiddleware(endpoints.export_endpoints()), base_url="http://localhost"
    )


@pytest.fixture
def shop_with_card(make):
    owner, business = make.business("Bean There")
    program = make.program(owner, business, name="Coffee Club")
    alice = make.customer("Alice")
    card = make.card(alice, program, balance=30)
    return owner, business, alice, card


def as_user(client: TestClient, session, user) -> TestClient:
    client.cookies.set("gudcity_session", sessions.start_session(session, user))
    return client


def rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text[len(BOM) :])))


def test_the_owner_downloads_both_csv_files(session, client, shop_with_card):
    owner, _business, alice, _card = shop_with_card
    as_user(client, session, owner)

    customers = client.get("/export/customers.csv")
    ledger = client.get("/export/ledger.csv")

    for response, name in ((customers, "customers.csv"), (ledger, "ledger.csv")):
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
        assert response.headers["cache-control"] == "no-store"
    header, row = rows(customers)
    assert (tuple(header), row[:6]) == (
        CUSTOMER_COLUMNS,
        ["Alice", alice.email, alice.card_number, "Coffee Club", "points", "30"],
    )
    header, row = rows(ledger)
    assert (tuple(header), row[1:7]) == (
        LEDGER_COLUMNS,
        ["Alice", alice.card_number, "Coffee Club", "EARN", "30", "points"],
    )


def test_the_headers_and_units_are_in_the_exporters_language(session, client, shop_with_card):
    owner, _business, alice, _card = shop_with_card
    owner.language = "fr"
    session.add(owner)
    session.commit()
    as_user(client, session, owner)

    header, row = rows(client.get("/export/customers.csv"))
    assert header[:6] == ["client", "e-mail", "numéro de carte", "programme", "unité", "solde"]
    assert row[:5] == ["Alice", alice.email, alice.card_number, "Coffee Club", "points"]
    header, row = rows(client.get("/export/ledger.csv"))
    assert header[:3] == ["date", "client", "numéro de carte"] and row[6] == "points"


def test_a_period_is_read_from_the_query(session, client, shop_with_card):
    as_user(client, session, shop_with_card[0])
    assert len(rows(client.get("/export/ledger.csv?since=2000-01-01&until=2000-02-01"))) == 1
    assert len(rows(client.get("/export/ledger.csv?since=2000-01-01"))) == 2
    refused = client.get("/export/ledger.csv?since=yesterday")
    assert (refused.status_code, refused.text) == (400, "since must be a date like 2026-12-31.")


@pytest.mark.parametrize("path", [*CSVS, "/export/my-data.json"])
def test_without_a_live_session_it_is_401(session, client, path):
    assert client.get(path).status_code == 401
    client.cookies.set("gudcity_session", "forged")
    assert client.get(path).status_code == 401


@pytest.mark.parametrize("path", CSVS)
def test_anyone_but_the_owner_or_staff_with_reports_gets_403(
    session, make, client, shop_with_card, path
):
    owner, business, alice, _card = shop_with_card
    clerk = make.staff(owner, business, *(p for p in Permission if p != Permission.REPORTS))
    for user in (alice, clerk):
        response = as_user(client, session, user).get(path)
        assert response.status_code == 403
        assert "Alice" not in response.text
    reporter = make.staff(owner, business, Permission.REPORTS)
    response = as_user(client, session, reporter).get(path)
    assert response.status_code == 200 and "Alice" in response.text


def test_my_data_is_a_json_file_of_the_users_own_data(session, make, client, shop_with_card):
    _owner, _business, alice, card = shop_with_card
    mallory = make.customer("Mallory")

    response = as_user(client, session, alice).get("/export/my-data.json")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert 'filename="gudcity-my-data.json"' in response.headers["content-disposition"]
    data = json.loads(response.content)
    assert data["profile"]["email"] == alice.email
    assert [c["card_number"] for c in data["cards"]] == [card.card_number]
    theirs = as_user(client, session, mallory).get("/export/my-data.json").json()
    assert theirs["profile"]["email"] == mallory.email
    assert theirs["cards"] == [] and alice.email not in json.dumps(theirs)


def test_after_deletion_the_old_cookie_downloads_nothing(session, client, shop_with_card):
    alice = shop_with_card[2]
    as_user(client, session, alice)
    account_deletion.delete_account(session, alice, PASSWORD)
    assert client.get("/export/my-data.json").status_code == 401


def test_a_period_is_of_the_business_days_in_its_time_zone(session, client, make, monkeypatch):
    owner, business = make.business("Kiwi Coffee")
    business.time_zone = "Pacific/Auckland"  # UTC+13 in March
    session.add(business)
    session.commit()
    program = make.program(owner, business, name="Flat White Club")
    clock = Clock(monkeypatch)
    # 11:30 UTC on 10 March: half past midnight on 11 March in Auckland.
    clock.set(datetime(2026, 3, 10, 11, 30, tzinfo=UTC))
    make.card(make.customer("Aroha"), program, balance=12)
    clock.back_to_now()
    as_user(client, session, owner)

    on_the_11th = rows(client.get("/export/ledger.csv?since=2026-03-11&until=2026-03-12"))
    on_the_10th = rows(client.get("/export/ledger.csv?since=2026-03-10&until=2026-03-11"))
    joined = rows(client.get("/export/customers.csv?since=2026-03-11&until=2026-03-12"))

    assert [row[1] for row in on_the_11th[1:]] == ["Aroha"]
    assert on_the_10th[1:] == []
    assert [row[0] for row in joined[1:]] == ["Aroha"]
