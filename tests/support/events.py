"""Reading the events a state handler returned: where it redirects, what it toasts."""

from reflex.event import EventSpec


def redirect_target(events: list[EventSpec]) -> str | None:
    """Where a redirect among `events` goes (the one event with a `path`), if any."""
    for event in events:
        args = {name._js_expr: value for name, value in event.args}
        if "path" in args:
            return args["path"]._var_value
    return None


def toasts(events) -> list[tuple[str, str]]:
    """(level, message) of every toast among `events`."""
    shown = []
    for event in events:
        for name, value in event.args:
            call = getattr(value, "_return_expr", None)
            if name._js_expr == "function" and "__toast" in str(value):
                shown.append((call._func._original._key._var_value, call._args[0]))
    return shown
