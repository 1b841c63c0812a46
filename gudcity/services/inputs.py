"""Raw values from outside (forms, URLs, event arguments), checked before any query.

The database answers some values with an error of its own instead of "no such
row": an id beyond the range of the INTEGER id columns (PostgreSQL: "integer out
of range"; SQLite: an OverflowError from 2**63 up), or text holding a NUL
character, which PostgreSQL cannot store or even compare. Services check with
these helpers, so such input ends as a NotFoundError or a ValidationError.
"""

from typing import Any, TypeVar

from sqlmodel import Session

from gudcity.services.errors import ValidationError

# Ids are INTEGER columns: 32-bit on PostgreSQL, so no row has an id above this.
MAX_ROW_ID = 2**31 - 1

M = TypeVar("M")


def is_row_id(value: Any) -> bool:
    """Whether `value` could be the id of a row (a bool is not an id)."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ROW_ID


def get_row(session: Session, model: type[M], row_id: Any) -> M | None:
    """The row with this id, or None, also for a value no row can have as its id."""
    return session.get(model, row_id) if is_row_id(row_id) else None


def check_text(text: str, what: str) -> str:
    """Refuse text the database cannot hold (a NUL character)."""
    if "\x00" in text:
        raise ValidationError(f"{what} must not contain NUL characters.")
    return text
