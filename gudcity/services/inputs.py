"""Raw values from outside (forms, URLs, event arguments), checked before any query.

The database answers some values with an error of its own instead of "no such
row": an id beyond the range of the INTEGER id columns (PostgreSQL: "integer out
of range"; SQLite: an OverflowError from 2**63 up), or text holding a NUL
character, which PostgreSQL cannot store or even compare. Services check with
these helpers, so such input ends as a NotFoundError or a ValidationError.
"""

from typing import Any, TypeVar

from sqlmodel import Session

from gudcity.domain.errors import ValidationError
from gudcity.i18n.catalogue import N_, Message
from gudcity.settings import get_settings

# Ids are INTEGER columns: 32-bit on PostgreSQL, so no row has an id above this.
MAX_ROW_ID = 2**31 - 1
# Idempotency keys are VARCHAR(128) columns.
MAX_KEY_LENGTH = 128
# The most rows any list hands out at once.
MAX_PAGE_SIZE = 100

M = TypeVar("M")


def is_row_id(value: Any) -> bool:
    """Whether `value` could be the id of a row (a bool is not an id)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID


def get_row(session: Session, model: type[M], row_id: Any) -> M | None:
    """The row with this id, or None, also for a value no row can have as its id."""
    return session.get(model, row_id) if is_row_id(row_id) else None


def check_text(text: str, what: str) -> str:
    """Refuse text the database cannot hold (a NUL character), or what is not text."""
    if not isinstance(text, str):
        raise ValidationError("{what} must be text.", what=Message(what))
    if "\x00" in text:
        raise ValidationError("{what} must not contain NUL characters.", what=Message(what))
    return text


def check_key(idempotency_key: str) -> str:
    """The key a client sends with an action, so that a repeat does nothing again."""
    if not isinstance(idempotency_key, str) or not 1 <= len(idempotency_key) <= MAX_KEY_LENGTH:
        raise ValidationError(
            "A request key of 1 to {count} characters is required.", count=MAX_KEY_LENGTH
        )
    return check_text(idempotency_key, N_("A request key"))


def check_amount(value: int, what: str = N_("Points")) -> int:
    """A whole, positive number of points (or stamps), up to the per-transaction limit."""
    limit = get_settings().max_points_per_transaction
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError("{what} must be a whole number.", what=Message(what))
    if not 1 <= value <= limit:
        raise ValidationError(
            "{what} must be between 1 and {limit}.", what=Message(what), limit=limit
        )
    return value


def page_size(limit: int) -> int:
    """How many rows to read for a caller that asked for `limit`: 1 to MAX_PAGE_SIZE."""
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise ValidationError("A page size must be a whole number.")
    return max(1, min(limit, MAX_PAGE_SIZE))
