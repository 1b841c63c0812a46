"""Reading the events a state handler returned: where it redirects, what it toasts."""

import json
import re

from reflex.event import EventSpec


def redirect_target(events: list[EventSpec]) -> str | None:
    """Where a redirect among `events` goes (the one event with a `path`), if any."""
    for event in events:
        args = {name._js_expr: value for name, value in event.args}
        if "path" in args:
            return args["path"]._var_value
    return None


def page_load_target(events: list[EventSpec]) -> str | None:
    """Where a full page load among `events` (state/session.py `navigate`) goes, if any."""
    for event in events:
        for _name, value in event.args:
            found = re.search(r"window\.location\.assign\((\".*?\")\)", str(value))
            if found:
                return json.loads(found.group(1))
    return None


def ticket_in(events: list[EventSpec]) -> str | None:
    """The log-in ticket of a page load to /auth/session among `events`, if any."""
    found = re.search(r"/auth/session\?ticket=([\w-]+)$", page_load_target(events) or "")
    return found.group(1) if found else None


def toasts(events) -> list[tuple[str, str]]:
    """(level, message) of every toast among `events`.

    A toast of user text (gudcity/state/toasts.py) carries it as its title, a
    JavaScript string literal: the message shown is that literal's value.
    """
    shown = []
    for event in events:
        for name, value in event.args:
            call = getattr(value, "_return_expr", None)
            if name._js_expr == "function" and "__toast" in str(value):
                level, message = call._func._original._key._var_value, call._args[0]
                if not message and len(call._args) > 1:
                    message = json.loads(call._args[1]._var_value["title"]._js_expr)
                shown.append((level, message))
    return shown
