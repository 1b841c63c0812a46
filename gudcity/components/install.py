"""What the head of every page carries to make GudCity installable (gudcity/web/pwa.py)."""

import reflex as rx

from gudcity.web.pwa import APPLE_TOUCH_ICON, MANIFEST_ROUTE, REGISTRATION_SCRIPT, THEME_COLOR


def pwa_head() -> list[rx.Component]:
    """The manifest, the bar colour, the iPhone's icon, and the worker's registration."""
    return [
        rx.el.link(rel="manifest", href=MANIFEST_ROUTE),
        rx.el.meta(name="theme-color", content=THEME_COLOR),
        rx.el.link(rel="apple-touch-icon", href=APPLE_TOUCH_ICON),
        rx.el.script(src=REGISTRATION_SCRIPT),
    ]
