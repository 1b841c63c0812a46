"""SessionState: registering, logging in and out, through the real accounts service."""

import pytest
from sqlmodel import select

from gudcity.domain.errors import AuthenticationError
from gudcity.models import Business, User, UserRole
from gudcity.services import accounts, permissions
from gudcity.state.session import SessionState
from tests.support.events import redirect_target, toasts
from tests.support.make import PASSWORD

pytestmark = pytest.mark.anyio


def customer_form(**changes) -> dict:
    return {
        "name": "Alice Smith",
        "email": "alice@example.com",
        "password": PASSWORD,
        "account_type": "customer",
        **changes,
    }


def business_form(**changes) -> dict:
    return {
        "name": "Bob Baker",
        "email": "bob@example.com",
        "password": PASSWORD,
        "account_type": "business",
        "business_name": "Bean There",
        **changes,
    }


def forget_cached(session) -> None:
    """The handlers wrote through their own sessions: read afresh."""
    session.rollback()
    session.expire_all()


def logged_in_user(session, state: SessionState) -> User:
    """Who the state's session cookie belongs to, asked of the server."""
    forget_cached(session)
    return accounts.user_for_token(session, state.session_token)


# --- register ----------------------------------------------------------------------------


async def test_register_as_customer_logs_in_and_goes_to_cards(session, tab, run):
    state = tab(SessionState, "/register")

    events = await run(state.register(customer_form(email="  Alice@Example.COM ")))

    assert redirect_target(events) == "/cards"
    assert ("success", "Welcome to GudCity!") in toasts(events)
    user = logged_in_user(session, state)
    assert (user.name, user.email, user.role) == (
        "Alice Smith",
        "alice@example.com",
        UserRole.CUSTOMER,
    )
    assert user.card_number
    assert (state.user_role, state.user_name) == ("CUSTOMER", "Alice Smith")
    assert state.is_logged_in and state.is_customer
    assert not state.saving


async def test_register_as_business_creates_the_business_and_goes_to_the_scanner(session, tab, run):
    state = tab(SessionState, "/register")

    events = await run(state.register(business_form()))

    assert redirect_target(events) == "/business/scanner"
    assert ("success", "Your business is set up.") in toasts(events)
    owner = logged_in_user(session, state)
    assert owner.role == UserRole.BUSINESS_OWNER
    assert owner.card_number is None
    assert [b.name for b in permissions.businesses_of(session, owner)] == ["Bean There"]
    assert state.user_role == "BUSINESS_OWNER"
    assert state.is_logged_in and not state.is_customer


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (customer_form(email="taken@example.com"), "An account with this email already exists."),
        (customer_form(email="TAKEN@example.com"), "An account with this email already exists."),
        (business_form(email="taken@example.com"), "An account with this email already exists."),
        (customer_form(email="not-an-email"), "Enter a valid email address"),
        (customer_form(email=""), "Enter a valid email address"),
        (customer_form(password="short"), "Password must be at least 8 characters."),
        (business_form(password="1234567"), "Password must be at least 8 characters."),
        (customer_form(name="   "), "Name is required."),
        (business_form(business_name=""), "Business name is required."),
    ],
)
async def test_a_refused_registration_shows_the_service_message_and_creates_nothing(
    make, tab, run, form, message
):
    accounts.register_customer(
        make.session, name="Someone", email="taken@example.com", password=PASSWORD
    )
    before = make.counts()
    state = tab(SessionState, "/register")

    events = await run(state.register(form))

    assert redirect_target(events) is None
    [(level, shown)] = toasts(events)
    assert level == "error"
    assert shown.startswith(message)
    assert make.counts() == before
    assert (state.session_token, state.user_role, state.user_name) == ("", "", "")
    assert not state.saving


# --- log in ------------------------------------------------------------------------------


async def test_log_in_as_customer(session, make, tab, run):
    customer = make.customer("Alice")
    state = tab(SessionState, "/login")

    events = await run(state.log_in({"email": customer.email.upper(), "password": PASSWORD}))

    assert redirect_target(events) == "/cards"
    assert logged_in_user(session, state).id == customer.id
    assert (state.user_role, state.user_name) == ("CUSTOMER", "Alice")
    assert not state.saving


