"""People, their sessions and log-ins, businesses and their staff."""

from datetime import datetime

from sqlalchemy import (
    Index,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

from gudcity.models.base import enum_column, utc_now
from gudcity.models.enums import TokenPurpose, UserRole


class User(SQLModel, table=True):
    __tablename__ = "users"
    # The customer list walks customers in this order (services/customers.py).
    __table_args__ = (
        Index("ix_users_name_id", "name", "id"),
        # The birthday sweep finds the customers whose birthday is due.
        Index("ix_users_birthday", "birth_month", "birth_day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    role: UserRole = enum_column(UserRole)
    # Public, unguessable id carried by QR tokens instead of the row id.
    public_id: str = Field(max_length=32, unique=True, index=True)
    # The number a customer reads out for typed entry; includes a check digit.
    card_number: str | None = Field(default=None, max_length=20, unique=True, index=True)
    # Staff get a temporary password from the owner and choose their own at first log-in.
    must_change_password: bool = False
    # The language the user chose (gudcity/i18n/languages.py); None: their browser's.
    language: str | None = Field(default=None, max_length=8)
    # A customer's birthday, if they gave it (month and day, no year), and when they last
    # set it: one set shortly before it comes is rewarded from the next year.
    birth_month: int | None = None
    birth_day: int | None = None
    birthday_set_at: datetime | None = None
    # Set when the account was deleted: its personal data is gone, its ledger rows stay.
    deleted_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)


class UserSession(SQLModel, table=True):
    __tablename__ = "user_sessions"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime
    revoked_at: datetime | None = None


class LoginFailure(SQLModel, table=True):
    """A log-in attempt whose password was wrong, or is being checked right now.

    Written before the password is checked (services/login.py), so attempts sent
    at once count each other; a success deletes its row. Counted per account and
    per address for unknown clients, per device cookie (`device`, its nonce) for a
    browser that logged in to the account before.
    """

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_email_created_at", "email", "created_at"),
        Index("ix_login_failures_address_created_at", "address", "created_at"),
        Index("ix_login_failures_device_created_at", "device", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=320)
    address: str = Field(default="", max_length=64)
    device: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(default_factory=utc_now)


class LoginTicket(SQLModel, table=True):
    """A one-use, short-lived pass from a checked password to a session cookie.

    The websocket that checked the password cannot set an HttpOnly cookie; the
    browser takes the ticket to an HTTP endpoint that can (gudcity/web/). Only the
    ticket's hash is stored.
    """

    __tablename__ = "login_tickets"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True, index=True)
    next_page: str = Field(max_length=200)
    expires_at: datetime


class AccountToken(SQLModel, table=True):
    """A link mailed to a user: reset the password, or confirm a new email address.

    Only the token's sha256 is stored. It works once, until `expires_at`, and only
    while it is the user's newest of its purpose: using it, or issuing a newer one,
    sets `used_at`. `address` is where the request came from (the reset throttle).
    """

    __tablename__ = "account_tokens"
    __table_args__ = (Index("ix_account_tokens_user_purpose", "user_id", "purpose"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    purpose: TokenPurpose = enum_column(TokenPurpose)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    # The address an EMAIL_CHANGE token moves the account to.
    new_email: str | None = Field(default=None, max_length=254)
    address: str = Field(default="", max_length=64, index=True)
    created_at: datetime = Field(default_factory=utc_now)
    expires_at: datetime
    used_at: datetime | None = None


class Business(SQLModel, table=True):
    __tablename__ = "businesses"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    owner_id: int = Field(foreign_key="users.id", index=True)
    # What customers see on their cards (the owner keeps them in /settings); "" when not given.
    address: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    phone: str = Field(default="", max_length=30, sa_column_kwargs={"server_default": ""})
    # Free text, one line per day or range of days ("Mon-Fri 8:00-18:00").
    opening_hours: str = Field(default="", max_length=400, sa_column_kwargs={"server_default": ""})
    # An IANA zone name (zoneinfo): the business's day, for the dashboard's "per day".
    time_zone: str = Field(default="UTC", max_length=64, sa_column_kwargs={"server_default": "UTC"})
    created_at: datetime = Field(default_factory=utc_now)


class StaffPermission(SQLModel, table=True):
    """A staff member of a business and what they may do there."""

    __tablename__ = "staff_permissions"
    __table_args__ = (UniqueConstraint("business_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="businesses.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", index=True, ondelete="CASCADE")
    can_scan: bool = True
    can_award: bool = True
    can_deduct: bool = False
    can_manage_programs: bool = False
    # The dashboard and the exports; a server default, so the rows before it say no.
    can_view_reports: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    created_at: datetime = Field(default_factory=utc_now)
