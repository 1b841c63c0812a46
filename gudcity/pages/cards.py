"""/cards: what a customer carries."""

import reflex as rx

from gudcity import routes
from gudcity.components.cards import loyalty_card, notification_item, qr_card
from gudcity.components.i18n import t
from gudcity.components.layout import alert, empty_state, page_frame
from gudcity.components.offline_card import card_saver, offline_card, while_offline
from gudcity.components.reward_codes import reward_codes_section
from gudcity.i18n.catalogue import N_
from gudcity.state.cards import CardsState
from gudcity.styles import LABEL_STYLE

ROUTE = routes.CARDS
TITLE = "My cards · GudCity"


def _promo_code_form() -> rx.Component:
    """A promo code a business gave out: its bonus lands on the card of its program."""
    return rx.form(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.el.label(t("Promo code"), html_for="promo-code", style=LABEL_STYLE),
                    rx.input(
                        id="promo-code",
                        name="promo_code",
                        max_length=40,
                        auto_complete="off",
                        auto_capitalize="characters",
                        width="100%",
                    ),
                    spacing="1",
                    width="100%",
                ),
                rx.button(
                    t("Apply code"),
                    type="submit",
                    loading=CardsState.applying_code,
                    flex_shrink="0",
                ),
                direction={"initial": "column", "sm": "row"},
                align={"initial": "stretch", "sm": "end"},
                spacing="2",
                width="100%",
            ),
            rx.cond(
                CardsState.promo_result != "",
                rx.callout(
                    CardsState.promo_result,
                    icon="circle-check",
                    color_scheme="green",
                    role="alert",
                    width="100%",
                ),
            ),
            alert(CardsState.promo_error),
            spacing="2",
            width="100%",
        ),
        key=CardsState.promo_form_version,
        on_submit=CardsState.apply_code,
        id="promo-code-form",
        width="100%",
    )


def _cards_section() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Loyalty cards"), size="5", as_="h2"),
        rx.cond(CardsState.cards.length() > 0, _promo_code_form()),
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
                    N_("No loyalty cards yet"),
                    N_("Show your QR code at a participating business to join its program."),
                ),
            ),
        ),
        width="100%",
        spacing="3",
    )


def _waiting_requests() -> rx.Component:
    """Requests waiting for an answer: first on the page, Accept / Decline on the first screen."""
    return rx.cond(
        CardsState.waiting_requests.length() > 0,
        rx.vstack(
            rx.heading(t("Waiting for your answer"), size="4", as_="h2"),
            rx.foreach(CardsState.waiting_requests, notification_item),
            id="waiting-requests",
            spacing="2",
            width="100%",
            order="0",
            grid_column="1 / -1",
        ),
    )


def _notification_list_heading() -> rx.Component:
    return rx.hstack(
        rx.heading(t("Notifications"), size="5", as_="h2"),
        rx.badge(
            CardsState.unread_badge,
            id="unread-count",
            aria_label=t("Unread notifications"),
            radius="full",
            variant="solid",
        ),
        rx.spacer(),
        rx.cond(
            CardsState.unread_count > 0,
            rx.button(
                t("Mark all as read"), size="1", variant="soft", on_click=CardsState.mark_all_read
            ),
        ),
        align="center",
        wrap="wrap",
        width="100%",
    )


def _notification_list() -> rx.Component:
    return rx.vstack(
        _notification_list_heading(),
        rx.cond(
            CardsState.loading,
            rx.vstack(*(rx.skeleton(height="64px", width="100%") for _ in range(3)), width="100%"),
            rx.cond(
                CardsState.notifications.length() > 0,
                rx.vstack(
                    rx.foreach(CardsState.other_notifications, notification_item),
                    rx.cond(
                        CardsState.has_older_notifications,
                        rx.button(t("Show older"), variant="soft", on_click=CardsState.show_older),
                    ),
                    spacing="2",
                    width="100%",
                ),
                rx.text(
                    t(
                        "Nothing new. Notifications appear here the moment a business "
                        "scans your code."
                    ),
                    size="2",
                    color_scheme="gray",
                ),
            ),
        ),
        width="100%",
        spacing="3",
        order="4",
        min_width="0",
    )


def _notifications_section() -> rx.Component:
    """#notifications holds every notification; it lays out no box of its own, so the
    waiting requests go to the top of the page and the rest beside the cards."""
    return rx.box(
        _waiting_requests(),
        _notification_list(),
        id="notifications",
        aria_live="polite",
        display="contents",
    )


def _redemption_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title(t("Reward redeemed")),
            rx.alert_dialog.description(
                t(
                    "Show this code at the counter for {reward}.",
                    reward=CardsState.redemption_reward,
                )
            ),
            rx.center(
                rx.code(CardsState.redemption_code, size="8", id="redemption-code"), padding="16px"
            ),
            rx.alert_dialog.action(rx.button(t("Done"), on_click=CardsState.close_redemption)),
        ),
        open=CardsState.redemption_code != "",
    )


def _qr_shortcut() -> rx.Component:
    """On a phone, pinned to the bottom of the screen: one tap brings the QR code into view,
    however many requests wait above it. From the md breakpoint the QR sits near the top."""
    return rx.box(
        rx.button(
            rx.icon("qr-code"),
            t("Show my QR"),
            on_click=rx.scroll_to("customer-qr"),
            size="3",
            width="100%",
            data_testid="show-qr",
        ),
        position="fixed",
        bottom="0",
        left="0",
        right="0",
        z_index="10",
        padding="10px 12px calc(10px + env(safe-area-inset-bottom))",
        background="var(--color-background)",
        border_top="1px solid var(--gray-a5)",
        display=rx.breakpoints(initial="block", md="none"),
    )


def cards() -> rx.Component:
    """The live page; without a connection to the server, the card last seen here
    instead, and no QR code (`offline_card`). Every visit saves the card for that."""
    return page_frame(
        card_saver(CardsState.card_number, CardsState.cards),
        while_offline(offline_card(), _live_page(), loaded=CardsState.card_number != ""),
        _redemption_dialog(),
        title=N_("My cards"),
    )


def _live_page() -> rx.Component:
    """Phone first: a waiting request, the QR code, codes to collect, then cards and news
    (side by side from the md breakpoint); on a phone the QR is one tap away (`_qr_shortcut`)."""
    return rx.fragment(
        rx.box(
            _notifications_section(),
            rx.box(qr_card(), order="1", grid_column="1 / -1", min_width="0"),
            rx.box(reward_codes_section(), order="2", grid_column="1 / -1", min_width="0"),
            rx.box(_cards_section(), order="3", min_width="0"),
            display="grid",
            grid_template_columns=rx.breakpoints(
                initial="minmax(0, 1fr)", md="minmax(0, 1fr) minmax(0, 1fr)"
            ),
            gap="24px",
            align_items="start",
            width="100%",
            # Room under the last card for the pinned "Show my QR" bar on a phone.
            padding_bottom=rx.breakpoints(initial="64px", md="0"),
        ),
        _qr_shortcut(),
    )
