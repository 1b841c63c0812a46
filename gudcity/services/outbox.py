"""The change-event outbox.

Every mutation writes one `sync_notifications` row per affected topic inside the
same transaction (added just before commit), so an event exists exactly when its
change committed. An event
is an invalidation hint ("re-read your view"), never the data itself. On
PostgreSQL a trigger (see the initial migration) turns each insert into a
`pg_notify` on `CHANNEL` carrying the event id and topic.
"""

from collections.abc import Iterable
from typing import Any

from sqlalchemy import event, insert
from sqlmodel import Session, select

from gudcity.models import SyncNotification, utc_now

CHANNEL = "gudcity_events"


def customer_topic(customer_id: int) -> str:
    return f"customer:{customer_id}"


def business_topic(business_id: int) -> str:
    return f"business:{business_id}"


def program_topic(program_id: int) -> str:
    """Read by every customer holding a card of the program (its name, rewards)."""
    return f"program:{program_id}"


ANSWER_PREFIX = "answer:"


def answer_topic(business_id: int) -> str:
    """A customer answered one of the business's requests: the counter is waiting.

    Urgent: the feed refreshes its tabs without the business pages' settle.
    """
    return f"{ANSWER_PREFIX}{business_id}"


def is_urgent(topic: str) -> bool:
    return topic.startswith(ANSWER_PREFIX)


_PENDING = "gudcity_pending_events"


def publish(
    session: Session, topics: Iterable[str], kind: str, payload: dict[str, Any] | None = None
) -> None:
    """Announce a change to `topics` when the session's transaction commits.

    One transaction writes at most one outbox row per topic, however many steps
    it took (a scan that invites, or that awards, is one change to the customer):
    the last step's kind wins and the payloads merge.
    """
    pending: dict[str, tuple[str, dict[str, Any]]] = session.info.setdefault(_PENDING, {})
    for topic in topics:
        _, merged = pending.get(topic, (kind, {}))
        pending[topic] = (kind, {**merged, **(payload or {})})


_OUTBOX_INSERT = insert(SyncNotification.__table__)


@event.listens_for(Session, "before_commit")
def _write_pending_events(session: Session) -> None:
    """One Core INSERT of the transaction's outbox rows, just before it commits."""
    pending = session.info.pop(_PENDING, {})
    if pending:
        now = utc_now()
        rows = [
            {"topic": topic, "kind": kind, "payload": payload, "created_at": now}
            for topic, (kind, payload) in pending.items()
        ]
        session.execute(_OUTBOX_INSERT, rows)


@event.listens_for(Session, "after_rollback")
def _drop_pending_events(session: Session) -> None:
    session.info.pop(_PENDING, None)


def events_after(session: Session, last_id: int, limit: int = 500) -> list[SyncNotification]:
    """Outbox rows with an id above `last_id`, oldest first.

    Safe on SQLite only, where one writer at a time means ids commit in order;
    PostgreSQL listeners use LISTEN/NOTIFY instead, since ids there commit out of order.
    """
    statement = (
        select(SyncNotification)
        .where(SyncNotification.id > last_id)
        .order_by(SyncNotification.id)
        .limit(limit)
    )
    return list(session.exec(statement))


def latest_event_id(session: Session) -> int:
    last = session.exec(
        select(SyncNotification.id).order_by(SyncNotification.id.desc()).limit(1)
    ).first()
    return last or 0
