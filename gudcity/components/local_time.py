"""Times shown in the browser's own time zone and language.

The server knows only UTC: a state holds a time as ISO 8601 text ("...Z"), and the
page formats it where the user's clock and locale are known. "" shows nothing.
"""

from reflex.vars import FunctionVar, Var

_FORMAT = "((iso, style) => iso ? new Date(iso).toLocaleString([], style) : '')"
_CALL = Var(_FORMAT).to(FunctionVar)


def local_time(iso: Var) -> Var:
    """A clock time, like 14:35 (or 2:35 PM)."""
    return _CALL.call(iso, {"timeStyle": "short"}).to(str)


def local_date_time(iso: Var) -> Var:
    """A date and time, like 3 Dec 2026, 14:35."""
    return _CALL.call(iso, {"dateStyle": "medium", "timeStyle": "short"}).to(str)
