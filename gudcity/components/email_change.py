"""The email section of /settings: a form of its own, the password asked in a dialog.

"Change email" asks for the password ("Password", then "Confirm"), then a link goes
to the new address; until it is opened the account keeps its email.
"""

import reflex as rx

from gudcity.components.i18n import t
from gudcity.components.layout import alert, labelled_input, notice
from gudcity.state.email_change import EmailChangeState
from gudcity.state.settings import SettingsState


def _password_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Change your email")),
            rx.dialog.description(
                t(
                    "To send a link to {email}, enter your password.",
                    email=EmailChangeState.new_email,
                )
            ),
            rx.form(
                rx.vstack(
                    labelled_input(
                        "Password",
                        "password",
                        type="password",
                        auto_complete="current-password",
                        required=True,
                    ),
                    alert(EmailChangeState.error),
                    rx.flex(
                        rx.dialog.close(
                            rx.button(t("Back"), type="button", variant="soft", color_scheme="gray")
                        ),
                        rx.button(t("Confirm"), type="submit", loading=EmailChangeState.saving),
                        spacing="3",
                        justify="end",
                    ),
                    spacing="4",
                    margin_top="12px",
                ),
                on_submit=EmailChangeState.change_email,
                reset_on_submit=True,
            ),
            max_width="420px",
        ),
        open=EmailChangeState.asking_password,
        on_open_change=EmailChangeState.set_asking_password,
    )


def _form() -> rx.Component:
    return rx.form(
        rx.vstack(
            labelled_input(
                "Email",
                "email",
                type="email",
                auto_complete="email",
                default_value=SettingsState.email,
                required=True,
            ),
            rx.text(
                t(
                    "You log in with this address. A new one works once you open the link we "
                    "mail to it."
                ),
                size="2",
                color_scheme="gray",
            ),
            rx.cond(~EmailChangeState.asking_password, alert(EmailChangeState.error)),
            rx.button(t("Change email"), type="submit", size="3"),
            spacing="3",
            align="start",
            width="100%",
        ),
        # Shows the stored address again once it changed (confirmed in another tab).
        key=SettingsState.email,
        on_submit=EmailChangeState.ask_password,
    )


def email_change_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("Email"), size="4", as_="h2"),
            _form(),
            # Until the link is opened (then the field above shows the new address).
            rx.cond(
                (EmailChangeState.sent_to != "")
                & (EmailChangeState.sent_to != SettingsState.email),
                notice(
                    t(
                        "We sent a link to {new}. Open it to make that your email; "
                        "until then it stays {old}.",
                        new=EmailChangeState.sent_to,
                        old=SettingsState.email,
                    ),
                    icon="mail-check",
                    color_scheme="green",
                    role="status",
                    id="email-change-sent",
                ),
            ),
            _password_dialog(),
            spacing="3",
            width="100%",
        ),
        width="100%",
        id="settings-email",
    )
