"""The code's shape: imports run one way, with no cycle and none hidden in a function."""

import ast
import graphlib
from pathlib import Path

import pytest

from gudcity.settings import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "gudcity"
DECODERS = {"cv2", "zxingcpp", "pyzbar"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in PACKAGE.rglob("*.py")}


def _imports(tree: ast.Module) -> set[str]:
    """Every module an import statement names, `from package import module` included."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _graph() -> dict[str, set[str]]:
    return {
        name: {found for found in _imports(ast.parse(path.read_text())) if found in MODULES}
        - {name}
        for name, path in MODULES.items()
    }


def test_there_is_no_import_cycle():
    try:
        graphlib.TopologicalSorter(_graph()).prepare()
    except graphlib.CycleError as error:
        pytest.fail(f"import cycle: {' -> '.join(error.args[1])}")


def test_the_cycle_check_finds_a_cycle():
    with pytest.raises(graphlib.CycleError):
        graphlib.TopologicalSorter({"a": {"b"}, "b": {"c"}, "c": {"a"}}).prepare()


def test_no_import_hides_in_a_function_or_class():
    hidden = []
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text())
        for outer in ast.walk(tree):
            if isinstance(outer, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                for node in ast.walk(outer):
                    if isinstance(node, ast.Import | ast.ImportFrom):
                        hidden.append(f"{name}:{node.lineno}")
    assert hidden == []


# What each layer may import from the others (pages -> state -> services -> domain/models).
FORBIDDEN = {
    "gudcity.domain": ("gudcity.services", "gudcity.state", "gudcity.pages", "gudcity.db"),
    "gudcity.services": (
        "gudcity.state",
        "gudcity.pages",
        "gudcity.components",
        "gudcity.mail",
        "reflex",
    ),
    # Delivery reads the outbox the services write; it knows nothing of the UI.
    "gudcity.mail": ("gudcity.state", "gudcity.pages", "gudcity.components", "reflex"),
    "gudcity.state": ("gudcity.pages", "gudcity.components"),
    "gudcity.components": ("gudcity.services", "gudcity.pages"),
    # Languages and formats: a leaf every layer may use.
    "gudcity.i18n": (
        "gudcity.domain",
        "gudcity.models",
        "gudcity.services",
        "gudcity.state",
        "gudcity.pages",
        "gudcity.components",
        "gudcity.mail",
        "gudcity.db",
        "reflex",
    ),
}


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_run_one_way(layer):
    wrong = []
    for name, path in MODULES.items():
        if name == layer or name.startswith(f"{layer}."):
            for found in _imports(ast.parse(path.read_text())):
                if any(found == f or found.startswith(f"{f}.") for f in FORBIDDEN[layer]):
                    wrong.append(f"{name} imports {found}")
    assert wrong == []


def test_only_the_decoding_module_loads_the_image_decoders():
    loaders = {
        name
        for name, path in MODULES.items()
        if {found.split(".")[0] for found in _imports(ast.parse(path.read_text()))} & DECODERS
    }
    assert loaders == {"gudcity.services.decoding"}


def test_modules_stay_small():
    long = {
        name: n for name, path in MODULES.items() if (n := len(path.read_text().splitlines())) > 420
    }
    assert long == {}


def test_functions_stay_short():
    long = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > 50:
                    long.append(f"{name}.{node.name}: {length} lines")
    assert long == []
