"""The birthday section of /settings (customers only): optional, month and day only."""

import reflex as rx

from gudcity.components.i18n import t
from gudcity.components.layout import alert
from gudcity.i18n.catalogue import N_
from gudcity.models import UserRole
from gudcity.state.birthday import DAY_FIELD, MONTH_FIELD, BirthdayState
from gudcity.state.settings import SettingsState
from gudcity.styles import LABEL_STYLE, NATIVE_SELECT_STYLE


def _choice(label: str, name: str, options: rx.Component, default) -> rx.Component:
    """A native select (`label`, a msgid): a phone shows its own picker."""
    return rx.vstack(
        rx.el.label(t(label), html_for=name, style=LABEL_STYLE),
        rx.el.select(
            rx.el.option(t("Not given"), value=""),
            options,
            id=name,
            name=name,
            default_value=default,
            style=NATIVE_SELECT_STYLE,
        ),
        spacing="1",
        width="100%",
    )


def _fields() -> rx.Component:
    months = rx.foreach(
        BirthdayState.months,
        lambda name, index: rx.el.option(name, value=(index + 1).to_string()),
    )
    days = [rx.el.option(str(day), value=str(day)) for day in range(1, 32)]
    return rx.flex(
        _choice(N_("Month"), MONTH_FIELD, months, BirthdayState.month),
        _choice(N_("Day"), DAY_FIELD, rx.fragment(*days), BirthdayState.day),
        direction="row",
        spacing="3",
        width="100%",
    )


def _buttons() -> rx.Component:
    return rx.flex(
        rx.button(
            t("Save birthday"),
            type="submit",
            size="3",
            loading=BirthdayState.busy,
            disabled=BirthdayState.busy,
        ),
        rx.cond(
            BirthdayState.has_birthday,
            rx.button(
                t("Remove birthday"),
                type="button",
                size="3",
                variant="soft",
                color_scheme="gray",
                disabled=BirthdayState.busy,
                on_click=BirthdayState.remove_birthday,
            ),
        ),
        direction={"initial": "column", "sm": "row"},
        spacing="3",
        width="100%",
    )


def birthday_section() -> rx.Component:
    return rx.cond(
        SettingsState.user_role == UserRole.CUSTOMER.value,
        rx.card(
            rx.vstack(
                rx.heading(t("Birthday"), size="4", as_="h2"),
                rx.text(
                    t(
                        "Optional. Programs with a birthday reward give it to you on the day. "
                        "Only the month and day are kept, and businesses do not see them. "
                        "A birthday given or changed less than 30 days before it comes is "
                        "rewarded from next year."
                    ),
                    size="2",
                    color_scheme="gray",
                    id="birthday-hint",
                ),
                rx.form(
                    rx.vstack(
                        _fields(),
                        alert(BirthdayState.error),
                        _buttons(),
                        spacing="3",
                        width="100%",
                    ),
                    key=BirthdayState.form_version,
                    on_submit=BirthdayState.save_birthday,
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            id="settings-birthday",
        ),
    )
