"""The dashboard's key figures: one tile each, the number in digits and its change."""

import reflex as rx

from gudcity.state.dashboard_view import KpiTile


def kpi_tile(tile: rx.Var[KpiTile]) -> rx.Component:
    """The number alone carries the tile's test id (`kpi-visits`: digits only, DESIGN §6);
    the change against the period before sits beside it."""
    return rx.card(
        rx.vstack(
            rx.text(tile.title, size="2", color_scheme="gray", weight="medium"),
            rx.hstack(
                rx.text(
                    rx.text.span(tile.value, data_testid=tile.test_id),
                    tile.suffix,
                    size="7",
                    weight="bold",
                    line_height="1",
                ),
                rx.cond(
                    tile.change != "",
                    rx.badge(tile.change, variant="soft", color_scheme="gray", size="1"),
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(tile.note != "", rx.text(tile.note, size="1", color_scheme="gray")),
            spacing="2",
        ),
        size="2",
        width="100%",
    )


def kpi_grid(tiles: rx.Var[list[KpiTile]]) -> rx.Component:
    """Two columns on a phone, up to four on a desktop."""
    return rx.grid(
        rx.foreach(tiles, kpi_tile),
        columns=rx.breakpoints(initial="2", sm="3", md="4"),
        spacing="3",
        width="100%",
        id="kpis",
    )
