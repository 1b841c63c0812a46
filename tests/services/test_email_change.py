"""Changing an email: a link to the new address, a notice to the old one, the change on use."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import func, select, update

from gudcity.domain.errors import (
    ConflictError,
    ExpiredError,
    PermissionDeniedError,
    RateLimitedError,
    ValidationError,
)
from gudcity.models import AccountToken, OutboxMail, SyncNotification, User, utc_now
from gudcity.services import email_change, login, password_reset
from gudcity.settings import get_settings
from tests.support.make import PASSWORD
from tests.support.snapshots import changes, snapshot


def mails_to(session, address: str) -> list[OutboxMail]:
    session.rollback()
    return list(session.exec(select(OutboxMail).where(OutboxMail.to_address == address)))


def confirm_token(session, address: str) -> str:
    text = mails_to(session, address)[-1].text_body
    return re.search(r"/confirm-email\?token=([\w-]+)", text).group(1)


def new_address(make) -> str:
    return f"moved-{make.key()}@example.com"


def test_a_request_mails_a_link_to_the_new_address_and_a_notice_to_the_old(session, make):
    customer = make.customer()
    moved = new_address(make)

    assert email_change.request_email_change(session, customer, moved.upper(), PASSWORD) == moved
    [confirmation] = mails_to(session, moved)
    [notice] = mails_to(session, customer.email)
    assert f"{get_settings().public_url}/confirm-email?token=" in confirmation.text_body
    assert moved in notice.text_body and "token=" not in notice.text_body
    assert session.get(User, customer.id).email == customer.email


def test_the_link_moves_the_account_and_works_once(session, make):
    customer = make.customer()
    moved = new_address(make)
    email_change.request_email_change(session, customer, moved, PASSWORD)
    token = confirm_token(session, moved)

    assert email_change.confirm_email_change(session, token).email == moved
    assert login.authenticate(session, moved, PASSWORD).id == customer.id
    assert not email_change.email_link_works(session, token)
    with pytest.raises(ExpiredError):
        email_change.confirm_email_change(session, token)


def test_an_address_taken_meanwhile_is_refused_and_nothing_changes(session, make):
    customer = make.customer()
    moved = new_address(make)
    email_change.request_email_change(session, customer, moved, PASSWORD)
    token = confirm_token(session, moved)
    taker = make.customer()
    taker.email = moved
    session.add(taker)
    session.commit()
    before = snapshot(session)

    with pytest.raises(ConflictError):
        email_change.confirm_email_change(session, token)
    assert changes(before, snapshot(session)) == {}


def test_an_address_already_taken_is_refused_at_once(session, make):
    customer, other = make.customer(), make.customer()
    before = snapshot(session)

    with pytest.raises(ConflictError):
        email_change.request_email_change(session, customer, other.email, PASSWORD)
    assert changes(before, snapshot(session)) == {}


@pytest.mark.parametrize(
    ("email", "password", "error"),
    [
        ("moved@example.com", "not my password", ValidationError),
        ("moved@example.com", None, ValidationError),
        ("not an email", PASSWORD, ValidationError),
        ({"email": "x"}, PASSWORD, ValidationError),
    ],
)
def test_bad_requests_are_refused_and_write_nothing(session, make, email, password, error):
    customer = make.customer()
    before = snapshot(session)

    with pytest.raises(error):
        email_change.request_email_change(session, customer, email, password)
    # A wrong password is written down as a failed log-in (the throttle's), nothing else.
    counted = {"login_failures": (0, 1)} if password == "not my password" else {}
    assert changes(before, snapshot(session)) == counted


def test_the_mails_commit_with_the_token_or_not_at_all(session, make):
    customer = make.customer()
    before = snapshot(session)

    def fail(_session):
        raise RuntimeError("the commit fails")

    event.listen(session, "before_commit", fail)
    try:
        with pytest.raises(RuntimeError):
            email_change.request_email_change(session, customer, new_address(make), PASSWORD)
    finally:
        event.remove(session, "before_commit", fail)
    assert changes(before, snapshot(session)) == {}  # no token, no mail
    email_change.request_email_change(session, customer, new_address(make), PASSWORD)
    assert changes(before, snapshot(session)) == {"account_tokens": (0, 1), "outbox_mails": (0, 2)}


def test_a_few_changes_a_day_then_refused(session, make, monkeypatch):
    monkeypatch.setattr(get_settings(), "email_changes_per_day", 2)
    customer = make.customer()
    for _ in range(2):
        email_change.request_email_change(session, customer, new_address(make), PASSWORD)
    before = snapshot(session)

    with pytest.raises(RateLimitedError):
        email_change.request_email_change(session, customer, new_address(make), PASSWORD)
    assert changes(before, snapshot(session)) == {}


def test_the_own_address_is_no_change(session, make):
    customer = make.customer()

    with pytest.raises(ValidationError):
        email_change.request_email_change(session, customer, customer.email, PASSWORD)


def test_nobody_logged_in_cannot_ask(session):
    with pytest.raises(PermissionDeniedError):
        email_change.request_email_change(session, None, "moved@example.com", PASSWORD)


def test_a_newer_request_supersedes_the_older_link(session, make):
    customer = make.customer()
    first, second = new_address(make), new_address(make)
    email_change.request_email_change(session, customer, first, PASSWORD)
    older = confirm_token(session, first)
    email_change.request_email_change(session, customer, second, PASSWORD)

    with pytest.raises(ExpiredError):
        email_change.confirm_email_change(session, older)
    assert email_change.confirm_email_change(session, confirm_token(session, second)).email == (
        second
    )


def test_an_expired_link_is_refused(session, make):
    customer = make.customer()
    moved = new_address(make)
    email_change.request_email_change(session, customer, moved, PASSWORD)
    token = confirm_token(session, moved)
    session.exec(update(AccountToken).values(expires_at=utc_now() - timedelta(seconds=1)))
    session.commit()

    with pytest.raises(ExpiredError):
        email_change.confirm_email_change(session, token)


def test_a_password_reset_ends_a_pending_change(session, make):
    customer = make.customer()
    moved = new_address(make)
    email_change.request_email_change(session, customer, moved, PASSWORD)
    token = confirm_token(session, moved)
    password_reset.request_password_reset(session, customer.email)
    reset = re.search(r"token=([\w-]+)", mails_to(session, customer.email)[-1].text_body).group(1)
    password_reset.reset_password(session, reset, "a brand new password")

    with pytest.raises(ExpiredError):
        email_change.confirm_email_change(session, token)


def test_a_reset_link_does_not_confirm_an_email_nor_the_reverse(session, make):
    customer = make.customer()
    moved = new_address(make)
    email_change.request_email_change(session, customer, moved, PASSWORD)
    token = confirm_token(session, moved)

    with pytest.raises(ExpiredError):
        password_reset.reset_password(session, token, "a brand new password")
    assert email_change.email_link_works(session, token)


def test_a_confirmed_change_refreshes_the_pages_that_show_the_account(session, make, shop):
    _, business, program, customer = shop
    make.card(customer, program)
    _, elsewhere = make.business()
    moved = new_address(make)
    email_change.request_email_change(session, customer, moved, PASSWORD)
    token = confirm_token(session, moved)
    last = session.exec(select(func.max(SyncNotification.id))).one() or 0

    email_change.confirm_email_change(session, token)
    topics = session.exec(select(SyncNotification.topic).where(SyncNotification.id > last)).all()
    assert sorted(topics) == sorted([f"customer:{customer.id}", f"business:{business.id}"])
    assert f"business:{elsewhere.id}" not in topics
