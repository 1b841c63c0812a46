"""/settings: any logged-in user's own settings, a column of sections.

Each section is a function of its own; `SECTIONS` lists them in the order shown.
"""

import reflex as rx

from gudcity import routes
from gudcity.components.birthday import birthday_section
from gudcity.components.email_change import email_change_section
from gudcity.components.i18n import t
from gudcity.components.layout import labelled_input, page_frame
from gudcity.components.my_data import my_data_section
from gudcity.domain.analytics import time_zone_names
from gudcity.domain.contact import MAX_ADDRESS_LENGTH, MAX_HOURS_LENGTH, MAX_PHONE_LENGTH
from gudcity.i18n.catalogue import N_
from gudcity.models import UserRole
from gudcity.state.settings import (
    BUSINESS,
    MAX_NAME_LENGTH,
    MIN_PASSWORD_LENGTH,
    NAME,
    PASSWORD,
    SettingsState,
)
from gudcity.styles import LABEL_STYLE

SELECT_STYLE = {
    "width": "100%",
    "height": "var(--space-7)",
    "padding": "0 var(--space-2)",
    "border": "1px solid var(--gray-a7)",
    "border_radius": "var(--radius-2)",
    "background": "var(--color-surface)",
    "font_size": "var(--font-size-3)",
}

ROUTE = routes.SETTINGS
TITLE = "Settings · GudCity"


def _section(title: str, *children: rx.Component, **props) -> rx.Component:
    return rx.card(
        rx.vstack(rx.heading(t(title), size="4", as_="h2"), *children, spacing="4", width="100%"),
        width="100%",
        **props,
    )


def _refusal(key: str) -> rx.Component:
    """The section's last refusal, on the page (role=alert) as well as in a toast."""
    return rx.cond(
        SettingsState.error_at == key,
        rx.callout(
            SettingsState.error,
            icon="triangle-alert",
            color_scheme="red",
            role="alert",
            width="100%",
        ),
    )


def _save_button(label: str, key: str) -> rx.Component:
    """`label` is a msgid."""
    return rx.button(
        t(label),
        type="submit",
        size="3",
        loading=SettingsState.busy == key,
        disabled=SettingsState.saving,
        width=rx.breakpoints(initial="100%", sm="auto"),
    )


def _hint(text) -> rx.Component:
    return rx.text(text, size="2", color_scheme="gray")


def name_section() -> rx.Component:
    return _section(
        N_("Your name"),
        rx.form(
            rx.vstack(
                labelled_input(
                    "Name",
                    "name",
                    default_value=SettingsState.name,
                    auto_complete="name",
                    max_length=MAX_NAME_LENGTH,
                    required=True,
                ),
                rx.cond(
                    SettingsState.user_role == UserRole.CUSTOMER.value,
                    _hint(t("Businesses see this name on their customer list and at the counter.")),
                    _hint(t("Shown at the top of your pages and in the business's activity log.")),
                ),
                _refusal(NAME),
                _save_button(N_("Save"), NAME),
                spacing="3",
                width="100%",
            ),
            key=SettingsState.name_version,
            on_submit=SettingsState.save_name,
        ),
        id="settings-name",
    )


def password_section() -> rx.Component:
    return _section(
        N_("Password"),
        rx.form(
            rx.vstack(
                labelled_input(
                    "Current password",
                    "current_password",
                    type="password",
                    auto_complete="current-password",
                    required=True,
                ),
                labelled_input(
                    "New password",
                    "new_password",
                    type="password",
                    auto_complete="new-password",
                    min_length=MIN_PASSWORD_LENGTH,
                    required=True,
                ),
                _hint(
                    t(
                        "At least {count} characters. Changing it logs you out on every "
                        "other device; this one stays logged in.",
                        count=MIN_PASSWORD_LENGTH,
                    )
                ),
                _refusal(PASSWORD),
                _save_button(N_("Change password"), PASSWORD),
                spacing="3",
                width="100%",
            ),
            key=SettingsState.password_version,
            on_submit=SettingsState.change_password,
        ),
        id="settings-password",
    )


