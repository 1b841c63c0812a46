"""Promotions (a multiplier or a bonus at chosen hours) and promo codes, with their uses."""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from gudcity.models.base import enum_column, utc_now
from gudcity.models.enums import PromotionKind


class Promotion(SQLModel, table=True):
    """A program's promotion: which days and local hours, from when to when, what it adds.

    Its bonuses are ledger rows (PROMOTION_BONUS) keyed by the promotion and the award
    (or, once per customer per day, by the promotion, the card and the local day).
    """

    __tablename__ = "promotions"
    __table_args__ = (
        CheckConstraint("value > 0", name="value_positive"),
        CheckConstraint("weekdays BETWEEN 1 AND 127", name="weekdays_chosen"),
        CheckConstraint(
            "start_minute >= 0 AND start_minute < end_minute AND end_minute <= 1440",
            name="window_in_a_day",
        ),
        # An award reads the running promotions of its program.
        Index("ix_promotions_program_archived", "program_id", "archived_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="businesses.id", index=True)
    program_id: int = Field(foreign_key="loyalty_programs.id")
    name: str = Field(max_length=120)
    kind: PromotionKind = enum_column(PromotionKind)
    # MULTIPLIER: a percent of the award's points (200 is 2x); BONUS: points added.
    value: int
    # Bit 0 is Monday, bit 6 Sunday.
    weekdays: int
    # Local minutes since midnight, in the business's time zone: start included, end not.
    start_minute: int
    end_minute: int
    starts_on: date
    ends_on: date | None = None
    # Once per customer per local day, however many awards they get that day.
    once_per_day: bool = False
    # Ended by the owner: it runs no more and leaves the list.
    archived_at: datetime | None = None
    created_at: datetime = Field(default_factory=utc_now)


class PromoCode(SQLModel, table=True):
    """A code a customer enters on /cards (or shows at the counter) for a fixed bonus or a
    reward of its program (then `points` is 0).

    `uses` counts its uses: it moves only through a conditional UPDATE (uses < limit),
    so however many customers race for the last use, one gets it.
    """

    __tablename__ = "promo_codes"
    __table_args__ = (
        UniqueConstraint("business_id", "code"),
        # A bonus or a reward, never both nor neither.
        CheckConstraint(
            "(points > 0 AND reward_id IS NULL) OR (points = 0 AND reward_id IS NOT NULL)",
            name="points_or_reward",
        ),
        CheckConstraint("uses >= 0", name="uses_non_negative"),
        CheckConstraint("usage_limit IS NULL OR uses <= usage_limit", name="uses_within_limit"),
        Index("ix_promo_codes_code", "code"),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="businesses.id", index=True)
    program_id: int = Field(foreign_key="loyalty_programs.id", index=True)
    code: str = Field(max_length=16)
    points: int
    reward_id: int | None = Field(default=None, foreign_key="rewards.id")
    # How many customers may use it in all; None: no limit.
    usage_limit: int | None = None
    uses: int = 0
    # From this moment it is refused; None: it never expires.
    expires_at: datetime | None = None
    # Withdrawn by the business: refused from then on.
    archived_at: datetime | None = None
    created_by: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utc_now)


class PromoCodeUse(SQLModel, table=True):
    """One customer's use of a code: unique, so a customer uses a code once."""

    __tablename__ = "promo_code_uses"
    __table_args__ = (UniqueConstraint("code_id", "customer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    code_id: int = Field(foreign_key="promo_codes.id")
    customer_id: int = Field(foreign_key="users.id", index=True)
    card_id: int = Field(foreign_key="loyalty_cards.id")
    transaction_id: int | None = Field(default=None, foreign_key="point_transactions.id")
    used_by: int = Field(foreign_key="users.id")
    created_at: datetime = Field(default_factory=utc_now)
