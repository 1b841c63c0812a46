"""A notification's words as a row keeps them: a Message as JSON, in any language later.

A Message's arguments may be Messages themselves (an amount, "Deleted customer"):
those are kept as `{"message": {...}}`, so that reading gives the Message back; a date
(shown in the reader's language) as `{"day": "2027-01-12"}`.
Rows written before the words were kept as messages hold only their English text,
which is shown as it was written.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from gudcity.i18n.catalogue import Message

_NESTED = "message"
_DAY = "day"


def stored(message: Message) -> dict[str, Any]:
    """`message.to_json()`, its Message arguments stored the same way."""
    data = message.to_json()
    data["args"] = {name: _stored_argument(value) for name, value in message.args.items()}
    return data


def _stored_argument(value: Any) -> Any:
    if isinstance(value, Message):
        return {_NESTED: stored(value)}
    if isinstance(value, date):
        return {_DAY: value.isoformat()}
    return value


def loaded(data: Mapping[str, Any] | None, written: str) -> Message:
    """The Message a row keeps, or the English it was `written` in when it keeps none."""
    if not isinstance(data, Mapping) or not isinstance(data.get("id"), str):
        return as_written(written)
    message = Message.from_json(data)
    args = {name: _argument(value) for name, value in dict(message.args).items()}
    return Message(message.id, args, message.plural, message.count)


def as_written(text: str) -> Message:
    """Text shown in every language as it is: a msgid with no arguments comes back
    unchanged (braces too), unless it is a message the catalogues know.

    An empty msgid would be the catalogue's header: it gets a placeholder instead.
    """
    return Message(text) if text else Message("{text}", {"text": ""})


def _argument(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {_NESTED}:
        return loaded(value[_NESTED], "")
    if isinstance(value, Mapping) and set(value) == {_DAY}:
        try:
            return date.fromisoformat(value[_DAY])
        except (TypeError, ValueError):
            return value[_DAY]
    return value
