"""/business/promotions: a business's promotions ("2x points on weekday mornings"),
promo codes and referrals, for the owner and staff who may manage programs."""

import reflex as rx

from gudcity import routes
from gudcity.components.business_notifications import business_notifications
from gudcity.components.business_referrals import referrals_section
from gudcity.components.confirm import confirm_button
from gudcity.components.i18n import t
from gudcity.components.layout import empty_state, page_frame
from gudcity.i18n.catalogue import N_
from gudcity.pages.promotion_forms import (
    create_code_form,
    create_promotion_form,
    edit_promotion_dialog,
)
from gudcity.state.promotion_lines import CodeLine, PromotionLine
from gudcity.state.promotions import END, WITHDRAW, PromotionsState
from gudcity.styles import LIST_ROW

ROUTE = routes.PROMOTIONS
TITLE = N_("Promotions · GudCity")
NO_ACCESS = N_("Your account may not manage programs here: ask the owner if you need to.")


def _promotion_actions(promotion: PromotionLine) -> rx.Component:
    return rx.hstack(
        rx.button(
            t("Edit"),
            size="2",
            variant="soft",
            disabled=PromotionsState.saving,
            on_click=PromotionsState.open_editor(promotion.promotion_id),
            aria_label=t("Edit") + " " + promotion.name,
        ),
        confirm_button(
            t("End"),
            title=t("End {name}?", name=promotion.name),
            description=t(
                "It stops at once and leaves this list. Bonuses it already gave stay on the cards."
            ),
            on_confirm=PromotionsState.end_promotion(promotion.promotion_id),
            loading=PromotionsState.busy == END + promotion.promotion_id.to_string(),
            disabled=PromotionsState.saving,
            size="2",
            variant="soft",
            color_scheme="red",
            aria_label=t("End") + " " + promotion.name,
        ),
        spacing="2",
    )


def _promotion_row(promotion: PromotionLine) -> rx.Component:
    return rx.card(
        rx.flex(
            rx.vstack(
                rx.hstack(
                    rx.heading(promotion.name, size="3", as_="h3", overflow_wrap="anywhere"),
                    rx.cond(
                        promotion.running,
                        rx.badge(t("Running now"), color_scheme="green"),
                        rx.badge(t("Not running now"), color_scheme="gray"),
                    ),
                    rx.cond(promotion.once_per_day, rx.badge(t("Once a day"), variant="outline")),
                    align="center",
                    wrap="wrap",
                ),
                rx.text(promotion.offer, " · ", promotion.program_name, size="2", weight="medium"),
                rx.text(
                    promotion.days,
                    " · ",
                    promotion.hours,
                    " · ",
                    promotion.dates,
                    size="2",
                    color_scheme="gray",
                ),
                spacing="1",
                min_width="0",
            ),
            rx.spacer(),
            _promotion_actions(promotion),
            direction={"initial": "column", "sm": "row"},
            spacing="3",
            width="100%",
        ),
        data_testid="promotion-row",
        width="100%",
    )


def _promotion_list() -> rx.Component:
    return rx.cond(
        PromotionsState.promotions.length() > 0,
        rx.vstack(rx.foreach(PromotionsState.promotions, _promotion_row), width="100%"),
        empty_state(
            "sparkles",
            N_("No promotions yet"),
            N_(
                "Create one, like 2x points on weekday mornings: customers see it on their "
                "cards while it runs."
            ),
        ),
    )


def _code_actions(code: CodeLine) -> rx.Component:
    return rx.hstack(
        rx.button(
            t("Show QR"),
            size="1",
            variant="soft",
            on_click=PromotionsState.show_qr(code.code_id),
        ),
        confirm_button(
            t("Withdraw"),
            title=t("Withdraw {code}?", code=code.code),
            description=t(
                "Customers can no longer use it. What it gave stays: bonuses on cards, "
                "rewards waiting at the counter."
            ),
            on_confirm=PromotionsState.withdraw_code(code.code_id),
            loading=PromotionsState.busy == WITHDRAW + code.code_id.to_string(),
            disabled=PromotionsState.saving,
            size="1",
            variant="soft",
            color_scheme="red",
        ),
        spacing="2",
    )


def _code_row(code: CodeLine) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.hstack(
                rx.code(code.code, size="4", data_testid="promo-code-value"),
                rx.badge(code.state, color_scheme=rx.cond(code.active, "green", "gray")),
                align="center",
                wrap="wrap",
            ),
            rx.text(
                rx.text.span(code.gives, data_testid="promo-code-gives"),
                " · ",
                code.program_name,
                " · ",
                code.uses,
                " · ",
                code.expiry,
                size="2",
                color_scheme="gray",
            ),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        rx.cond(code.active, _code_actions(code)),
        data_testid="promo-code-row",
        **LIST_ROW,
    )


def _codes_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("Promo codes"), size="4", as_="h2"),
            create_code_form(),
            rx.cond(
                PromotionsState.codes.length() > 0,
                rx.vstack(rx.foreach(PromotionsState.codes, _code_row), spacing="0", width="100%"),
                rx.text(
                    t(
                        "No codes yet: a code gives its bonus (or reward) to each customer who "
                        "enters it."
                    ),
                    size="2",
                    color_scheme="gray",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        id="promo-codes",
        width="100%",
    )


def _qr_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Promo code {code}", code=PromotionsState.qr_code)),
            rx.dialog.description(
                t("Customers type the code on their cards, or the counter scans this QR code."),
                size="2",
            ),
            rx.center(
                rx.image(src=PromotionsState.qr_src, alt=PromotionsState.qr_code, width="220px"),
                padding="12px",
            ),
            rx.dialog.close(rx.button(t("Done"))),
            max_width="360px",
        ),
        open=PromotionsState.qr_code != "",
        on_open_change=PromotionsState.qr_open_changed,
    )


def _content() -> rx.Component:
    return rx.cond(
        PromotionsState.loading,
        rx.vstack(rx.skeleton(height="160px"), rx.skeleton(height="160px"), width="100%"),
        rx.vstack(
            rx.cond(
                PromotionsState.programs.length() > 0,
                rx.vstack(
                    create_promotion_form(),
                    rx.box(_promotion_list(), id="promotions", width="100%"),
                    _codes_section(),
                    spacing="5",
                    width="100%",
                ),
                empty_state(
                    "gift",
                    N_("No active programs"),
                    N_("Create a program first: promotions and codes add to its points or stamps."),
                ),
            ),
            # Referrals stay to be seen while every program is paused.
            referrals_section(),
            spacing="5",
            width="100%",
        ),
    )


def promotions() -> rx.Component:
    return page_frame(
        rx.cond(
            PromotionsState.loading | PromotionsState.can_manage_programs,
            rx.vstack(_content(), edit_promotion_dialog(), _qr_dialog(), spacing="5", width="100%"),
            empty_state("lock", N_("No access"), NO_ACCESS),
        ),
        business_notifications(PromotionsState),
        title=N_("Promotions"),
    )
