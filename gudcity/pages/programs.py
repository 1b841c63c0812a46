"""/business/programs: create, edit, pause and archive programs; each with its rewards ladder."""

import reflex as rx

from gudcity import routes
from gudcity.components.business_notifications import business_notifications
from gudcity.components.i18n import t
from gudcity.components.layout import empty_state, labelled_input, page_frame
from gudcity.components.program_tiers import tiers_action
from gudcity.i18n.catalogue import N_
from gudcity.pages.program_bonuses import bonuses_button, bonuses_dialog
from gudcity.pages.program_dialogs import (
    COOLDOWN_HINT,
    COOLDOWN_LABEL,
    archive_dialog,
    edit_dialog,
    field,
    form_error,
    form_version,
    hint,
    reward_dialog,
)
from gudcity.pages.program_expiry import expiry_button, expiry_dialog, expiry_line
from gudcity.state.programs import (
    CREATE,
    DEFAULT_COOLDOWN_MINUTES,
    HIDE,
    PAUSE,
    REWARD_EDIT,
    REWARD_FORM,
    SHOW,
    ProgramLine,
    ProgramsState,
    RewardLine,
)
from gudcity.styles import LABEL_STYLE

ROUTE = routes.PROGRAMS
TITLE = N_("Programs · GudCity")


def _key(prefix: str, item_id: rx.Var) -> rx.Var:
    """The page's twin of the state's `f"{prefix}{id}"` keys, for an id inside a foreach."""
    return prefix + item_id.to_string()


def _kind_option(value: str, label: str) -> rx.Component:
    return rx.el.label(rx.hstack(rx.radio_group.item(value=value), rx.text(t(label)), spacing="2"))


def _kind_choice() -> rx.Component:
    return rx.vstack(
        rx.text(t("Type"), as_="div", id="program-kind-label", style=LABEL_STYLE),
        rx.radio_group.root(
            rx.hstack(
                _kind_option("POINTS", N_("Points")),
                _kind_option("STAMPS", N_("Stamps")),
                spacing="5",
            ),
            name="kind",
            default_value="POINTS",
            aria_labelledby="program-kind-label",
        ),
        spacing="2",
    )


def _numbers_row() -> rx.Component:
    """What a scan earns, and how often."""
    return rx.flex(
        rx.vstack(
            labelled_input(
                "Points per scan",
                "points_per_scan",
                type="number",
                min=1,
                default_value="10",
            ),
            hint(N_("For a stamps program: stamps per scan.")),
            spacing="1",
            width="100%",
        ),
        rx.vstack(
            labelled_input(
                COOLDOWN_LABEL,
                "cooldown_minutes",
                type="number",
                min=0,
                default_value=str(DEFAULT_COOLDOWN_MINUTES),
            ),
            hint(COOLDOWN_HINT),
            spacing="1",
            width="100%",
        ),
        direction={"initial": "column", "sm": "row"},
        spacing="3",
        width="100%",
    )


def _create_form() -> rx.Component:
    return rx.card(
        rx.form(
            form_version(),
            rx.vstack(
                rx.heading(t("New program"), size="4", as_="h2"),
                labelled_input("Program name", "program_name", required=True, max_length=120),
                _numbers_row(),
                _kind_choice(),
                rx.button(
                    t("Create program"),
                    type="submit",
                    size="3",
                    loading=ProgramsState.busy == CREATE,
                    disabled=ProgramsState.saving,
                ),
                form_error(CREATE),
                spacing="4",
                width="100%",
            ),
            key=ProgramsState.form_version,
            on_submit=ProgramsState.create_program,
        ),
        width="100%",
    )


def _reward_button(label: str, reward: RewardLine, key: rx.Var, on_click) -> rx.Component:
    """`label` is a msgid; the button's accessible name adds the reward's name."""
    return rx.button(
        t(label),
        size="1",
        variant="ghost",
        aria_label=t(label) + " " + reward.name,
        loading=ProgramsState.busy == key,
        disabled=ProgramsState.saving,
        on_click=on_click,
    )


