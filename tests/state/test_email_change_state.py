"""The email section of /settings and /confirm-email's state, through the real services."""

import re

import pytest
from sqlmodel import select

from gudcity.models import OutboxMail, User
from gudcity.settings import get_settings
from gudcity.state.email_change import ConfirmEmailState, EmailChangeState
from tests.support.make import PASSWORD

pytestmark = pytest.mark.anyio


def confirm_token(session, address: str) -> str:
    session.rollback()
    session.expire_all()
    mails = session.exec(select(OutboxMail).where(OutboxMail.to_address == address)).all()
    return re.search(r"/confirm-email\?token=([\w-]+)", mails[-1].text_body).group(1)


async def test_a_fresh_settings_page_has_no_dialog_open_and_nothing_sent(make, tab, run):
    customer = make.customer()
    state = tab(EmailChangeState, "/settings", customer)
    await run(state.ask_password({"email": "moved@example.com"}))
    await run(state.change_email({"password": PASSWORD}))
    assert state.sent_to

    await run(state.load())
    assert (state.asking_password, state.new_email, state.sent_to, state.error) == (
        False,
        "",
        "",
        "",
    )


async def test_a_change_asks_the_password_then_mails_the_new_address(session, make, tab, run):
    owner, _ = make.business()
    moved = f"moved-{make.key()}@example.com"
    state = tab(EmailChangeState, "/settings", owner)
    await run(state.load())

    await run(state.ask_password({"email": moved}))
    assert state.asking_password and state.new_email == moved
    await run(state.change_email({"password": PASSWORD}))

    assert (state.sent_to, state.asking_password, state.error) == (moved, False, "")
    token = confirm_token(session, moved)
    page = tab(ConfirmEmailState, f"/confirm-email?token={token}")
    await run(page.load())
    assert page.checked and page.link_works
    await run(page.confirm())
    assert page.confirmed_email == moved
    session.expire_all()
    assert session.get(User, owner.id).email == moved


async def test_a_wrong_password_keeps_the_dialog_open_with_the_reason(make, tab, run):
    customer = make.customer()
    state = tab(EmailChangeState, "/settings", customer)
    await run(state.load())
    await run(state.ask_password({"email": "moved@example.com"}))

    await run(state.change_email({"password": "not my password"}))
    assert state.asking_password and state.error == "That password is not right."
    assert state.sent_to == ""
    assert make.counts()["outbox_mails"] == 0


async def test_after_too_many_wrong_passwords_the_dialog_says_to_wait(make, tab, run):
    customer = make.customer()
    state = tab(EmailChangeState, "/settings", customer)
    await run(state.load())
    await run(state.ask_password({"email": "moved@example.com"}))
    for _ in range(get_settings().login_failures_per_account):
        await run(state.change_email({"password": "not my password"}))

    await run(state.change_email({"password": PASSWORD}))
    assert state.asking_password and state.error.startswith("Too many wrong passwords.")
    assert state.sent_to == "" and make.counts()["outbox_mails"] == 0


async def test_a_crafted_change_without_a_session_changes_nothing(make, tab, run):
    make.customer()
    state = tab(EmailChangeState, "/settings")

    await run(state.ask_password({"email": "moved@example.com"}))
    await run(state.change_email({"password": PASSWORD}))
    assert state.error and state.sent_to == ""
    assert make.counts()["outbox_mails"] == 0


async def test_a_used_or_forged_link_shows_it_expired(tab, run):
    page = tab(ConfirmEmailState, "/confirm-email?token=forged")
    await run(page.load())
    assert page.checked and not page.link_works

    await run(page.confirm())
    assert page.confirmed_email == "" and "expired" in page.error
