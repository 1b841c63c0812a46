"""Telling customers and businesses: the notification writers every use case calls.

Leaf helpers: each writes one row in the caller's transaction, which commits it.
"""

from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from gudcity.domain.mentions import NAME_SPAN, Mention
from gudcity.models import BusinessNotification, CustomerNotification, NotificationType, utc_now

# Written as single Core INSERTs: every award, scan and answer adds one, and the ORM's
# unit of work (object state, flush ordering) costs more than the statement itself.
_CUSTOMER_INSERT = insert(CustomerNotification.__table__).returning(CustomerNotification.id)
_BUSINESS_INSERT = insert(BusinessNotification.__table__).returning(BusinessNotification.id)


def notify_customer(
    session: Session,
    customer_id: int,
    type_: NotificationType,
    title: str,
    message: str,
    *,
    business_id: int | None = None,
    data: dict[str, Any] | None = None,
    approval_request_id: int | None = None,
) -> int:
    """Write a notification in the caller's transaction (which commits it); its id."""
    values = {
        "customer_id": customer_id,
        "business_id": business_id,
        "type": type_,
        "title": title,
        "message": message,
        "data": data or {},
        "requires_action": approval_request_id is not None,
        "approval_request_id": approval_request_id,
        "action_taken": None,
        "read_at": None,
        "created_at": utc_now(),
    }
    return session.execute(_CUSTOMER_INSERT, values).scalar_one()


def notify_business(
    session: Session,
    business_id: int,
    type_: NotificationType,
    message: Mention | str,
    *,
    customer_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Write a notification for the business in the caller's transaction; its id.

    A message naming the customer comes as a Mention: where the name sits is kept
    in `data`, so deleting the account can rewrite that place only.
    """
    data = dict(data or {})
    if isinstance(message, Mention):
        message, data[NAME_SPAN] = message.text, message.span
    values = {
        "business_id": business_id,
        "customer_id": customer_id,
        "type": type_,
        "message": message,
        "data": data,
        "read_at": None,
        "created_at": utc_now(),
    }
    return session.execute(_BUSINESS_INSERT, values).scalar_one()
