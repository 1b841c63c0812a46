"""/business/promotions: the forms (a new promotion, its edit dialog, a new promo code)."""

import reflex as rx

from gudcity.components.i18n import t
from gudcity.i18n.catalogue import N_
from gudcity.state.promotion_lines import DayChoice
from gudcity.state.promotions import (
    BONUS,
    CREATE_CODE,
    CREATE_PROMOTION,
    EDIT_PROMOTION,
    REWARD,
    PromotionsState,
)
from gudcity.styles import LABEL_STYLE

AMOUNT_HINT = N_(
    "Multiplier: a percent of the points earned (200 is 2x). Bonus: points (or stamps) added "
    "to each award."
)
HOURS_HINT = N_("In your business's time zone (Settings); the end time is not included.")
SELECT_STYLE = {"width": "100%", "padding": "6px", "minHeight": "32px"}


def form_version() -> rx.Component:
    return rx.el.input(
        type="hidden", name="form_version", value=PromotionsState.form_version.to_string()
    )


def form_error(key) -> rx.Component:
    return rx.cond(
        PromotionsState.error_at == key,
        rx.callout(PromotionsState.error, icon="triangle-alert", color_scheme="red", role="alert"),
    )


def field(label: str, name: str, field_id: str, *extra: rx.Component, **props) -> rx.Component:
    """A real <label> tied to its input; `label` is a msgid."""
    return rx.vstack(
        rx.el.label(t(label), html_for=field_id, style=LABEL_STYLE),
        rx.input(id=field_id, name=name, width="100%", **props),
        *extra,
        spacing="1",
        width="100%",
    )


def hint(text: str) -> rx.Component:
    return rx.text(t(text), size="1", color_scheme="gray")


def row(*children: rx.Component) -> rx.Component:
    """Side by side from the sm breakpoint; one under the other on a phone."""
    return rx.flex(
        *children, direction={"initial": "column", "sm": "row"}, spacing="3", width="100%"
    )


def program_choice(field_id: str, **select_props) -> rx.Component:
    return rx.vstack(
        rx.el.label(t("Program"), html_for=field_id, style=LABEL_STYLE),
        rx.el.select(
            rx.foreach(
                PromotionsState.programs,
                lambda p: rx.el.option(p.label, value=p.program_id),
            ),
            id=field_id,
            name="program_id",
            style=SELECT_STYLE,
            **select_props,
        ),
        spacing="1",
        width="100%",
    )


def _kind_option(value: str, label: str) -> rx.Component:
    return rx.el.label(rx.hstack(rx.radio_group.item(value=value), rx.text(t(label)), spacing="2"))


def _kind_choice(label_id: str, default: str | rx.Var = "MULTIPLIER") -> rx.Component:
    return rx.vstack(
        rx.text(t("Kind"), as_="div", id=label_id, style=LABEL_STYLE),
        rx.radio_group.root(
            rx.hstack(
                _kind_option("MULTIPLIER", N_("Multiplier")),
                _kind_option("BONUS", N_("Bonus")),
                spacing="5",
            ),
            name="kind",
            default_value=default,
            aria_labelledby=label_id,
        ),
        spacing="2",
    )


def _day(choice: DayChoice) -> rx.Component:
    return rx.checkbox(choice.label, name=choice.name, default_checked=choice.checked, size="2")


def _days(choices, label_id: str) -> rx.Component:
    return rx.vstack(
        rx.text(t("Days"), as_="div", id=label_id, style=LABEL_STYLE),
        rx.flex(
            rx.foreach(choices, _day),
            wrap="wrap",
            spacing="3",
            role="group",
            aria_labelledby=label_id,
        ),
        spacing="2",
    )


def promotion_fields(prefix: str, values=None, days=PromotionsState.days) -> rx.Component:
    """Every field of a promotion; `values` (a PromotionLine var) fills them for an edit."""

    def start(name: str, fallback: str = ""):
        return getattr(values, name) if values is not None else fallback

    return rx.vstack(
        field(
            N_("Promotion name"),
            "promotion_name",
            f"{prefix}-name",
            max_length=120,
            default_value=start("name"),
        ),
        _kind_choice(f"{prefix}-kind-label", start("kind", "MULTIPLIER")),
        field(
            N_("Amount"),
            "value",
            f"{prefix}-value",
            hint(AMOUNT_HINT),
            type="number",
            min=1,
            default_value=start("value", "200") if values is None else values.value.to_string(),
        ),
        _days(days, f"{prefix}-days-label"),
        _times(prefix, start),
        rx.checkbox(
            t("Once per customer per day"),
            name="once_per_day",
            default_checked=start("once_per_day", False),
        ),
        spacing="3",
        width="100%",
    )


