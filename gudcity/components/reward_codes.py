"""/cards' #reward-codes: each redeemed reward's code, its QR code and its state."""

import reflex as rx

from gudcity.components.code_badge import state_badge
from gudcity.components.confirm import confirm_button
from gudcity.components.i18n import t
from gudcity.components.local_time import local_time
from gudcity.state.cards import CardsState
from gudcity.state.reward_items import RewardCodeItem


def _qr(item: RewardCodeItem) -> rx.Component:
    return rx.image(
        src=item.qr_src,
        alt=t("QR code of reward code {code}", code=item.code),
        width="145px",
        height="145px",
        min_width="145px",
        style={"imageRendering": "pixelated", "background": "white"},
    )


def _waiting(item: RewardCodeItem) -> rx.Component:
    return rx.vstack(
        rx.text(
            t("Show it at the counter. Valid until {time}.", time=local_time(item.expires_at)),
            size="2",
        ),
        confirm_button(
            t("Cancel"),
            title=t("Cancel this reward?"),
            description=rx.cond(
                item.gift,
                t("Its code stops working. It was a gift: nothing goes back on your card."),
                t("Its code stops working, and what you spent goes back on your card."),
            ),
            on_confirm=CardsState.cancel_code(item.code_id),
            loading=CardsState.cancelling_id == item.code_id,
            disabled=CardsState.cancelling_id != 0,
            size="1",
            variant="soft",
            color_scheme="gray",
            aria_label=t("Cancel {reward}", reward=item.reward_name),
        ),
        spacing="2",
    )


def _reward_code(item: RewardCodeItem) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.cond(item.waiting, _qr(item)),
            rx.vstack(
                rx.hstack(
                    rx.text(item.reward_name, weight="bold", size="3"),
                    state_badge(item.state),
                    align="center",
                    wrap="wrap",
                ),
                rx.text(item.business_name, size="2", color_scheme="gray"),
                rx.code(item.code, size="6", data_testid="reward-code-value"),
                rx.cond(
                    item.waiting,
                    _waiting(item),
                    rx.text(item.ended, size="2", color_scheme="gray"),
                ),
                spacing="2",
            ),
            direction={"initial": "column", "xs": "row"},
            align={"initial": "start", "xs": "center"},
            spacing="4",
        ),
        data_testid="reward-code",
        width="100%",
    )


def reward_codes_section() -> rx.Component:
    return rx.vstack(
        rx.heading(t("Rewards to collect"), size="5", as_="h2"),
        rx.cond(
            CardsState.reward_codes.length() > 0,
            rx.vstack(rx.foreach(CardsState.reward_codes, _reward_code), spacing="3", width="100%"),
            rx.text(
                t(
                    "No rewards redeemed yet. Redeem one on a card, and its code to show "
                    "at the counter appears here."
                ),
                size="2",
                color_scheme="gray",
            ),
        ),
        id="reward-codes",
        aria_live="polite",
        spacing="3",
        width="100%",
    )
