"""/business/programs: a program's expiry setting (its line in the row, its dialog)."""

import reflex as rx

from gudcity.components.i18n import t
from gudcity.i18n.catalogue import N_
from gudcity.pages.program_dialogs import field, form_error, form_version, hint
from gudcity.state.program_expiry import EXPIRY
from gudcity.state.programs import ProgramLine, ProgramsState
from gudcity.styles import LABEL_STYLE, NATIVE_SELECT_STYLE

# The one sentence the setting owes the owner (and their customers).
NEVER_TAKES_HELD = N_(
    "A change never takes points already held: points earned before expiry is switched on "
    "never expire, and a new rule never brings a deadline closer."
)
DAYS_HINT = N_("From 1 to 3650 days. Customers are told before their points expire.")
_MODES = (
    ("NONE", N_("Never")),
    ("AFTER_EARNED", N_("Days after they are earned")),
    ("AFTER_INACTIVITY", N_("Days without a visit")),
)


def expiry_line(program: ProgramLine) -> rx.Component:
    """The program's rule in words, in its row."""
    return rx.hstack(
        rx.icon("hourglass", size=14, color="var(--gray-10)", flex_shrink="0"),
        rx.text(program.expiry, size="2", color_scheme="gray"),
        spacing="2",
        align="center",
        data_testid="program-expiry",
    )


def expiry_button(program: ProgramLine) -> rx.Component:
    return rx.button(
        t("Expiry"),
        size="2",
        variant="soft",
        disabled=ProgramsState.saving,
        aria_label=t("Expiry") + " " + program.name,
        on_click=ProgramsState.open_expiry(program.program_id),
    )


def _mode_field() -> rx.Component:
    return rx.vstack(
        rx.el.label(t("Points expire"), html_for="expiry-mode", style=LABEL_STYLE),
        rx.el.select(
            *(rx.el.option(t(label), value=value) for value, label in _MODES),
            id="expiry-mode",
            name="expiry_mode",
            default_value=ProgramsState.expiry_mode,
            style=NATIVE_SELECT_STYLE,
        ),
        spacing="1",
        width="100%",
    )


def expiry_dialog() -> rx.Component:
    key = EXPIRY + ProgramsState.expiry_program_id.to_string()
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Expiry for {name}", name=ProgramsState.expiry_program_name)),
            rx.dialog.description(t(NEVER_TAKES_HELD), size="2"),
            rx.form(
                form_version(),
                rx.vstack(
                    _mode_field(),
                    field(
                        N_("Days"),
                        "expiry_days",
                        "expiry-days",
                        hint(DAYS_HINT),
                        type="number",
                        min=1,
                        max=3650,
                        default_value=ProgramsState.expiry_days,
                    ),
                    form_error(key),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(t("Cancel"), variant="soft", color_scheme="gray")
                        ),
                        rx.button(
                            t("Save"),
                            type="submit",
                            loading=ProgramsState.busy == key,
                            disabled=ProgramsState.saving,
                        ),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                    margin_top="12px",
                ),
                on_submit=ProgramsState.save_expiry,
            ),
        ),
        open=ProgramsState.expiry_program_id != 0,
        on_open_change=ProgramsState.expiry_open_changed,
    )
