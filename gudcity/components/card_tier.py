"""A loyalty card's tier: its name, what it gives, and the way to the next one."""

import reflex as rx

from gudcity.components.i18n import t
from gudcity.state.cards_page import CardTile


def _benefit(line: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.icon("check", size=14, color="var(--accent-11)", flex_shrink="0", margin_top="3px"),
        rx.text(line, size="2", overflow_wrap="anywhere"),
        spacing="2",
        align="start",
    )


def card_tier(card: CardTile) -> rx.Component:
    """Nothing where the program has no tiers."""
    return rx.cond(
        card.tier != "",
        rx.box(
            rx.vstack(
                rx.hstack(
                    rx.icon("award", size=16, color="var(--accent-11)", flex_shrink="0"),
                    rx.text(t("Tier"), size="2", color_scheme="gray"),
                    rx.badge(
                        card.tier,
                        size="2",
                        overflow_wrap="anywhere",
                        white_space="normal",
                        data_testid="card-tier",
                    ),
                    align="center",
                    spacing="2",
                    wrap="wrap",
                ),
                rx.cond(
                    card.tier_benefits.length() > 0,
                    rx.vstack(
                        rx.foreach(card.tier_benefits, _benefit),
                        spacing="1",
                        width="100%",
                        data_testid="card-tier-benefits",
                    ),
                ),
                rx.text(card.next_tier, size="2", weight="medium", data_testid="card-next-tier"),
                rx.cond(
                    card.keep_tier != "",
                    rx.text(card.keep_tier, size="2", data_testid="card-keep-tier"),
                ),
                rx.cond(
                    card.tier_window != "",
                    rx.text(card.tier_window, size="1", color_scheme="gray"),
                ),
                spacing="2",
                width="100%",
            ),
            padding="10px 12px",
            border_radius="var(--radius-3)",
            background="var(--accent-a2)",
            width="100%",
        ),
    )
