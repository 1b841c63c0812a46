"""Referrals: a customer's link brought a friend into a program."""

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from gudcity.models.base import enum_column, utc_now
from gudcity.models.enums import ReferralStatus


class Referral(SQLModel, table=True):
    """A friend who joined a program through a referrer's link.

    One per friend and program (the unique constraint, which is also the index the
    earning rule looks a pending one up by). It is paid on the friend's first visit,
    to both, unless it was refused: `refused_reason` says why (services/referrals.py).
    """

    __tablename__ = "referrals"
    __table_args__ = (
        UniqueConstraint("friend_id", "program_id"),
        # A referrer's paid referrals are counted against the program's limit.
        Index("ix_referrals_referrer_card_status", "referrer_card_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="loyalty_programs.id")
    referrer_card_id: int = Field(foreign_key="loyalty_cards.id")
    referrer_id: int = Field(foreign_key="users.id")
    friend_id: int = Field(foreign_key="users.id")
    status: ReferralStatus = enum_column(ReferralStatus, default=ReferralStatus.PENDING)
    refused_reason: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(default_factory=utc_now)
    paid_at: datetime | None = None
