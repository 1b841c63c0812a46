"""Reading notifications and marking them read (services/notify.py writes them)."""

from sqlalchemy import func, update
from sqlmodel import Session, select

from gudcity.domain.errors import NotFoundError
from gudcity.models import BusinessNotification, CustomerNotification, User, utc_now
from gudcity.services.atomic import atomic
from gudcity.services.inputs import get_row, page_size
from gudcity.services.outbox import business_topic, customer_topic, publish
from gudcity.services.permissions import (
    Permission,
    require_business_permission,
    require_customer,
)

UNREAD_COUNT_CAP = 100


def list_customer_notifications(
    session: Session, actor: User, *, limit: int = 50
) -> list[CustomerNotification]:
    """The customer's notifications, newest first."""
    customer = require_customer(actor)
    statement = (
        select(CustomerNotification)
        .where(CustomerNotification.customer_id == customer.id)
        .order_by(CustomerNotification.id.desc())
        .limit(page_size(limit))
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
        .limit(page_size(limit))
    )
    return list(session.exec(statement))


def business_unread_count(session: Session, actor: User, business_id: int) -> int:
    """The business's unread notifications, counted up to UNREAD_COUNT_CAP."""
    require_business_permission(session, actor, business_id, Permission.VIEW_CUSTOMERS)
    unread = (
        select(BusinessNotification.id)
        .where(
            BusinessNotification.business_id == business_id,
            BusinessNotification.read_at.is_(None),
        )
        .limit(UNREAD_COUNT_CAP)
        .subquery()
    )
    return session.exec(select(func.count()).select_from(unread)).one()


@atomic
def mark_business_notifications_read(session: Session, actor: User, business_id: int) -> int:
    """Everyone at the counter has seen them: one read mark for the business."""
    require_business_permission(session, actor, business_id, Permission.VIEW_CUSTOMERS)
    result = session.exec(
        update(BusinessNotification)
        .where(
            BusinessNotification.business_id == business_id,
            BusinessNotification.read_at.is_(None),
        )
        .values(read_at=utc_now())
    )
    if result.rowcount:
        publish(session, [business_topic(business_id)], "business_notification.read_all")
    session.commit()
    return result.rowcount
