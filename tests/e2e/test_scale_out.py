"""Two backend processes sharing state through Redis, on one PostgreSQL.

Each process is a whole app instance on its own port, as two workers behind a
load balancer would be: the customer's tab is served by one, the business's by
the other, and the enrolled customer's flow (an award reaches the customer's open page)
still happens live, once. Both run the points expiry sweep, every half second: points
that are due expire once.
"""

import uuid
from datetime import timedelta

import pytest
import redis
from playwright.sync_api import expect
from sqlalchemy import func, update
from sqlmodel import select

from gudcity.devserver import app_server
from gudcity.models import ExpiryRule, PointTransaction, TransactionKind
from gudcity.services import expiry_rules
from tests.support.browser import assert_not_reloaded, log_in, mark_document
from tests.support.redis_server import REDIS, redis_is_up

pytestmark = [pytest.mark.e2e, pytest.mark.own_server]

REDIS_URL = f"redis://{REDIS[0]}:{REDIS[1]}/3"
# With Redis, Reflex starts 2 x cores + 1 workers per instance: one each here.
ONE_WORKER = {"GRANIAN_WORKERS": "1"}
# Both workers sweep for due points this often (at the same moments, more or less).
EXPIRY_SWEEP = {"EXPIRY_SWEEP_SECONDS": "0.5"}


@pytest.fixture(scope="module")
def two_workers(e2e_database_url, copy_of_the_app, tmp_path_factory):
    if not redis_is_up():
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    logs = tmp_path_factory.mktemp("workers")
    settings = {"REDIS_URL": REDIS_URL, **ONE_WORKER, **EXPIRY_SWEEP}
    # Each from a copy of its own: each builds its frontend for its own port.
    with (
        app_server(e2e_database_url, logs / "a.log", project=copy_of_the_app(), **settings) as a,
        app_server(e2e_database_url, logs / "b.log", project=copy_of_the_app(), **settings) as b,
    ):
        yield a, b


def test_an_award_on_one_worker_reaches_a_tab_on_the_other(browser, two_workers, make):
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club")
    customer = make.customer(f"Wanda {uuid.uuid4().hex[:4]}")
    make.card(customer, coffee, balance=20)
    customer_worker, business_worker = two_workers

    sockets: dict[str, list[str]] = {customer_worker: [], business_worker: []}

    def open_page(base_url: str):
        context = browser.new_context(base_url=base_url)
        context.set_default_timeout(15_000)
        page = context.new_page()
        page.on("websocket", lambda socket: sockets[base_url].append(socket.url))
        return page

    phone = log_in(open_page(customer_worker), customer.email, "/cards")
    balance = phone.locator("[data-testid=card-balance]")
    expect(balance).to_have_text("20")
    mark_document(phone)
    shop = log_in(open_page(business_worker), owner.email, "/business/scanner")
    shop.get_by_label("Card number").fill(customer.card_number)
    shop.get_by_role("button", name="Look up").click()  # shows the customer, gives nothing
    expect(shop.locator("#scan-result")).to_contain_text("Balance: 20")

    shop.get_by_label("Points").fill("5")
    shop.get_by_role("button", name="Award points").click()

    expect(balance).to_have_text("25")
    earned = phone.locator("#notifications [data-testid=notification]", has_text="You earned 5")
    expect(earned).to_have_count(1)
    toasts = phone.locator("[data-sonner-toast]", has_text="You earned 5")
    expect(toasts).to_have_count(1)
    assert_not_reloaded(phone)
    # Each tab's socket went to the worker that served its page, and to no other.
    for worker, urls in sockets.items():
        port = worker.rsplit(":", 1)[1]
        assert urls and all(f":{port}/" in url for url in urls), (worker, urls)
    # The tabs' state lives in Redis, where either worker finds it.
    client_token = phone.evaluate("window.sessionStorage.getItem('token')")
    stored = redis.Redis.from_url(REDIS_URL).keys(f"*{client_token}*")
    assert stored, "the customer's tab has no state in Redis"


def test_both_workers_sweep_due_points_and_they_expire_once(browser, two_workers, make, session):
    owner, business = make.business("Bean There")
    coffee = make.program(owner, business, name="Coffee Club")
    expiry_rules.set_expiry_rule(session, owner, coffee.id, "AFTER_EARNED", 30)
    customer = make.customer(f"Xena {uuid.uuid4().hex[:4]}")
    card = make.card(customer, coffee, balance=20)
    context = browser.new_context(base_url=two_workers[0])
    context.set_default_timeout(15_000)
    phone = log_in(context.new_page(), customer.email, "/cards")
    balance = phone.locator("[data-testid=card-balance]")
    expect(balance).to_have_text("20")
    expect(phone.locator("[data-testid=card-expiries]")).to_contain_text("20 points expire on")

    # The rule and the award move 31 days back: the points are due on both workers.
    month = timedelta(days=31)
    ledger = PointTransaction.__table__
    session.execute(
        update(ledger)
        .where(ledger.c.card_id == card.id)
        .values(created_at=ledger.c.created_at - month)
    )
    rules = ExpiryRule.__table__
    session.execute(
        update(rules)
        .where(rules.c.program_id == coffee.id)
        .values(starts_at=rules.c.starts_at - month)
    )
    session.commit()

    expect(balance).to_have_text("0")
    expired = phone.locator("#notifications [data-testid=notification]", has_text="expired")
    expect(expired).to_have_count(1)
    phone.wait_for_timeout(2_000)  # four more sweeps on each worker
    rows = session.exec(
        select(func.count(), func.sum(PointTransaction.amount)).where(
            PointTransaction.card_id == card.id,
            PointTransaction.kind == TransactionKind.EXPIRE,
        )
    ).one()
    assert tuple(rows) == (1, -20)
    expect(expired).to_have_count(1)
