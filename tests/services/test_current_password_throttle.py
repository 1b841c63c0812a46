"""The current password asked again on /settings goes through the log-in throttle.

A new password, a new email and deleting the account each ask for it; each wrong try
counts as a failed log-in on the account, so a stolen session cannot guess freely.
"""

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session

from gudcity.domain.errors import RateLimitedError, ServiceError, TooManyAttemptsError
from gudcity.models import LoginFailure, User, utc_now
from gudcity.services import account_deletion, email_change, login, profile, sessions
from gudcity.settings import get_settings
from tests.support.make import PASSWORD
from tests.support.snapshots import changes, snapshot

NEW_PASSWORD = "a brand new passphrase"
ASKING = {
    "change password": lambda s, u, typed: profile.change_password(s, u, typed, NEW_PASSWORD, ""),
    "change email": lambda s, u, typed: email_change.request_email_change(
        s, u, f"moved-{u.id}@example.org", typed
    ),
    "delete account": lambda s, u, typed: account_deletion.delete_account(s, u, typed),
}
LIMIT = get_settings().login_failures_per_account


@pytest.fixture(params=sorted(ASKING))
def asking(request):
    return ASKING[request.param]


def wrong_tries(session, user, asking, times):
    for _ in range(times):
        with pytest.raises(ServiceError, match="not right"):
            asking(session, user, "not my password")


def test_past_the_limit_even_the_right_password_is_refused_and_says_to_wait(session, make, asking):
    alice = make.customer("Alice")
    wrong_tries(session, alice, asking, LIMIT)
    before = snapshot(session)

    with pytest.raises(RateLimitedError, match=r"^Too many wrong passwords\. Try again in 15 "):
        asking(session, alice, PASSWORD)

    assert changes(before, snapshot(session)) == {}
    assert session.get(User, alice.id).deleted_at is None


def test_wrong_tries_on_settings_count_as_failed_log_ins(session, make, asking):
    alice = make.customer("Alice")
    wrong_tries(session, alice, asking, LIMIT)

    with pytest.raises(TooManyAttemptsError):
        login.log_in(session, alice.email, PASSWORD)


def test_failed_log_ins_close_settings_too(session, make, asking):
    alice = make.customer("Alice")
    for _ in range(LIMIT):
        with pytest.raises(ServiceError):
            login.log_in(session, alice.email, "not my password")

    with pytest.raises(RateLimitedError):
        asking(session, alice, PASSWORD)


def test_the_right_password_clears_the_failures(session, make):
    alice = make.customer("Alice")
    change = ASKING["change password"]
    wrong_tries(session, alice, change, LIMIT - 1)
    profile.change_password(session, alice, PASSWORD, NEW_PASSWORD, "")

    wrong_tries(session, alice, change, LIMIT - 1)  # as many again: still under the limit
    profile.change_password(session, alice, NEW_PASSWORD, PASSWORD, "")


def test_settings_open_again_when_the_failures_leave_the_window(session, engine, make):
    alice = make.customer("Alice")
    token = sessions.start_session(session, alice)
    wrong_tries(session, alice, ASKING["change password"], LIMIT)
    window = get_settings().login_failure_window_minutes
    with Session(engine) as other:
        stale = utc_now() - timedelta(minutes=window + 1)
        other.exec(update(LoginFailure).values(created_at=stale))
        other.commit()

    profile.change_password(session, alice, PASSWORD, NEW_PASSWORD, token)
    assert login.log_in(session, alice.email, NEW_PASSWORD).id == alice.id
