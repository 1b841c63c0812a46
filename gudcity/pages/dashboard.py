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
from gudcity.components.layout import alert, empty_state, labelled_input, page_frame
from gudcity.state.dashboard import CUSTOM, PERIOD_CHOICES, DashboardState
from gudcity.state.dashboard_view import CustomerFigure, LapsedLine
from gudcity.styles import LABEL_STYLE, NATIVE_SELECT_STYLE

ROUTE = routes.DASHBOARD
TITLE = "Dashboard · GudCity"
S = DashboardState


def _period_chooser() -> rx.Component:
    return rx.vstack(
        rx.el.label("Period", html_for="period", style=LABEL_STYLE),
        rx.el.select(
            *(rx.el.option(label, value=value) for value, label in PERIOD_CHOICES),
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
                    "From", "range_from", type="date", default_value=S.range_from, max=S.today
                ),
                flex="1",
                min_width="150px",
            ),
            rx.box(
                labelled_input(
                    "To", "range_to", type="date", default_value=S.range_to, max=S.today
                ),
                flex="1",
                min_width="150px",
            ),
            rx.button("Show", type="submit", size="3"),
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
                rx.cond(S.compared_label != "", " · changes against " + S.compared_label, ""),
                rx.cond(S.time_zone != "", " · days in " + S.time_zone, ""),
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


def _day_charts() -> list[rx.Component]:
    day = ("Day", "day")
    return [
        chart_card(
            "Visits per day",
            "chart-visits",
            day_chart(S.visit_days, [("visits", "Visits", FIRST)]),
            figure_table([day, ("Visits", "visits")], S.visit_days),
        ),
        chart_card(
            "New and returning customers",
            "chart-new-returning",
            day_chart(
                S.visit_days,
                [("new", "New", SECOND), ("returning", "Returning", FIRST)],
                stacked=True,
            ),
            figure_table([day, ("New", "new"), ("Returning", "returning")], S.visit_days),
        ),
        *(
            rx.cond(
                rows.length() > 0,
                chart_card(
                    f"{word} issued and redeemed",
                    f"chart-{word.lower()}",
                    day_chart(
                        rows, [("issued", "Issued", FIRST), ("redeemed", "Redeemed", SECOND)]
                    ),
                    figure_table([day, ("Issued", "issued"), ("Redeemed", "redeemed")], rows),
                ),
            )
            for word, rows in (("Points", S.point_days), ("Stamps", S.stamp_days))
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
            "Rewards by popularity",
            "chart-rewards",
            "Reward",
            S.rewards,
            [("redeemed", "Redeemed", FIRST), ("delivered", "Delivered", SECOND)],
        ),
        _name_chart(
            "By staff member",
            "chart-staff",
            "Staff member",
            S.staff_figures,
            [("awards", "Awards", FIRST)],
            [("Points issued", "issued")],
        ),
        _name_chart(
            "By program",
            "chart-programs",
            "Program",
            S.program_figures,
            [("enrollments", "New enrollments", FIRST), ("rewards_redeemed", "Rewards", SECOND)],
            [("Issued", "issued"), ("Redeemed", "redeemed"), ("Delivered", "rewards_delivered")],
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
    return rx.card(
        rx.vstack(
            rx.heading(title, size="4", as_="h2"),
            rx.text(hint, size="2", color_scheme="gray"),
            rx.cond(
                rows.length() > 0,
                rx.table.root(
                    rx.table.header(
                        rx.table.row(*(rx.table.column_header_cell(h) for h in headers))
                    ),
                    rx.table.body(rx.foreach(rows, row)),
                    size="1",
                    width="100%",
                ),
                rx.text(empty, size="2"),
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
            "Top customers",
            "Most visits ever; what they earned here ever.",
            ("Customer", "Visits", "Earned"),
            S.top_customers,
            _customer_row,
            "top-customers",
            "No visits yet.",
        ),
        _list_card(
            "Customers to win back",
            "Came at least 3 times, not for 30 to 180 days.",
            ("Customer", "Last visit", "Visits"),
            S.win_back,
            _lapsed_row,
            "win-back",
            "Nobody has drifted away.",
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
                        "No activity in this period yet",
                        "Scans, awards and rewards show here as they happen.",
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
        title="Dashboard",
    )
