"""/business/activity: the owner's log of every staff action, newest first, arriving live."""

import reflex as rx

from gudcity import routes
from gudcity.components.business_notifications import business_notifications
from gudcity.components.i18n import t
from gudcity.components.layout import empty_state, labelled_input, page_frame
from gudcity.components.show_older import show_older_button
from gudcity.i18n.catalogue import N_
from gudcity.state.activity import EVERYONE, ActivityLine, ActivityState, StaffChoice
from gudcity.styles import LABEL_STYLE, NATIVE_SELECT_STYLE

ROUTE = routes.ACTIVITY
TITLE = N_("Activity · GudCity")


def _staff_option(choice: StaffChoice) -> rx.Component:
    return rx.el.option(choice.label, value=choice.value)


def _staff_filter() -> rx.Component:
    return rx.vstack(
        rx.el.label(t("Staff member"), html_for="staff-filter", style=LABEL_STYLE),
        rx.el.select(
            rx.foreach(ActivityState.staff_choices, _staff_option),
            id="staff-filter",
            value=ActivityState.staff_filter,
            on_change=ActivityState.set_staff_filter,
            style=NATIVE_SELECT_STYLE,
        ),
        spacing="1",
        width="100%",
    )


def _day_filter() -> rx.Component:
    return rx.hstack(
        rx.box(
            labelled_input(
                "Day",
                "activity-day",
                type="date",
                value=ActivityState.day,
                on_change=ActivityState.set_day,
            ),
            flex="1",
        ),
        rx.cond(
            ActivityState.day != "",
            rx.button(t("All days"), variant="soft", size="3", on_click=ActivityState.set_day("")),
        ),
        align="end",
        width="100%",
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.box(_staff_filter(), flex="1", min_width="200px"),
        rx.box(_day_filter(), flex="1", min_width="200px"),
        spacing="3",
        wrap="wrap",
        width="100%",
    )


def _row(line: ActivityLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(line.ago, size="2"),
                rx.text(line.when, size="1", color_scheme="gray"),
                spacing="0",
            ),
            white_space="nowrap",
        ),
        rx.table.row_header_cell(rx.text(line.staff, weight="medium")),
        rx.table.cell(line.what),
        rx.table.cell(
            rx.cond(
                line.customer_href != "",
                rx.link(line.customer, href=line.customer_href),
                rx.text(line.customer),
            )
        ),
        rx.table.cell(rx.text.strong(line.amount), white_space="nowrap"),
        rx.table.cell(line.program),
        data_testid="activity-row",
    )


def _table() -> rx.Component:
    """When and who first: a phone shows them without scrolling sideways."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *(
                        rx.table.column_header_cell(t(name))
                        for name in (
                            N_("When"),
                            N_("Staff member"),
                            N_("Action"),
                            N_("Customer"),
                            N_("Amount"),
                            N_("Program"),
                        )
                    )
                )
            ),
            rx.table.body(rx.foreach(ActivityState.rows, _row)),
            variant="surface",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


def _no_rows() -> rx.Component:
    return rx.cond(
        (ActivityState.staff_filter != EVERYONE) | (ActivityState.day != ""),
        empty_state("search-x", N_("Nothing matches"), N_("Try another staff member or day.")),
        empty_state("activity", N_("No activity yet"), N_("Scans, awards and requests show here.")),
    )


def _log() -> rx.Component:
    return rx.cond(
        ActivityState.loading,
        rx.vstack(*(rx.skeleton(height="44px", width="100%") for _ in range(5)), width="100%"),
        rx.cond(
            ActivityState.error != "",
            rx.callout(
                ActivityState.error,
                icon="triangle-alert",
                color_scheme="red",
                role="alert",
                width="100%",
            ),
            rx.cond(
                ActivityState.rows.length() > 0,
                rx.vstack(
                    _table(),
                    show_older_button(ActivityState),
                    align="center",
                    spacing="3",
                    width="100%",
                ),
                _no_rows(),
            ),
        ),
    )


def activity() -> rx.Component:
    return page_frame(
        _filters(),
        rx.box(_log(), id="activity", aria_live="polite", width="100%"),
        business_notifications(ActivityState),
        title=N_("Activity"),
    )
