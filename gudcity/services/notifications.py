"""Notifications: what customers and businesses are told, and reading them."""

from typing import Any

from sqlalchemy import func, insert, update
from sqlmodel import Session, select

from gudcity.models import (
    BusinessNotification,
    CustomerNotification,
    NotificationType,
    User,
    utc_now,
)
from gudcity.services.accounts import Permission, require_business_permission, require_customer
from gudcity.services.errors import NotFoundError
from gudcity.services.events import customer_topic, publish
from gudcity.services.inputs import get_row
from gudcity.services.transaction import atomic

MAX_PAGE = 100
UNREAD_COUNT_CAP = 100


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
    message: str,
    *,
    customer_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Write a notification for the business in the caller's transaction; its id."""
    values = {
        "business_id": business_id,
        "customer_id": customer_id,
        "type": type_,
        "message": message,
        "data": data or {},
        "read_at": None,
        "created_at": utc_now(),
    }
    return session.execute(_BUSINESS_INSERT, values).scalar_one()


def list_customer_notifications(
    session: Session, actor: User, *, limit: int = 50
) -> list[CustomerNotification]:
    """The customer's notifications, newest first."""
    customer = require_customer(actor)
    statement = (
        select(CustomerNotification)
        .where(CustomerNotification.customer_id == customer.id)
        .order_by(CustomerNotification.id.desc())
        .limit(max(1, min(limit, MAX_PAGE)))
    )
    return list(session.exec(statement))


def unread_count(session: Session, actor: User) -> int:
    """How many notifications are unread, counted up to UNREAD_COUNT_CAP ("99+" from there).

    Counting stops at the cap, on an index of the unread ones only, so the count
    costs the same for a customer with years of unread notifications.
    """
    customer = require_customer(actor)
    unread = (
        select(CustomerNotification.id)
        .where(
            CustomerNotification.customer_id == customer.id,
            CustomerNotification.read_at.is_(None),
        )
        .limit(UNREAD_COUNT_CAP)
        .subquery()
    )
    return session.exec(select(func.count()).select_from(unread)).one()


@atomic
def mark_read(session: Session, actor: User, notification_id: int) -> CustomerNotification:
    customer = require_customer(actor)
    notification = get_row(session, CustomerNotification, notification_id)
    if notification is None or notification.customer_id != customer.id:
        raise NotFoundError("Notification not found.")
    if notification.read_at is None:
        notification.read_at = utc_now()
        session.add(notification)
        publish(
            session, [customer_topic(customer.id)], "notification.read", {"id": notification_id}
        )
        session.commit()
    return notification


@atomic
def mark_all_read(session: Session, actor: User) -> int:
    customer = require_customer(actor)
    result = session.exec(
        update(CustomerNotification)
        .where(
            CustomerNotification.customer_id == customer.id,
            CustomerNotification.read_at.is_(None),
        )
        .values(read_at=utc_now())
    )
    if result.rowcount:
        publish(session, [customer_topic(customer.id)], "notification.read_all")
    session.commit()
    return result.rowcount


def list_business_notifications(
    session: Session, actor: User, business_id: int, *, limit: int = 50
) -> list[BusinessNotification]:
    require_business_permission(session, actor, business_id, Permission.VIEW_CUSTOMERS)
    statement = (
        select(BusinessNotification)
        .where(BusinessNotification.business_id == business_id)
        .order_by(BusinessNotification.id.desc())
        .limit(max(1, min(limit, MAX_PAGE)))
    )
    return list(session.exec(statement))


@atomic
def act_on_notification(session: Session, actor: User, notification_id: int, accept: bool):
    """Answer the request behind an actionable notification (Accept / Decline).

    The answer goes through the enrollment or deduction rule, which makes sure a
    request is decided exactly once.
    """
    # Imported here: those services create notifications through this module.
    from gudcity.models import ApprovalKind, ApprovalRequest
    from gudcity.services import enrollment, points

    customer = require_customer(actor)
    notification = get_row(session, CustomerNotification, notification_id)
    if (
        notification is None
        or notification.customer_id != customer.id
        or notification.approval_request_id is None
    ):
        raise NotFoundError("There is no request to answer here.")
    request = session.get(ApprovalRequest, notification.approval_request_id)
    if request.kind == ApprovalKind.ENROLLMENT:
        return enrollment.respond_to_enrollment(session, customer, request.id, accept)
    return points.respond_to_deduction(session, customer, request.id, accept)
