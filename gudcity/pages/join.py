"""/join/<code>: a friend's referral link; create an account or log in, then join."""

import reflex as rx

from gudcity import routes
from gudcity.components.i18n import t
from gudcity.components.layout import alert, narrow_card
from gudcity.state.join import BUSINESS, CUSTOMER, VISITOR, JoinState

ROUTE = routes.JOIN
TITLE = "Join a program · GudCity"


def _visitor_choices() -> rx.Component:
    return rx.vstack(
        rx.link(
            rx.button(t("Create an account"), size="3", width="100%"),
            href=JoinState.register_href,
            width="100%",
        ),
        rx.text(
            t("Have an account? "),
            rx.link(t("Log in"), href=JoinState.login_href),
            size="2",
        ),
        spacing="3",
        width="100%",
    )


def _actions() -> rx.Component:
    return rx.match(
        JoinState.visitor,
        (
            CUSTOMER,
            rx.button(
                t("Join {program}", program=JoinState.program_name),
                size="3",
                width="100%",
                loading=JoinState.joining,
                on_click=JoinState.join,
            ),
        ),
        (
            BUSINESS,
            rx.text(t("Log in with a customer account to join."), size="2", color_scheme="gray"),
        ),
        (VISITOR, _visitor_choices()),
        _visitor_choices(),
    )


def _offer() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Join {program}", program=JoinState.program_name), size="6", as_="h1"),
        rx.text(
            t(
                "A friend invites you to {program} at {business}.",
                program=JoinState.program_name,
                business=JoinState.business_name,
            ),
            size="3",
        ),
        rx.foreach(JoinState.offer, lambda words: rx.text(words, size="2", weight="medium")),
        _actions(),
        spacing="4",
        width="100%",
        id="join-offer",
    )


def join() -> rx.Component:
    return narrow_card(
        rx.cond(
            ~JoinState.checked,
            rx.skeleton(height="160px", width="100%"),
            rx.cond(
                JoinState.error != "",
                rx.vstack(
                    rx.heading(t("Join a program"), size="6", as_="h1"),
                    alert(JoinState.error),
                    rx.link(t("Go to GudCity"), href=routes.HOME, size="2"),
                    spacing="4",
                    width="100%",
                ),
                _offer(),
            ),
        ),
    )
