"""No words reach a page without the catalogue: the pages' components and the states'
toasts take their text from `t(...)` or a translator, never from an English literal."""

import ast
import re

from gudcity.settings import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "gudcity"
UI = [*sorted((PACKAGE / "pages").glob("*.py")), *sorted((PACKAGE / "components").glob("*.py"))]
STATES = sorted((PACKAGE / "state").glob("*.py"))
# Props whose text a user reads (or a screen reader says).
SHOWN_PROPS = {"placeholder", "aria_label", "title", "alt", "label", "content", "text"}
# Text that is the same in every language.
SAME_EVERYWHERE = {"GudCity"}
# Calls whose strings are code, names or styles, not words: icons, scripts, ids, colours.
NOT_TEXT = {"icon", "call_script", "script", "scroll_to", "set_value", "redirect", "match"}
# Words: a capital, or a space between letters; "history" (an icon), "red" or
# "var(--gray-9)" (styles) and "customer-qr" (an id) are not.
WORDS = re.compile(r"^[A-Z][a-z]|[A-Za-z][^\S\n]+[A-Za-z]")


def _is_words(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(_is_words(part) for part in node.values)
    return (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value not in SAME_EVERYWHERE
        and "var(" not in node.value
        and bool(WORDS.search(node.value))
    )


def _root(node: ast.AST) -> str:
    while isinstance(node, ast.Attribute):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def _component_words(tree: ast.Module) -> list[int]:
    """Lines where an `rx.` component is handed English text as a child or a shown prop."""
    lines = []
    for node in ast.walk(tree):
        name = node.func.attr if isinstance(getattr(node, "func", None), ast.Attribute) else ""
        if isinstance(node, ast.Call) and _root(node.func) == "rx" and name not in NOT_TEXT:
            texts = list(node.args) + [k.value for k in node.keywords if k.arg in SHOWN_PROPS]
            lines += [arg.lineno for arg in texts if _is_words(arg)]
    return lines


def _toast_words(tree: ast.Module) -> list[int]:
    """Lines where a toast is given English text instead of the tab's translation."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            is_toast = _root(node.func) == "toasts" or (
                isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "toast"
            )
            if is_toast and node.args and _is_words(node.args[0]):
                lines.append(node.lineno)
    return lines


def test_components_get_their_words_from_the_catalogue():
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{line}"
        for path in UI
        for line in _component_words(ast.parse(path.read_text()))
    ]
    assert found == []


def test_toasts_say_their_words_in_the_tabs_language():
    found = [
        f"{path.relative_to(PROJECT_ROOT)}:{line}"
        for path in [*UI, *STATES]
        for line in _toast_words(ast.parse(path.read_text()))
    ]
    assert found == []


def test_the_checks_find_english_text():
    tree = ast.parse(
        'rx.button("Save", on_click=x)\nrx.toast.info("Saved")\nt("Save")\n'
        'rx.text("no card yet")\nrx.icon("history")\nrx.box(color="red", id="big-box")'
    )
    assert _component_words(tree) == [1, 2, 4] and _toast_words(tree) == [2]
