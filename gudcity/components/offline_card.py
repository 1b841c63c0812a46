"""/cards without a connection: the customer's last known card, and no QR code.

The online page saves the card (`card_saver`) through assets/pwa.js into the
browser; when the page cannot reach the server (no network, or a server that does
not answer), `while_offline` shows `offline_card` in place of the live page. A QR
code is never shown there: its token expires within minutes, so an old one would
only be refused at the counter. Back online, Reflex's socket reconnects by itself
(it retries every few seconds, and at once when the tab comes back into view) and
the live page, with a fresh QR code, returns without a reload.

Every word the offline view shows is in OFFLINE_WORDS (msgids). The page saves them,
in the tab's language, with the card and that language; the view reads them, and
sets the page's language and direction, from there.
"""

import json

import reflex as rx
from reflex.components.core.banner import has_connection_errors
from reflex.vars import Var, VarData

from gudcity.components.i18n import t
from gudcity.i18n.catalogue import N_
from gudcity.state.locale import LocaleState

OFFLINE_WORDS = {
    "title": N_("You are offline"),
    # {time}: when the card was saved, in the browser's words for it.
    "saved": N_("Saved {time}; may be out of date"),
    "qr_later": N_(
        "Your QR code comes back when your phone is online: "
        "codes expire after a few minutes, so an old one would not scan."
    ),
    "card_number": N_("Card number"),
    "read_out": N_("You can read out your card number at the counter."),
    "no_card": N_("Your card shows here offline after you open this page once while online."),
}

# The card the online page last saved, read as the page renders (null when none).
_SAVED_CARD = Var(
    _js_expr="savedOfflineCard",
    _var_data=VarData(
        hooks={
            "const savedOfflineCard = typeof window !== 'undefined' && window.GudCityOffline"
            " ? window.GudCityOffline.read() : null;": None
        }
    ),
).to(dict)


def _words(name: str) -> Var:
    return _SAVED_CARD["words"].to(dict)[name].to(str)


def _saved_tile(tile: Var) -> rx.Component:
    return rx.card(
        rx.text(tile["program_name"].to(str), weight="bold", size="3"),
        rx.text(tile["business_name"].to(str), size="2", color_scheme="gray"),
        rx.hstack(
            rx.text(tile["balance"].to(str), size="6", weight="bold", data_testid="saved-balance"),
            rx.text(tile["unit"].to(str), size="2", color_scheme="gray"),
            align="baseline",
            spacing="2",
        ),
        data_testid="saved-card",
        width="100%",
    )


def _saved_view() -> rx.Component:
    return rx.vstack(
        rx.callout(_SAVED_CARD["saved_line"].to(str), icon="clock", color_scheme="amber"),
        rx.card(
            rx.vstack(
                rx.hstack(
                    rx.icon("qr-code", size=28, color="var(--gray-9)", flex_shrink="0"),
                    rx.text(_words("qr_later"), size="2", id="qr-offline"),
                    align="center",
                    spacing="3",
                ),
                rx.text(_words("card_number"), size="1", color_scheme="gray"),
                rx.code(
                    _SAVED_CARD["card_number"].to(str), id="card-number", size="5", variant="ghost"
                ),
                rx.text(_words("read_out"), size="2", color_scheme="gray"),
                spacing="2",
            ),
            width="100%",
        ),
        rx.foreach(_SAVED_CARD["cards"].to(list[dict]), _saved_tile),
        spacing="4",
        width="100%",
    )


def offline_card() -> rx.Component:
    """The saved card, marked as possibly out of date; or why there is none."""
    return rx.vstack(
        rx.hstack(
            rx.icon("wifi-off", size=20),
            rx.heading(
                rx.cond(_SAVED_CARD, _words("title"), t(OFFLINE_WORDS["title"])),
                size="5",
                as_="h2",
            ),
            align="center",
            spacing="2",
        ),
        rx.cond(
            _SAVED_CARD,
            _saved_view(),
            rx.text(t(OFFLINE_WORDS["no_card"]), size="2", color_scheme="gray"),
        ),
        _saved_language(),
        id="offline-card",
        spacing="4",
        width="100%",
        max_width="560px",
    )


def _saved_language() -> rx.Component:
    """Renders nothing; gives the offline page the saved card's language and direction."""
    apply = (
        "useEffect(() => { if (savedOfflineCard && savedOfflineCard.language) {"
        " document.documentElement.lang = savedOfflineCard.language;"
        " document.documentElement.dir = savedOfflineCard.direction || 'ltr'; } }, []);"
    )
    hooks = VarData.merge(
        _SAVED_CARD._get_all_var_data(),
        VarData(imports={"react": ["useEffect"]}, hooks={apply: None}),
    )
    return rx.fragment(Var(_js_expr="null", _var_data=hooks))


def while_offline(offline: rx.Component, online: rx.Component, loaded: Var) -> rx.Component:
    """`offline` when the page opened without a connection to the server (nothing
    `loaded`), else `online`: a live page that loses its connection stays, to catch up
    when it comes back (its QR code hidden meanwhile: `qr_while_connected`)."""
    return rx.cond(has_connection_errors & ~loaded, offline, online)


def qr_while_connected(qr: rx.Component) -> rx.Component:
    """`qr`, replaced while the connection is lost: the code may expire before it returns."""
    return rx.cond(
        has_connection_errors,
        rx.center(
            rx.vstack(
                rx.icon("wifi-off", size=28, color="var(--gray-9)"),
                rx.text(t(OFFLINE_WORDS["qr_later"]), size="2", align="center"),
                align="center",
            ),
            id="qr-offline",
            width="220px",
            height="220px",
            flex_shrink="0",
        ),
        qr,
    )


def card_saver(card_number: Var, cards: Var) -> rx.Component:
    """Renders nothing; saves the customer's card for the offline view whenever the page
    shows a new one (`card_number` "" saves nothing: the page has not loaded yet)."""
    tiles = (
        f"{cards!s}.map((tile) => ({{program_name: tile.program_name,"
        " business_name: tile.business_name, balance: tile.balance, unit: tile.unit}))"
    )
    words = {name: t(message) for name, message in OFFLINE_WORDS.items()}
    said = "{" + ", ".join(f"{json.dumps(name)}: {word!s}" for name, word in words.items()) + "}"
    language, direction = LocaleState.html_language, LocaleState.direction
    save = (
        f"useEffect(() => {{ if ({card_number!s} && window.GudCityOffline) {{"
        f" window.GudCityOffline.save({{card_number: {card_number!s},"
        f" cards: {tiles}, words: {said}, language: {language!s},"
        f" direction: {direction!s}}}); }} }},"
        f" [{card_number!s}, {cards!s}, {said}]);"
    )
    reads = VarData.merge(
        card_number._get_all_var_data(),
        cards._get_all_var_data(),
        language._get_all_var_data(),
        direction._get_all_var_data(),
        *(word._get_all_var_data() for word in words.values()),
    )
    saving = VarData(imports={"react": ["useEffect"]}, hooks={save: reads})
    return rx.fragment(Var(_js_expr="null", _var_data=VarData.merge(reads, saving)))