def _opening_hours_field() -> rx.Component:
    return rx.vstack(
        rx.el.label(t("Opening hours"), html_for="opening_hours", style=LABEL_STYLE),
        rx.text_area(
            id="opening_hours",
            name="opening_hours",
            default_value=SettingsState.opening_hours,
            placeholder=t("Mon-Fri 8:00-18:00\nSat 9:00-14:00\nSun closed"),
            max_length=MAX_HOURS_LENGTH,
            rows="4",
            size="3",
            width="100%",
        ),
        spacing="1",
        width="100%",
    )


def _time_zone_field() -> rx.Component:
    """A native select of every IANA zone: typed on a phone, the browser jumps to it."""
    return rx.vstack(
        rx.el.label(t("Time zone"), html_for="time_zone", style=LABEL_STYLE),
        rx.el.select(
            *(rx.el.option(zone, value=zone) for zone in time_zone_names()),
            id="time_zone",
            name="time_zone",
            default_value=SettingsState.time_zone,
            style=SELECT_STYLE,
        ),
        _hint(t("The dashboard counts days in this time zone; changing it recounts them.")),
        spacing="1",
        width="100%",
    )


def _business_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            labelled_input(
                "Business name",
                "business_name",
                default_value=SettingsState.business_name,
                max_length=MAX_NAME_LENGTH,
                required=True,
            ),
            rx.flex(
                labelled_input(
                    "Address",
                    "address",
                    default_value=SettingsState.address,
                    auto_complete="street-address",
                    max_length=MAX_ADDRESS_LENGTH,
                ),
                labelled_input(
                    "Phone",
                    "phone",
                    type="tel",
                    default_value=SettingsState.phone,
                    auto_complete="tel",
                    max_length=MAX_PHONE_LENGTH,
                ),
                direction={"initial": "column", "sm": "row"},
                spacing="3",
                width="100%",
            ),
            _opening_hours_field(),
            _hint(t("Your customers see the address, phone and hours on their cards.")),
            _time_zone_field(),
            _refusal(BUSINESS),
            _save_button(N_("Update business details"), BUSINESS),
            spacing="3",
            width="100%",
        ),
        key=SettingsState.business_version,
        on_submit=SettingsState.save_business,
    )


def business_section() -> rx.Component:
    """The owner's business; staff are told who keeps it, customers see nothing."""
    return rx.cond(
        SettingsState.owns_business,
        _section(N_("Your business"), _business_form(), id="settings-business"),
        rx.cond(
            SettingsState.user_role == UserRole.STAFF.value,
            _section(
                N_("Your business"),
                _hint(t("The owner keeps the business's name, address, phone and hours.")),
                id="settings-business",
            ),
        ),
    )


# The sections in the order shown.
SECTIONS = (
    name_section,
    email_change_section,
    password_section,
    business_section,
    birthday_section,
    my_data_section,
)


def _load_failed() -> rx.Component:
    return rx.callout(
        rx.hstack(
            rx.text(t("Your settings could not be loaded.")),
            rx.button(t("Try again"), size="1", variant="soft", on_click=SettingsState.load),
            align="center",
            wrap="wrap",
            spacing="3",
        ),
        icon="triangle-alert",
        color_scheme="red",
        role="alert",
        width="100%",
    )


def settings() -> rx.Component:
    return page_frame(
        rx.cond(
            SettingsState.load_failed,
            _load_failed(),
            rx.cond(
                SettingsState.loading,
                rx.vstack(
                    *(rx.skeleton(height="150px", width="100%") for _ in SECTIONS),
                    spacing="4",
                    width="100%",
                ),
                rx.vstack(*(section() for section in SECTIONS), spacing="4", width="100%"),
            ),
        ),
        title=N_("Settings"),
    )
