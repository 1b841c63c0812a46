"""/forgot-password and /reset-password's states, through the real services."""

import re
import time

import pytest
from sqlmodel import select

from gudcity.models import OutboxMail
from gudcity.services import login, sessions, staff
from gudcity.state.password_reset import ANSWER_SECONDS, ForgotPasswordState, ResetPasswordState
from gudcity.state.session import SessionState
from tests.support.events import ticket_in, toasts
from tests.support.make import PASSWORD

pytestmark = pytest.mark.anyio

NEW_PASSWORD = "a brand new password"


def reset_token(session, address: str) -> str:
    session.rollback()
    session.expire_all()
    mails = session.exec(select(OutboxMail).where(OutboxMail.to_address == address)).all()
    return re.search(r"token=([\w-]+)", mails[-1].text_body).group(1)


async def timed(run, call) -> float:
    started = time.monotonic()
    await run(call)
    return time.monotonic() - started


async def test_known_and_unknown_emails_get_the_same_answer_after_the_same_floor(make, tab, run):
    customer = make.customer()
    known, unknown = (
        tab(ForgotPasswordState, "/forgot-password"),
        tab(ForgotPasswordState, "/forgot-password"),
    )

    known_seconds = await timed(run, known.send_link({"email": customer.email}))
    unknown_seconds = await timed(run, unknown.send_link({"email": "nobody@example.com"}))

    assert (known.sent, known.error) == (unknown.sent, unknown.error) == (True, "")
    assert min(known_seconds, unknown_seconds) >= ANSWER_SECONDS
    assert make.counts()["outbox_mails"] == 1


async def test_the_answer_outlives_a_late_page_load_until_another_link_is_asked(make, tab, run):
    """A quick visitor's submit can reach the server before the page's own load event."""
    state = tab(ForgotPasswordState, "/forgot-password")
    await run(state.send_link({"email": make.customer().email}))

    await run(state.load())
    assert state.sent

    await run(state.ask_again())
    assert (state.sent, state.sending, state.error) == (False, False, "")


@pytest.mark.parametrize("form", [{}, None, {"email": 7}, "email"])
async def test_a_crafted_form_gets_the_same_answer_and_sends_nothing(make, tab, run, form):
    state = tab(ForgotPasswordState, "/forgot-password")

    await run(state.send_link(form))
    assert state.sent and state.error == ""
    assert make.counts()["outbox_mails"] == 0


async def test_the_link_sets_the_password_and_logs_in(session, make, tab, run):
    customer = make.customer()
    await run(tab(ForgotPasswordState, "/forgot-password").send_link({"email": customer.email}))
    token = reset_token(session, customer.email)
    page = tab(ResetPasswordState, f"/reset-password?token={token}")
    await run(page.load())
    assert page.checked and page.link_works

    events = await run(page.set_password({"new_password": NEW_PASSWORD}))

    session.rollback()
    user, _, lands_on = sessions.redeem_ticket(session, ticket_in(events))
    assert (user.id, lands_on) == (customer.id, "/cards")
    assert login.authenticate(session, customer.email, NEW_PASSWORD).id == customer.id
    again = tab(ResetPasswordState, f"/reset-password?token={token}")
    await run(again.load())
    assert again.checked and not again.link_works


async def test_a_refused_password_stays_on_the_page(session, make, tab, run):
    customer = make.customer()
    await run(tab(ForgotPasswordState, "/forgot-password").send_link({"email": customer.email}))
    page = tab(ResetPasswordState, f"/reset-password?token={reset_token(session, customer.email)}")

    events = await run(page.set_password({"new_password": "short"}))
    assert ticket_in(events) is None
    assert page.error.startswith("Password must be at least")
    assert toasts(events) == [("error", page.error)]
    assert not page.saving


@pytest.mark.parametrize("path", ["/reset-password", "/reset-password?token=forged"])
async def test_no_or_a_forged_link_shows_it_expired_and_resets_nothing(make, tab, run, path):
    customer = make.customer()
    page = tab(ResetPasswordState, path)
    await run(page.load())
    assert page.checked and not page.link_works

    events = await run(page.set_password({"new_password": NEW_PASSWORD}))
    assert ticket_in(events) is None and "expired" in page.error
    assert login.authenticate(make.session, customer.email, PASSWORD).id == customer.id


async def test_a_removed_staff_member_may_reset_but_is_not_logged_in(session, make, tab, run):
    owner, business = make.business()
    member = make.staff(owner, business)
    staff.remove_staff_member(session, owner, business.id, member.id)
    await run(tab(ForgotPasswordState, "/forgot-password").send_link({"email": member.email}))
    page = tab(ResetPasswordState, f"/reset-password?token={reset_token(session, member.email)}")

    events = await run(page.set_password({"new_password": NEW_PASSWORD}))
    assert ticket_in(events) is None
    assert page.error == login.NO_LONGER_STAFF


async def test_a_fresh_login_page_shows_no_earlier_error(tab, run):
    state = tab(SessionState, "/login")
    await run(state.log_in({"email": "nobody@example.com", "password": PASSWORD}))
    assert state.form_error

    await run(state.clear_form_error())
    assert state.form_error == ""
