"""The frame around every signed-in page: a top bar and a centred column."""

import reflex as rx

from gudcity import routes
from gudcity.components.i18n import document_title, language_chooser, t
from gudcity.i18n.catalogue import N_
from gudcity.state.business import BusinessState
from gudcity.state.session import SessionState
from gudcity.styles import LABEL_STYLE

CUSTOMER_LINKS = ((N_("My cards"), routes.CARDS),)
# First in the business's bar, for the owner and staff given "Reports".
DASHBOARD_LINK = (N_("Dashboard"), routes.DASHBOARD)
BUSINESS_LINKS = (
    (N_("Scanner"), routes.SCANNER),
    (N_("Customers"), routes.CUSTOMERS),
)
# Shown only to those who may use the page behind it.
GUARDED_BUSINESS_LINKS = (
    ((N_("Programs"), routes.PROGRAMS), BusinessState.can_manage_programs),
    ((N_("Promotions"), routes.PROMOTIONS), BusinessState.can_manage_programs),
    ((N_("Staff"), routes.STAFF), BusinessState.is_owner),
    ((N_("Activity"), routes.ACTIVITY), BusinessState.is_owner),
)


def _nav_link(label: str, href: str) -> rx.Component:
    return rx.link(t(label), href=href, size="3", weight="medium", underline="hover")


def top_bar() -> rx.Component:
    return rx.flex(
        rx.link(rx.heading("GudCity", size="5"), href=routes.HOME, underline="none"),
        # On business pages: the business acted for.
        rx.cond(
            ~SessionState.is_customer & (BusinessState.business_name != ""),
            rx.badge(BusinessState.business_name, size="2", variant="soft", id="business-name"),
        ),
        rx.cond(
            SessionState.is_customer,
            rx.hstack(*(_nav_link(*link) for link in CUSTOMER_LINKS), spacing="4"),
            rx.hstack(
                rx.cond(BusinessState.can_view_reports, _nav_link(*DASHBOARD_LINK)),
                *(_nav_link(*link) for link in BUSINESS_LINKS),
                *(rx.cond(allowed, _nav_link(*link)) for link, allowed in GUARDED_BUSINESS_LINKS),
                spacing="4",
                wrap="wrap",
            ),
        ),
        rx.spacer(),
        rx.hstack(
            # A long name is cut short (the whole of it on hover): the bar never widens the page.
            rx.text(
                SessionState.user_name,
                title=SessionState.user_name,
                size="2",
                color_scheme="gray",
                max_width=rx.breakpoints(initial="40vw", sm="240px"),
                overflow="hidden",
                text_overflow="ellipsis",
                white_space="nowrap",
            ),
            _nav_link(N_("Settings"), routes.SETTINGS),
            language_chooser(),
            rx.button(t("Log out"), on_click=SessionState.log_out, variant="soft", size="2"),
            align="center",
            spacing="3",
            # On a phone the chooser and the button take a second line rather than widen it.
            wrap="wrap",
            justify="end",
        ),
        as_="nav",
        align="center",
        wrap="wrap",
        spacing="4",
        padding="12px 16px",
        border_bottom="1px solid var(--gray-a5)",
        width="100%",
    )


def page_frame(*children: rx.Component, title: str) -> rx.Component:
    """A signed-in page: top bar, heading (`title`, a msgid), content; one column that fits
    a phone."""
    return rx.box(
        document_title(title),
        top_bar(),
        rx.container(
            rx.vstack(
                rx.heading(t(title), size="7", as_="h1"),
                *children,
                spacing="5",
                width="100%",
                padding_y="20px",
            ),
            size="3",
            padding_x="12px",
        ),
        min_height="100vh",
    )


def narrow_card(*children: rx.Component) -> rx.Component:
    """A page of one small form (log in, reset a password): a card in the middle."""
    return rx.center(
        rx.card(
            rx.vstack(
                rx.flex(language_chooser(), justify="end", width="100%"),
                *children,
                spacing="4",
                width="100%",
            ),
            size="4",
            width="100%",
            max_width="420px",
        ),
        padding_x="12px",
        padding_y="10vh",
    )


def alert(message: rx.Var[str]) -> rx.Component:
    """Why a form was refused, on the page (role=alert) while it holds a message."""
    return rx.cond(
        message != "",
        rx.callout(message, icon="triangle-alert", color_scheme="red", role="alert", width="100%"),
    )


def notice(*text, icon: str, color_scheme: str, **props) -> rx.Component:
    """A callout whose words may mix plain and strong text, in one paragraph."""
    return rx.callout.root(
        rx.callout.icon(rx.icon(icon)),
        rx.callout.text(*text),
        color_scheme=color_scheme,
        width="100%",
        **props,
    )


def labelled_input(label: str, name: str, **props) -> rx.Component:
    """A real <label> tied to its input, so screen readers and tests find it by name.

    `label` is a msgid."""
    return rx.vstack(
        rx.el.label(t(label), html_for=name, style=LABEL_STYLE),
        rx.input(id=name, name=name, size="3", width="100%", **props),
        spacing="1",
        width="100%",
    )


def empty_state(icon: str, title: str, hint: str) -> rx.Component:
    """Nothing to show yet: `title` and `hint` are msgids."""
    return rx.center(
        rx.vstack(
            rx.icon(icon, size=32, color="var(--gray-9)"),
            rx.text(t(title), weight="medium"),
            rx.text(t(hint), size="2", color_scheme="gray", align="center"),
            align="center",
            spacing="2",
        ),
        padding="24px",
        border="1px dashed var(--gray-a6)",
        border_radius="var(--radius-4)",
        width="100%",
    )