def _times(prefix: str, start) -> rx.Component:
    """The local hours and the first and last days; `start(name, fallback)` fills each."""
    return rx.vstack(
        row(
            field(
                N_("Start time"),
                "start_time",
                f"{prefix}-start",
                type="time",
                default_value=start("start_time", "09:00"),
            ),
            field(
                N_("End time"),
                "end_time",
                f"{prefix}-end",
                type="time",
                default_value=start("end_time", "11:00"),
            ),
        ),
        hint(HOURS_HINT),
        row(
            field(
                N_("First day"),
                "starts_on",
                f"{prefix}-starts-on",
                type="date",
                default_value=start("starts_on"),
            ),
            field(
                N_("Last day"),
                "ends_on",
                f"{prefix}-ends-on",
                type="date",
                default_value=start("ends_on"),
            ),
        ),
        spacing="3",
        width="100%",
    )


def create_promotion_form() -> rx.Component:
    return rx.card(
        rx.form(
            form_version(),
            rx.vstack(
                rx.heading(t("New promotion"), size="4", as_="h2"),
                program_choice("promotion-program"),
                promotion_fields("promotion"),
                rx.button(
                    t("Create promotion"),
                    type="submit",
                    size="3",
                    loading=PromotionsState.busy == CREATE_PROMOTION,
                    disabled=PromotionsState.saving,
                ),
                form_error(CREATE_PROMOTION),
                spacing="4",
                width="100%",
            ),
            key=PromotionsState.form_version,
            on_submit=PromotionsState.create_promotion,
        ),
        width="100%",
    )


def edit_promotion_dialog() -> rx.Component:
    editing = PromotionsState.editing
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Edit {name}", name=editing.name)),
            rx.form(
                form_version(),
                rx.vstack(
                    promotion_fields("edit", editing, PromotionsState.editing_days),
                    form_error(EDIT_PROMOTION),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(t("Cancel"), variant="soft", color_scheme="gray")
                        ),
                        rx.button(
                            t("Save"),
                            type="submit",
                            loading=PromotionsState.busy == EDIT_PROMOTION,
                            disabled=PromotionsState.saving,
                        ),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                key=editing.promotion_id,
                on_submit=PromotionsState.update_promotion,
            ),
            max_width="520px",
        ),
        open=editing.promotion_id != 0,
        on_open_change=PromotionsState.editor_open_changed,
    )


def _code_gives() -> rx.Component:
    """Bonus or Reward: which of the two fields the form shows (and sends)."""
    return rx.vstack(
        rx.el.label(t("The code gives"), html_for="code-gives", style=LABEL_STYLE),
        rx.el.select(
            rx.el.option(t("Bonus"), value=BONUS),
            rx.el.option(t("Reward"), value=REWARD),
            id="code-gives",
            name="code_gives",
            value=PromotionsState.code_gives,
            on_change=PromotionsState.choose_code_gives,
            style=SELECT_STYLE,
            data_testid="code-gives",
        ),
        spacing="1",
        width="100%",
    )


def _code_reward() -> rx.Component:
    return rx.vstack(
        rx.el.label(t("Reward"), html_for="code-reward", style=LABEL_STYLE),
        rx.cond(
            PromotionsState.code_rewards.length() > 0,
            rx.el.select(
                rx.foreach(
                    PromotionsState.code_rewards,
                    lambda r: rx.el.option(r.label, value=r.reward_id),
                ),
                id="code-reward",
                name="reward_id",
                style=SELECT_STYLE,
            ),
            hint(N_("This program has no rewards on offer: add one on the Programs page.")),
        ),
        spacing="1",
        width="100%",
    )


def _code_grant() -> rx.Component:
    return rx.cond(
        PromotionsState.code_gives == REWARD,
        _code_reward(),
        field(N_("Bonus"), "points", "code-points", type="number", min=1, default_value="10"),
    )


def create_code_form() -> rx.Component:
    return rx.form(
        form_version(),
        rx.vstack(
            rx.heading(t("New promo code"), size="3", as_="h3"),
            row(
                program_choice(
                    "code-program",
                    value=PromotionsState.code_program_id,
                    on_change=PromotionsState.choose_code_program,
                ),
                _code_gives(),
            ),
            row(
                _code_grant(),
                field(
                    N_("Usage limit"),
                    "usage_limit",
                    "code-limit",
                    hint(N_("How many customers may use it; empty: no limit.")),
                    type="number",
                    min=1,
                ),
                field(
                    N_("Valid until"),
                    "expires_on",
                    "code-expires",
                    hint(N_("The last day it works; empty: it never expires.")),
                    type="date",
                ),
            ),
            hint(N_("Each customer can use a code once. Codes have no 0, O, 1 or I.")),
            rx.button(
                t("Create code"),
                type="submit",
                size="3",
                loading=PromotionsState.busy == CREATE_CODE,
                disabled=PromotionsState.saving,
            ),
            form_error(CREATE_CODE),
            spacing="3",
            width="100%",
        ),
        key=PromotionsState.form_version,
        on_submit=PromotionsState.create_code,
    )
