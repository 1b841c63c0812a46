"""/business/customers: who is enrolled, with each program's balance; searchable, paged."""

import reflex as rx

from gudcity import routes
from gudcity.components.business_notifications import business_notifications
from gudcity.components.exports import export_buttons
from gudcity.components.i18n import t
from gudcity.components.layout import empty_state, labelled_input, page_frame
from gudcity.i18n.catalogue import N_
from gudcity.state.business import ProgramChoice
from gudcity.state.customers import ALL_PROGRAMS, CustomerLine, CustomersState
from gudcity.styles import LABEL_STYLE, MIRRORED_IN_RTL

ROUTE = routes.CUSTOMERS
TITLE = N_("Customers · GudCity")


def _search_box() -> rx.Component:
    return labelled_input(
        "Search customers",
        "customer-search",
        type="search",
        placeholder=t("Name, email or card number"),
        value=CustomersState.search,
        on_change=CustomersState.set_search,
        debounce_timeout=300,
    )


def _program_choice(choice: ProgramChoice) -> rx.Component:
    return rx.select.item(choice.label, value=choice.program_id)


def _program_filter() -> rx.Component:
    return rx.vstack(
        rx.el.label(t("Program"), html_for="program-filter", style=LABEL_STYLE),
        rx.select.root(
            rx.select.trigger(id="program-filter", width="100%"),
            rx.select.content(rx.foreach(CustomersState.program_choices, _program_choice)),
            value=CustomersState.program_filter,
            on_change=CustomersState.set_program_filter,
            size="3",
        ),
        spacing="1",
        width="100%",
    )


def _filters() -> rx.Component:
    return rx.flex(
        rx.box(_search_box(), flex="2", min_width="220px"),
        rx.box(_program_filter(), flex="1", min_width="180px"),
        spacing="3",
        wrap="wrap",
        width="100%",
    )


def _total() -> rx.Component:
    return rx.text(
        rx.text.strong(CustomersState.total_customers, id="customer-total"),
        " ",
        CustomersState.total_words,
        size="2",
        color_scheme="gray",
    )


def _balance(balance: str) -> rx.Component:
    return rx.text(balance, data_testid="customer-balance", size="2")


# Below the sm breakpoint (48em) the table's rows become one card per customer: the same
# elements (the same test ids), laid out as blocks, so nothing scrolls sideways.
_ON_PHONE_BLOCK = rx.breakpoints(initial="block", sm="table-cell")


def _cell(*children, label: str, **props) -> rx.Component:
    """A cell; on a phone a line of the customer's card, led by its column's name (a msgid)."""
    return rx.table.cell(
        rx.text(
            t(label),
            size="1",
            color_scheme="gray",
            display=rx.breakpoints(initial="block", sm="none"),
        ),
        *children,
        display=_ON_PHONE_BLOCK,
        padding=rx.breakpoints(initial="4px 12px", sm="var(--table-cell-padding)"),
        box_shadow=rx.breakpoints(initial="none", sm="inset 0 -1px var(--gray-a5)"),
        **props,
    )


def _customer_row(line: CustomerLine) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.vstack(
                rx.link(line.name, href=line.href, weight="medium", overflow_wrap="anywhere"),
                rx.text(line.email, size="1", color_scheme="gray", overflow_wrap="anywhere"),
                spacing="0",
            ),
            display=_ON_PHONE_BLOCK,
            padding=rx.breakpoints(initial="12px 12px 4px", sm="var(--table-cell-padding)"),
            box_shadow=rx.breakpoints(initial="none", sm="inset 0 -1px var(--gray-a5)"),
        ),
        _cell(rx.vstack(rx.foreach(line.balances, _balance), spacing="1"), label=N_("Balance")),
        _cell(rx.cond(line.tier != "", rx.badge(line.tier, variant="outline")), label=N_("Tier")),
        _cell(line.last_visit, label=N_("Last visit"), white_space="nowrap"),
        data_testid="customer-row",
        align="center",
        display=rx.breakpoints(initial="block", sm="table-row"),
        border=rx.breakpoints(initial="1px solid var(--gray-a5)", sm="none"),
        border_radius=rx.breakpoints(initial="var(--radius-3)", sm="0"),
        margin_bottom=rx.breakpoints(initial="12px", sm="0"),
        padding_bottom=rx.breakpoints(initial="8px", sm="0"),
    )


def _customer_table() -> rx.Component:
    """A table on a desktop; on a phone one card per customer (no sideways scroll)."""
    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t("Customer")),
                    rx.table.column_header_cell(t("Balance")),
                    rx.table.column_header_cell(t("Tier")),
                    rx.table.column_header_cell(t("Last visit")),
                ),
                display=rx.breakpoints(initial="none", sm="table-header-group"),
            ),
            rx.table.body(
                rx.foreach(CustomersState.rows, _customer_row),
                display=rx.breakpoints(initial="block", sm="table-row-group"),
            ),
            variant="surface",
            width="100%",
        ),
        width="100%",
        id="customer-list",
    )


def _skeletons() -> rx.Component:
    return rx.vstack(*(rx.skeleton(height="44px", width="100%") for _ in range(5)), width="100%")


def _no_rows() -> rx.Component:
    return rx.cond(
        (CustomersState.search != "") | (CustomersState.program_filter != ALL_PROGRAMS),
        empty_state(
            "search-x", N_("No customers match"), N_("Try another name, email or program.")
        ),
        empty_state(
            "users", N_("No customers yet"), N_("Scan a customer's QR code to invite them.")
        ),
    )


def _pager() -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.icon(tag="chevron-left", size=16, style=MIRRORED_IN_RTL),
            t("Previous"),
            variant="soft",
            disabled=~CustomersState.has_previous,
            on_click=CustomersState.previous_page,
        ),
        rx.button(
            t("Next"),
            rx.icon(tag="chevron-right", size=16, style=MIRRORED_IN_RTL),
            variant="soft",
            disabled=~CustomersState.has_next,
            on_click=CustomersState.next_page,
        ),
        justify="end",
        width="100%",
    )


def _customer_list() -> rx.Component:
    return rx.cond(
        CustomersState.loading,
        _skeletons(),
        rx.cond(
            CustomersState.error != "",
            rx.callout(CustomersState.error, icon="triangle-alert", color_scheme="red"),
            rx.cond(
                CustomersState.rows.length() > 0,
                rx.vstack(_customer_table(), _pager(), spacing="3", width="100%"),
                _no_rows(),
            ),
        ),
    )


def customers() -> rx.Component:
    return page_frame(
        _total(),
        rx.cond(CustomersState.can_view_reports, export_buttons()),
        _filters(),
        rx.box(_customer_list(), id="customers", aria_live="polite", width="100%"),
        business_notifications(CustomersState),
        title=N_("Customers"),
    )
