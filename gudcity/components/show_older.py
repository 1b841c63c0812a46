"""The "Show older" button under a paged list (state/history_pages.py's paging)."""

import reflex as rx

from gudcity.components.i18n import t


def show_older_button(state: type[rx.State]) -> rx.Component:
    """Shown while `state` has older rows; busy while it reads them."""
    return rx.cond(
        state.has_older,
        rx.button(
            t("Show older"),
            variant="soft",
            loading=state.loading_older,
            on_click=state.show_older,
        ),
    )
