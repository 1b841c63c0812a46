"""What every business page shows beside its own view: the business's notifications."""

from dataclasses import dataclass

from sqlmodel import Session

from gudcity.i18n.catalogue import Translator
from gudcity.models import BusinessNotification, User
from gudcity.services import notifications
from gudcity.state.timefmt import ago

NOTICES_SHOWN = 10


@dataclass
class BusinessNotice:
    notification_id: int
    message: str
    when: str
    unread: bool


@dataclass
class BusinessFeed:
    notices: list[BusinessNotice]
    unread: int
    newest_id: int


def _notice(tr: Translator, note: BusinessNotification) -> BusinessNotice:
    message = tr.message(notifications.message_of(note))
    return BusinessNotice(note.id, message, ago(tr, note.created_at), note.read_at is None)


def read_business_feed(
    session: Session, user: User, business_id: int, tr: Translator
) -> BusinessFeed:
    """The latest notifications in `tr`'s language, and the unread count."""
    notes = notifications.list_business_notifications(
        session, user, business_id, limit=NOTICES_SHOWN
    )
    return BusinessFeed(
        notices=[_notice(tr, note) for note in notes],
        unread=notifications.business_unread_count(session, user, business_id),
        newest_id=notes[0].id if notes else 0,
    )
