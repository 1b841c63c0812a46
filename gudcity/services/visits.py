"""The visit log: every scan, award, enrollment and deduction between a customer and a business.

The customer list's "last visit" reads it (the `customer_business_view`).
"""

from sqlalchemy import insert
from sqlmodel import Session

from gudcity.models import CustomerInteraction, utc_now

# A Core INSERT: one is written on most actions, and needs none of the ORM's bookkeeping.
_INSERT = insert(CustomerInteraction.__table__)


def record_visit(session: Session, business_id: int, customer_id: int, kind: str) -> None:
    """Log a visit in the caller's transaction."""
    session.execute(
        _INSERT,
        {
            "business_id": business_id,
            "customer_id": customer_id,
            "kind": kind,
            "created_at": utc_now(),
        },
    )
