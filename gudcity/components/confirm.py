"""Asking before acting: every such dialog's confirming button is "Confirm".

`confirm_button` is a button that opens its own dialog; `confirm_dialog` is a dialog
the page's state opens (for the row it was asked about) and closes when done.
"""

import reflex as rx

from gudcity.components.i18n import t
from gudcity.components.layout import labelled_input


def confirm_button(
    label: str,
    *,
    title: str,
    description,
    on_confirm,
    disabled=False,
    loading=False,
    **button_props,
) -> rx.Component:
    """`label` opens a dialog saying `description`; only "Confirm" there runs `on_confirm`."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(label, disabled=disabled, loading=loading, **button_props),
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description),
            _buttons(
                t("Back"), rx.alert_dialog.action(rx.button(t("Confirm"), on_click=on_confirm))
            ),
            max_width="420px",
        ),
    )


def confirm_dialog(
    *title,
    description: tuple,
    error: rx.Component,
    open,
    on_open_change,
    on_confirm,
    loading=False,
    disabled=False,
) -> rx.Component:
    """A dialog open while `open` holds; "Confirm" runs `on_confirm` and stays open (with
    `error` shown in it) until the state closes it, so a refusal is read where it happened."""
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(*title),
            rx.alert_dialog.description(*description, size="2"),
            error,
            _buttons(
                t("Cancel"),
                rx.button(
                    t("Confirm"),
                    color_scheme="red",
                    loading=loading,
                    disabled=disabled,
                    on_click=on_confirm,
                ),
            ),
            max_width="420px",
        ),
        open=open,
        on_open_change=on_open_change,
    )


def password_confirm_button(
    label: str,
    *,
    title: str,
    description,
    field: str,
    on_submit,
    error,
    busy,
    open,
    on_open_change,
    **button_props,
) -> rx.Component:
    """`label` opens a dialog asking for the password ("Password", sent as `field`);
    "Confirm" submits it to `on_submit`. The dialog stays open to show `error`."""
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(rx.button(label, **button_props)),
        rx.alert_dialog.content(
            rx.alert_dialog.title(title),
            rx.alert_dialog.description(description, size="2"),
            _password_form(field, on_submit, error, busy),
            max_width="420px",
        ),
        open=open,
        on_open_change=on_open_change,
    )


def _password_form(field: str, on_submit, error, busy) -> rx.Component:
    return rx.form(
        rx.vstack(
            labelled_input(
                "Password", field, type="password", auto_complete="current-password", required=True
            ),
            rx.cond(
                error != "",
                rx.callout(error, icon="triangle-alert", color_scheme="red", role="alert"),
            ),
            rx.flex(
                rx.alert_dialog.cancel(
                    rx.button(t("Back"), type="button", variant="soft", color_scheme="gray")
                ),
                rx.button(t("Confirm"), type="submit", color_scheme="red", loading=busy),
                spacing="3",
                justify="end",
                width="100%",
            ),
            spacing="3",
            margin_top="16px",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
    )


def _buttons(back, confirm: rx.Component) -> rx.Component:
    return rx.flex(
        rx.alert_dialog.cancel(rx.button(back, variant="soft", color_scheme="gray")),
        confirm,
        spacing="3",
        justify="end",
        margin_top="16px",
    )
