"""/forgot-password (ask for a link) and /reset-password (choose a new password through it)."""

import reflex as rx

from gudcity import routes
from gudcity.components.i18n import t
from gudcity.components.layout import alert, labelled_input, narrow_card
from gudcity.components.new_password import new_password_form
from gudcity.state.password_reset import ForgotPasswordState, ResetPasswordState

FORGOT_ROUTE = routes.FORGOT_PASSWORD
RESET_ROUTE = routes.RESET_PASSWORD


def _back_to_login() -> rx.Component:
    return rx.link(t("Back to log in"), href=routes.LOGIN, size="2")


def _link_sent() -> rx.Component:
    return rx.vstack(
        rx.callout(
            t(
                "If an account uses that email, a link to choose a new password is on "
                "its way. It works once, for a short while; check your spam folder if "
                "it does not arrive."
            ),
            icon="mail-check",
            color_scheme="green",
            role="status",
            id="reset-link-sent",
            width="100%",
        ),
        rx.button(
            t("Send another link"),
            on_click=ForgotPasswordState.ask_again,
            variant="soft",
            width="100%",
        ),
        spacing="3",
        width="100%",
    )


def _email_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.text(
                t("Enter the email of your account: we will mail you a link."),
                size="2",
                color_scheme="gray",
            ),
            labelled_input("Email", "email", type="email", auto_complete="email", required=True),
            alert(ForgotPasswordState.error),
            rx.button(
                t("Send reset link"),
                type="submit",
                size="3",
                width="100%",
                loading=ForgotPasswordState.sending,
            ),
            spacing="4",
        ),
        on_submit=ForgotPasswordState.send_link,
    )


def forgot_password() -> rx.Component:
    return narrow_card(
        rx.heading(t("Forgot your password?"), size="6", as_="h1"),
        rx.cond(ForgotPasswordState.sent, _link_sent(), _email_form()),
        _back_to_login(),
    )


def _reset_form() -> rx.Component:
    return new_password_form(
        ResetPasswordState.error, ResetPasswordState.saving, ResetPasswordState.set_password
    )


def _link_expired() -> rx.Component:
    return rx.vstack(
        rx.callout(
            t("This link has expired or was already used. Ask for a new one."),
            icon="triangle-alert",
            color_scheme="red",
            role="alert",
            width="100%",
        ),
        rx.link(t("Send me a new link"), href=routes.FORGOT_PASSWORD, size="2"),
        spacing="3",
        width="100%",
    )


def reset_password() -> rx.Component:
    return narrow_card(
        rx.heading(t("Choose a new password"), size="6", as_="h1"),
        rx.cond(
            ResetPasswordState.checked,
            rx.cond(ResetPasswordState.link_works, _reset_form(), _link_expired()),
            rx.vstack(
                alert(ResetPasswordState.error),
                rx.skeleton(rx.box(height="80px"), loading=True, width="100%"),
                width="100%",
            ),
        ),
        _back_to_login(),
    )
