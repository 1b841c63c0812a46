"""Toasts whose text may come from users: a business's name, a program's, a customer's.

`rx.toast.info(text)` makes a Reflex Var of `text`, and Reflex reads the markup it
uses to embed vars in strings (`<reflex.Var>...</reflex.Var>`) out of any string
it is given: a name containing that markup is taken for code (it can loop forever
or raise, and the event never reaches the page). These helpers hand the toast the
text as a JavaScript string literal that holds no `<` at all (JSON with `<`
escaped as `\\u003c`), so Reflex has nothing to parse and the browser shows the
text exactly as it was typed.
"""

import json

import reflex as rx
from reflex.event import EventSpec
from reflex.vars.base import Var


def literal_text(text: str) -> Var[str]:
    """`text` as a string Var that Reflex does not parse for its markup."""
    return Var(_js_expr=json.dumps(str(text)).replace("<", "\\u003c"), _var_type=str)


def info(text: str) -> EventSpec:
    return rx.toast.info(literal_text(text))


def error(text: str) -> EventSpec:
    return rx.toast.error(literal_text(text))


def warning(text: str) -> EventSpec:
    return rx.toast.warning(literal_text(text))


def success(text: str) -> EventSpec:
    return rx.toast.success(literal_text(text))
