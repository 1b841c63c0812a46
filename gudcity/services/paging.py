"""Keyset cursors of the lists paged on (created_at, id), newest first.

A leaf helper: the ledger history and the activity log hand out the same cursor,
and check the one a client sends back in the same way.
"""

from datetime import datetime
from typing import Any

from gudcity.services.inputs import is_row_id

# (the created_at of the last row shown, its id): the next page starts below it.
Cursor = tuple[datetime, int]


def is_cursor(after: Any) -> bool:
    """A cursor as these lists hand it out: (an aware time, a row id)."""
    return (
        isinstance(after, tuple | list)
        and len(after) == 2
        and isinstance(after[0], datetime)
        and after[0].utcoffset() is not None
        and is_row_id(after[1])
    )
