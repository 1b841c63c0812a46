"""/business/programs: create, edit and pause programs; each with its rewards ladder."""

import reflex as rx

from gudcity import routes
from gudcity.components.business_notifications import business_notifications
from gudcity.components.layout import empty_state, labelled_input, page_frame
from gudcity.state.programs import (
    CREATE,
    EDIT,
    HIDE,
    PAUSE,
    REWARD_FORM,
    ProgramLine,
    ProgramsState,
    RewardLine,
)
from gudcity.styles import LABEL_STYLE

ROUTE = routes.PROGRAMS
TITLE = "Programs · GudCity"


def _key(prefix: str, item_id: rx.Var) -> rx.Var:
    """The page's twin of the state's `f"{prefix}{id}"` keys, for an id inside a foreach."""
    return prefix + item_id.to_string()


def _form_version() -> rx.Component:
    """Sent back with each form, so the state can ignore a second submit of it."""
    return rx.el.input(
        type="hidden", name="form_version", value=ProgramsState.form_version.to_string()
    )


def _form_error(key) -> rx.Component:
    return rx.cond(
        ProgramsState.error_at == key,
        rx.callout(ProgramsState.error, icon="triangle-alert", color_scheme="red", role="alert"),
    )


def _field(label: str, name: str, field_id, **props) -> rx.Component:
    """A labelled input whose id can be a Var, for forms repeated once per program."""
    return rx.vstack(
        rx.el.label(label, html_for=field_id, style=LABEL_STYLE),
        rx.input(id=field_id, name=name, width="100%", **props),
        spacing="1",
        width="100%",
    )


def _kind_option(value: str, label: str) -> rx.Component:
    return rx.el.label(rx.hstack(rx.radio_group.item(value=value), rx.text(label), spacing="2"))


def _kind_choice() -> rx.Component:
    return rx.vstack(
        rx.text("Type", as_="div", id="program-kind-label", style=LABEL_STYLE),
        rx.radio_group.root(
            rx.hstack(
                _kind_option("POINTS", "Points"), _kind_option("STAMPS", "Stamps"), spacing="5"
            ),
            name="kind",
            default_value="POINTS",
            aria_labelledby="program-kind-label",
        ),
        spacing="2",
    )


def _create_form() -> rx.Component:
    return rx.card(
        rx.form(
            _form_version(),
            rx.vstack(
                rx.heading("New program", size="4", as_="h2"),
                labelled_input("Program name", "program_name", required=True, max_length=120),
                rx.flex(
                    labelled_input(
                        "Points per scan", "points_per_scan", type="number", default_value="10"
                    ),
                    labelled_input("Cooldown (minutes)", "cooldown_minutes", type="number", min=0),
                    direction={"initial": "column", "sm": "row"},
                    spacing="3",
                    width="100%",
                ),
                _kind_choice(),
                rx.button(
                    "Create program",
                    type="submit",
                    size="3",
                    loading=ProgramsState.busy == CREATE,
                    disabled=ProgramsState.saving,
                ),
                _form_error(CREATE),
                spacing="4",
                width="100%",
            ),
            key=ProgramsState.form_version,
            on_submit=ProgramsState.create_program,
        ),
        width="100%",
    )


def _edit_dialog() -> rx.Component:
    """One dialog for the program being edited (a form inside rx.foreach could not
    pass its program to the submit handler)."""
    key = EDIT + ProgramsState.editing_id.to_string()
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Edit ", ProgramsState.editing_name),
            rx.form(
                _form_version(),
                rx.vstack(
                    _field(
                        "Program name",
                        "name",
                        "edit-name",
                        default_value=ProgramsState.editing_name,
                    ),
                    _field(
                        "Points per scan",
                        "points_per_scan",
                        "edit-points",
                        type="number",
                        default_value=ProgramsState.editing_points,
                    ),
                    _form_error(key),
                    rx.hstack(
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                        rx.button(
                            "Save",
                            type="submit",
                            loading=ProgramsState.busy == key,
                            disabled=ProgramsState.saving,
                        ),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=ProgramsState.update_program,
            ),
        ),
        open=ProgramsState.editing_id != 0,
        on_open_change=ProgramsState.editor_open_changed,
    )


NO_ACCESS = "Your account may not manage programs here: ask the owner if you need to."


def _reward(reward: RewardLine) -> rx.Component:
    return rx.hstack(
        rx.text(reward.name, size="2"),
        rx.spacer(),
        rx.badge(reward.cost.to_string(), variant="soft"),
        rx.cond(
            ProgramsState.can_manage_programs,
            rx.button(
                "Hide",
                size="1",
                variant="ghost",
                color_scheme="gray",
                aria_label="Hide " + reward.name,
                loading=ProgramsState.busy == _key(HIDE, reward.reward_id),
                disabled=ProgramsState.saving,
                on_click=ProgramsState.hide_reward(reward.reward_id),
            ),
        ),
        align="center",
        width="100%",
        data_testid="reward",
    )


