"""A button that asks before it acts: its dialog's confirming button is "Confirm"."""

import reflex as rx


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
