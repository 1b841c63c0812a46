"""Telling customers and businesses: the notification writers every use case calls.

Leaf helpers: each writes one row in the caller's transaction, which commits it. The
words are Messages, kept as such (shown later in the reader's language) and in
English (what rows written before kept, and what older readers show).
"""

from typing import Any

from sqlalchemy import insert
from sqlmodel import Session

from gudcity.domain.mentions import CUSTOMER, NAME_SPAN, mention_in
from gudcity.domain.stored_messages import as_written, stored
from gudcity.i18n.catalogue import Message, translator
from gudcity.i18n.languages import DEFAULT_LANGUAGE
from gudcity.models import BusinessNotification, CustomerNotification, NotificationType, utc_now

# Written as single Core INSERTs: every award, scan and answer adds one, and the ORM's
# unit of work (object state, flush ordering) costs more than the statement itself.
_CUSTOMER_INSERT = insert(CustomerNotification.__table__).returning(CustomerNotification.id)
_BUSINESS_INSERT = insert(BusinessNotification.__table__).returning(BusinessNotification.id)


def _message(words: Message | str) -> Message:
    """The words as a Message: text (a test's, a script's) is shown as it is written."""
    return words if isinstance(words, Message) else as_written(words)


def _english(message: Message) -> str:
    return translator(DEFAULT_LANGUAGE).message(message)


def notify_customer(
    session: Session,
    customer_id: int,
    type_: NotificationType,
    title: Message | str,
    message: Message | str,
    *,
    business_id: int | None = None,
    data: dict[str, Any] | None = None,
    approval_request_id: int | None = None,
) -> int:
    """Write a notification in the caller's transaction (which commits it); its id."""
    title, message = _message(title), _message(message)
    values = {
        "customer_id": customer_id,
        "business_id": business_id,
        "type": type_,
        "title": _english(title),
        "message": _english(message),
        "title_i18n": stored(title),
        "message_i18n": stored(message),
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
    message: Message | str,
    *,
    customer_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> int:
    """Write a notification for the business in the caller's transaction; its id.

    A message naming the customer does so in its CUSTOMER argument: where the name
    sits in the English is kept in `data`, so deleting the account can rewrite that
    place only (and the argument).
    """
    message, data = _message(message), dict(data or {})
    english = _english(message)
    if CUSTOMER in message.args:
        mention = mention_in(message)
        english, data[NAME_SPAN] = mention.text, mention.span
    values = {
        "business_id": business_id,
        "customer_id": customer_id,
        "type": type_,
        "message": english,
        "message_i18n": stored(message),
        "data": data,
        "read_at": None,
        "created_at": utc_now(),
    }
    return session.execute(_BUSINESS_INSERT, values).scalar_one()