def _reward_form(program: ProgramLine) -> rx.Component:
    key = _key(REWARD_FORM, program.program_id)
    return rx.form(
        _form_version(),
        rx.el.input(type="hidden", name="program_id", value=program.program_id.to_string()),
        rx.vstack(
            rx.flex(
                _field(
                    "Reward name", "reward_name", "reward-name-" + program.program_id.to_string()
                ),
                _field(
                    "Cost",
                    "cost",
                    "reward-cost-" + program.program_id.to_string(),
                    type="number",
                    min=1,
                ),
                rx.button(
                    "Add reward",
                    type="submit",
                    loading=ProgramsState.busy == key,
                    disabled=ProgramsState.saving,
                    flex_shrink="0",
                ),
                direction={"initial": "column", "sm": "row"},
                align={"initial": "stretch", "sm": "end"},
                spacing="2",
                width="100%",
            ),
            _form_error(key),
            spacing="2",
            width="100%",
        ),
        key=ProgramsState.form_version,
        on_submit=ProgramsState.add_reward,
    )


def _ladder(program: ProgramLine) -> rx.Component:
    return rx.vstack(
        rx.text("Rewards", size="2", weight="medium"),
        rx.cond(
            program.rewards.length() > 0,
            rx.vstack(rx.foreach(program.rewards, _reward), spacing="2", width="100%"),
            rx.text(
                "No rewards yet: add one customers can save up for.", size="2", color_scheme="gray"
            ),
        ),
        rx.cond(ProgramsState.can_manage_programs, _reward_form(program)),
        spacing="2",
        width="100%",
    )


def _status_badge(program: ProgramLine) -> rx.Component:
    return rx.cond(
        program.is_active,
        rx.badge("Active", color_scheme="green"),
        rx.badge("Paused", color_scheme="orange"),
    )


def _program_actions(program: ProgramLine) -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.cond(program.is_active, "Pause", "Resume"),
            size="2",
            variant="soft",
            loading=ProgramsState.busy == _key(PAUSE, program.program_id),
            disabled=ProgramsState.saving,
            on_click=ProgramsState.set_active(program.program_id, ~program.is_active),
        ),
        rx.button(
            "Edit",
            size="2",
            variant="soft",
            disabled=ProgramsState.saving,
            on_click=ProgramsState.open_editor(program.program_id),
        ),
        spacing="2",
    )


def _program_row(program: ProgramLine) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.flex(
                rx.vstack(
                    rx.hstack(
                        rx.heading(program.name, size="4", as_="h3"),
                        _status_badge(program),
                        align="center",
                        wrap="wrap",
                    ),
                    rx.text(
                        program.kind,
                        " · ",
                        program.points_per_scan,
                        " per scan",
                        rx.cond(
                            program.cooldown_minutes > 0,
                            rx.text.span(" · once every ", program.cooldown_minutes, " min"),
                        ),
                        size="2",
                        color_scheme="gray",
                    ),
                    spacing="1",
                ),
                rx.spacer(),
                rx.cond(ProgramsState.can_manage_programs, _program_actions(program)),
                direction={"initial": "column", "sm": "row"},
                spacing="3",
                width="100%",
            ),
            rx.separator(size="4"),
            _ladder(program),
            spacing="3",
            width="100%",
        ),
        data_testid="program-row",
        width="100%",
    )


def _program_list() -> rx.Component:
    return rx.cond(
        ProgramsState.loading,
        rx.vstack(rx.skeleton(height="160px"), rx.skeleton(height="160px"), width="100%"),
        rx.cond(
            ProgramsState.programs.length() > 0,
            rx.vstack(rx.foreach(ProgramsState.programs, _program_row), spacing="4", width="100%"),
            empty_state(
                "gift",
                "No programs yet",
                "Create a program so scans earn your customers points or stamps.",
            ),
        ),
    )


def programs() -> rx.Component:
    return page_frame(
        rx.cond(
            ProgramsState.loading | ProgramsState.can_manage_programs,
            rx.vstack(
                rx.cond(ProgramsState.can_manage_programs, _create_form()),
                rx.box(_program_list(), id="programs", width="100%"),
                _edit_dialog(),
                spacing="5",
                width="100%",
            ),
            empty_state("lock", "No access", NO_ACCESS),
        ),
        business_notifications(ProgramsState),
        title="Programs",
    )
