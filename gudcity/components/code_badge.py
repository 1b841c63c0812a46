"""A reward code's state as a coloured badge: Waiting, Delivered, Cancelled or Expired."""

import reflex as rx

STATE_COLOURS = (("Waiting", "amber"), ("Delivered", "green"), ("Expired", "gray"))


def state_badge(state) -> rx.Component:
    return rx.badge(state, color_scheme=rx.match(state, *STATE_COLOURS, "red"), size="2")
