"""Words on the pages in the tab's language, the Language chooser, and the page's direction.

Text in a component is compiled into the frontend once, in English: `t("Scanner")`
makes it a lookup, at run time, in `LocaleState.words` (the tab's language), so a
language switch re-renders the page in place. Words the server makes (toasts,
errors, "3 stamps") are translated by the states with `SessionState._tr()`.
"""

import json

import reflex as rx
from reflex.vars.base import Var

from gudcity.i18n.catalogue import N_
from gudcity.i18n.languages import DEFAULT_LANGUAGE, LANGUAGES
from gudcity.state.locale import LocaleState

CHOOSER_NAME = N_("Language")


def _literal(text: str) -> str:
    """`text` as a JavaScript string literal holding no `<` (Reflex parses its markup)."""
    return json.dumps(text).replace("<", "\\u003c")


def t(message: str | Var, **args: Var | str | int) -> Var[str]:
    """`message` in the tab's language; `{name}` placeholders filled from `args`.

    A Var is shown as it is: words a state holds are in the tab's language already.
    """
    if isinstance(message, Var):
        return message
    words = LocaleState.words
    key = _literal(message)
    looked_up: Var = Var(
        _js_expr=f"({words}?.[{key}] ?? {key})",
        _var_type=str,
        _var_data=words._get_all_var_data(),
    ).to(str)
    for name, value in args.items():
        looked_up = looked_up.replace("{" + name + "}", Var.create(value).to(str))
    return looked_up


def t_held(message_id: Var) -> Var[str]:
    """The msgid a state holds (a code's state, say), looked up in the tab's language."""
    words = LocaleState.words
    return Var(
        _js_expr=f"({words}?.[{message_id}] ?? {message_id})",
        _var_type=str,
        _var_data=rx.vars.VarData.merge(words._get_all_var_data(), message_id._get_all_var_data()),
    ).to(str)


class DocumentLanguage(rx.Fragment):
    """Renders nothing; keeps `<html lang dir>` on the tab's language (Arabic: rtl)."""

    def add_hooks(self) -> list[str | Var]:
        # Not before the server said (a page opened offline keeps the saved card's).
        language, direction = LocaleState.chosen_language, LocaleState.direction
        return [
            Var(
                f"useEffect(() => {{ if ({language}) {{ document.documentElement.lang = "
                f"{language}; document.documentElement.dir = {direction}; }} }}, "
                f"[{language}, {direction}])",
                _var_data=rx.vars.VarData.merge(
                    language._get_all_var_data(),
                    direction._get_all_var_data(),
                    rx.vars.VarData(imports={"react": ["useEffect"]}),
                ),
            )
        ]


class DocumentTitle(rx.Fragment):
    """Renders nothing; keeps the tab's title (`<title>`) in the tab's language."""

    title: Var[str]

    def add_hooks(self) -> list[str | Var]:
        title = Var.create(self.title).to(str) + " · GudCity"
        return [
            Var(
                f"useEffect(() => {{ document.title = {title}; }}, [{title}])",
                _var_data=rx.vars.VarData.merge(
                    title._get_all_var_data(), rx.vars.VarData(imports={"react": ["useEffect"]})
                ),
            )
        ]


def document_title(title: str) -> rx.Component:
    """The page's title, the msgid `title`, in the tab's language."""
    return DocumentTitle.create(title=t(title))


def language_chooser() -> rx.Component:
    """A native select labelled "Language": each language named in its own words."""
    return rx.fragment(
        DocumentLanguage.create(),
        rx.el.select(
            *(rx.el.option(name, value=code, lang=code) for code, name in LANGUAGES.items()),
            value=LocaleState.html_language,
            on_change=LocaleState.choose_language,
            # In English, and in the tab's language too, so anyone lost in a language finds it.
            aria_label=rx.cond(
                LocaleState.html_language == DEFAULT_LANGUAGE,
                CHOOSER_NAME,
                t(CHOOSER_NAME) + f" ({CHOOSER_NAME})",
            ),
            id="language",
            style={
                "font_size": "14px",
                "padding": "4px 6px",
                "border_radius": "var(--radius-2)",
                "border": "1px solid var(--gray-a7)",
                "background": "var(--color-surface)",
                "color": "var(--gray-12)",
            },
        ),
    )
