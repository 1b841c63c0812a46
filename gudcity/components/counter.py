"""The scanner's rewards at the counter: type or scan a reward code, check it, deliver it."""

import reflex as rx

from gudcity.components.code_badge import state_badge
from gudcity.components.i18n import t
from gudcity.components.layout import labelled_input
from gudcity.components.local_time import local_date_time, local_time
from gudcity.state.counter import CounterState


def _code_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            rx.box(
                labelled_input(
                    "Reward code",
                    "reward_code",
                    placeholder="ABCD 2345",
                    auto_complete="off",
                    auto_capitalize="characters",
                    spell_check=False,
                ),
                flex="1",
            ),
            rx.button(t("Check code"), type="submit", size="3", loading=CounterState.code_busy),
            align="end",
            width="100%",
        ),
        on_submit=CounterState.check_code,
        reset_on_submit=True,
        width="100%",
    )


def _delivery() -> rx.Component:
    """When and by whom it was delivered; until when it waits; the button that delivers."""
    return rx.vstack(
        rx.cond(
            CounterState.code_delivered_at != "",
            rx.text(
                rx.cond(
                    CounterState.code_delivered_by != "",
                    t("Delivered by {name}", name=CounterState.code_delivered_by),
                    t("Delivered"),
                ),
                " · ",
                local_date_time(CounterState.code_delivered_at),
                size="2",
            ),
        ),
        rx.cond(
            CounterState.code_waiting,
            rx.text(
                t("Valid until {time}", time=local_time(CounterState.code_expires_at)), size="2"
            ),
        ),
        rx.cond(
            CounterState.code_waiting & CounterState.can_scan,
            rx.button(
                rx.icon(tag="hand-helping"),
                t("Mark as delivered"),
                size="3",
                on_click=CounterState.deliver,
                loading=CounterState.code_busy,
            ),
        ),
        spacing="2",
        width="100%",
    )


def _shown_code() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.icon(tag="gift", size=20),
            rx.text(CounterState.code_reward, weight="bold", size="5"),
            state_badge(CounterState.code_state),
            align="center",
            wrap="wrap",
        ),
        rx.text(t("Customer:"), " ", rx.text.strong(CounterState.code_customer), size="3"),
        rx.text(
            CounterState.code_program,
            " · ",
            t("code"),
            " ",
            rx.code(CounterState.code_value),
            size="2",
        ),
        _delivery(),
        spacing="2",
        width="100%",
    )


def _messages() -> rx.Component:
    return rx.fragment(
        rx.cond(
            CounterState.code_outcome != "",
            rx.callout(
                CounterState.code_outcome, icon="circle-check", color_scheme="green", width="100%"
            ),
        ),
        rx.cond(
            CounterState.code_error != "",
            rx.callout(
                CounterState.code_error,
                icon="triangle-alert",
                color_scheme="red",
                role="alert",
                width="100%",
            ),
        ),
    )


def reward_counter() -> rx.Component:
    """The card the scanner page shows: the code form and #redemption-result."""
    return rx.card(
        rx.vstack(
            rx.heading(t("Rewards at the counter"), size="4", as_="h2"),
            _code_form(),
            rx.vstack(
                rx.cond(
                    CounterState.code_shown,
                    _shown_code(),
                    rx.text(
                        t("Type the code the customer shows, or scan its QR code above."),
                        size="2",
                        color_scheme="gray",
                    ),
                ),
                _messages(),
                id="redemption-result",
                aria_live="polite",
                spacing="3",
                width="100%",
            ),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )
