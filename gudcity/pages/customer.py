"""/business/customers/<id>: one customer's balances, visits, actions and ledger history."""

import reflex as rx

from gudcity import routes
from gudcity.components.business_notifications import business_notifications
from gudcity.components.counter_actions import counter_buttons, program_chooser
from gudcity.components.i18n import t
from gudcity.components.layout import empty_state, page_frame
from gudcity.components.show_older import show_older_button
from gudcity.i18n.catalogue import N_
from gudcity.state.customer import BalanceLine, CustomerState, VisitLine
from gudcity.state.history_pages import HistoryLine
from gudcity.styles import MIRRORED_IN_RTL

ROUTE = routes.CUSTOMER
TITLE = N_("Customer · GudCity")


def _back() -> rx.Component:
    return rx.link(
        rx.hstack(
            rx.icon(tag="arrow-left", size=16, style=MIRRORED_IN_RTL),
            rx.text(t("All customers")),
            align="center",
        ),
        href=routes.CUSTOMERS,
        size="2",
    )


def _balance(line: BalanceLine) -> rx.Component:
    return rx.hstack(
        rx.text(line.program, size="2"),
        rx.text.strong(line.balance),
        justify="between",
        width="100%",
        data_testid="program-balance",
    )


def _visit(line: VisitLine) -> rx.Component:
    return rx.hstack(
        rx.text(line.kind, size="2"),
        rx.text(line.when, size="1", color_scheme="gray"),
        justify="between",
        width="100%",
        data_testid="visit",
    )


def _summary() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(CustomerState.customer_email, size="2", color_scheme="gray"),
            rx.text(t("GudCity number"), " ", rx.code(CustomerState.card_number), size="2"),
            rx.heading(t("Balances"), size="3", as_="h2"),
            rx.cond(
                CustomerState.balances.length() > 0,
                rx.vstack(rx.foreach(CustomerState.balances, _balance), width="100%"),
                rx.text(t("Not enrolled in a program."), size="2", color_scheme="gray"),
            ),
            rx.heading(
                t("Visits"),
                " ",
                rx.badge(CustomerState.visit_count, id="visit-count"),
                size="3",
                as_="h2",
            ),
            rx.vstack(rx.foreach(CustomerState.visits, _visit), spacing="1", width="100%"),
            spacing="3",
            width="100%",
        ),
        id="customer-summary",
        width="100%",
    )


def _program_chooser() -> rx.Component:
    return rx.vstack(
        program_chooser(CustomerState),
        rx.cond(
            CustomerState.chosen_status != "",
            rx.badge(CustomerState.chosen_status, id="program-status"),
        ),
        spacing="1",
        width="100%",
    )


def _actions() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("At the counter"), size="3", as_="h2"),
            _program_chooser(),
            counter_buttons(
                CustomerState,
                enrolled=CustomerState.chosen_enrolled,
                ready=CustomerState.customer_name != "",
            ),
            rx.cond(
                CustomerState.outcome != "",
                rx.callout(
                    CustomerState.outcome,
                    icon="circle-check",
                    color_scheme="green",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        id="customer-actions",
        aria_live="polite",
        width="100%",
    )


def _history_row(line: HistoryLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(line.when, white_space="nowrap"),
        rx.table.cell(line.kind),
        rx.table.cell(rx.text.strong(line.amount), white_space="nowrap"),
        rx.table.cell(line.by),
        rx.table.cell(line.program),
        data_testid="history-row",
    )


def _history_table() -> rx.Component:
    """Date, kind, amount first: a phone shows them without scrolling sideways."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    *(
                        rx.table.column_header_cell(t(name))
                        for name in (N_("Date"), N_("Kind"), N_("Amount"), N_("By"), N_("Program"))
                    )
                )
            ),
            rx.table.body(rx.foreach(CustomerState.history, _history_row)),
            variant="surface",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


def _history() -> rx.Component:
    return rx.vstack(
        rx.heading(t("History"), size="4", as_="h2"),
        rx.cond(
            CustomerState.history.length() > 0,
            rx.vstack(
                _history_table(),
                show_older_button(CustomerState),
                align="center",
                spacing="3",
                width="100%",
            ),
            empty_state("history", N_("No history yet"), N_("Points earned and spent show here.")),
        ),
        id="customer-history",
        spacing="3",
        width="100%",
    )


def _customer() -> rx.Component:
    return rx.cond(
        CustomerState.loading,
        rx.vstack(
            rx.skeleton(height="120px", width="100%"),
            rx.skeleton(height="240px", width="100%"),
            width="100%",
        ),
        rx.cond(
            CustomerState.error != "",
            rx.callout(
                CustomerState.error,
                icon="triangle-alert",
                color_scheme="red",
                role="alert",
                width="100%",
            ),
            rx.vstack(
                rx.grid(
                    _summary(),
                    _actions(),
                    columns={"initial": "1", "md": "2"},
                    spacing="4",
                    width="100%",
                ),
                _history(),
                spacing="5",
                width="100%",
            ),
        ),
    )


def customer() -> rx.Component:
    return page_frame(
        _back(),
        _customer(),
        business_notifications(CustomerState),
        title=rx.cond(
            CustomerState.customer_name != "", CustomerState.customer_name, t("Customer")
        ),
    )
