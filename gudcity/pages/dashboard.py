"""/business/dashboard: the owner's figures for a period, charts with their tables, live."""

import reflex as rx

from gudcity import routes
from gudcity.components.business_notifications import business_notifications
from gudcity.components.dashboard_charts import (
    FIRST,
    SECOND,
    chart_card,
    day_chart,
    figure_table,
    name_chart,
)
from gudcity.components.dashboard_kpis import kpi_grid
from gudcity.components.exports import export_buttons
from gudcity.components.i18n import t
from gudcity.components.layout import alert, empty_state, labelled_input, page_frame
from gudcity.i18n.catalogue import N_
from gudcity.state.dashboard import CUSTOM, DashboardState, PeriodChoice
from gudcity.state.dashboard_view import CustomerFigure, LapsedLine
from gudcity.styles import LABEL_STYLE, NATIVE_SELECT_STYLE

ROUTE = routes.DASHBOARD
TITLE = N_("Dashboard · GudCity")
S = DashboardState


def _period_option(choice: PeriodChoice) -> rx.Component:
    return rx.el.option(choice.label, value=choice.value)


def _period_chooser() -> rx.Component:
    return rx.vstack(
        rx.el.label(t("Period"), html_for="period", style=LABEL_STYLE),
        rx.el.select(
            rx.foreach(S.period_options, _period_option),
            id="period",
            value=S.period_choice,
            on_change=S.set_period,
            style=NATIVE_SELECT_STYLE,
        ),
        spacing="1",
        width="100%",
        max_width="220px",
    )


def _range_form() -> rx.Component:
    """ "From" / "To" (inclusive days), applied by "Show"; a refusal stays on the page."""
    return rx.form(
        rx.flex(
            rx.box(
                labelled_input(
                    N_("From"), "range_from", type="date", default_value=S.range_from, max=S.today
                ),
                flex="1",
                min_width="150px",
            ),
            rx.box(
                labelled_input(
                    N_("To"), "range_to", type="date", default_value=S.range_to, max=S.today
                ),
                flex="1",
                min_width="150px",
            ),
            rx.button(t("Show"), type="submit", size="3"),
            align="end",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        alert(S.range_error),
        # A new key re-creates the inputs with the range shown (they are uncontrolled).
        key=S.range_from + S.range_to,
        on_submit=S.show_range,
        width="100%",
    )


def _controls() -> rx.Component:
    return rx.vstack(
        rx.flex(
            _period_chooser(),
            rx.text(
                rx.text.strong(S.period_label, id="period-shown"),
                rx.cond(
                    S.compared_label != "",
                    rx.text.span(" · ", t("changes against {period}", period=S.compared_label)),
                ),
                rx.cond(
                    S.time_zone != "",
                    rx.text.span(" · ", t("days in {zone}", zone=S.time_zone)),
                ),
                size="2",
                color_scheme="gray",
            ),
            align="end",
            spacing="4",
            wrap="wrap",
            width="100%",
        ),
        rx.cond(S.period_choice == CUSTOM, _range_form()),
        spacing="3",
        width="100%",
    )


# Each unit's chart: its title, its id, its rows.
UNIT_CHARTS = (
    (N_("Points issued and redeemed"), "chart-points", S.point_days),
    (N_("Stamps issued and redeemed"), "chart-stamps", S.stamp_days),
)


def _day_charts() -> list[rx.Component]:
    day = (N_("Day"), "day")
    return [
        chart_card(
            N_("Visits per day"),
            "chart-visits",
            day_chart(S.visit_days, [("visits", N_("Visits"), FIRST)]),
            figure_table([day, (N_("Visits"), "visits")], S.visit_days),
        ),
        chart_card(
            N_("New and returning customers"),
            "chart-new-returning",
            day_chart(
                S.visit_days,
                [("new", N_("New"), SECOND), ("returning", N_("Returning"), FIRST)],
                stacked=True,
            ),
            figure_table([day, (N_("New"), "new"), (N_("Returning"), "returning")], S.visit_days),
        ),
        *(
            rx.cond(
                rows.length() > 0,
                chart_card(
                    title,
                    chart_id,
                    day_chart(
                        rows,
                        [("issued", N_("Issued"), FIRST), ("redeemed", N_("Redeemed"), SECOND)],
                    ),
                    figure_table(
                        [day, (N_("Issued"), "issued"), (N_("Redeemed"), "redeemed")], rows
                    ),
                ),
            )
            for title, chart_id, rows in UNIT_CHARTS
        ),
    ]


def _name_chart(title: str, chart_id: str, first: str, rows, series, more=()) -> rx.Component:
    """A chart of names (largest first), shown only when it has any; `more` are columns
    of the table only (a figure in another unit than the bars')."""
    columns = [(first, "name"), *((name, key) for key, name, _ in series), *more]
    return rx.cond(
        rows.length() > 0,
        chart_card(title, chart_id, name_chart(rows, series), figure_table(columns, rows)),
    )


def _name_charts() -> list[rx.Component]:
    return [
        _name_chart(
            N_("Rewards by popularity"),
            "chart-rewards",
            N_("Reward"),
            S.rewards,
            [("redeemed", N_("Redeemed"), FIRST), ("delivered", N_("Delivered"), SECOND)],
        ),
        _name_chart(
            N_("By staff member"),
            "chart-staff",
            N_("Staff member"),
            S.staff_figures,
            [("awards", N_("Awards"), FIRST)],
            [(N_("Points issued"), "issued")],
        ),
        _name_chart(
            N_("By program"),
            "chart-programs",
            N_("Program"),
            S.program_figures,
            [
                ("enrollments", N_("New enrollments"), FIRST),
                ("rewards_redeemed", N_("Rewards"), SECOND),
            ],
            [
                (N_("Issued"), "issued"),
                (N_("Redeemed"), "redeemed"),
                (N_("Delivered"), "rewards_delivered"),
            ],
        ),
    ]


def _charts() -> rx.Component:
    return rx.grid(
        *_day_charts(),
        *_name_charts(),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="4",
        width="100%",
    )


def _customer_row(line: CustomerFigure) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(line.name, href=line.href, overflow_wrap="anywhere")),
        rx.table.cell(line.visits, text_align="right"),
        rx.table.cell(line.earned, text_align="right"),
        data_testid="top-customer",
    )