async def test_log_in_as_business_owner_and_staff(session, make, tab, run):
    owner, business = make.business()
    staff = make.staff(owner, business, permissions.Permission.SCAN)
    for user in (owner, staff):
        state = tab(SessionState, "/login")

        events = await run(state.log_in({"email": user.email, "password": PASSWORD}))

        assert redirect_target(events) == "/business/scanner"
        assert logged_in_user(session, state).id == user.id
        assert state.user_role == user.role.value


@pytest.mark.parametrize(
    "form",
    [
        {"email": "alice@example.com", "password": "wrong password"},
        {"email": "alice@example.com", "password": ""},
        {"email": "nobody@example.com", "password": PASSWORD},
        {"email": "not an email", "password": PASSWORD},
        {},
    ],
)
async def test_log_in_with_wrong_credentials_is_refused(make, tab, run, form):
    accounts.register_customer(
        make.session, name="Alice", email="alice@example.com", password=PASSWORD
    )
    before = make.counts()
    state = tab(SessionState, "/login")

    events = await run(state.log_in(form))

    assert redirect_target(events) is None
    assert toasts(events) == [("error", "Wrong email or password.")]
    after = make.counts()
    assert after["user_sessions"] == before["user_sessions"]  # no session was started
    assert after["login_failures"] == before["login_failures"] + 1  # the failure counts
    assert (state.session_token, state.user_role) == ("", "")
    assert not state.saving


@pytest.mark.parametrize(
    ("who", "next_page", "lands_on"),
    [
        ("customer", "/cards", "/cards"),
        ("customer", "/business/scanner", "/cards"),
        ("customer", "/business/customers", "/cards"),
        ("customer", "https://evil.example.com/", "/cards"),
        ("customer", "//evil.example.com/cards", "/cards"),
        ("owner", "/business/customers", "/business/customers"),
        ("owner", "/business/programs", "/business/programs"),
        ("owner", "/cards", "/business/scanner"),
        ("owner", "https://evil.example.com/business/x", "/business/scanner"),
        ("staff", "/business/customers", "/business/customers"),
        ("staff", "/cards", "/business/scanner"),
    ],
)
async def test_next_is_honoured_only_for_the_users_own_pages(
    make, tab, run, who, next_page, lands_on
):
    owner, business = make.business()
    user = {
        "customer": make.customer(),
        "owner": owner,
        "staff": make.staff(owner, business, permissions.Permission.SCAN),
    }[who]
    state = tab(SessionState, f"/login?next={next_page}")

    events = await run(state.log_in({"email": user.email, "password": PASSWORD}))

    assert redirect_target(events) == lands_on


# --- log out -----------------------------------------------------------------------------


async def test_log_out_ends_the_session_on_the_server(session, make, tab, run):
    customer = make.customer("Alice")
    state = tab(SessionState, "/cards", customer)
    token = state.session_token
    assert accounts.user_for_token(session, token).id == customer.id

    events = await run(state.log_out())

    assert redirect_target(events) == "/login"
    assert (state.session_token, state.user_role, state.user_name) == ("", "", "")
    forget_cached(session)
    with pytest.raises(AuthenticationError):
        accounts.user_for_token(session, token)


async def test_log_out_ends_only_that_session(session, make, tab, run):
    customer = make.customer()
    phone = tab(SessionState, "/cards", customer)
    laptop = tab(SessionState, "/cards", customer)
    phone_token = phone.session_token

    await run(phone.log_out())

    forget_cached(session)
    with pytest.raises(AuthenticationError):
        accounts.user_for_token(session, phone_token)
    assert accounts.user_for_token(session, laptop.session_token).id == customer.id


async def test_logging_in_after_registering_uses_the_same_account(session, tab, run):
    await run(tab(SessionState, "/register").register(business_form()))
    state = tab(SessionState, "/login")

    await run(state.log_in({"email": "bob@example.com", "password": PASSWORD}))

    owner = logged_in_user(session, state)
    assert owner.role == UserRole.BUSINESS_OWNER
    assert session.exec(select(Business).where(Business.owner_id == owner.id)).one().name == (
        "Bean There"
    )
