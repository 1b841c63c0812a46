"""What happened: notifications, visits, scans, and the change-event outbox."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Index,
    text,
)
from sqlmodel import Field, SQLModel

from gudcity.models.base import enum_column, utc_now
from gudcity.models.enums import NotificationType, StaffActionKind


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
    # The English words (what rows written before the messages below have).
    title: str = Field(max_length=120)
    message: str = Field(max_length=500)
    # The words as messages, shown in the reader's language (gudcity/domain/stored_messages.py).
    title_i18n: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    message_i18n: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
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
    # The English words, and the message shown in the reader's language (as the customer's).
    message: str = Field(max_length=500)
    message_i18n: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
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


class StaffAction(SQLModel, table=True):
    """The activity log: one row per action at the counter, written in its transaction.

    One table the owner's activity page pages through (by business, by staff member,
    by day) on (created_at, id), whatever the action touched: the ledger, the scan
    log or a reward code.
    """

    __tablename__ = "staff_actions"
    __table_args__ = (
        Index("ix_staff_actions_business_created_id", "business_id", "created_at", "id"),
        Index(
            "ix_staff_actions_business_actor_created_id",
            "business_id",
            "actor_id",
            "created_at",
            "id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="businesses.id")
    actor_id: int = Field(foreign_key="users.id")
    kind: StaffActionKind = enum_column(StaffActionKind)
    customer_id: int | None = Field(default=None, foreign_key="users.id")
    program_id: int | None = Field(default=None, foreign_key="loyalty_programs.id")
    amount: int | None = None
    transaction_id: int | None = Field(default=None, foreign_key="point_transactions.id")
    reward_code_id: int | None = Field(default=None, foreign_key="reward_codes.id")
    detail: str = Field(default="", max_length=255)
    created_at: datetime = Field(default_factory=utc_now)


class SyncNotification(SQLModel, table=True):
    """The change-event outbox: one row per topic per change, written with the change."""

    __tablename__ = "sync_notifications"

    id: int | None = Field(default=None, primary_key=True)
    topic: str = Field(max_length=64, index=True)
    kind: str = Field(max_length=40)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utc_now)
