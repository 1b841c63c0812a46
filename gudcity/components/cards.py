"""The customer's QR card, loyalty card tiles and notification items."""

import reflex as rx

from gudcity.components.card_tier import card_tier
from gudcity.components.confirm import confirm_button
from gudcity.components.i18n import t
from gudcity.components.offline_card import qr_while_connected
from gudcity.components.referral_link import referral_link
from gudcity.i18n.catalogue import N_
from gudcity.state.cards import CardsState
from gudcity.state.cards_page import (
    CardPromotion,
    CardTile,
    LedgerLine,
    NotificationItem,
    RewardOption,
)

# An archived program's card: kept, with its balance and history, but nothing moves.
ARCHIVED_CARD = N_("This program has ended: your card is kept here as a record.")


def qr_card() -> rx.Component:
    return rx.card(
        rx.flex(
            qr_while_connected(
                rx.image(
                    src=CardsState.qr_src,
                    id="customer-qr",
                    alt=t("Your GudCity QR code"),
                    width="220px",
                    height="220px",
                    style={"imageRendering": "pixelated", "background": "white"},
                )
            ),
            rx.vstack(
                rx.text(t("Your GudCity card"), weight="bold", size="4"),
                rx.text(
                    t("Show this code at the counter, or read out your card number."),
                    size="2",
                    color_scheme="gray",
                ),
                rx.text(t("Card number"), size="1", color_scheme="gray"),
                rx.code(CardsState.card_number, id="card-number", size="5", variant="ghost"),
                spacing="2",
            ),
            direction={"initial": "column", "sm": "row"},
            align="center",
            spacing="5",
        ),
        width="100%",
    )


def _reward(card: CardTile, reward: RewardOption) -> rx.Component:
    return rx.hstack(
        rx.text(reward.name, size="2"),
        rx.spacer(),
        rx.badge(reward.cost_label, variant="soft"),
        confirm_button(
            t("Redeem"),
            title=t("Redeem this reward?"),
            description=t("Spend {cost} on {reward}?", cost=reward.cost_label, reward=reward.name),
            on_confirm=CardsState.redeem(card.card_id, reward.reward_id),
            size="1",
            disabled=~reward.affordable,
            loading=CardsState.redeeming_id == reward.reward_id,
            aria_label=t("Redeem {reward}", reward=reward.name),
        ),
        width="100%",
        align="center",
    )


def _ledger_line(line: LedgerLine) -> rx.Component:
    return rx.hstack(
        rx.text(line.label, size="1"),
        rx.text(line.amount, size="1", weight="bold"),
        rx.spacer(),
        rx.text(line.when, size="1", color_scheme="gray"),
        width="100%",
    )


def _recent_activity(card: CardTile) -> rx.Component:
    return rx.cond(
        card.recent.length() > 0,
        rx.vstack(rx.foreach(card.recent, _ledger_line), spacing="1", width="100%"),
    )


def _promotion(promotion: CardPromotion) -> rx.Component:
    return rx.hstack(
        rx.icon("sparkles", size=16, color="var(--accent-11)", flex_shrink="0", margin_top="2px"),
        rx.text(
            rx.text.strong(promotion.name),
            " · ",
            promotion.text,
            rx.cond(promotion.once_per_day, rx.text.span(" · ", t("once a day"))),
            size="2",
            overflow_wrap="anywhere",
        ),
        spacing="2",
        align="start",
        data_testid="card-promotion",
    )


def _promotions(card: CardTile) -> rx.Component:
    """The program's promotions running as the page was read (each load and change)."""
    return rx.cond(
        (card.promotions.length() > 0) & ~card.archived,
        rx.vstack(
            rx.foreach(card.promotions, _promotion),
            spacing="1",
            padding="8px 10px",
            border_radius="var(--radius-3)",
            background="var(--accent-a2)",
            width="100%",
        ),
    )


def _expiries(card: CardTile) -> rx.Component:
    """The card's coming expiries, a line per day ("20 points expire on 12 Jan 2027")."""
    return rx.cond(
        card.expiries.length() > 0,
        rx.vstack(
            rx.foreach(
                card.expiries,
                lambda line: rx.hstack(
                    rx.icon("hourglass", size=14, color="var(--amber-11)", flex_shrink="0"),
                    rx.text(line, size="1", color_scheme="amber"),
                    spacing="2",
                    align="center",
                ),
            ),
            spacing="1",
            width="100%",
            data_testid="card-expiries",
        ),
    )


def _card_actions(card: CardTile) -> rx.Component:
    """The card's own page (its whole history), and leaving the program (confirmed)."""
    return rx.flex(
        rx.link(rx.icon("history", size=16), t("History"), href=card.href, size="2"),
        rx.spacer(),
        confirm_button(
            t("Leave program"),
            title=t("Leave {program}?", program=card.program_name),
            description=t(
                "The card leaves your list and {business} no longer sees you as a customer. "
                "Waiting reward codes are cancelled (their points go back on the card) and "
                "open requests are declined. Your balance is kept if you join again.",
                business=card.business_name,
            ),
            on_confirm=CardsState.leave(card.program_id),
            loading=CardsState.leaving_id == card.program_id,
            disabled=CardsState.leaving_id != 0,
            size="1",
            variant="ghost",
            color_scheme="red",
            aria_label=t("Leave program {program}", program=card.program_name),
        ),
        align="center",
        width="100%",
    )


