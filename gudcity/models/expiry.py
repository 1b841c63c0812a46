"""Points that expire: each program's expiry rule versions, and the warnings sent.

The expired points themselves are EXPIRE rows of the ledger (gudcity/domain/expiry.py
reads a card's ledger to know which points are held and when they expire), never a
second balance.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index
from sqlmodel import Field, SQLModel

from gudcity.models.base import enum_column, utc_now
from gudcity.models.enums import ExpiryMode


class ExpiryRule(SQLModel, table=True):
    """One version of a program's expiry rule, appended when its owner changes it; the
    newest is in force. Older versions stay: points held under them keep the longest
    deadline any version gave them."""

    __tablename__ = "expiry_rules"
    __table_args__ = (
        CheckConstraint("days >= 0 AND days <= 3650", name="days_in_range"),
        Index("ix_expiry_rules_program_starts", "program_id", "starts_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="loyalty_programs.id")
    mode: ExpiryMode = enum_column(ExpiryMode)
    # 0 with NONE.
    days: int = 0
    starts_at: datetime = Field(default_factory=utc_now)
    set_by: int | None = Field(default=None, foreign_key="users.id")


class ExpiryNotice(SQLModel, table=True):
    """A card's warning that points expire soon: it covered every deadline up to
    `covered_until`, so the next warning waits for a later one (and two workers
    warning at once write one row)."""

    __tablename__ = "expiry_notices"

    card_id: int = Field(foreign_key="loyalty_cards.id", primary_key=True)
    covered_until: datetime = Field(primary_key=True)
    created_at: datetime = Field(default_factory=utc_now)


class ExpiryCheck(SQLModel, table=True):
    """When the expiry sweep must next read a card (`look_at`; None: none of its points
    expire), as reckoned from its ledger at `ledger_version`. Only a move of the card
    can bring that closer (a rule change never shortens what is held), so the sweep
    skips the card until then, unless its ledger_version or the warning days changed.
    A table apart from the card's row, so writing it never waits for an award."""

    __tablename__ = "expiry_checks"

    card_id: int = Field(foreign_key="loyalty_cards.id", primary_key=True)
    look_at: datetime | None = None
    ledger_version: int
    warning_days: int
