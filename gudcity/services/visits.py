"""The visit log: every scan, award, enrollment and deduction between a customer and a business.

The customer list's "last visit" reads it (the `customer_business_view`).
"""

from sqlalchemy import insert
from sqlmodel import Session

from gudcity.models import CustomerInteraction, utc_now
from gudcity.services.analytics_log import record_customer_day

# A Core INSERT: one is written on most actions, and needs none of the ORM's bookkeeping.
_INSERT = insert(CustomerInteraction.__table__)


def record_visit(
    session: Session, business_id: int, customer_id: int, kind: str, time_zone: str
) -> None:
    """Log a visit in the caller's transaction (and the customer's day, for the dashboard)."""
    now = utc_now()
    session.execute(
        _INSERT,
        {"business_id": business_id, "customer_id": customer_id, "kind": kind, "created_at": now},
    )
    record_customer_day(session, business_id, customer_id, time_zone, now)
