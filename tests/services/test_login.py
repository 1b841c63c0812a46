"""Log in: the password check, the throttle counted before it, and device cookies."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from gudcity.domain.errors import AuthenticationError, TooManyAttemptsError
from gudcity.models import LoginFailure, utc_now
from gudcity.services import accounts, devices, login
from gudcity.settings import get_settings
from tests.support.make import PASSWORD


def register(session, email="ann@example.com", name="Ann", password=PASSWORD):
    return accounts.register_customer(session, name=name, email=email, password=password)


# --- authentication ----------------------------------------------------------------------


def test_right_password_authenticates_whatever_the_email_case(session):
    customer = register(session, email="ann@example.com")

    assert login.authenticate(session, "Ann@EXAMPLE.com", PASSWORD).id == customer.id


def test_wrong_password_and_unknown_email_fail_with_the_same_message(session):
    register(session, email="ann@example.com")

    with pytest.raises(AuthenticationError) as wrong_password:
        login.authenticate(session, "ann@example.com", "not the password")
    with pytest.raises(AuthenticationError) as unknown_email:
        login.authenticate(session, "nobody@example.com", PASSWORD)
    assert str(wrong_password.value) == str(unknown_email.value) == "Wrong email or password."


def test_malformed_email_at_log_in_fails_like_a_wrong_password(session):
    with pytest.raises(AuthenticationError, match=r"^Wrong email or password\.$"):
        login.authenticate(session, "not-an-email", PASSWORD)


def test_wrong_password_starts_no_session_and_is_counted(session, make):
    register(session)
    before = make.counts()

    with pytest.raises(AuthenticationError):
        login.log_in(session, "ann@example.com", "not the password")
    after = make.counts()
    assert {t: after[t] - before[t] for t in after if after[t] != before[t]} == {
        "login_failures": 1
    }


# --- log-in throttling ----------------------------------------------------------------------


def fail_to_log_in(session, email="ann@example.com", address="198.51.100.7", times=1):
    for _ in range(times):
        with pytest.raises(AuthenticationError, match=r"^Wrong email or password"):
            login.log_in(session, email, "not the password", address)


def test_an_account_is_locked_after_repeated_failures_even_with_the_right_password(session):
    register(session)
    fail_to_log_in(session, times=5)

    with pytest.raises(TooManyAttemptsError, match=r"^Too many failed log-ins\. Try again in 15"):
        login.log_in(session, "ann@example.com", PASSWORD, "203.0.113.9")


def test_the_lock_counts_the_account_however_its_email_is_typed(session):
    register(session)
    fail_to_log_in(session, email="Ann@Example.com ", times=5)

    with pytest.raises(TooManyAttemptsError):
        login.log_in(session, "ann@example.com", PASSWORD)


def test_the_lock_opens_when_old_failures_leave_the_window(session, engine):
    register(session)
    fail_to_log_in(session, times=5)
    with Session(engine) as other:
        other.exec(update(LoginFailure).values(created_at=utc_now() - timedelta(minutes=16)))
        other.commit()

    user = login.log_in(session, "ann@example.com", PASSWORD)
    assert user.email == "ann@example.com"


def test_a_success_clears_the_accounts_failures(session):
    register(session)
    fail_to_log_in(session, times=4)
    login.log_in(session, "ann@example.com", PASSWORD)

    fail_to_log_in(session, times=4)  # four more: still under the limit of five
    login.log_in(session, "ann@example.com", PASSWORD)


def test_one_address_guessing_many_accounts_is_slowed_down(session):
    register(session)
    for n in range(20):
        fail_to_log_in(session, email=f"guess{n}@example.com")

    with pytest.raises(TooManyAttemptsError):
        login.log_in(session, "ann@example.com", PASSWORD, "198.51.100.7")
    user = login.log_in(session, "ann@example.com", PASSWORD, "203.0.113.9")
    assert user.email == "ann@example.com"


def test_a_throttled_attempt_writes_nothing(session, make):
    register(session)
    fail_to_log_in(session, times=5)
    before = make.counts()

    with pytest.raises(TooManyAttemptsError):
        login.log_in(session, "ann@example.com", "not the password", "198.51.100.7")
    assert make.counts() == before


# --- the throttle is counted before the password is checked ---------------------------------


def _all_at_once(engine, attempt, times: int) -> list:
    """`attempt(session)` from `times` threads released together: each outcome."""
    barrier = threading.Barrier(times)
    outcomes = [None] * times

    def run(index):
        with Session(engine, expire_on_commit=False) as own:
            barrier.wait()
            try:
                outcomes[index] = attempt(own)
            except AuthenticationError as error:
                outcomes[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_sixteen_wrong_passwords_at_once_have_at_most_the_limit_checked(
    session, engine, monkeypatch
):
    register(session)
    session.commit()
    checked = []
    real_authenticate = login.authenticate

    def counting_authenticate(own, email, password):
        checked.append(email)
        return real_authenticate(own, email, password)

    monkeypatch.setattr(login, "authenticate", counting_authenticate)
    outcomes = _all_at_once(
        engine, lambda own: login.log_in(own, "ann@example.com", "wrong", "198.51.100.7"), 16
    )

    limit = get_settings().login_failures_per_account
    wrong = [o for o in outcomes if type(o) is AuthenticationError]
    throttled = [o for o in outcomes if isinstance(o, TooManyAttemptsError)]
    assert len(wrong) + len(throttled) == 16
    assert len(checked) == len(wrong) <= limit
    session.expire_all()
    assert len(session.exec(select(LoginFailure)).all()) == len(wrong)


# --- device cookies -------------------------------------------------------------------------


def lock_out(session, email="ann@example.com", times=10):
    for n in range(times):
        with pytest.raises(AuthenticationError):
            login.log_in(session, email, "not the password", f"198.51.100.{n}")


def test_a_device_cookie_of_the_account_logs_in_past_a_lockout_by_strangers(session):
    ann = register(session)
    device = devices.new_device_cookie(ann.email)
    lock_out(session)
    with pytest.raises(TooManyAttemptsError):
        login.log_in(session, "ann@example.com", PASSWORD, "203.0.113.9")

    assert login.log_in(session, "Ann@Example.com", PASSWORD, "203.0.113.9", device).id == ann.id


@pytest.mark.parametrize(
    "cookie",
    [
        "",
        "nonce",
        "nonce.",
        "nonce.0123abcd",
        "\x00.\x00",
        "nonce.é",
        "of-bob",  # a real device cookie, of another account
        "tampered",  # a real device cookie of Ann's, its nonce changed
    ],
)
def test_any_other_cookie_is_an_unknown_client(session, cookie):
    register(session)
    if cookie == "of-bob":
        cookie = devices.new_device_cookie("bob@example.com")
    elif cookie == "tampered":
        cookie = "x" + devices.new_device_cookie("ann@example.com")
    lock_out(session)

    with pytest.raises(TooManyAttemptsError):
        login.log_in(session, "ann@example.com", PASSWORD, "203.0.113.9", cookie)


def test_a_device_cookie_signed_with_a_previous_key_still_counts(session, monkeypatch):
    ann = register(session)
    device = devices.new_device_cookie(ann.email)
    settings = get_settings()
    rotated = settings.model_copy(
        update={"secret_key": "k" * 48, "previous_secret_keys": [settings.secret_key]}
    )
    monkeypatch.setattr(devices, "get_settings", lambda: rotated)
    lock_out(session)

    assert login.log_in(session, ann.email, PASSWORD, "", device).id == ann.id
    monkeypatch.setattr(
        devices, "get_settings", lambda: rotated.model_copy(update={"previous_secret_keys": []})
    )
    with pytest.raises(TooManyAttemptsError):
        login.log_in(session, ann.email, PASSWORD, "", device)


def test_a_device_that_keeps_failing_is_an_unknown_client_again(session):
    ann = register(session)
    device = devices.new_device_cookie(ann.email)
    for _ in range(get_settings().login_failures_per_device):
        with pytest.raises(AuthenticationError, match=r"^Wrong email or password"):
            login.log_in(session, ann.email, "not the password", "", device)
    # Its failures were its own: the account is not locked for others.
    assert login.log_in(session, ann.email, PASSWORD, "203.0.113.9").id == ann.id

    lock_out(session)
    with pytest.raises(TooManyAttemptsError):
        login.log_in(session, ann.email, PASSWORD, "", device)


def test_a_devices_failures_do_not_count_against_the_account(session, make):
    ann = register(session)
    device = devices.new_device_cookie(ann.email)
    for _ in range(get_settings().login_failures_per_device):
        with pytest.raises(AuthenticationError, match=r"^Wrong email or password"):
            login.log_in(session, ann.email, "not the password", "198.51.100.7", device)
    lock_out(session, times=get_settings().login_failures_per_account - 1)

    assert login.log_in(session, ann.email, PASSWORD, "198.51.100.7").id == ann.id


def test_a_success_on_a_device_clears_its_failures_but_not_the_strangers(session):
    ann = register(session)
    device = devices.new_device_cookie(ann.email)
    lock_out(session)
    limit = get_settings().login_failures_per_device
    for _ in range(limit - 1):
        with pytest.raises(AuthenticationError, match=r"^Wrong email or password"):
            login.log_in(session, ann.email, "not the password", "", device)
    login.log_in(session, ann.email, PASSWORD, "", device)

    for _ in range(limit - 1):  # as many again: still under the device's limit
        with pytest.raises(AuthenticationError, match=r"^Wrong email or password"):
            login.log_in(session, ann.email, "not the password", "", device)
    assert login.log_in(session, ann.email, PASSWORD, "", device).id == ann.id
    with pytest.raises(TooManyAttemptsError):
        login.log_in(session, ann.email, PASSWORD, "203.0.113.9")