def _lapsed_row(line: LapsedLine) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(rx.link(line.name, href=line.href, overflow_wrap="anywhere")),
        rx.table.cell(line.last_visit, white_space="nowrap"),
        rx.table.cell(line.visits, text_align="right"),
        data_testid="win-back-customer",
    )


def _list_card(title: str, hint: str, headers, rows, row, card_id: str, empty: str) -> rx.Component:
    """`title`, `hint`, `headers` and `empty` are msgids."""
    return rx.card(
        rx.vstack(
            rx.heading(t(title), size="4", as_="h2"),
            rx.text(t(hint), size="2", color_scheme="gray"),
            rx.cond(
                rows.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*(rx.table.column_header_cell(t(h)) for h in headers))
                    ),
                    rx.table.body(rx.foreach(rows, row)),
                    size="1",
                    width="100%",
                ),
                rx.text(t(empty), size="2"),
            ),
            spacing="2",
            width="100%",
        ),
        id=card_id,
        width="100%",
        min_width="0",
    )


def _customer_lists() -> rx.Component:
    return rx.grid(
        _list_card(
            N_("Top customers"),
            N_("Most visits ever; what they earned here ever."),
            (N_("Customer"), N_("Visits"), N_("Earned")),
            S.top_customers,
            _customer_row,
            "top-customers",
            N_("No visits yet."),
        ),
        _list_card(
            N_("Customers to win back"),
            N_("Came at least 3 times, not for 30 to 180 days."),
            (N_("Customer"), N_("Last visit"), N_("Visits")),
            S.win_back,
            _lapsed_row,
            "win-back",
            N_("Nobody has drifted away."),
        ),
        columns=rx.breakpoints(initial="1", md="2"),
        spacing="4",
        width="100%",
    )


def _figures() -> rx.Component:
    return rx.cond(
        S.loading,
        rx.vstack(*(rx.skeleton(height="88px", width="100%") for _ in range(4)), width="100%"),
        rx.cond(
            S.error != "",
            rx.callout(
                S.error, icon="triangle-alert", color_scheme="red", role="alert", width="100%"
            ),
            rx.vstack(
                kpi_grid(S.kpis),
                rx.cond(
                    S.has_activity,
                    rx.vstack(_charts(), _customer_lists(), spacing="4", width="100%"),
                    empty_state(
                        "chart-no-axes-column",
                        N_("No activity in this period yet"),
                        N_("Scans, awards and rewards show here as they happen."),
                    ),
                ),
                spacing="4",
                width="100%",
            ),
        ),
    )


def dashboard() -> rx.Component:
    return page_frame(
        _controls(),
        rx.box(_figures(), id="dashboard", width="100%"),
        export_buttons(S.customers_export_url, S.ledger_export_url),
        business_notifications(S),
        title=N_("Dashboard"),
    )
