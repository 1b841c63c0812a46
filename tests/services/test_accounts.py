"""Accounts: registration, passwords, staff and permissions (log in: test_login.py)."""

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from gudcity.domain.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from gudcity.models import (
    Business,
    StaffPermission,
    User,
    UserRole,
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
