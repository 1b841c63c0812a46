"""An owner's CSV downloads of their business: its customers, its ledger."""

import reflex as rx

from gudcity import routes
from gudcity.components.i18n import t


def export_buttons(
    customers_url: str | rx.Var = routes.CUSTOMERS_CSV,
    ledger_url: str | rx.Var = routes.LEDGER_CSV,
) -> rx.Component:
    """Each button downloads a file streamed by gudcity/web/exports.py; the dashboard
    passes addresses narrowed to its period (`?since=...&until=...`)."""
    return rx.flex(
        rx.button(
            rx.icon(tag="download", size=16),
            t("Export customers (CSV)"),
            on_click=rx.download(url=customers_url, filename="customers.csv"),
            variant="soft",
        ),
        rx.button(
            rx.icon(tag="download", size=16),
            t("Export ledger (CSV)"),
            on_click=rx.download(url=ledger_url, filename="ledger.csv"),
            variant="soft",
        ),
        spacing="3",
        wrap="wrap",
        id="exports",
    )
