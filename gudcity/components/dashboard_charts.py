"""The dashboard's charts (Recharts), each with a table of the same numbers.

A chart is a picture: its table, behind a native "Show as table" disclosure, is what a
screen reader (or anyone who wants the figures) reads. Rows are dicts the state built,
one per day or per name, holding exactly the numbers the chart draws.
"""

from collections.abc import Sequence

import reflex as rx

from gudcity.components.i18n import t

# Headers, series' names and titles are msgids.
# (the column's header, the row's key); the first column names the row.
Columns = Sequence[tuple[str, str]]
# (the row's key, the series' name in the legend and tooltip, its colour).
Series = Sequence[tuple[str, str, str]]

CHART_HEIGHT = 240
# The axes' labels: small enough that a name of 20 letters fits its 120 px beside the bars.
TICK = {"fontSize": 12}
FIRST = "var(--accent-9)"
SECOND = "var(--amber-9)"


def figure_table(columns: Columns, rows: rx.Var[list[dict]]) -> rx.Component:
    """The numbers of a chart as a table; scrolls inside itself on a narrow phone."""
    (_, name_key), figures = columns[0], columns[1:]

    def row(item: rx.Var[dict]) -> rx.Component:
        return rx.table.row(
            rx.table.row_header_cell(item[name_key]),
            *(rx.table.cell(item[key], text_align="right") for _, key in figures),
        )

    return rx.box(
        rx.table.root(
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(t(columns[0][0])),
                    *(rx.table.column_header_cell(t(h), text_align="right") for h, _ in figures),
                )
            ),
            rx.table.body(rx.foreach(rows, row)),
            size="1",
            width="100%",
        ),
        overflow_x="auto",
        max_height="320px",
        overflow_y="auto",
        width="100%",
    )


def _bars(series: Series, stack: str | None = None) -> list[rx.Component]:
    return [
        rx.recharts.bar(
            data_key=key, name=t(name), fill=colour, stack_id=stack, is_animation_active=False
        )
        for key, name, colour in series
    ]


def day_chart(rows: rx.Var[list[dict]], series: Series, *, stacked: bool = False) -> rx.Component:
    """Bars per day of the period (side by side, or `stacked`), the days along the bottom."""
    return rx.recharts.bar_chart(
        *_bars(series, "days" if stacked else None),
        rx.recharts.x_axis(data_key="day", min_tick_gap=16, tick=TICK),
        rx.recharts.y_axis(allow_decimals=False, width=40, tick=TICK),
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", vertical=False),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
        data=rows,
        margin={"top": 8, "right": 8, "left": 0, "bottom": 0},
        height=CHART_HEIGHT,
    )


def name_chart(rows: rx.Var[list[dict]], series: Series) -> rx.Component:
    """Bars along, one row per name (a reward, a staff member, a program), largest first."""
    return rx.recharts.bar_chart(
        *_bars(series),
        rx.recharts.x_axis(type_="number", allow_decimals=False, tick=TICK),
        rx.recharts.y_axis(data_key="name", type_="category", width=120, tick=TICK),
        rx.recharts.cartesian_grid(stroke_dasharray="3 3", horizontal=False),
        rx.recharts.graphing_tooltip(),
        rx.recharts.legend(),
        data=rows,
        layout="vertical",
        margin={"top": 8, "right": 8, "left": 0, "bottom": 0},
        height=CHART_HEIGHT,
    )


def chart_card(
    title: str, chart_id: str, chart: rx.Component, table: rx.Component, **props
) -> rx.Component:
    """A titled chart with its figures one click away ("Show as table", a native
    disclosure); screen readers skip the drawing and read the table."""
    return rx.card(
        rx.vstack(
            rx.heading(t(title), size="4", as_="h2"),
            rx.box(chart, id=chart_id, aria_hidden="true", width="100%", min_width="0"),
            rx.el.details(
                rx.el.summary(t("Show as table"), cursor="pointer", font_size="14px"),
                table,
                width="100%",
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        min_width="0",
        **props,
    )
