"""Programs and rewards, enrollments and cards, the ledger and the requests customers answer."""

import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Index,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from gudcity.models.base import enum_column, utc_now
from gudcity.models.enums import (
    ApprovalKind,
    ApprovalStatus,
    EnrollmentStatus,
    ProgramKind,
    RewardCodeStatus,
    TierBasis,
    TierDowngrade,
    TransactionKind,
)

# A card scanned twice at one visit (or by two counters) earns once.
DEFAULT_SCAN_COOLDOWN_SECONDS = 300


class LoyaltyProgram(SQLModel, table=True):
    __tablename__ = "loyalty_programs"
    __table_args__ = (
        CheckConstraint("points_per_scan > 0", name="points_per_scan_positive"),
        CheckConstraint("scan_cooldown_seconds >= 0", name="cooldown_non_negative"),
        # An index, not a constraint: SQLite adds it without rebuilding the table.
        Index("uq_loyalty_programs_business_id_name", "business_id", "name", unique=True),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="businesses.id", index=True)
    name: str = Field(max_length=120)
    kind: ProgramKind = enum_column(ProgramKind, default=ProgramKind.POINTS)
    points_per_scan: int = 10
    # Minimum seconds between two automatic scan awards on one card; 0 is off.
    scan_cooldown_seconds: int = DEFAULT_SCAN_COOLDOWN_SECONDS
    # Paused: no scans or awards until it is resumed.
    is_active: bool = True
    # Archived: gone from the business's pages for good; its cards and ledger stay.
    archived_at: datetime | None = None
    # Its tiers (models/tiers.py), if it has any: what they count and how one is lost.
    tier_basis: TierBasis = enum_column(
        TierBasis, default=TierBasis.LIFETIME, server_default=TierBasis.LIFETIME.value
    )
    tier_window_days: int = Field(default=365, sa_column_kwargs={"server_default": "365"})
    tier_downgrade: TierDowngrade = enum_column(
        TierDowngrade, default=TierDowngrade.WINDOW, server_default=TierDowngrade.WINDOW.value
    )
    created_at: datetime = Field(default_factory=utc_now)
    # The growth engine's bonuses (services/program_bonuses.py), each 0 when not offered:
    # on joining; on the birthday, within so many days of it (0: on the day only);
    # to both sides of a referral once the friend's first visit is made, at most
    # `referral_limit` paid referrals per referrer (0: no limit).
    welcome_bonus: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    birthday_bonus: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    birthday_window_days: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    referrer_bonus: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    friend_bonus: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    referral_limit: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # A random token renewed by every change to the rules an award applies (its tiers, its
    # promotions): workers keep those rules read once per stamp (services/program_rules.py).
    # "" (programs made before it existed) is read every time until the first change.
    rules_stamp: str = Field(
        default_factory=lambda: uuid.uuid4().hex,
        max_length=32,
        sa_column_kwargs={"server_default": ""},
    )


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
        # The tier sweep reads only the cards with a window to re-qualify in.
        Index(
            "ix_loyalty_cards_tier_review_at",
            "tier_review_at",
            postgresql_where=text("tier_review_at IS NOT NULL"),
            sqlite_where=text("tier_review_at IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="users.id", index=True)
    program_id: int = Field(foreign_key="loyalty_programs.id", index=True)
    card_number: str = Field(max_length=24, unique=True, index=True)
    balance: int = 0
    lifetime_points: int = 0
    # The base points of its EARN rows (no bonus, no refund): what lifetime tiers count,
    # moved by the same UPDATE as the balance, like it a sum of the ledger.
    earned_points: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # The card's tier: a `program_tiers.position` of its program (0 with no tiers at all),
    # and when it must next be re-qualified (window basis, window downgrade; None: never).
    tier_level: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    tier_review_at: datetime | None = None
    last_scan_award_at: datetime | None = None
    last_activity_at: datetime = Field(default_factory=utc_now)
    created_at: datetime = Field(default_factory=utc_now)
    # Counts of the card's balance moves (services/ledger_rows.py): every move, and every
    # move that can change which points are due (domain/expiry.py: moves_due_points).
    # The expiry sweep, which reads the ledger without locking the card, writes only if
    # the one its rule depends on is unchanged since.
    ledger_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    spend_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class PointTransaction(SQLModel, table=True):
    """The append-only ledger: a card's balance is the sum of its rows."""

    __tablename__ = "point_transactions"
    __table_args__ = (
        Index("ix_point_transactions_card_created", "card_id", "created_at"),
        # A card's history pages newest first on (created_at, id).
        Index("ix_point_transactions_card_created_id", "card_id", "created_at", "id"),
    )

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


class RewardCode(SQLModel, table=True):
    """A redeemed reward's code, waiting at the counter until delivered, cancelled or expired.

    The REDEEM ledger row took the points; a cancel or an expiry gives them back
    with a REFUND row (`refund_transaction_id`), so balance = ledger still holds.
    """

    __tablename__ = "reward_codes"
    __table_args__ = (
        UniqueConstraint("business_id", "code"),
        Index("ix_reward_codes_customer_id_id", "customer_id", "id"),
        # The expiry sweep reads only the waiting codes.
        Index(
            "ix_reward_codes_waiting_expires_at",
            "expires_at",
            postgresql_where=text("status = 'WAITING'"),
            sqlite_where=text("status = 'WAITING'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="businesses.id")
    card_id: int = Field(foreign_key="loyalty_cards.id", index=True)
    customer_id: int = Field(foreign_key="users.id")
    reward_id: int = Field(foreign_key="rewards.id")
    code: str = Field(max_length=16)
    status: RewardCodeStatus = enum_column(RewardCodeStatus, default=RewardCodeStatus.WAITING)
    redeem_transaction_id: int = Field(foreign_key="point_transactions.id", unique=True)
    refund_transaction_id: int | None = Field(default=None, foreign_key="point_transactions.id")
    expires_at: datetime
    delivered_at: datetime | None = None
    delivered_by: int | None = Field(default=None, foreign_key="users.id")
    # When it was cancelled or expired.
    closed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)
