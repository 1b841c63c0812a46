"""An owner's CSV downloads of their business: its customers, its ledger."""

import reflex as rx

from gudcity import routes


def export_buttons() -> rx.Component:
    """Each button downloads a file streamed by gudcity/web/exports.py."""
    return rx.flex(
        rx.button(
            rx.icon("download", size=16),
            "Export customers (CSV)",
            on_click=rx.download(url=routes.CUSTOMERS_CSV, filename="customers.csv"),
            variant="soft",
        ),
        rx.button(
            rx.icon("download", size=16),
            "Export ledger (CSV)",
            on_click=rx.download(url=routes.LEDGER_CSV, filename="ledger.csv"),
            variant="soft",
        ),
        spacing="3",
        wrap="wrap",
        id="exports",
    )
