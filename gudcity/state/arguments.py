"""Event arguments as a client can send them: anything at all.

Every public handler of a state is an event any client can call with any
arguments (a crafted websocket message, not only the page's own buttons). These
helpers turn what arrived into the type the handler needs, or into a value the
services refuse with a clear message, so that nothing ends as a stack trace.
"""

from typing import Any

from gudcity.i18n.catalogue import N_
from gudcity.services.inputs import is_row_id

NOT_UNDERSTOOD = N_("That request was not understood. Reload the page and try again.")


def form_text(form_data: Any, name: str) -> str:
    """A text field of a submitted form; "" when the form or the field is not text."""
    value = form_data.get(name, "") if isinstance(form_data, dict) else ""
    return value if isinstance(value, str) else ""


def row_id(value: Any) -> int:
    """A row id sent by the page, or 0 (which no row has) for anything else."""
    return value if is_row_id(value) else 0


def flag(value: Any) -> bool | None:
    """A yes/no sent by the page, or None for anything else."""
    return value if isinstance(value, bool) else None


def text(value: Any) -> str | None:
    """Text sent by the page, or None for anything else."""
    return value if isinstance(value, str) else None


def whole_number(typed: str) -> int | str:
    """A typed number, or the text itself, so that the service explains what is wrong."""
    try:
        return int(typed.strip())
    except (AttributeError, ValueError):
        return typed if isinstance(typed, str) else ""
