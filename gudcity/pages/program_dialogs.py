"""/business/programs: the pieces its forms share, and its dialogs (one each, for the
program or reward being changed: a form inside rx.foreach could not pass its item to
the submit handler)."""

import reflex as rx

from gudcity.components.confirm import confirm_dialog
from gudcity.components.i18n import t
from gudcity.i18n.catalogue import N_
from gudcity.state.programs import ARCHIVE, EDIT, REWARD_EDIT, ProgramsState
from gudcity.styles import LABEL_STYLE

COOLDOWN_LABEL = N_("Scan cooldown (minutes)")
COOLDOWN_HINT = N_("A card earns from a scan at most once in this time; 0 turns it off.")
ARCHIVE_WARNING = N_(
    "It leaves your programs, the scanner and the customer list, and takes no more scans "
    "or points. Customers keep their card, marked archived, with its balance and history. "
    "This cannot be undone."
)


def form_version() -> rx.Component:
    """Sent back with each form, so the state can ignore a second submit of it."""
    return rx.el.input(
        type="hidden", name="form_version", value=ProgramsState.form_version.to_string()
    )


def form_error(key) -> rx.Component:
    return rx.cond(
        ProgramsState.error_at == key,
        rx.callout(ProgramsState.error, icon="triangle-alert", color_scheme="red", role="alert"),
    )


def hint(text: str, field_id: str | None = None) -> rx.Component:
    """`text` is a msgid."""
    return rx.text(t(text), id=field_id, size="1", color_scheme="gray")


def field(label: str, name: str, field_id, *extra: rx.Component, **props) -> rx.Component:
    """A labelled input (`label`, a msgid) whose id can be a Var, for forms repeated once
    per program."""
    return rx.vstack(
        rx.el.label(t(label), html_for=field_id, style=LABEL_STYLE),
        rx.input(id=field_id, name=name, width="100%", **props),
        *extra,
        spacing="1",
        width="100%",
    )


def _dialog_buttons(key, **save_props) -> rx.Component:
    return rx.hstack(
        rx.dialog.close(rx.button(t("Cancel"), variant="soft", color_scheme="gray")),
        rx.button(
            t("Save"),
            loading=ProgramsState.busy == key,
            disabled=ProgramsState.saving,
            **save_props,
        ),
        justify="end",
        width="100%",
    )


def edit_dialog() -> rx.Component:
    key = EDIT + ProgramsState.editing_id.to_string()
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Edit {name}", name=ProgramsState.editing_name)),
            rx.form(
                form_version(),
                rx.vstack(
                    field(
                        N_("Program name"),
                        "name",
                        "edit-name",
                        default_value=ProgramsState.editing_name,
                    ),
                    field(
                        N_("Points per scan"),
                        "points_per_scan",
                        "edit-points",
                        rx.cond(ProgramsState.editing_stamps, hint(N_("Stamps per scan"))),
                        type="number",
                        min=1,
                        default_value=ProgramsState.editing_points,
                    ),
                    field(
                        COOLDOWN_LABEL,
                        "cooldown_minutes",
                        "edit-cooldown",
                        hint(COOLDOWN_HINT),
                        type="number",
                        min=0,
                        default_value=ProgramsState.editing_cooldown,
                    ),
                    form_error(key),
                    _dialog_buttons(key, type="submit"),
                    spacing="3",
                ),
                on_submit=ProgramsState.update_program,
            ),
        ),
        open=ProgramsState.editing_id != 0,
        on_open_change=ProgramsState.editor_open_changed,
    )


def reward_dialog() -> rx.Component:
    key = REWARD_EDIT + ProgramsState.editing_reward_id.to_string()
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Edit {name}", name=ProgramsState.editing_reward_name)),
            rx.form(
                form_version(),
                rx.vstack(
                    field(
                        N_("Reward name"),
                        "reward_name",
                        "edit-reward-name",
                        default_value=ProgramsState.editing_reward_name,
                    ),
                    field(
                        N_("Cost"),
                        "cost",
                        "edit-reward-cost",
                        type="number",
                        min=1,
                        default_value=ProgramsState.editing_reward_cost,
                    ),
                    form_error(key),
                    _dialog_buttons(key, type="submit"),
                    spacing="3",
                ),
                on_submit=ProgramsState.update_reward,
            ),
        ),
        open=ProgramsState.editing_reward_id != 0,
        on_open_change=ProgramsState.reward_editor_open_changed,
    )


def archive_dialog() -> rx.Component:
    key = ARCHIVE + ProgramsState.archiving_id.to_string()
    return confirm_dialog(
        t("Archive {name}?", name=ProgramsState.archiving_name),
        description=(t(ARCHIVE_WARNING),),
        error=form_error(key),
        open=ProgramsState.archiving_id != 0,
        on_open_change=ProgramsState.archive_open_changed,
        on_confirm=ProgramsState.archive_program(ProgramsState.archiving_id),
        loading=ProgramsState.busy == key,
        disabled=ProgramsState.saving,
    )
