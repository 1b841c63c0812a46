"""What every business page shows beside its own view: the business's notifications."""

from dataclasses import dataclass

from sqlmodel import Session

from gudcity.i18n.catalogue import Translator
from gudcity.models import BusinessNotification, User
from gudcity.services import notifications
from gudcity.state.timefmt import time_ago

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


def _notice(note: BusinessNotification, words: Translator) -> BusinessNotice:
    message = words.message(notifications.message_of(note))
    return BusinessNotice(note.id, message, time_ago(note.created_at), note.read_at is None)


def read_business_feed(
    session: Session, user: User, business_id: int, words: Translator
) -> BusinessFeed:
    """The business's newest notifications, in `words`' language."""
    notes = notifications.list_business_notifications(
        session, user, business_id, limit=NOTICES_SHOWN
    )
    return BusinessFeed(
        notices=[_notice(note, words) for note in notes],
        unread=notifications.business_unread_count(session, user, business_id),
        newest_id=notes[0].id if notes else 0,
    )