def _contact_line(icon: str, text, **props) -> rx.Component:
    return rx.cond(
        text != "",
        rx.hstack(
            rx.icon(icon, size=14, color="var(--gray-10)", flex_shrink="0", margin_top="3px"),
            rx.text(text, size="2", color_scheme="gray", **props),
            spacing="2",
            align="start",
        ),
    )


def _business_contact(card: CardTile) -> rx.Component:
    """Where the business is, how to call it, when it is open: what its owner gave."""
    return rx.vstack(
        _contact_line("map-pin", card.business_address, data_testid="business-address"),
        rx.cond(
            card.business_phone != "",
            rx.hstack(
                rx.icon("phone", size=14, color="var(--gray-10)", flex_shrink="0"),
                rx.link(
                    card.business_phone,
                    href="tel:" + card.business_phone,
                    size="2",
                    data_testid="business-phone",
                ),
                spacing="2",
                align="center",
            ),
        ),
        _contact_line(
            "clock",
            card.business_hours,
            white_space="pre-line",
            data_testid="business-hours",
        ),
        spacing="1",
        width="100%",
        overflow_wrap="anywhere",
    )


def loyalty_card(card: CardTile) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.text(card.program_name, weight="bold", size="4", overflow_wrap="anywhere"),
                    rx.text(
                        card.business_name, size="2", color_scheme="gray", overflow_wrap="anywhere"
                    ),
                    spacing="0",
                    min_width="0",
                ),
                rx.spacer(),
                rx.cond(card.archived, rx.badge(t("Archived"), color_scheme="gray")),
                width="100%",
            ),
            _business_contact(card),
            rx.hstack(
                rx.text(card.balance, data_testid="card-balance", size="8", weight="bold"),
                rx.text(card.unit, size="3", color_scheme="gray"),
                align="baseline",
                spacing="2",
            ),
            card_tier(card),
            _promotions(card),
            rx.progress(value=card.progress, max=100, aria_label=t("Progress to the next reward")),
            rx.text(
                rx.cond(card.archived, t(ARCHIVED_CARD), card.next_reward),
                size="2",
                color_scheme="gray",
            ),
            _expiries(card),
            _recent_activity(card),
            rx.cond(
                (card.rewards.length() > 0) & ~card.archived,
                rx.vstack(
                    rx.text(t("Rewards"), size="2", weight="medium"),
                    rx.foreach(card.rewards, lambda reward: _reward(card, reward)),
                    spacing="2",
                    width="100%",
                ),
            ),
            referral_link(card),
            _card_actions(card),
            spacing="3",
            width="100%",
        ),
        data_testid="loyalty-card",
        width="100%",
    )


def _notification_heading(note: NotificationItem) -> rx.Component:
    return rx.hstack(
        rx.cond(
            note.unread,
            rx.box(
                width="8px",
                height="8px",
                border_radius="50%",
                background="var(--accent-9)",
                aria_label=t("Unread"),
            ),
        ),
        rx.text(note.title, weight="bold", size="2"),
        rx.spacer(),
        rx.text(note.when, size="1", color_scheme="gray"),
        align="center",
        width="100%",
    )


def _answer_buttons(note: NotificationItem) -> rx.Component:
    """Accept / Decline while the request waits; the answer once given."""
    return rx.cond(
        note.needs_answer,
        rx.hstack(
            rx.button(
                t("Accept"),
                size="2",
                loading=CardsState.answering_id == note.notification_id,
                disabled=CardsState.answering_id != 0,
                on_click=CardsState.answer(note.notification_id, True),
            ),
            rx.button(
                t("Decline"),
                size="2",
                variant="soft",
                color_scheme="gray",
                disabled=CardsState.answering_id != 0,
                on_click=CardsState.answer(note.notification_id, False),
            ),
            spacing="3",
        ),
        rx.cond(note.answer != "", rx.badge(note.answer, variant="soft")),
    )


def notification_item(note: NotificationItem) -> rx.Component:
    return rx.box(
        rx.vstack(
            _notification_heading(note),
            rx.text(note.message, size="2", overflow_wrap="anywhere"),
            rx.cond(
                note.detail != "",
                rx.text(note.detail, size="1", color_scheme="gray", overflow_wrap="anywhere"),
            ),
            _answer_buttons(note),
            rx.cond(
                note.unread & ~note.needs_answer,
                rx.button(
                    t("Mark as read"),
                    size="1",
                    variant="ghost",
                    on_click=CardsState.mark_read(note.notification_id),
                ),
            ),
            spacing="2",
            width="100%",
        ),
        data_testid="notification",
        padding="12px",
        border_radius="var(--radius-3)",
        background=rx.cond(note.unread, "var(--accent-a2)", "transparent"),
        border="1px solid var(--gray-a4)",
        width="100%",
    )
