"""/settings: any logged-in user's own account (for now, their data: issue 13)."""

import reflex as rx

from gudcity import routes
from gudcity.components.layout import page_frame
from gudcity.components.my_data import my_data_section

ROUTE = routes.SETTINGS
TITLE = "Settings · GudCity"


def settings() -> rx.Component:
    return page_frame(my_data_section(), title="Settings")
