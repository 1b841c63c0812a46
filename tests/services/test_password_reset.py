"""Forgot password: the same answer for any email, a link that works once, soon, newest only."""

import re
from datetime import timedelta

import pytest
from sqlmodel import func, select, update

from gudcity.domain.errors import AuthenticationError, ExpiredError, ValidationError
from gudcity.models import AccountToken, LoginFailure, OutboxMail, SyncNotification, utc_now
from gudcity.services import login, password_reset, sessions
from gudcity.settings import get_settings
from tests.support.make import PASSWORD
from tests.support.races import race
from tests.support.snapshots import changes, snapshot

NEW_PASSWORD = "a brand new password"


def mails_to(session, address: str) -> list[OutboxMail]:
    session.rollback()
    return list(session.exec(select(OutboxMail).where(OutboxMail.to_address == address)))


def reset_token(session, address: str) -> str:
    """The token in the newest reset mail to `address`."""
    text = mails_to(session, address)[-1].text_body
    return re.search(r"/reset-password\?token=([\w-]+)", text).group(1)


def test_a_known_email_gets_one_mail_whose_link_points_at_public_url(session, make):
    customer = make.customer()

    password_reset.request_password_reset(session, customer.email.upper(), "198.51.100.7")
    [mail] = mails_to(session, customer.email)
    public = get_settings().public_url
    assert f"{public}/reset-password?token=" in mail.text_body
    assert f'href="{public}/reset-password?token=' in mail.html_body
    assert mail.subject == password_reset.SUBJECT


def test_an_unknown_or_malformed_email_gets_the_same_answer_and_writes_nothing(session, make):
    make.customer()
    before = snapshot(session)

    assert password_reset.request_password_reset(session, "nobody@example.com") is None
    assert password_reset.request_password_reset(session, "not an email") is None
    assert password_reset.request_password_reset(session, None) is None
    assert changes(before, snapshot(session)) == {}


def test_the_token_is_stored_only_as_its_hash(session, make):
    customer = make.customer()
    password_reset.request_password_reset(session, customer.email)
    token = reset_token(session, customer.email)

    [row] = session.exec(select(AccountToken).where(AccountToken.user_id == customer.id))
    assert token not in repr(row.model_dump())
    assert len(token) >= 40


def test_a_reset_sets_the_password_and_ends_every_session(session, make):
    customer = make.customer()
    other_tab = sessions.start_session(session, customer)
    with pytest.raises(AuthenticationError):
        login.log_in(session, customer.email, "wrong password")
    password_reset.request_password_reset(session, customer.email)

    user = password_reset.reset_password(
        session, reset_token(session, customer.email), NEW_PASSWORD
    )
    assert user.id == customer.id
    assert login.authenticate(session, customer.email, NEW_PASSWORD).id == customer.id
    with pytest.raises(AuthenticationError):
        login.authenticate(session, customer.email, PASSWORD)
    with pytest.raises(AuthenticationError):
        sessions.user_for_token(session, other_tab)
    assert (
        session.exec(select(LoginFailure).where(LoginFailure.email == customer.email)).all() == []
    )


def test_a_link_works_once(session, make):
    customer = make.customer()
    password_reset.request_password_reset(session, customer.email)
    token = reset_token(session, customer.email)
    password_reset.reset_password(session, token, NEW_PASSWORD)
    before = snapshot(session)

    assert not password_reset.reset_link_works(session, token)
    with pytest.raises(ExpiredError):
        password_reset.reset_password(session, token, "yet another password")
    assert changes(before, snapshot(session)) == {}


def test_an_expired_link_is_refused(session, make):
    customer = make.customer()
    password_reset.request_password_reset(session, customer.email)
    token = reset_token(session, customer.email)
    session.exec(update(AccountToken).values(expires_at=utc_now() - timedelta(seconds=1)))
    session.commit()

    assert not password_reset.reset_link_works(session, token)
    with pytest.raises(ExpiredError):
        password_reset.reset_password(session, token, NEW_PASSWORD)
    assert login.authenticate(session, customer.email, PASSWORD).id == customer.id


def test_the_link_expires_after_the_setting(session, make):
    customer = make.customer()
    password_reset.request_password_reset(session, customer.email)

    [row] = session.exec(select(AccountToken).where(AccountToken.user_id == customer.id))
    lifetime = row.expires_at - row.created_at
    assert lifetime == timedelta(minutes=get_settings().password_reset_ttl_minutes)


def test_a_newer_link_supersedes_the_older_one(session, make):
    customer = make.customer()
    password_reset.request_password_reset(session, customer.email)
    older = reset_token(session, customer.email)
    password_reset.request_password_reset(session, customer.email)
    newer = reset_token(session, customer.email)

    assert older != newer
    with pytest.raises(ExpiredError):
        password_reset.reset_password(session, older, NEW_PASSWORD)
    password_reset.reset_password(session, newer, NEW_PASSWORD)


def test_a_password_too_short_is_refused_and_the_link_still_works(session, make):
    customer = make.customer()
    password_reset.request_password_reset(session, customer.email)
    token = reset_token(session, customer.email)

    with pytest.raises(ValidationError):
        password_reset.reset_password(session, token, "short")
    assert password_reset.reset_link_works(session, token)


@pytest.mark.parametrize("token", ["", None, {"token": "x"}, 42, "x" * 10_000, "a\x00b"])
def test_a_forged_token_is_refused(session, make, token):
    make.customer()
    before = snapshot(session)

    with pytest.raises(ExpiredError):
        password_reset.reset_password(session, token, NEW_PASSWORD)
    assert changes(before, snapshot(session)) == {}


def test_an_account_is_sent_a_few_links_an_hour_then_the_same_answer_and_nothing(session, make):
    customer = make.customer()
    limit = get_settings().password_resets_per_account
    for _ in range(limit + 2):
        password_reset.request_password_reset(session, customer.email)

    assert len(mails_to(session, customer.email)) == limit


def test_an_address_is_sent_a_limited_number_of_links(session, make, monkeypatch):
    monkeypatch.setattr(get_settings(), "password_resets_per_address", 2)
    people = [make.customer() for _ in range(3)]
    for person in people:
        password_reset.request_password_reset(session, person.email, "203.0.113.9")

    assert [len(mails_to(session, p.email)) for p in people] == [1, 1, 0]
    password_reset.request_password_reset(session, people[2].email, "203.0.113.10")
    assert len(mails_to(session, people[2].email)) == 1


def test_two_resets_with_one_link_at_once_change_the_password_once(session, make, engine):
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers: PostgreSQL")
    customer = make.customer()
    password_reset.request_password_reset(session, customer.email)
    token = reset_token(session, customer.email)
    session.commit()

    outcomes = race(
        engine,
        [
            lambda s: password_reset.reset_password(s, token, "first new password"),
            lambda s: password_reset.reset_password(s, token, "second new password"),
        ],
    )
    assert sorted(type(o).__name__ for o in outcomes) == ["ExpiredError", "User"]


def test_a_reset_wakes_the_accounts_open_pages_so_they_log_out(session, make, shop):
    _, business, program, customer = shop
    make.card(customer, program)
    password_reset.request_password_reset(session, customer.email)
    token = reset_token(session, customer.email)
    last = session.exec(select(func.max(SyncNotification.id))).one() or 0

    password_reset.reset_password(session, token, NEW_PASSWORD)
    topics = session.exec(select(SyncNotification.topic).where(SyncNotification.id > last)).all()
    assert sorted(topics) == sorted([f"customer:{customer.id}", f"business:{business.id}"])
