"""A program's "Tiers" button and its dialog on /business/programs: the ladder (name,
threshold, multiplier, benefits per tier), what it counts and how a tier is lost."""

import reflex as rx

from gudcity.components.i18n import t
from gudcity.i18n.catalogue import N_
from gudcity.state.program_tiers import TierRow, TiersState
from gudcity.styles import LABEL_STYLE, NATIVE_SELECT_STYLE

REMOVE_HINT = N_("Leave a name empty to remove its tier. The first tier starts at 0.")
THRESHOLD_HINT = N_("Points earned (bonuses not counted) from which the tier applies.")
STAMPS_THRESHOLD_HINT = N_("Stamps earned (bonuses not counted) from which the tier applies.")


def _field(label: str, name: rx.Var, **props) -> rx.Component:
    """A labelled input of tier row (its id and name carry the row's index)."""
    return rx.vstack(
        rx.el.label(t(label), html_for=name, style=LABEL_STYLE),
        rx.input(id=name, name=name, width="100%", **props),
        spacing="1",
        width="100%",
        min_width="0",
    )


def _tier_row(row: TierRow) -> rx.Component:
    index = row.index.to_string()
    return rx.card(
        rx.vstack(
            _field(N_("Tier name"), "tier_name_" + index, default_value=row.name, max_length=40),
            rx.flex(
                _field(
                    N_("Threshold"),
                    "tier_threshold_" + index,
                    default_value=row.threshold,
                    type="number",
                    min=0,
                ),
                _field(
                    N_("Multiplier (%)"),
                    "tier_multiplier_" + index,
                    default_value=row.multiplier,
                    type="number",
                    min=100,
                    max=1000,
                ),
                direction="row",
                spacing="2",
                width="100%",
            ),
            rx.vstack(
                rx.el.label(
                    t("Benefits (one per line)"),
                    html_for="tier_benefits_" + index,
                    style=LABEL_STYLE,
                ),
                rx.text_area(
                    id="tier_benefits_" + index,
                    name="tier_benefits_" + index,
                    default_value=row.benefits,
                    rows="2",
                    width="100%",
                ),
                spacing="1",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
        data_testid="tier-row",
        width="100%",
    )


def _choice(label: str, name: str, default, options: list[tuple[str, str]]) -> rx.Component:
    return rx.vstack(
        rx.el.label(t(label), html_for=name, style=LABEL_STYLE),
        rx.el.select(
            *(rx.el.option(t(words), value=value) for value, words in options),
            id=name,
            name=name,
            default_value=default,
            style=NATIVE_SELECT_STYLE,
        ),
        spacing="1",
        width="100%",
    )


def _rules() -> rx.Component:
    return rx.vstack(
        rx.cond(
            TiersState.stamps,
            _choice(
                N_("Tiers count"),
                "tier_basis",
                TiersState.basis,
                [
                    ("LIFETIME", N_("Stamps earned ever")),
                    ("WINDOW", N_("Stamps earned in a window")),
                ],
            ),
            _choice(
                N_("Tiers count"),
                "tier_basis",
                TiersState.basis,
                [
                    ("LIFETIME", N_("Points earned ever")),
                    ("WINDOW", N_("Points earned in a window")),
                ],
            ),
        ),
        rx.vstack(
            rx.el.label(t("Window (days)"), html_for="tier_window_days", style=LABEL_STYLE),
            rx.input(
                id="tier_window_days",
                name="tier_window_days",
                type="number",
                min=7,
                default_value=TiersState.window_days,
                width="100%",
            ),
            spacing="1",
            width="100%",
        ),
        _choice(
            N_("A tier is lost"),
            "tier_downgrade",
            TiersState.downgrade,
            [
                ("WINDOW", N_("One step down at the end of a window without re-qualifying")),
                ("BALANCE", N_("When the balance falls below it")),
            ],
        ),
        spacing="3",
        width="100%",
    )


def _dialog() -> rx.Component:
    return rx.dialog.content(
        rx.dialog.title(t("Tiers")),
        rx.form(
            rx.vstack(
                rx.text(
                    rx.cond(TiersState.stamps, t(STAMPS_THRESHOLD_HINT), t(THRESHOLD_HINT)),
                    " ",
                    t(REMOVE_HINT),
                    size="2",
                    color_scheme="gray",
                ),
                rx.foreach(TiersState.rows, _tier_row),
                rx.button(
                    rx.icon("plus", size=16),
                    t("Add a tier"),
                    type="button",
                    variant="soft",
                    disabled=~TiersState.can_add,
                    on_click=TiersState.add_row,
                ),
                _rules(),
                rx.cond(
                    TiersState.error != "",
                    rx.callout(
                        TiersState.error, icon="triangle-alert", color_scheme="red", role="alert"
                    ),
                ),
                rx.hstack(
                    rx.dialog.close(rx.button(t("Cancel"), variant="soft", color_scheme="gray")),
                    rx.button(t("Save"), type="submit", loading=TiersState.busy),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
                width="100%",
            ),
            key=TiersState.version,
            on_submit=TiersState.save,
        ),
        max_width="560px",
    )


def tiers_action(program) -> rx.Component:
    """The program's "Tiers" button, and its dialog while it is open for this program."""
    return rx.fragment(
        rx.button(
            t("Tiers"),
            size="2",
            variant="soft",
            on_click=TiersState.open(program.program_id, program.stamps),
        ),
        rx.dialog.root(
            _dialog(),
            open=TiersState.program_id == program.program_id,
            on_open_change=TiersState.open_changed,
        ),
    )
