"""The counter's actions on the customer shown, as the scanner and a customer's page
both show them: the program chooser, "Points", "Award points", "Deduct points", "Enroll".

`state` is the page's own state (a CounterActionsMixin on a BusinessState): the
buttons the user's permissions forbid are absent.
"""

import reflex as rx

from gudcity.components.i18n import t
from gudcity.components.layout import labelled_input
from gudcity.styles import LABEL_STYLE, NATIVE_SELECT_STYLE


def program_chooser(state) -> rx.Component:
    """Label "Program" on the chooser of the programs the page offers."""
    return rx.vstack(
        rx.el.label(t("Program"), html_for="program", style=LABEL_STYLE),
        rx.el.select(
            rx.foreach(state.programs, lambda p: rx.el.option(p.label, value=p.program_id)),
            id="program",
            value=state.program_id,
            on_change=state.choose_program,
            style=NATIVE_SELECT_STYLE,
        ),
        spacing="1",
        width="100%",
    )


def _points(state, enrolled) -> list[rx.Component]:
    return [
        rx.box(
            labelled_input(
                "Points",
                "points",
                type="number",
                min=1,
                # Uncontrolled: each keystroke reaches the state before a click does
                # (a controlled input is debounced: a quick click would use the old value).
                default_value="10",
                on_change=state.set_points_text,
            ),
            width="120px",
        ),
        rx.cond(
            state.can_award,
            rx.button(
                t("Award points"),
                on_click=state.award(state.action_key),
                disabled=~enrolled | state.busy,
            ),
        ),
        rx.cond(
            state.can_deduct,
            rx.button(
                t("Deduct points"),
                on_click=state.deduct(state.action_key),
                variant="soft",
                color_scheme="orange",
                disabled=~enrolled | state.busy,
            ),
        ),
    ]


def counter_buttons(state, *, enrolled, ready) -> rx.Component:
    """`enrolled`: the customer is in the chosen program; `ready`: a customer is shown."""
    return rx.flex(
        rx.cond(
            state.can_award | state.can_deduct,
            rx.flex(*_points(state, enrolled), align="end", wrap="wrap", spacing="3"),
        ),
        rx.cond(
            state.can_scan,
            rx.button(
                t("Enroll"),
                on_click=state.enroll(state.action_key),
                variant="outline",
                disabled=enrolled | state.busy | ~ready,
            ),
        ),
        align="end",
        wrap="wrap",
        spacing="3",
    )
