"""/login, /register, and /new-password (a temporary password replaced at first log-in)."""

import reflex as rx

from gudcity import routes
from gudcity.components.layout import alert, labelled_input, narrow_card
from gudcity.components.new_password import new_password_form
from gudcity.state.new_password import NewPasswordState
from gudcity.state.session import RegisterFormState, SessionState

LOGIN_ROUTE = routes.LOGIN
REGISTER_ROUTE = routes.REGISTER
NEW_PASSWORD_ROUTE = routes.NEW_PASSWORD


def login() -> rx.Component:
    return narrow_card(
        rx.heading("Log in to GudCity", size="6", as_="h1"),
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
                    "Log in", type="submit", size="3", width="100%", loading=SessionState.saving
                ),
                spacing="4",
            ),
            on_submit=SessionState.log_in,
        ),
        rx.link("Forgot password?", href=routes.FORGOT_PASSWORD, size="2"),
        rx.text("New here? ", rx.link("Create an account", href=REGISTER_ROUTE), size="2"),
    )


def _account_type_choice() -> rx.Component:
    return rx.vstack(
        rx.text("I am a", as_="div", weight="medium", size="2", id="account-type-label"),
        rx.radio_group.root(
            rx.hstack(
                rx.el.label(
                    rx.hstack(
                        rx.radio_group.item(value="customer"), rx.text("Customer"), spacing="2"
                    ),
                ),
                rx.el.label(
                    rx.hstack(
                        rx.radio_group.item(value="business"), rx.text("Business"), spacing="2"
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
        rx.heading("Create your GudCity account", size="6", as_="h1"),
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
                    "Create account",
                    type="submit",
                    size="3",
                    width="100%",
                    loading=SessionState.saving,
                ),
                spacing="4",
            ),
            on_submit=SessionState.register,
        ),
        rx.text("Have an account? ", rx.link("Log in", href=LOGIN_ROUTE), size="2"),
    )


def new_password() -> rx.Component:
    return narrow_card(
        rx.heading("Choose your password", size="6", as_="h1"),
        rx.text(
            "You logged in with a temporary password. Choose your own to carry on.",
            size="2",
            color_scheme="gray",
        ),
        new_password_form(
            NewPasswordState.error, NewPasswordState.saving, NewPasswordState.set_password
        ),
    )
