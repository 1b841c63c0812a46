"""A program's tiers: the ladder its owner defines (names, thresholds, multipliers, benefits)."""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from gudcity.models.base import utc_now


class ProgramTier(SQLModel, table=True):
    """One rung of a program's ladder; `position` 0 is the lowest and starts at 0 points.

    A program without rows here has no tiers: its cards show none and earn 1x.
    """

    __tablename__ = "program_tiers"
    __table_args__ = (
        UniqueConstraint("program_id", "position"),
        CheckConstraint("threshold >= 0", name="threshold_non_negative"),
        CheckConstraint(
            "multiplier_percent >= 100 AND multiplier_percent <= 1000", name="multiplier_bounds"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    program_id: int = Field(foreign_key="loyalty_programs.id")
    position: int
    # Business content, shown as written.
    name: str = Field(max_length=40)
    # Base points (or stamps) earned in the program's basis from which the tier applies.
    threshold: int
    # What an earn gets on top, in percent of its base points: 100 is 1x (no bonus).
    multiplier_percent: int = 100
    # Short lines shown to the customer ("Free refill", "Birthday drink").
    benefits: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utc_now)
