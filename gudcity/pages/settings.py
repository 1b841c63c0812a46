"""/settings: what any logged-in user changes about their own account."""

import reflex as rx

from gudcity import routes
from gudcity.components.email_change import email_change_section
from gudcity.components.layout import page_frame

ROUTE = routes.SETTINGS
TITLE = "Settings · GudCity"


def settings() -> rx.Component:
    return page_frame(email_change_section(), title="Settings")
