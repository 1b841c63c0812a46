"""Reading notifications and marking them read (services/notify.py writes them)."""

from dataclasses import dataclass

from sqlalchemy import func, update
from sqlmodel import Session, select

from gudcity.domain.errors import NotFoundError, ValidationError
from gudcity.domain.notification_groups import (
    SCAN_LINK,
    NoteFacts,
    group_notifications,
    scan_link,
)
from gudcity.domain.stored_messages import loaded
from gudcity.i18n.catalogue import Message
from gudcity.models import (
    BusinessNotification,
    CustomerNotification,
    NotificationType,
    User,
    utc_now,
)
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


# The most entries one list shows ("Show older" adds a page at a time up to this).
MAX_ENTRIES = 500


def title_of(note: CustomerNotification) -> Message:
    """A customer's notification's title, to show in the reader's language."""
    return loaded(note.title_i18n, note.title)


def message_of(note: CustomerNotification | BusinessNotification) -> Message:
    """A notification's message, to show in the reader's language."""
    return loaded(note.message_i18n, note.message)


@dataclass(frozen=True)
class NotificationEntry:
    """One line of the list: the main notification, and those shown with it (a scan's)."""

    main: CustomerNotification
    grouped: list[CustomerNotification]

    @property
    def unread(self) -> bool:
        return any(n.read_at is None for n in [self.main, *self.grouped])

    @property
    def title(self) -> Message:
        return title_of(self.main)

    @property
    def message(self) -> Message:
        return message_of(self.main)

    @property
    def details(self) -> list[Message]:
        """The messages of the notifications shown with the main one."""
        return [message_of(note) for note in self.grouped]


@dataclass(frozen=True)
class NotificationFeed:
    entries: list[NotificationEntry]
    # Older entries exist beyond these: the list offers "Show older".
    has_older: bool


def _facts(note: CustomerNotification) -> NoteFacts:
    return NoteFacts(note.id, note.type, scan_link(note.data))


def _entries(newest_first: list[CustomerNotification]) -> list[NotificationEntry]:
    by_id = {note.id: note for note in newest_first}
    return [
        NotificationEntry(
            by_id[group[0].notification_id], [by_id[f.notification_id] for f in group[1:]]
        )
        for group in group_notifications([_facts(note) for note in newest_first])
    ]


def _with_their_scans(
    session: Session, customer_id: int, newest_first: list[CustomerNotification]
) -> list[CustomerNotification]:
    """The rows, and after them the older scans their awards name that they lack.

    An award and its scan are written by one transaction, next to each other as a
    rule; a concurrent write between them must not split the entry at a page's end.
    """
    have = {note.id for note in newest_first}
    missing = {scan_link(note.data) for note in newest_first} - have - {None}
    if not missing:
        return newest_first
    scans = session.exec(_newest(customer_id, CustomerNotification.id.in_(missing))).all()
    return [*newest_first, *scans]


def _newest(customer_id: int, *where):
    return (
        select(CustomerNotification)
        .where(CustomerNotification.customer_id == customer_id, *where)
        .order_by(CustomerNotification.id.desc())
    )


def notification_entries(session: Session, actor: User, *, entries: int = 20) -> NotificationFeed:
    """The newest `entries` entries of the customer's list, a scan and its award as one.

    An entry holds at most two notifications: reading 2 x entries + 1 rows (and the
    scans their awards name) gives every entry shown whole, and tells whether older
    ones exist.
    """
    customer = require_customer(actor)
    if isinstance(entries, bool) or not isinstance(entries, int) or not 1 <= entries <= MAX_ENTRIES:
        raise ValidationError("Show between 1 and {count} notifications.", count=MAX_ENTRIES)
    rows = list(session.exec(_newest(customer.id).limit(2 * entries + 1)))
    found = _entries(_with_their_scans(session, customer.id, rows))
    return NotificationFeed(found[:entries], len(found) > entries)


def unread_count(session: Session, actor: User) -> int:
    """How many unread entries the list holds, counted up to UNREAD_COUNT_CAP ("99+").

    The unread notifications are grouped as the list groups them (a scan and its
    award: one), reading at most what the cap needs on the index of unread ones.
    """
    customer = require_customer(actor)
    unread = CustomerNotification.read_at.is_(None)
    rows = list(session.exec(_newest(customer.id, unread).limit(2 * UNREAD_COUNT_CAP)))
    return min(len(_entries(_with_their_scans(session, customer.id, rows))), UNREAD_COUNT_CAP)


def _entry_of(session: Session, notification: CustomerNotification) -> list[CustomerNotification]:
    """The notification and those its entry shows with it: its scan, or its scan's award."""
    customer_id, nid = notification.customer_id, notification.id
    awards = []
    if notification.type == NotificationType.QR_SCANNED:
        awards = session.exec(
            _newest(
                customer_id,
                CustomerNotification.id > nid,
                CustomerNotification.type == NotificationType.POINTS_ADDED,
                CustomerNotification.data[SCAN_LINK].as_integer() == nid,
            )
        ).all()
    entries = _entries(_with_their_scans(session, customer_id, [*awards, notification]))
    return next(
        [entry.main, *entry.grouped]
        for entry in entries
        if notification in (entry.main, *entry.grouped)
    )


@atomic
def mark_read(session: Session, actor: User, notification_id: int) -> CustomerNotification:
    """Mark a notification read, with the ones its entry shows with it."""
    customer = require_customer(actor)
    notification = get_row(session, CustomerNotification, notification_id)
    if notification is None or notification.customer_id != customer.id:
        raise NotFoundError("Notification not found.")
    unread = [n for n in _entry_of(session, notification) if n.read_at is None]
    for note in unread:
        note.read_at = utc_now()
        session.add(note)
    if unread:
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
