"""Accounts: registration, passwords, log in, sessions, staff and permissions."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import text, update
from sqlmodel import Session, select

from gudcity.domain.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    TooManyAttemptsError,
    ValidationError,
)
from gudcity.models import (
    Business,
    LoginFailure,
    StaffPermission,
    User,
    UserRole,
    UserSession,
    utc_now,
)
from gudcity.services import accounts, permissions
from gudcity.services.permissions import Permission
from tests.support.make import PASSWORD

GRANTABLE = [p for p in Permission if p != Permission.VIEW_CUSTOMERS]


def luhn_valid(number: str) -> bool:
    """An independent Luhn check over the whole number, check digit included."""
    total = 0
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def register(session, email="ann@example.com", name="Ann", password=PASSWORD):
    return accounts.register_customer(session, name=name, email=email, password=password)


# --- registration ----------------------------------------------------------------------


def test_customer_gets_a_12_digit_luhn_valid_card_number_and_a_public_id(session):
    customer = register(session)

    assert customer.role == UserRole.CUSTOMER
    assert len(customer.card_number) == 12 and customer.card_number.isdigit()
    assert luhn_valid(customer.card_number)
    assert customer.public_id and customer.public_id != str(customer.id)


def test_each_customer_gets_their_own_card_number_and_public_id(make):
    customers = [make.customer() for _ in range(5)]

    assert len({c.card_number for c in customers}) == 5
    assert len({c.public_id for c in customers}) == 5


def test_business_registration_creates_the_owner_and_the_business(session):
    owner, business = accounts.register_business(
        session, name="Carla", email="carla@example.com", password=PASSWORD, business_name="Café"
    )

    assert owner.role == UserRole.BUSINESS_OWNER
    assert owner.card_number is None
    stored = session.exec(select(Business).where(Business.owner_id == owner.id)).one()
    assert (stored.id, stored.name) == (business.id, "Café")


def test_names_are_trimmed_and_inner_whitespace_collapsed(session):
    assert register(session, name="  Ann   Lee ").name == "Ann Lee"


def test_a_name_of_exactly_120_characters_is_accepted(session):
    assert register(session, name="x" * 120).name == "x" * 120


def test_email_is_stored_in_lower_case(session):
    customer = register(session, email="  Ann.Lee@Example.COM ")

    stored = session.exec(
        text("SELECT email FROM users WHERE id = :id"), params={"id": customer.id}
    )
    assert stored.scalar_one() == "ann.lee@example.com"


def test_email_is_unique_regardless_of_case(session, make):
    register(session, email="ann@example.com")
    before = make.counts()

    with pytest.raises(ConflictError, match="already exists"):
        register(session, email="ANN@Example.com", name="Another Ann")
    assert make.counts() == before


def test_business_with_a_taken_email_creates_no_business(session, make):
    register(session, email="ann@example.com")
    before = make.counts()

    with pytest.raises(ConflictError, match="already exists"):
        accounts.register_business(
            session, name="Ann", email="ann@example.com", password=PASSWORD, business_name="Shop"
        )
    assert make.counts() == before


@pytest.mark.parametrize(
    "email",
    ["", "   ", "not-an-email", "ann@", "@example.com", "ann lee@example.com", "ann@@example.com"],
)
def test_malformed_email_is_refused(session, make, email):
    before = make.counts()

    with pytest.raises(ValidationError, match="valid email"):
        register(session, email=email)
    assert make.counts() == before


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Name is required"), ("  \t ", "Name is required"), ("x" * 121, "at most 120")],
)
def test_bad_name_is_refused(session, make, name, message):
    before = make.counts()

    with pytest.raises(ValidationError, match=message):
        register(session, name=name)
    assert make.counts() == before


@pytest.mark.parametrize(
    ("password", "message"),
    [("", "at least 8"), ("1234567", "at least 8"), ("x" * 257, "at most 256")],
)
def test_bad_password_length_is_refused(session, make, password, message):
    before = make.counts()

    with pytest.raises(ValidationError, match=message):
        register(session, password=password)
    assert make.counts() == before


@pytest.mark.parametrize("business_name", ["", "   ", "x" * 121])
def test_bad_business_name_is_refused(session, make, business_name):
    before = make.counts()

    with pytest.raises(ValidationError, match="Business name"):
        accounts.register_business(
            session,
            name="Ann",
            email="ann@example.com",
            password=PASSWORD,
            business_name=business_name,
        )
    assert make.counts() == before


def test_password_is_stored_as_an_argon2_hash_never_in_plain_text(session, engine):
    customer = register(session, password="my secret passphrase")

    with Session(engine) as fresh:
        stored = fresh.get(User, customer.id).password_hash
    assert stored.startswith("$argon2")
    assert "my secret passphrase" not in stored


# --- authentication ----------------------------------------------------------------------


def test_right_password_authenticates_whatever_the_email_case(session):
    customer = register(session, email="ann@example.com")

    assert accounts.authenticate(session, "Ann@EXAMPLE.com", PASSWORD).id == customer.id


def test_wrong_password_and_unknown_email_fail_with_the_same_message(session):
    register(session, email="ann@example.com")

    with pytest.raises(AuthenticationError) as wrong_password:
        accounts.authenticate(session, "ann@example.com", "not the password")
    with pytest.raises(AuthenticationError) as unknown_email:
        accounts.authenticate(session, "nobody@example.com", PASSWORD)
    assert str(wrong_password.value) == str(unknown_email.value) == "Wrong email or password."


def test_malformed_email_at_log_in_fails_like_a_wrong_password(session):
    with pytest.raises(AuthenticationError, match=r"^Wrong email or password\.$"):
        accounts.authenticate(session, "not-an-email", PASSWORD)


# --- sessions -------------------------------------------------------------------------------


def test_log_in_returns_a_token_that_resolves_to_the_user(session):
    customer = register(session)

    user, token = accounts.log_in(session, "ann@example.com", PASSWORD)

    assert user.id == customer.id
    assert accounts.user_for_token(session, token).id == customer.id


def test_only_the_sha256_of_the_token_is_stored(session):
    register(session)
    _, token = accounts.log_in(session, "ann@example.com", PASSWORD)

    rows = session.exec(text("SELECT * FROM user_sessions")).all()
    assert len(rows) == 1
    assert rows[0]._mapping["token_hash"] == hashlib.sha256(token.encode()).hexdigest()
    assert all(token not in str(value) for value in rows[0]._mapping.values())


def test_wrong_password_starts_no_session_and_is_counted(session, make):
    register(session)
    before = make.counts()

    with pytest.raises(AuthenticationError):
        accounts.log_in(session, "ann@example.com", "not the password")
    after = make.counts()
    assert {t: after[t] - before[t] for t in after if after[t] != before[t]} == {
        "login_failures": 1
    }


# --- log-in throttling ----------------------------------------------------------------------


def fail_to_log_in(session, email="ann@example.com", address="198.51.100.7", times=1):
    for _ in range(times):
        with pytest.raises(AuthenticationError, match=r"^Wrong email or password"):
            accounts.log_in(session, email, "not the password", address)


def test_an_account_is_locked_after_repeated_failures_even_with_the_right_password(session):
    register(session)
    fail_to_log_in(session, times=5)

    with pytest.raises(TooManyAttemptsError, match=r"^Too many failed log-ins\. Try again in 15"):
        accounts.log_in(session, "ann@example.com", PASSWORD, "203.0.113.9")


def test_the_lock_counts_the_account_however_its_email_is_typed(session):
    register(session)
    fail_to_log_in(session, email="Ann@Example.com ", times=5)

    with pytest.raises(TooManyAttemptsError):
        accounts.log_in(session, "ann@example.com", PASSWORD)


def test_the_lock_opens_when_old_failures_leave_the_window(session, engine):
    register(session)
    fail_to_log_in(session, times=5)
    with Session(engine) as other:
        other.exec(update(LoginFailure).values(created_at=utc_now() - timedelta(minutes=16)))
        other.commit()

    user, _ = accounts.log_in(session, "ann@example.com", PASSWORD)
    assert user.email == "ann@example.com"


def test_a_success_clears_the_accounts_failures(session):
    register(session)
    fail_to_log_in(session, times=4)
    accounts.log_in(session, "ann@example.com", PASSWORD)

    fail_to_log_in(session, times=4)  # four more: still under the limit of five
    accounts.log_in(session, "ann@example.com", PASSWORD)


def test_one_address_guessing_many_accounts_is_slowed_down(session):
    register(session)
    for n in range(20):
        fail_to_log_in(session, email=f"guess{n}@example.com")

    with pytest.raises(TooManyAttemptsError):
        accounts.log_in(session, "ann@example.com", PASSWORD, "198.51.100.7")
    user, _ = accounts.log_in(session, "ann@example.com", PASSWORD, "203.0.113.9")
    assert user.email == "ann@example.com"


def test_a_throttled_attempt_writes_nothing(session, make):
    register(session)
    fail_to_log_in(session, times=5)
    before = make.counts()

    with pytest.raises(TooManyAttemptsError):
        accounts.log_in(session, "ann@example.com", "not the password", "198.51.100.7")
    assert make.counts() == before


def test_expired_session_is_refused(session, engine):
    register(session)
    _, token = accounts.log_in(session, "ann@example.com", PASSWORD)
    with Session(engine) as other:
        other.exec(update(UserSession).values(expires_at=utc_now() - timedelta(minutes=1)))
        other.commit()
    session.expire_all()

    with pytest.raises(AuthenticationError, match="session has ended"):
        accounts.user_for_token(session, token)


def test_logged_out_token_is_refused_but_other_sessions_live_on(session):
    customer = register(session)
    _, first = accounts.log_in(session, "ann@example.com", PASSWORD)
    _, second = accounts.log_in(session, "ann@example.com", PASSWORD)

    accounts.log_out(session, first)

    with pytest.raises(AuthenticationError, match="session has ended"):
        accounts.user_for_token(session, first)
    assert accounts.user_for_token(session, second).id == customer.id


@pytest.mark.parametrize("token", [None, ""])
def test_missing_token_is_refused(session, token):
    with pytest.raises(AuthenticationError, match="Please log in"):
        accounts.user_for_token(session, token)


def test_unknown_token_is_refused(session):
    register(session)
    accounts.log_in(session, "ann@example.com", PASSWORD)

    with pytest.raises(AuthenticationError, match="session has ended"):
        accounts.user_for_token(session, "made-up-token")


# --- staff ----------------------------------------------------------------------------------


def test_owner_adds_staff_with_exactly_the_permissions_given(session, make):
    owner, business = make.business()

    staff = accounts.add_staff_member(
        session,
        owner,
        business.id,
        name="Dev",
        email="Dev@Example.com",
        password=PASSWORD,
        permissions={Permission.SCAN, Permission.DEDUCT},
    )

    assert (staff.role, staff.email, staff.card_number) == (UserRole.STAFF, "dev@example.com", None)
    row = session.exec(select(StaffPermission).where(StaffPermission.user_id == staff.id)).one()
    assert row.business_id == business.id
    assert (row.can_scan, row.can_award, row.can_deduct, row.can_manage_programs) == (
        True,
        False,
        True,
        False,
    )


def test_another_business_owner_cannot_add_staff(session, make):
    _, business = make.business()
    other_owner, _ = make.business()
    before = make.counts()

    with pytest.raises(PermissionDeniedError, match="Only the owner"):
        accounts.add_staff_member(
            session,
            other_owner,
            business.id,
            name="Dev",
            email="dev@example.com",
            password=PASSWORD,
            permissions=set(GRANTABLE),
        )
    assert make.counts() == before


def test_staff_cannot_add_staff_even_with_every_permission(session, make):
    owner, business = make.business()
    staff = make.staff(owner, business, *GRANTABLE)
    before = make.counts()

    with pytest.raises(PermissionDeniedError, match="Only the owner"):
        accounts.add_staff_member(
            session,
            staff,
            business.id,
            name="Dev",
            email="dev@example.com",
            password=PASSWORD,
            permissions={Permission.SCAN},
        )
    assert make.counts() == before


def test_staff_with_a_taken_email_is_refused_and_nothing_written(session, make):
    owner, business = make.business()
    register(session, email="dev@example.com")
    before = make.counts()

    with pytest.raises(ConflictError, match="already exists"):
        accounts.add_staff_member(
            session,
            owner,
            business.id,
            name="Dev",
            email="DEV@example.com",
            password=PASSWORD,
            permissions={Permission.SCAN},
        )
    assert make.counts() == before


@pytest.mark.parametrize("permission", list(Permission))
def test_owner_has_every_permission(session, make, permission):
    owner, business = make.business()

    assert permissions.require_business_permission(session, owner, business.id, permission).id == (
        business.id
    )


@pytest.mark.parametrize("granted", GRANTABLE)
def test_staff_has_the_permission_granted_and_no_other(session, make, granted):
    owner, business = make.business()
    staff = make.staff(owner, business, granted)

    assert permissions.require_business_permission(session, staff, business.id, granted)
    for other in GRANTABLE:
        if other != granted:
            with pytest.raises(PermissionDeniedError, match="do not have permission"):
                permissions.require_business_permission(session, staff, business.id, other)


def test_any_staff_member_may_view_customers(session, make):
    owner, business = make.business()
    staff = make.staff(owner, business)

    assert permissions.require_business_permission(
        session, staff, business.id, Permission.VIEW_CUSTOMERS
    )


@pytest.mark.parametrize("permission", list(Permission))
def test_strangers_have_no_permission(session, make, permission):
    _, business = make.business()
    other_owner, other_business = make.business()
    other_staff = make.staff(other_owner, other_business, *GRANTABLE)
    customer = make.customer()

    for stranger in (other_owner, other_staff, customer):
        with pytest.raises(PermissionDeniedError, match="do not work for this business"):
            permissions.require_business_permission(session, stranger, business.id, permission)


def test_permission_on_a_missing_business_is_not_found(session, make):
    owner, business = make.business()

    with pytest.raises(NotFoundError, match="Business not found"):
        permissions.require_business_permission(session, owner, business.id + 1000, Permission.SCAN)


def test_businesses_of_owner_staff_and_customer(session, make):
    owner, business = make.business()
    other_owner, other_business = make.business()
    staff = make.staff(owner, business, Permission.SCAN)
    accounts.add_staff_member(
        session,
        other_owner,
        other_business.id,
        name="Solo",
        email="solo@example.com",
        password=PASSWORD,
        permissions=set(),
    )
    customer = make.customer()

    assert [b.id for b in permissions.businesses_of(session, owner)] == [business.id]
    assert [b.id for b in permissions.businesses_of(session, staff)] == [business.id]
    assert permissions.businesses_of(session, customer) == []


def test_businesses_of_staff_working_for_two_businesses(session, make):
    first_owner, first = make.business()
    _, second = make.business()
    staff = make.staff(first_owner, first, Permission.SCAN)
    session.add(StaffPermission(business_id=second.id, user_id=staff.id))
    session.commit()

    assert [b.id for b in permissions.businesses_of(session, staff)] == [first.id, second.id]
