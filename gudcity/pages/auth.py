"""/login, /register, and /new-password (a temporary password replaced at first log-in)."""

import reflex as rx

from gudcity import routes
from gudcity.components.i18n import t
from gudcity.components.layout import alert, labelled_input, narrow_card
from gudcity.components.new_password import new_password_form
from gudcity.state.new_password import NewPasswordState
from gudcity.state.session import RegisterFormState, SessionState

LOGIN_ROUTE = routes.LOGIN
REGISTER_ROUTE = routes.REGISTER
NEW_PASSWORD_ROUTE = routes.NEW_PASSWORD


def login() -> rx.Component:
    return narrow_card(
        rx.heading(t("Log in to GudCity"), size="6", as_="h1"),
        rx.form(
            rx.vstack(
                labelled_input(
                    "Email", "email", type="email", auto_complete="email", required=True
                ),
                labelled_input(
                    "Password",
                    "password",
                    type="password",
                    auto_complete="current-password",
                    required=True,
                ),
                alert(SessionState.form_error),
                rx.button(
                    t("Log in"), type="submit", size="3", width="100%", loading=SessionState.saving
                ),
                spacing="4",
            ),
            on_submit=SessionState.log_in,
        ),
        rx.link(t("Forgot password?"), href=routes.FORGOT_PASSWORD, size="2"),
        rx.text(t("New here? "), rx.link(t("Create an account"), href=REGISTER_ROUTE), size="2"),
    )


def _account_type_choice() -> rx.Component:
    return rx.vstack(
        rx.text(t("I am a"), as_="div", weight="medium", size="2", id="account-type-label"),
        rx.radio_group.root(
            rx.hstack(
                rx.el.label(
                    rx.hstack(
                        rx.radio_group.item(value="customer"), rx.text(t("Customer")), spacing="2"
                    ),
                ),
                rx.el.label(
                    rx.hstack(
                        rx.radio_group.item(value="business"), rx.text(t("Business")), spacing="2"
                    ),
                ),
                spacing="5",
            ),
            name="account_type",
            default_value="customer",
            on_change=RegisterFormState.set_account_type,
            aria_labelledby="account-type-label",
        ),
        spacing="2",
    )


def _browser_time_zone() -> rx.Component:
    """The browser's IANA zone, sent with the form: a new business's days are its own."""
    return rx.el.input(
        type="hidden",
        id="register-time-zone",
        name="time_zone",
        on_mount=rx.call_script(
            "document.getElementById('register-time-zone').value = "
            "Intl.DateTimeFormat().resolvedOptions().timeZone || ''"
        ),
    )


def register() -> rx.Component:
    return narrow_card(
        rx.heading(t("Create your GudCity account"), size="6", as_="h1"),
        rx.form(
            rx.vstack(
                labelled_input("Name", "name", auto_complete="name", required=True),
                labelled_input(
                    "Email", "email", type="email", auto_complete="email", required=True
                ),
                labelled_input(
                    "Password",
                    "password",
                    type="password",
                    auto_complete="new-password",
                    min_length=8,
                    required=True,
                ),
                _account_type_choice(),
                rx.cond(
                    RegisterFormState.account_type == "business",
                    labelled_input("Business name", "business_name", required=True),
                ),
                _browser_time_zone(),
                alert(SessionState.form_error),
                rx.button(
                    t("Create account"),
                    type="submit",
                    size="3",
                    width="100%",
                    loading=SessionState.saving,
                ),
                spacing="4",
            ),
            on_submit=SessionState.register,
        ),
        rx.text(t("Have an account? "), rx.link(t("Log in"), href=LOGIN_ROUTE), size="2"),
    )


def new_password() -> rx.Component:
    return narrow_card(
        rx.heading(t("Choose your password"), size="6", as_="h1"),
        rx.text(
            t("You logged in with a temporary password. Choose your own to carry on."),
            size="2",
            color_scheme="gray",
        ),
        new_password_form(
            NewPasswordState.error, NewPasswordState.saving, NewPasswordState.set_password
        ),
    )
