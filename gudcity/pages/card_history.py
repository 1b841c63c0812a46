"""/cards/<id>: one card's whole history, newest first, and its reward codes."""

import reflex as rx

from gudcity import routes
from gudcity.components.code_badge import state_badge
from gudcity.components.i18n import t
from gudcity.components.layout import empty_state, page_frame
from gudcity.components.show_older import show_older_button
from gudcity.i18n.catalogue import N_
from gudcity.state.card_history import CardHistoryState
from gudcity.state.history_pages import HistoryLine
from gudcity.state.reward_items import RewardCodeItem

ROUTE = routes.CARD
TITLE = "Card history · GudCity"


def _heading() -> rx.Component:
    return rx.vstack(
        rx.link(rx.icon("arrow-left", size=16), t("My cards"), href=routes.CARDS, size="2"),
        rx.heading(CardHistoryState.program_name, size="6", as_="h2", id="card-program"),
        rx.text(CardHistoryState.business_name, size="2", color_scheme="gray"),
        rx.text(CardHistoryState.balance, size="5", weight="bold", id="card-history-balance"),
        rx.cond(
            ~CardHistoryState.enrolled,
            rx.callout(
                t("You left this program: the card and its balance are kept if you join again."),
                icon="info",
                width="100%",
            ),
        ),
        spacing="1",
        width="100%",
    )


def _history_row(line: HistoryLine) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.text(line.kind, weight="medium", size="2"),
            rx.text(line.when, " · ", line.by, size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
        ),
        rx.text(line.amount, weight="bold", size="2", white_space="nowrap"),
        justify="between",
        align="center",
        gap="3",
        padding="8px 0",
        border_bottom="1px solid var(--gray-a4)",
        data_testid="history-row",
        width="100%",
    )


def _history() -> rx.Component:
    return rx.vstack(
        rx.heading(t("History"), size="4", as_="h3"),
        rx.cond(
            CardHistoryState.history.length() > 0,
            rx.vstack(
                rx.foreach(CardHistoryState.history, _history_row),
                show_older_button(CardHistoryState),
                spacing="1",
                width="100%",
            ),
            rx.text(t("Nothing on this card yet."), size="2", color_scheme="gray"),
        ),
        id="card-history",
        aria_live="polite",
        width="100%",
    )


def _code(item: RewardCodeItem) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.text(item.reward_name, weight="medium", size="2"),
            rx.code(item.code, data_testid="reward-code-value"),
            rx.cond(item.ended != "", rx.text(item.ended, size="1", color_scheme="gray")),
            spacing="1",
        ),
        state_badge(item.state),
        justify="between",
        align="center",
        gap="3",
        padding="8px 0",
        border_bottom="1px solid var(--gray-a4)",
        data_testid="reward-code",
        width="100%",
    )


def _codes() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Reward codes"), size="4", as_="h3"),
        rx.cond(
            CardHistoryState.codes.length() > 0,
            rx.vstack(rx.foreach(CardHistoryState.codes, _code), spacing="1", width="100%"),
            rx.text(t("No reward redeemed on this card yet."), size="2", color_scheme="gray"),
        ),
        id="card-reward-codes",
        width="100%",
    )


def card_history() -> rx.Component:
    return page_frame(
        rx.cond(
            CardHistoryState.loading,
            rx.vstack(*(rx.skeleton(height="40px", width="100%") for _ in range(6)), width="100%"),
            rx.cond(
                CardHistoryState.error != "",
                empty_state("credit-card", CardHistoryState.error, N_("It may not be yours.")),
                rx.vstack(_heading(), _codes(), _history(), spacing="5", width="100%"),
            ),
        ),
        title=N_("Card"),
    )
