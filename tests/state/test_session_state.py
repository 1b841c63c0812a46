"""SessionState: registering, logging in and out, through the real services.

Logging in ends with a page load of /auth/session carrying a one-use ticket
(gudcity/web/session_endpoints.py sets the cookie); here the test redeems it.
"""

import pytest
from sqlmodel import select

from gudcity.domain.errors import AuthenticationError
from gudcity.models import Business, User, UserRole
from gudcity.services import accounts, devices, permissions, sessions
from gudcity.state.cards import CardsState
from gudcity.state.scanner import ScannerState
from gudcity.state.session import SessionState
from gudcity.web.credentials import Credentials
from tests.support.events import page_load_target, ticket_in, toasts
from tests.support.make import PASSWORD
from tests.support.tabs import socket_of

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


def redeemed(session, events) -> tuple[User, str]:
    """Who the log-in ticket among `events` logs in (redeemed as /auth/session does),
    and the page it lands on."""
    forget_cached(session)
    user, token, next_page = sessions.redeem_ticket(session, ticket_in(events))
    assert sessions.user_for_token(session, token).id == user.id
    return user, next_page


def logged_in_user(session, events) -> User:
    return redeemed(session, events)[0]


def landing(session, events) -> tuple[int, str]:
    user, next_page = redeemed(session, events)
    return user.id, next_page


# --- register ----------------------------------------------------------------------------


async def test_register_as_customer_logs_in_and_goes_to_cards(session, tab, run):
    state = tab(SessionState, "/register")

    events = await run(state.register(customer_form(email="  Alice@Example.COM ")))

    user, lands_on = redeemed(session, events)
    assert lands_on == "/cards?welcome=1"
    assert (user.name, user.email, user.role) == (
        "Alice Smith",
        "alice@example.com",
        UserRole.CUSTOMER,
    )
    assert user.card_number
    assert (state.user_role, state.user_name) == ("CUSTOMER", "Alice Smith")
    assert state.is_customer
    assert not state.saving


async def test_register_as_business_creates_the_business_and_goes_to_the_scanner(session, tab, run):
    state = tab(SessionState, "/register")

    events = await run(state.register(business_form()))

    owner, lands_on = redeemed(session, events)
    assert lands_on == "/business/scanner?welcome=1"
    assert owner.role == UserRole.BUSINESS_OWNER
    assert owner.card_number is None
    assert [b.name for b in permissions.businesses_of(session, owner)] == ["Bean There"]
    assert state.user_role == "BUSINESS_OWNER"
    assert state.user_role and not state.is_customer


@pytest.mark.parametrize(
    ("sent", "kept"),
    [("Europe/Lisbon", "Europe/Lisbon"), ("", "UTC"), ("Not/AZone", "UTC"), ("x" * 500, "UTC")],
)
async def test_a_new_business_takes_the_browsers_time_zone_or_utc(session, tab, run, sent, kept):
    state = tab(SessionState, "/register")

    events = await run(state.register(business_form(time_zone=sent)))

    owner = logged_in_user(session, events)
    [business] = permissions.businesses_of(session, owner)
    assert business.time_zone == kept


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

    assert page_load_target(events) is None
    assert toasts(events) == []  # said once, on the page (role=alert)
    assert state.form_error.startswith(message)
    assert make.counts() == before
    assert (state.user_role, state.user_name) == ("", "")
    assert not state.saving


# --- log in ------------------------------------------------------------------------------


async def test_log_in_as_customer(session, make, tab, run):
    customer = make.customer("Alice")
    state = tab(SessionState, "/login")

    events = await run(state.log_in({"email": customer.email.upper(), "password": PASSWORD}))

    assert landing(session, events) == (customer.id, "/cards")
    assert (state.user_role, state.user_name) == ("CUSTOMER", "Alice")
    assert not state.saving


async def test_log_in_as_business_owner_and_staff(session, make, tab, run):
    owner, business = make.business()
    staff = make.staff(owner, business, permissions.Permission.SCAN)
    for user in (owner, staff):
        state = tab(SessionState, "/login")

        events = await run(state.log_in({"email": user.email, "password": PASSWORD}))

        assert landing(session, events) == (user.id, "/business/scanner")
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

    assert page_load_target(events) is None
    assert toasts(events) == []  # said once, on the page (role=alert)
    assert state.form_error == "Wrong email or password."
    after = make.counts()
    assert after["user_sessions"] == before["user_sessions"]  # no session was started
    assert after["login_tickets"] == before["login_tickets"]
    assert after["login_failures"] == before["login_failures"] + 1  # the failure counts
    assert state.user_role == ""
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
    session, make, tab, run, who, next_page, lands_on
):
    owner, business = make.business()
    user = {
        "customer": make.customer(),
        "owner": owner,
        "staff": make.staff(owner, business, permissions.Permission.SCAN),
    }[who]
    state = tab(SessionState, f"/login?next={next_page}")

    events = await run(state.log_in({"email": user.email, "password": PASSWORD}))

    assert landing(session, events) == (user.id, lands_on)


# --- device cookies ------------------------------------------------------------------------


async def test_a_device_cookie_on_the_socket_lets_its_owner_in_past_a_lockout(
    session, make, tab, run, sockets
):
    customer = make.customer()
    for _ in range(10):
        stranger = tab(SessionState, "/login")
        await run(stranger.log_in({"email": customer.email, "password": "not it"}))
    locked = tab(SessionState, "/login")
    await run(locked.log_in({"email": customer.email, "password": PASSWORD}))
    assert locked.form_error.startswith("Too many failed log-ins")

    owners_browser = tab(SessionState, "/login")
    sockets[socket_of(owners_browser)] = Credentials(
        device_cookie=devices.new_device_cookie(customer.email)
    )
    events = await run(owners_browser.log_in({"email": customer.email, "password": PASSWORD}))

    assert landing(session, events) == (customer.id, "/cards")


# --- log out -----------------------------------------------------------------------------


async def test_log_out_goes_to_the_endpoint_that_ends_the_session(make, tab, run):
    state = tab(SessionState, "/cards", make.customer("Alice"))
    state.user_name, state.user_role = "Alice", "CUSTOMER"

    events = await run(state.log_out())

    assert page_load_target(events) == "/auth/log-out"
    assert (state.user_role, state.user_name) == ("", "")


async def test_a_socket_without_the_session_cookie_acts_as_nobody(make, tab, run, sockets):
    state = tab(SessionState, "/cards", make.customer())
    del sockets[socket_of(state)]  # the same tab, reconnected without its cookie

    with pytest.raises(AuthenticationError, match="Please log in"):
        await state._as_user(lambda _s, user: user)


async def test_logging_in_after_registering_uses_the_same_account(session, tab, run):
    await run(tab(SessionState, "/register").register(business_form()))
    state = tab(SessionState, "/login")

    events = await run(state.log_in({"email": "bob@example.com", "password": PASSWORD}))

    owner = logged_in_user(session, events)
    assert owner.role == UserRole.BUSINESS_OWNER
    assert session.exec(select(Business).where(Business.owner_id == owner.id)).one().name == (
        "Bean There"
    )


async def test_the_first_page_a_new_account_lands_on_welcomes_it(make, tab, run):
    from_sign_up = tab(CardsState, "/cards?welcome=1", make.customer("Alice"))
    later = tab(CardsState, "/cards", make.customer("Bob"))
    owner, _ = make.business("Bean There")
    shop = tab(ScannerState, "/business/scanner?welcome=1", owner)

    assert ("success", "Welcome to GudCity!") in toasts(await run(from_sign_up.load()))
    assert toasts(await run(later.load())) == []
    assert ("success", "Your business is set up.") in toasts(await run(shop.load()))
