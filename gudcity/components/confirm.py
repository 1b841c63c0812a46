"""A button that asks before it acts: its dialog's confirming button is "Confirm"."""

import reflex as rx

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
            rx.flex(
                rx.alert_dialog.cancel(rx.button("Back", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button("Confirm", on_click=on_confirm)),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
            max_width="420px",
        ),
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
                    rx.button("Back", type="button", variant="soft", color_scheme="gray")
                ),
                rx.button("Confirm", type="submit", color_scheme="red", loading=busy),
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
