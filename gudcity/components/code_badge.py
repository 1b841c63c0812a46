"""A reward code's state as a coloured badge: Waiting, Delivered, Cancelled or Expired."""

import reflex as rx

from gudcity.components.i18n import t_held

STATE_COLOURS = (("Waiting", "amber"), ("Delivered", "green"), ("Expired", "gray"))


def state_badge(state) -> rx.Component:
    """`state` is the English state (a msgid): the badge says it in the tab's language."""
    return rx.badge(t_held(state), color_scheme=rx.match(state, *STATE_COLOURS, "red"), size="2")
