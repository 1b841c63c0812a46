"""The public landing page at `/`."""

import reflex as rx

from gudcity import routes

ROUTE = routes.HOME
TITLE = "GudCity: loyalty cards for local businesses"


def home() -> rx.Component:
    return rx.container(
        rx.vstack(
            rx.heading("GudCity", size="9"),
            rx.text(
                "A loyalty platform for local businesses and their customers. "
                "Customers carry one QR card for every shop they visit; "
                "businesses scan it to enroll them, award points and stamps, "
                "and hand out rewards. Every change shows up on both sides at once.",
                size="5",
            ),
            rx.hstack(
                # A link styled as a button (no <button> nested in an <a>).
                rx.button(
                    rx.link("Log in", href=routes.LOGIN, underline="none"), as_child=True, size="3"
                ),
                rx.button(
                    rx.link("Create account", href=routes.REGISTER, underline="none"),
                    as_child=True,
                    size="3",
                    variant="outline",
                ),
                spacing="4",
            ),
            spacing="6",
            padding_y="15vh",
        ),
        size="2",
    )
