"""What the dashboard needs of each customer's visit days, kept so no read scans them.

`visit_days` holds one row per customer-day. Active customers and the repeat-visit
rate of a period count customers with one or two visit days in it, which over a
year is every row; these two tables answer both from a few rows.

`visit_steps` counts, per pair of business days, the steps of customers' visit
sequences: a customer's visit on `end_day` whose previous visit day was
`start_day` is a step (`steps`); whose visit day two before was `start_day`, a
stride (`strides`). A customer with c visit days in a period has max(c - 1, 0)
steps and max(c - 2, 0) strides inside it (their days in a period follow each
other), so

    active customers = visits - steps inside
    customers with >= 2 visit days = steps inside - strides inside

where "inside" is start_day >= the period's start and end_day <= its end.

`customer_visits` is each customer's summary at the business: how many visit days,
the first and the last (the top customers and the win-back list).
"""

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from gudcity.models.analytics import count_field


class VisitStep(SQLModel, table=True):
    __tablename__ = "visit_steps"

    business_id: int = Field(foreign_key="businesses.id", primary_key=True)
    end_day: date = Field(primary_key=True)
    start_day: date = Field(primary_key=True)
    steps: int = count_field()
    strides: int = count_field()


class CustomerVisits(SQLModel, table=True):
    __tablename__ = "customer_visits"
    __table_args__ = (
        Index("ix_customer_visits_business_visits", "business_id", "visits"),
        Index("ix_customer_visits_business_last_day", "business_id", "last_day"),
    )

    business_id: int = Field(foreign_key="businesses.id", primary_key=True)
    customer_id: int = Field(foreign_key="users.id", primary_key=True)
    visits: int = count_field()
    first_day: date
    last_day: date
