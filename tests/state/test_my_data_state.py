"""MyDataState (the "Your data" section of /settings): deleting one's account, confirmed."""

import pytest

from gudcity.domain.errors import AuthenticationError
from gudcity.models import User
from gudcity.services import login
from gudcity.services.account_deletion import WRONG_PASSWORD
from gudcity.settings import get_settings
from gudcity.state.my_data import PASSWORD_FIELD, MyDataState
from tests.support.events import page_load_target
from tests.support.make import PASSWORD

pytestmark = pytest.mark.anyio

ROUTE = "/settings"


async def test_a_fresh_page_shows_the_dialog_closed(make, tab, run):
    state = tab(MyDataState, ROUTE, make.customer())
    await run(state.delete_account({PASSWORD_FIELD: "wrong"}))
    state.delete_open_changed(True)
    await run(state.load())
    assert (state.delete_open, state.delete_error, state.deleting) == (False, "", False)


async def test_the_right_password_deletes_the_account_and_logs_out(session, make, tab, run):
    alice = make.customer("Alice")
    state = tab(MyDataState, ROUTE, alice)
    state.delete_open_changed(True)

    events = await run(state.delete_account({PASSWORD_FIELD: PASSWORD}))

    assert page_load_target(events) == "/auth/log-out"
    assert (state.delete_error, state.deleting, state.delete_open) == ("", False, False)
    session.expire_all()
    assert session.get(User, alice.id).deleted_at is not None
    with pytest.raises(AuthenticationError):
        login.log_in(session, alice.email, PASSWORD)


@pytest.mark.parametrize("form", [{PASSWORD_FIELD: "not it"}, {}, {PASSWORD_FIELD: 7}, "x"])
async def test_a_wrong_or_crafted_password_shows_why_and_keeps_the_account(
    session, make, tab, run, form
):
    alice = make.customer("Alice")
    state = tab(MyDataState, ROUTE, alice)
    state.delete_open_changed(True)

    events = await run(state.delete_account(form))

    assert page_load_target(events) is None
    assert (state.delete_error, state.delete_open, state.deleting) == (WRONG_PASSWORD, True, False)
    session.expire_all()
    assert session.get(User, alice.id).deleted_at is None


async def test_after_too_many_wrong_passwords_the_right_one_is_refused_too(session, make, tab, run):
    alice = make.customer("Alice")
    state = tab(MyDataState, ROUTE, alice)
    state.delete_open_changed(True)
    for _ in range(get_settings().login_failures_per_account):
        await run(state.delete_account({PASSWORD_FIELD: "not my password"}))

    events = await run(state.delete_account({PASSWORD_FIELD: PASSWORD}))

    assert page_load_target(events) is None
    assert state.delete_error.startswith("Too many wrong passwords. Try again in")
    session.expire_all()
    assert session.get(User, alice.id).deleted_at is None


async def test_an_owner_is_told_to_export_or_transfer_first(session, make, tab, run):
    owner, _business = make.business("Bean There")
    state = tab(MyDataState, ROUTE, owner)

    await run(state.delete_account({PASSWORD_FIELD: PASSWORD}))

    assert state.delete_error.startswith("You own Bean There")
    session.expire_all()
    assert session.get(User, owner.id).deleted_at is None


async def test_closing_the_dialog_clears_its_error(make, tab, run):
    state = tab(MyDataState, ROUTE, make.customer())
    await run(state.delete_account({PASSWORD_FIELD: "wrong"}))
    state.delete_open_changed(False)
    assert (state.delete_open, state.delete_error) == (False, "")
    state.delete_open_changed("yes")
    assert state.delete_open is False


async def test_without_a_session_nothing_is_deleted(tab, run):
    state = tab(MyDataState, ROUTE)
    await run(state.delete_account({PASSWORD_FIELD: PASSWORD}))
    assert state.delete_error == "Please log in."
