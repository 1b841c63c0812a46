"""The owner's dashboard's per-day aggregates, kept in the transaction that changes them.

A day is the business's day: the calendar date in `businesses.time_zone`. Every
row can be recomputed from the ledger, the visits and the reward codes
(services/analytics_rebuild.py); services/analytics_log.py keeps them current.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import Index, SmallInteger
from sqlmodel import Field, SQLModel

from gudcity.models.base import utc_now

# `staff_id` when no staff member acted: the customer's own redemption, a refund, a join.
NO_STAFF = 0


def count_field() -> Any:
    """A counter starting at 0, in the database too: an upsert names only what it adds."""
    return Field(default=0, sa_column_kwargs={"server_default": "0"})


class DailyStats(SQLModel, table=True):
    """Per business, program, staff member and day: points and actions.

    A key's counts may be split over several rows, one per `slot` (chosen by the
    card: services/analytics_log.py says why), so every reader sums over slots.
    """

    __tablename__ = "daily_stats"
    __table_args__ = (Index("ix_daily_stats_business_day", "business_id", "day"),)

    business_id: int = Field(foreign_key="businesses.id", primary_key=True)
    program_id: int = Field(foreign_key="loyalty_programs.id", primary_key=True)
    # Not a foreign key: NO_STAFF is no user.
    staff_id: int = Field(default=NO_STAFF, primary_key=True)
    day: date = Field(primary_key=True)
    slot: int = Field(
        default=0, primary_key=True, sa_type=SmallInteger, sa_column_kwargs={"server_default": "0"}
    )
    points_issued: int = count_field()
    points_redeemed: int = count_field()
    points_refunded: int = count_field()
    # EARN rows written by a staff member (or the owner) at the counter.
    awards: int = count_field()
    # Cards created: first joins.
    enrollments: int = count_field()
    leaves: int = count_field()
    rewards_redeemed: int = count_field()
    rewards_delivered: int = count_field()
    # Points whose time ran out (EXPIRE rows): neither issued nor redeemed.
    points_expired: int = count_field()


class DailyVisits(SQLModel, table=True):
    """Per business and day: customer-days, and customers who joined or left."""

    __tablename__ = "daily_visits"

    business_id: int = Field(foreign_key="businesses.id", primary_key=True)
    day: date = Field(primary_key=True)
    visits: int = count_field()
    # Customers whose first visit ever at this business was this day.
    new_customers: int = count_field()
    # The customer's first active enrollment at the business began.
    customers_joined: int = count_field()
    # The customer's last active enrollment at the business ended.
    customers_left: int = count_field()


class DailyRewards(SQLModel, table=True):
    """Per business, reward and day: codes created and delivered."""

    __tablename__ = "daily_rewards"
    __table_args__ = (Index("ix_daily_rewards_business_day", "business_id", "day"),)

    business_id: int = Field(foreign_key="businesses.id", primary_key=True)
    reward_id: int = Field(foreign_key="rewards.id", primary_key=True)
    day: date = Field(primary_key=True)
    redeemed: int = count_field()
    delivered: int = count_field()


class VisitDay(SQLModel, table=True):
    """One row per customer-day with any activity at the business: a visit."""

    __tablename__ = "visit_days"
    __table_args__ = (
        Index("ix_visit_days_business_customer_day", "business_id", "customer_id", "day"),
    )

    business_id: int = Field(foreign_key="businesses.id", primary_key=True)
    day: date = Field(primary_key=True)
    customer_id: int = Field(foreign_key="users.id", primary_key=True)


class EnrollmentChange(SQLModel, table=True):
    """The enrollment log: a customer's enrollment in a program began or ended.

    A program's enrollment row keeps only its latest status (a customer may leave
    and rejoin); this log keeps each change, so who was enrolled on a past day,
    and who left when, can be rebuilt. Written whatever ANALYTICS_MAINTAINED says.
    """

    __tablename__ = "enrollment_changes"
    __table_args__ = (
        Index("ix_enrollment_changes_business_customer_id", "business_id", "customer_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    business_id: int = Field(foreign_key="businesses.id")
    program_id: int = Field(foreign_key="loyalty_programs.id")
    customer_id: int = Field(foreign_key="users.id")
    # True: the enrollment became active; False: an active one ended (left, account deleted).
    active: bool
    created_at: datetime = Field(default_factory=utc_now)
