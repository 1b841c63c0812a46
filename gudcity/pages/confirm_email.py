"""/confirm-email: the link mailed to a new address; its button makes the change.

A button, not the page load, uses the link up: a mail scanner that opens links
must not spend it.
"""

import reflex as rx

from gudcity import routes
from gudcity.components.i18n import t
from gudcity.components.layout import alert, narrow_card, notice
from gudcity.state.email_change import ConfirmEmailState

ROUTE = routes.CONFIRM_EMAIL
TITLE = "Confirm your email · GudCity"


def _done() -> rx.Component:
    return rx.vstack(
        notice(
            t("Your email is now {email}.", email=ConfirmEmailState.confirmed_email),
            icon="circle-check",
            color_scheme="green",
            role="status",
            id="email-confirmed",
        ),
        rx.link(t("Go to log in"), href=routes.LOGIN, size="2"),
        spacing="3",
        width="100%",
    )


def _ask() -> rx.Component:
    return rx.vstack(
        rx.text(t("Make this address the email of your GudCity account?"), size="2"),
        alert(ConfirmEmailState.error),
        rx.button(
            t("Confirm email"),
            on_click=ConfirmEmailState.confirm,
            loading=ConfirmEmailState.confirming,
            size="3",
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _expired() -> rx.Component:
    return rx.callout(
        t("This link has expired or was already used. Ask for a new one in your settings."),
        icon="triangle-alert",
        color_scheme="red",
        role="alert",
        width="100%",
    )


def confirm_email() -> rx.Component:
    return narrow_card(
        rx.heading(t("Confirm your new email"), size="6", as_="h1"),
        rx.cond(
            ConfirmEmailState.confirmed_email != "",
            _done(),
            rx.cond(
                ConfirmEmailState.checked,
                rx.cond(ConfirmEmailState.link_works, _ask(), _expired()),
                rx.vstack(
                    alert(ConfirmEmailState.error),
                    rx.skeleton(rx.box(height="60px"), loading=True, width="100%"),
                    width="100%",
                ),
            ),
        ),
    )
