"""The first-run guide a new business sees on its scanner until it has a program."""

import reflex as rx

from gudcity import routes
from gudcity.components.i18n import t
from gudcity.i18n.catalogue import N_


def _step(number: str, title: str, body, link: str, href: str) -> rx.Component:
    """One step: `title` and `link` are msgids."""
    return rx.hstack(
        rx.center(
            rx.text(number, weight="bold", size="2"),
            width="28px",
            height="28px",
            flex_shrink="0",
            border_radius="50%",
            background="var(--accent-4)",
        ),
        rx.vstack(
            rx.text(t(title), weight="medium"),
            rx.text(body, size="2", color_scheme="gray"),
            rx.link(t(link), href=href, size="2", weight="medium"),
            spacing="1",
        ),
        align="start",
        spacing="3",
        data_testid="first-run-step",
    )


def first_run_guide(can_manage_programs: rx.Var) -> rx.Component:
    """Two steps, each linked to the page that does it; `can_manage_programs` picks the
    words of the first (staff who may not create programs ask the owner)."""
    return rx.card(
        rx.vstack(
            rx.heading(t("Get started"), size="4", as_="h2"),
            rx.text(
                t("Two steps and your counter is ready to hand out points or stamps."), size="2"
            ),
            _step(
                "1",
                N_("Create a program"),
                rx.cond(
                    can_manage_programs,
                    t("Name it, choose points or stamps, and say what a scan earns."),
                    t("Ask the owner to create one: you may not change programs."),
                ),
                N_("Go to Programs"),
                routes.PROGRAMS,
            ),
            _step(
                "2",
                N_("Scan a card"),
                t(
                    "Scan a customer's QR code here, or type their card number: "
                    "a new customer is invited, a member earns."
                ),
                N_("Open the scanner"),
                routes.SCANNER,
            ),
            spacing="4",
            width="100%",
        ),
        id="first-run-guide",
        width="100%",
    )
