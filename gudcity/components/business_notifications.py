"""The panel every business page shows: the business's notifications, arriving live."""

import reflex as rx

from gudcity.components.i18n import t
from gudcity.state.business import BusinessState
from gudcity.state.business_feed import BusinessNotice

# Colours (not words): an unread notice's dot, and the count's badge.
UNREAD_DOT, NO_DOT = "var(--accent-9)", "transparent"
UNREAD_COLOUR, READ_COLOUR = "red", "gray"


def _notice(notice: BusinessNotice) -> rx.Component:
    return rx.hstack(
        rx.box(
            width="8px",
            height="8px",
            min_width="8px",
            border_radius="50%",
            background=rx.cond(notice.unread, UNREAD_DOT, NO_DOT),
            margin_top="6px",
        ),
        rx.text(notice.message, size="2", flex="1"),
        rx.text(notice.when, size="1", color_scheme="gray", white_space="nowrap"),
        align="start",
        spacing="2",
        width="100%",
        data_testid="business-notification",
    )


def business_notifications(state: type[BusinessState]) -> rx.Component:
    """`state` is the page's own BusinessState subclass, whose vars the panel shows."""
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(t("Notifications"), size="4", as_="h2"),
                rx.badge(
                    state.business_unread_badge,
                    id="business-unread-count",
                    color_scheme=rx.cond(state.business_unread > 0, UNREAD_COLOUR, READ_COLOUR),
                    aria_label=t("Unread notifications"),
                ),
                rx.spacer(),
                rx.cond(
                    state.business_unread > 0,
                    rx.button(
                        t("Mark all read"),
                        on_click=state.mark_notifications_read,
                        variant="ghost",
                        size="1",
                    ),
                ),
                align="center",
                width="100%",
            ),
            rx.cond(
                state.business_notices.length() > 0,
                rx.vstack(rx.foreach(state.business_notices, _notice), spacing="2", width="100%"),
                rx.text(
                    t("Nothing yet: customers' answers, redemptions and new members appear here."),
                    size="2",
                    color_scheme="gray",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        id="business-notifications",
        aria_live="polite",
        width="100%",
    )
