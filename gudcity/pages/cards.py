"""/cards: what a customer carries."""

import reflex as rx

from gudcity import routes
from gudcity.components.cards import loyalty_card, notification_item, qr_card
from gudcity.components.layout import empty_state, page_frame
from gudcity.components.reward_codes import reward_codes_section
from gudcity.state.cards import CardsState

ROUTE = routes.CARDS
TITLE = "My cards · GudCity"


def _cards_section() -> rx.Component:
    return rx.vstack(
        rx.heading("Loyalty cards", size="5", as_="h2"),
        rx.cond(
            CardsState.loading,
            rx.grid(
                rx.skeleton(height="180px"),
                rx.skeleton(height="180px"),
                columns="2",
                spacing="4",
                width="100%",
            ),
            rx.cond(
                CardsState.cards.length() > 0,
                rx.grid(
                    rx.foreach(CardsState.cards, loyalty_card),
                    columns="1",
                    spacing="4",
                    width="100%",
                ),
                empty_state(
                    "wallet-cards",
                    "No loyalty cards yet",
                    "Show your QR code at a participating business to join its program.",
                ),
            ),
        ),
        width="100%",
        spacing="3",
    )


def _notifications_section() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading("Notifications", size="5", as_="h2"),
            rx.badge(
                CardsState.unread_badge,
                id="unread-count",
                aria_label="Unread notifications",
                radius="full",
                variant="solid",
            ),
            rx.spacer(),
            rx.cond(
                CardsState.unread_count > 0,
                rx.button(
                    "Mark all as read", size="1", variant="soft", on_click=CardsState.mark_all_read
                ),
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            CardsState.notifications.length() > 0,
            rx.vstack(
                rx.foreach(CardsState.notifications, notification_item), spacing="2", width="100%"
            ),
            rx.text(
                "Nothing new. Notifications appear here the moment a business scans your code.",
                size="2",
                color_scheme="gray",
            ),
        ),
        id="notifications",
        aria_live="polite",
        width="100%",
        spacing="3",
    )


def _redemption_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Reward redeemed"),
            rx.alert_dialog.description(
                "Show this code at the counter for ", CardsState.redemption_reward, "."
            ),
            rx.center(
                rx.code(CardsState.redemption_code, size="8", id="redemption-code"), padding="16px"
            ),
            rx.alert_dialog.action(rx.button("Done", on_click=CardsState.close_redemption)),
        ),
        open=CardsState.redemption_code != "",
    )


def cards() -> rx.Component:
    return page_frame(
        qr_card(),
        reward_codes_section(),
        rx.grid(
            _cards_section(),
            _notifications_section(),
            columns={"initial": "1", "md": "2"},
            spacing="6",
            width="100%",
            align_items="start",
        ),
        _redemption_dialog(),
        title="My cards",
    )
