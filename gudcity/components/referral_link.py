"""A card's referral link on /cards: what sharing it brings, the link, a copy button."""

import reflex as rx

from gudcity.components.i18n import t
from gudcity.state.cards_page import CardTile


def referral_link(card: CardTile) -> rx.Component:
    """Shown while the card's program offers referrals (the link is "" otherwise)."""
    return rx.cond(
        card.referral_link != "",
        rx.vstack(
            rx.hstack(
                rx.icon("gift", size=16, flex_shrink="0", margin_top="2px"),
                rx.text(card.referral_offer, size="2"),
                spacing="2",
                align="start",
            ),
            rx.hstack(
                rx.text(
                    card.referral_link,
                    data_testid="card-referral-link",
                    size="1",
                    font_family="var(--code-font-family)",
                    overflow_wrap="anywhere",
                    min_width="0",
                    flex="1",
                ),
                rx.button(
                    rx.icon("copy", size=14),
                    t("Copy link"),
                    size="1",
                    variant="soft",
                    flex_shrink="0",
                    aria_label=t("Copy the referral link of {program}", program=card.program_name),
                    on_click=[
                        rx.set_clipboard(card.referral_link),
                        rx.toast.success(t("Link copied: send it to a friend.")),
                    ],
                ),
                align="center",
                spacing="2",
                width="100%",
            ),
            spacing="2",
            padding="8px",
            border_radius="var(--radius-3)",
            background="var(--accent-a2)",
            width="100%",
        ),
    )
