"""The "Your data" section of /settings: take one's data away, or delete the account."""

import reflex as rx

from gudcity import routes
from gudcity.components.confirm import password_confirm_button
from gudcity.components.i18n import t
from gudcity.i18n.catalogue import N_
from gudcity.state.my_data import PASSWORD_FIELD, MyDataState

_CUSTOMER_DELETION = N_(
    "Your name, email, card number and sessions are erased and you are logged out. "
    "Your cards leave every program, waiting reward codes are cancelled (their points go "
    "back on the card) and the businesses keep only anonymous records of past points. "
    "This cannot be undone: download your data first if you want to keep it."
)
_OWNER_DELETION = N_(
    "Your account carries your business: its programs, its staff and every customer's "
    "card. Deleting it would close the business, so it cannot be deleted from here. "
    "Export your customers and ledger first (on the Customers page), then contact "
    "GudCity support to transfer the business or close it."
)


def _download() -> rx.Component:
    return rx.vstack(
        rx.text(
            t("A JSON file of your profile, cards, full history, notifications and reward codes."),
            size="2",
            color_scheme="gray",
        ),
        rx.button(
            rx.icon("download", size=16),
            t("Download my data"),
            on_click=rx.download(url=routes.MY_DATA_DOWNLOAD, filename="gudcity-my-data.json"),
            variant="soft",
        ),
        spacing="2",
        align="start",
    )


def _delete() -> rx.Component:
    description = rx.cond(MyDataState.is_business_owner, t(_OWNER_DELETION), t(_CUSTOMER_DELETION))
    return rx.vstack(
        rx.text(description, size="2", color_scheme="gray"),
        password_confirm_button(
            t("Delete my account"),
            title=t("Delete your account?"),
            description=description,
            field=PASSWORD_FIELD,
            on_submit=MyDataState.delete_account,
            error=MyDataState.delete_error,
            busy=MyDataState.deleting,
            open=MyDataState.delete_open,
            on_open_change=MyDataState.delete_open_changed,
            color_scheme="red",
            variant="outline",
        ),
        spacing="2",
        align="start",
    )


def my_data_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading(t("Your data"), size="4", as_="h2"),
            _download(),
            rx.separator(size="4"),
            _delete(),
            spacing="4",
            width="100%",
        ),
        id="my-data",
        width="100%",
    )
