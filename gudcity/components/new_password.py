"""The "New password" form: a staff member's first log-in and a reset by mail both use it."""

import reflex as rx

from gudcity.components.i18n import t
from gudcity.components.layout import alert, labelled_input


def new_password_form(error: rx.Var[str], saving: rx.Var[bool], on_submit) -> rx.Component:
    return rx.form(
        rx.vstack(
            labelled_input(
                "New password",
                "new_password",
                type="password",
                auto_complete="new-password",
                min_length=8,
                required=True,
            ),
            alert(error),
            rx.button(t("Set new password"), type="submit", size="3", width="100%", loading=saving),
            spacing="4",
        ),
        on_submit=on_submit,
    )
