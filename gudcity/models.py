"""The tables. Times are timezone-aware UTC; enums are stored as plain strings."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Enum,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

# Named constraints keep later migrations (and SQLite's batch mode) predictable.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    return datetime.now(UTC)


def enum_column(enum_class: type[StrEnum], *, default: Any = ..., index: bool = False) -> Any:
    """A VARCHAR column for an enum: adding a value later needs no type migration."""
    return Field(
        default=default,
        sa_type=Enum(enum_class, native_enum=False, create_constraint=False, length=40),
        index=index,
    )


class UserRole(StrEnum):
    CUSTOMER = "CUSTOMER"
    BUSINESS_OWNER = "BUSINESS_OWNER"
    STAFF = "STAFF"
    ADMIN = "ADMIN"


class ProgramKind(StrEnum):
    POINTS = "POINTS"
    STAMPS = "STAMPS"


class EnrollmentStatus(StrEnum):
    PENDING = "PENDING"
    ACTIVE = "ACTIVE"
    DECLINED = "DECLINED"
    LEFT = "LEFT"


class TransactionKind(StrEnum):
    EARN = "EARN"
    DEDUCT = "DEDUCT"
    REDEEM = "REDEEM"
    ADJUST = "ADJUST"


class ApprovalKind(StrEnum):
    ENROLLMENT = "ENROLLMENT"
    POINTS_DEDUCTION = "POINTS_DEDUCTION"


class ApprovalStatus(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"


class NotificationType(StrEnum):
    QR_SCANNED = "QR_SCANNED"
    ENROLLMENT_REQUEST = "ENROLLMENT_REQUEST"
    ENROLLMENT_ACCEPTED = "ENROLLMENT_ACCEPTED"
    ENROLLMENT_DECLINED = "ENROLLMENT_DECLINED"
    CARD_CREATED = "CARD_CREATED"
    POINTS_ADDED = "POINTS_ADDED"
    POINTS_DEDUCTION_REQUEST = "POINTS_DEDUCTION_REQUEST"
    POINTS_DEDUCTED = "POINTS_DEDUCTED"
    POINTS_DEDUCTION_DECLINED = "POINTS_DEDUCTION_DECLINED"
    REWARD_REDEEMED = "REWARD_REDEEMED"


class User(SQLModel, table=True):
    __tablename__ = "users"
    # The customer list walks customers in this order (services/customers.py).
    __table_args__ = (Index("ix_users_name_id", "name", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    name: str = Field(max_length=120)
    password_hash: str = Field(max_length=255)
    role: UserRole = enum_column(UserRole)
    # Public, unguessable id carried by QR tokens instead of the row id.
    public_id: str = Field(max_length=32, unique=True, index=True)
    # The number a customer reads out for typed entry; includes a check digit.
    card_number: str | None = Field(default=None, max_length=20, unique=True, index=True)
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


class Business(SQLModel, table=True):
    __tablename__ = "businesses"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    owner_id: int = Field(foreign_key="users.id", index=True)
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
    created_at: datetime = Field(default_factory=utc_now)


class LoyaltyProgram(SQLModel, table=True):
    __tablename__ = "loyalty_programs"
    __table_args__ = (
        CheckConstraint("points_per_scan > 0", name="points_per_scan_positive"),
        CheckConstraint("scan_cooldown_seconds >= 0", name="cooldown_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="businesses.id", index=True)
    name: str = Field(max_length=120)
    kind: ProgramKind = enum_column(ProgramKind, default=ProgramKind.POINTS)
    points_per_scan: int = 10
    # Minimum seconds between two automatic scan awards on one card; 0 is off.
    scan_cooldown_seconds: int = 0
    is_active: bool = True
    created_at: datetime = Field(default_factory=utc_now)


class Reward(SQLModel, table=True):
    __tablename__ = "rewards"
    __table_args__ = (CheckConstraint("cost > 0", name="cost_positive"),)

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="loyalty_programs.id", index=True)
    name: str = Field(max_length=120)
    cost: int
    is_active: bool = True
    created_at: datetime = Field(default_factory=utc_now)


class ProgramEnrollment(SQLModel, table=True):
    __tablename__ = "program_enrollments"
    __table_args__ = (UniqueConstraint("customer_id", "program_id"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="users.id", index=True)
    program_id: int = Field(foreign_key="loyalty_programs.id", index=True)
    status: EnrollmentStatus = enum_column(EnrollmentStatus, index=True)
    created_at: datetime = Field(default_factory=utc_now)
    updated_at: datetime = Field(default_factory=utc_now)


class LoyaltyCard(SQLModel, table=True):
    __tablename__ = "loyalty_cards"
    __table_args__ = (
        UniqueConstraint("customer_id", "program_id"),
        CheckConstraint("balance >= 0", name="balance_non_negative"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="users.id", index=True)
    program_id: int = Field(foreign_key="loyalty_programs.id", index=True)
    card_number: str = Field(max_length=24, unique=True, index=True)
    balance: int = 0
    lifetime_points: int = 0
    tier: str = Field(default="BRONZE", max_length=10)
    last_scan_award_at: datetime | None = None
    last_activity_at: datetime = Field(default_factory=utc_now)
    created_at: datetime = Field(default_factory=utc_now)


class PointTransaction(SQLModel, table=True):
    """The append-only ledger: a card's balance is the sum of its rows."""

    __tablename__ = "point_transactions"
    __table_args__ = (Index("ix_point_transactions_card_created", "card_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    card_id: int = Field(foreign_key="loyalty_cards.id")
    kind: TransactionKind = enum_column(TransactionKind)
    amount: int
    actor_id: int | None = Field(default=None, foreign_key="users.id")
    idempotency_key: str = Field(max_length=128, unique=True)
    reward_id: int | None = Field(default=None, foreign_key="rewards.id")
    redemption_code: str | None = Field(default=None, max_length=16)
    note: str = Field(default="", max_length=255)
    created_at: datetime = Field(default_factory=utc_now)


class ApprovalRequest(SQLModel, table=True):
    """Something a business asks a customer to approve: an enrollment or a deduction."""

    __tablename__ = "approval_requests"
    __table_args__ = (
        Index("ix_approval_requests_customer_status", "customer_id", "status"),
        # The invitation caps count a business's recent requests (services/invitations.py).
        Index("ix_approval_requests_business_created", "business_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: ApprovalKind = enum_column(ApprovalKind)
    status: ApprovalStatus = enum_column(ApprovalStatus, default=ApprovalStatus.PENDING)
    customer_id: int = Field(foreign_key="users.id")
    business_id: int = Field(foreign_key="businesses.id", index=True)
    program_id: int = Field(foreign_key="loyalty_programs.id")
    requested_by: int = Field(foreign_key="users.id")
    # Deduction: the points to take. Enrollment from a scan: the points to award on accept.
    points: int = 0
    idempotency_key: str = Field(max_length=128, unique=True)
    expires_at: datetime
    decided_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)


class CustomerNotification(SQLModel, table=True):
    __tablename__ = "customer_notifications"
    __table_args__ = (
        Index("ix_customer_notifications_customer_id_id", "customer_id", "id"),
        # The unread ones only: the unread count reads this (services/notifications.py).
        Index(
            "ix_customer_notifications_unread",
            "customer_id",
            postgresql_where=text("read_at IS NULL"),
            sqlite_where=text("read_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="users.id")
    business_id: int | None = Field(default=None, foreign_key="businesses.id")
    type: NotificationType = enum_column(NotificationType)
    title: str = Field(max_length=120)
    message: str = Field(max_length=500)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    requires_action: bool = False
    approval_request_id: int | None = Field(default=None, foreign_key="approval_requests.id")
    action_taken: str | None = Field(default=None, max_length=20)
    read_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)


class BusinessNotification(SQLModel, table=True):
    """What a business is told: a customer's answer to a request, a redemption."""

    __tablename__ = "business_notifications"
    __table_args__ = (
        Index("ix_business_notifications_business_id_id", "business_id", "id"),
        Index(
            "ix_business_notifications_unread",
            "business_id",
            postgresql_where=text("read_at IS NULL"),
            sqlite_where=text("read_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="businesses.id")
    customer_id: int | None = Field(default=None, foreign_key="users.id")
    type: NotificationType = enum_column(NotificationType)
    message: str = Field(max_length=500)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    read_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)


class CustomerInteraction(SQLModel, table=True):
    """A visit or action between a customer and a business (the "last visit")."""

    __tablename__ = "customer_interactions"
    __table_args__ = (Index("ix_customer_interactions_pair", "business_id", "customer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="businesses.id")
    customer_id: int = Field(foreign_key="users.id")
    kind: str = Field(max_length=30)
    created_at: datetime = Field(default_factory=utc_now)


class QrScanLog(SQLModel, table=True):
    __tablename__ = "qr_scan_logs"

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="businesses.id", index=True)
    scanned_by: int = Field(foreign_key="users.id")
    customer_id: int | None = Field(default=None, foreign_key="users.id")
    program_id: int | None = Field(default=None, foreign_key="loyalty_programs.id")
    outcome: str = Field(max_length=40)
    detail: str = Field(default="", max_length=255)
    # The same scan delivered twice (a double click, a retried request) is done once.
    idempotency_key: str | None = Field(default=None, max_length=128, unique=True)
    created_at: datetime = Field(default_factory=utc_now)


class SyncNotification(SQLModel, table=True):
    """The change-event outbox: one row per topic per change, written with the change."""

    __tablename__ = "sync_notifications"

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=40)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utc_now)


# Read-only views, created by a migration. They live in their own MetaData so that
# `create_all` and autogenerate never mistake them for tables.
view_metadata = MetaData()

customer_business_view = Table(
    "customer_business_view",
    view_metadata,
    Column("business_id", Integer),
    Column("program_id", Integer),
    Column("program_name", String),
    Column("customer_id", Integer),
    Column("customer_name", String),
    Column("customer_email", String),
    Column("customer_card_number", String),
    Column("card_id", Integer),
    Column("card_number", String),
    Column("balance", Integer),
    Column("lifetime_points", Integer),
    Column("tier", String),
    Column("enrolled_at", UTCDateTime()),
    Column("last_visit_at", UTCDateTime()),
)

customer_loyalty_cards = Table(
    "customer_loyalty_cards",
    view_metadata,
    Column("card_id", Integer),
    Column("customer_id", Integer),
    Column("card_number", String),
    Column("program_id", Integer),
    Column("program_name", String),
    Column("program_kind", String),
    Column("points_per_scan", Integer),
    Column("program_active", Boolean),
    Column("business_id", Integer),
    Column("business_name", String),
    Column("balance", Integer),
    Column("lifetime_points", Integer),
    Column("tier", String),
    Column("created_at", UTCDateTime()),
    Column("last_activity_at", UTCDateTime()),
)
