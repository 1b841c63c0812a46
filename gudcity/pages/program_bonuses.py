"""/business/programs: a program's bonuses (welcome, birthday, referrals), in a dialog
of its own opened from the program's row."""

import reflex as rx

from gudcity.components.i18n import t
from gudcity.domain.birthdays import MAX_WINDOW_DAYS
from gudcity.i18n.catalogue import N_
from gudcity.pages.program_dialogs import field, form_error, form_version, hint
from gudcity.state.program_bonuses import BONUSES, ProgramBonusesState
from gudcity.state.programs import ProgramLine, ProgramsState


def bonuses_button(program: ProgramLine) -> rx.Component:
    return rx.button(
        t("Bonuses"),
        size="2",
        variant="soft",
        aria_label=t("Bonuses of {program}", program=program.name),
        disabled=ProgramsState.saving,
        on_click=ProgramBonusesState.open_bonuses(program.program_id),
    )


def _amount(label: str, name: str, help_text: str, **props) -> rx.Component:
    """A number field (`label`, `help_text`: msgids) starting with the program's value."""
    return field(
        label,
        name,
        f"bonuses-{name}",
        hint(help_text, f"bonuses-{name}-hint"),
        type="number",
        min=0,
        default_value=ProgramBonusesState.bonus_values[name],
        **props,
    )


def _group(title: str, *fields: rx.Component) -> rx.Component:
    return rx.vstack(
        rx.text(t(title), size="2", weight="bold"),
        rx.flex(
            *fields,
            direction={"initial": "column", "sm": "row"},
            spacing="3",
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def _fields() -> rx.Component:
    return rx.vstack(
        rx.cond(
            ProgramBonusesState.bonuses_stamps,
            hint(N_("Amounts are in stamps; 0 gives nothing.")),
            hint(N_("Amounts are in points; 0 gives nothing.")),
        ),
        _amount(
            N_("Welcome bonus"), "welcome_bonus", N_("Given once, when a customer first joins.")
        ),
        _group(
            N_("Birthday"),
            _amount(
                N_("Birthday reward"),
                "birthday_bonus",
                N_("Once a year, to customers who gave their birthday."),
            ),
            _amount(
                N_("Days after the birthday"),
                "birthday_window_days",
                N_("0: on the day only. More: still given that many days after it."),
                max=MAX_WINDOW_DAYS,
            ),
        ),
        _group(
            N_("Referrals"),
            _amount(
                N_("Reward for the referrer"),
                "referrer_bonus",
                N_("Paid on the friend's first visit, never on sign-up."),
            ),
            _amount(
                N_("Reward for the friend"),
                "friend_bonus",
                N_("Paid on their first visit."),
            ),
            _amount(
                N_("Paid referrals per customer"),
                "referral_limit",
                N_("0: no limit."),
            ),
        ),
        spacing="4",
        width="100%",
    )


def bonuses_dialog() -> rx.Component:
    key = BONUSES + ProgramBonusesState.bonuses_id.to_string()
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(t("Bonuses of {program}", program=ProgramBonusesState.bonuses_name)),
            rx.form(
                form_version(),
                rx.vstack(
                    _fields(),
                    form_error(key),
                    rx.hstack(
                        rx.dialog.close(
                            rx.button(
                                t("Cancel"), type="button", variant="soft", color_scheme="gray"
                            )
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
                    spacing="4",
                ),
                key=ProgramBonusesState.bonuses_id,
                on_submit=ProgramBonusesState.save_bonuses,
            ),
            max_width="560px",
            data_testid="program-bonuses",
        ),
        open=ProgramBonusesState.bonuses_id != 0,
        on_open_change=ProgramBonusesState.bonuses_open_changed,
    )
