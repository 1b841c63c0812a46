"""The public landing page at `/`: visitors log in or sign up; users find their way in."""

import reflex as rx

from gudcity import routes
from gudcity.components.i18n import language_chooser, t
from gudcity.i18n.catalogue import N_
from gudcity.state.home import HomeState

ROUTE = routes.HOME
TITLE = "GudCity: loyalty cards for local businesses"


def _link_button(label: str, href: str, **props) -> rx.Component:
    """A link styled as a button (no <button> nested in an <a>)."""
    return rx.button(
        rx.link(t(label), href=href, underline="none"), as_child=True, size="3", **props
    )


def _visitor_links() -> rx.Component:
    return rx.hstack(
        _link_button(N_("Log in"), routes.LOGIN),
        _link_button(N_("Create account"), routes.REGISTER, variant="outline"),
        spacing="4",
        wrap="wrap",
    )


def _user_links() -> rx.Component:
    return rx.vstack(
        rx.text(t("Logged in as {name}", name=HomeState.user_name), size="3"),
        rx.hstack(
            rx.cond(
                HomeState.is_customer,
                _link_button(N_("My cards"), routes.CARDS),
                _link_button(N_("Open the scanner"), routes.SCANNER),
            ),
            rx.button(t("Log out"), on_click=HomeState.log_out, variant="outline", size="3"),
            spacing="4",
            wrap="wrap",
        ),
        spacing="3",
    )


def _way_in() -> rx.Component:
    return rx.cond(
        HomeState.checked,
        rx.cond(HomeState.user_role != "", _user_links(), _visitor_links()),
        rx.skeleton(height="40px", width="260px"),
    )


def home() -> rx.Component:
    return rx.container(
        rx.vstack(
            rx.flex(language_chooser(), justify="end", width="100%"),
            rx.heading("GudCity", size="9"),
            rx.text(
                t(
                    "A loyalty platform for local businesses and their customers. "
                    "Customers carry one QR card for every shop they visit; "
                    "businesses scan it to enroll them, award points and stamps, "
                    "and hand out rewards. Every change shows up on both sides at once."
                ),
                size="5",
            ),
            rx.box(_way_in(), id="way-in"),
            spacing="6",
            padding_y="15vh",
        ),
        size="2",
    )
