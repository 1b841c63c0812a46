"""The Referrals section of /business/promotions: each program's counts, then the
latest referrals (who brought whom, when, and where each stands)."""

import reflex as rx

from gudcity.components.i18n import t
from gudcity.state.promotions import PromotionsState
from gudcity.state.referral_lines import ReferralCountsLine, ReferralLine
from gudcity.styles import LIST_ROW


def _counts_row(line: ReferralCountsLine) -> rx.Component:
    return rx.flex(
        rx.text(line.program_name, size="2", weight="medium", overflow_wrap="anywhere"),
        rx.text(line.counts, size="2", color_scheme="gray", overflow_wrap="anywhere"),
        direction={"initial": "column", "sm": "row"},
        spacing={"initial": "0", "sm": "3"},
        width="100%",
        data_testid="referral-counts",
    )


def _state_badge(line: ReferralLine) -> rx.Component:
    return rx.badge(
        line.state,
        color_scheme=line.tone,
        variant="soft",
        white_space="normal",
        data_testid="referral-state",
    )


def _referral_row(line: ReferralLine) -> rx.Component:
    return rx.flex(
        rx.vstack(
            rx.text(
                t("{friend}, invited by {referrer}", friend=line.friend, referrer=line.referrer),
                size="2",
                weight="medium",
                overflow_wrap="anywhere",
            ),
            rx.text(
                line.program_name,
                " · ",
                t("Joined {day}", day=line.joined_on),
                size="2",
                color_scheme="gray",
                overflow_wrap="anywhere",
            ),
            spacing="1",
            min_width="0",
        ),
        rx.spacer(),
        _state_badge(line),
        align={"initial": "start", "sm": "center"},
        data_testid="referral-row",
        **LIST_ROW,
    )


def referrals_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("Referrals"), size="4", as_="h2"),
            rx.cond(
                PromotionsState.referral_counts.length() > 0,
                rx.vstack(
                    rx.foreach(PromotionsState.referral_counts, _counts_row),
                    spacing="2",
                    width="100%",
                ),
            ),
            rx.cond(
                PromotionsState.referrals.length() > 0,
                rx.vstack(
                    rx.foreach(PromotionsState.referrals, _referral_row),
                    spacing="0",
                    width="100%",
                ),
                rx.text(
                    t(
                        "No referrals yet. Each card shows its referral link while a program "
                        "pays referrals."
                    ),
                    size="2",
                    color_scheme="gray",
                ),
            ),
            spacing="4",
            width="100%",
        ),
        id="business-referrals",
        width="100%",
    )
