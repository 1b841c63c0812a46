"""The panel every business page shows: the business's notifications, arriving live."""

import reflex as rx

from gudcity.state.business import BusinessState
from gudcity.state.business_feed import BusinessNotice


def _notice(notice: BusinessNotice) -> rx.Component:
    return rx.hstack(
        rx.box(
            width="8px",
            height="8px",
            min_width="8px",
            border_radius="50%",
            background=rx.cond(notice.unread, "var(--accent-9)", "transparent"),
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
                rx.heading("Notifications", size="4", as_="h2"),
                rx.badge(
                    state.business_unread_badge,
                    id="business-unread-count",
                    color_scheme=rx.cond(state.business_unread > 0, "red", "gray"),
                    aria_label="Unread notifications",
                ),
                rx.spacer(),
                rx.cond(
                    state.business_unread > 0,
                    rx.button(
                        "Mark all read",
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
                    "Nothing yet: customers' answers, redemptions and new members appear here.",
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