def _reward_actions(reward: RewardLine) -> rx.Component:
    return rx.hstack(
        _reward_button(
            N_("Edit"),
            reward,
            _key(REWARD_EDIT, reward.reward_id),
            ProgramsState.open_reward_editor(reward.reward_id),
        ),
        rx.cond(
            reward.is_active,
            _reward_button(
                N_("Hide"),
                reward,
                _key(HIDE, reward.reward_id),
                ProgramsState.hide_reward(reward.reward_id),
            ),
            _reward_button(
                N_("Show"),
                reward,
                _key(SHOW, reward.reward_id),
                ProgramsState.show_reward(reward.reward_id),
            ),
        ),
        spacing="3",
    )


# Colours (not words): a hidden reward is greyed out.
ACTIVE_COLOUR, HIDDEN_COLOUR = "inherit", "var(--gray-11)"
NO_ACCESS = N_("Your account may not manage programs here: ask the owner if you need to.")


def _reward(reward: RewardLine) -> rx.Component:
    return rx.hstack(
        rx.text(
            reward.name, size="2", color=rx.cond(reward.is_active, ACTIVE_COLOUR, HIDDEN_COLOUR)
        ),
        rx.cond(~reward.is_active, rx.badge(t("Hidden"), color_scheme="gray", variant="outline")),
        rx.spacer(),
        rx.badge(reward.cost.to_string(), variant="soft"),
        rx.cond(ProgramsState.can_manage_programs, _reward_actions(reward)),
        align="center",
        wrap="wrap",
        width="100%",
        data_testid="reward",
    )


def _reward_form(program: ProgramLine) -> rx.Component:
    key = _key(REWARD_FORM, program.program_id)
    return rx.form(
        form_version(),
        rx.el.input(type="hidden", name="program_id", value=program.program_id.to_string()),
        rx.vstack(
            rx.flex(
                field(
                    N_("Reward name"),
                    "reward_name",
                    "reward-name-" + program.program_id.to_string(),
                ),
                field(
                    N_("Cost"),
                    "cost",
                    "reward-cost-" + program.program_id.to_string(),
                    type="number",
                    min=1,
                ),
                rx.button(
                    t("Add reward"),
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
            form_error(key),
            spacing="2",
            width="100%",
        ),
        key=ProgramsState.form_version,
        on_submit=ProgramsState.add_reward,
    )


def _ladder(program: ProgramLine) -> rx.Component:
    return rx.vstack(
        rx.text(t("Rewards"), size="2", weight="medium"),
        rx.cond(
            program.rewards.length() > 0,
            rx.vstack(rx.foreach(program.rewards, _reward), spacing="2", width="100%"),
            rx.text(
                t("No rewards yet: add one customers can save up for."),
                size="2",
                color_scheme="gray",
            ),
        ),
        rx.cond(ProgramsState.can_manage_programs, _reward_form(program)),
        spacing="2",
        width="100%",
    )


def _status_badge(program: ProgramLine) -> rx.Component:
    return rx.cond(
        program.is_active,
        rx.badge(t("Active"), color_scheme="green"),
        rx.badge(t("Paused"), color_scheme="orange"),
    )


def _program_actions(program: ProgramLine) -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.cond(program.is_active, t("Pause"), t("Resume")),
            size="2",
            variant="soft",
            loading=ProgramsState.busy == _key(PAUSE, program.program_id),
            disabled=ProgramsState.saving,
            on_click=ProgramsState.set_active(program.program_id, ~program.is_active),
        ),
        rx.button(
            t("Edit"),
            size="2",
            variant="soft",
            disabled=ProgramsState.saving,
            on_click=ProgramsState.open_editor(program.program_id),
        ),
        tiers_action(program),
        bonuses_button(program),
        expiry_button(program),
        rx.button(
            t("Archive"),
            size="2",
            variant="soft",
            color_scheme="red",
            disabled=ProgramsState.saving,
            on_click=ProgramsState.ask_archive(program.program_id),
        ),
        spacing="2",
        wrap="wrap",
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
                        program.per_scan,
                        " · ",
                        rx.cond(
                            program.cooldown_minutes > 0,
                            program.cooldown,
                            t("no cooldown"),
                        ),
                        size="2",
                        color_scheme="gray",
                    ),
                    expiry_line(program),
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
                N_("No programs yet"),
                N_("Create a program so scans earn your customers points or stamps."),
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
                edit_dialog(),
                reward_dialog(),
                archive_dialog(),
                bonuses_dialog(),
                expiry_dialog(),
                spacing="5",
                width="100%",
            ),
            empty_state("lock", N_("No access"), NO_ACCESS),
        ),
        business_notifications(ProgramsState),
        title=N_("Programs"),
    )
