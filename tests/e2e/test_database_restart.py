"""The database restarts under a running app: pages recover on their own, nothing is lost.

The app runs on a PostgreSQL cluster of the test's own (tests/pg_cluster.py), so
the shared server is never restarted.
"""

import threading
import uuid

import pytest
from playwright.sync_api import expect
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from gudcity.db import make_engine
from gudcity.devserver import app_server
from gudcity.models import LoyaltyCard, User
from gudcity.services import awards
from tests.support.browser import assert_not_reloaded, log_in, mark_document
from tests.support.make import Make
from tests.support.pg_cluster import migrated_cluster

pytestmark = [pytest.mark.e2e, pytest.mark.own_server]

DATABASE_ERROR = "GudCity cannot reach its database right now. Try again in a moment."


@pytest.fixture(scope="module")
def cluster():
    with migrated_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="module")
def restartable_app(cluster, copy_of_the_app, tmp_path_factory):
    log = tmp_path_factory.mktemp("app") / "reflex.log"
    with app_server(cluster.url, log, project=copy_of_the_app()) as url:
        yield url


@pytest.fixture
def engine(cluster):
    engine = make_engine(cluster.url)
    yield engine
    engine.dispose()


class AwardsInTheBackground:
    """An owner awarding 1 point again and again, as a busy counter would, until stopped."""

    def __init__(self, engine, owner_id: int, card_id: int) -> None:
        self.engine, self.owner_id, self.card_id = engine, owner_id, card_id
        self.stopped = threading.Event()
        self.committed = 0
        self.thread = threading.Thread(target=self._run)

    def _run(self) -> None:
        while not self.stopped.wait(0.05):
            try:
                with Session(self.engine) as session:
                    owner = session.get(User, self.owner_id)
                    awards.award_points(session, owner, self.card_id, 1, uuid.uuid4().hex)
                    self.committed += 1
            except DBAPIError:
                pass  # the database is restarting: this award did not happen

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped.set()
        self.thread.join(timeout=30)


def test_pages_show_the_right_numbers_after_a_restart(browser, restartable_app, engine, cluster):
    with Session(engine, expire_on_commit=False) as session:
        make = Make(session, prefix=uuid.uuid4().hex[:8])
        owner, business = make.business("Bean There")
        program = make.program(owner, business, name="Coffee Club")
        customer = make.customer("Dana Restart")
        card_id = make.card(customer, program).id

    def open_page(email: str, lands_on: str):
        context = browser.new_context(base_url=restartable_app)
        context.set_default_timeout(15_000)
        return log_in(context.new_page(), email, lands_on)

    phone = open_page(customer.email, "/cards")
    shop = open_page(owner.email, "/business/scanner")
    shop.get_by_label("Card number").fill(customer.card_number)
    shop.get_by_role("button", name="Look up").click()
    expect(shop.locator("#scan-result")).to_contain_text("Dana Restart")
    expect(shop.locator("#scan-result")).to_contain_text("Balance: 0")  # a look-up gives nothing
    mark_document(phone)
    mark_document(shop)

    # Awards keep coming until the database goes down; the last ones' notifications may
    # never reach the app's listener, whose connection dies with the server.
    with AwardsInTheBackground(engine, owner.id, card_id) as awards:
        while awards.committed < 5:
            threading.Event().wait(0.05)
        cluster.stop()
    cluster.start()

    with Session(engine) as session:
        balance = session.get(LoyaltyCard, card_id).balance
    assert balance == awards.committed
    expect(phone.locator("[data-testid=card-balance]")).to_have_text(str(balance), timeout=10_000)
    expect(shop.locator("#scan-result")).to_contain_text(f"Balance: {balance}")

    cluster.stop()
    try:
        shop.get_by_role("button", name="Award points").click()
        expect(shop.locator("#scan-result")).to_contain_text(DATABASE_ERROR)
    finally:
        cluster.start()
    shop.get_by_role("button", name="Award points").click()
    expect(phone.locator("[data-testid=card-balance]")).to_have_text(str(balance + 10))
    assert_not_reloaded(phone)
    assert_not_reloaded(shop)
