"""Times shown in the browser's own time zone, in the tab's language.

The server knows only UTC: a state holds a time as ISO 8601 text ("...Z"), and the
page formats it where the user's clock and locale are known. "" shows nothing.
"""

from reflex.vars import FunctionVar, Var

from gudcity.state.locale import LocaleState

_FORMAT = "((iso, language, style) => iso ? new Date(iso).toLocaleString(language, style) : '')"
_CALL = Var(_FORMAT).to(FunctionVar)


def local_time(iso: Var) -> Var:
    """A clock time, like 14:35 (or 2:35 PM)."""
    return _CALL.call(iso, LocaleState.html_language, {"timeStyle": "short"}).to(str)


def local_date_time(iso: Var) -> Var:
    """A date and time, like 3 Dec 2026, 14:35."""
    return _CALL.call(
        iso, LocaleState.html_language, {"dateStyle": "medium", "timeStyle": "short"}
    ).to(str)
