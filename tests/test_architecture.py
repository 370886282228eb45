"""The package's shape holds: views apart from domain code, no circles, no private reach.

CONTRIBUTING.md draws the map; these tests keep it true as the code grows.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "protocol_tools"
# The only modules that may import a widget or chart library (they draw).
VIEW_LIBRARIES = ("ipywidgets", "anywidget", "plotly")
MAX_MODULE_LINES = 450  # "about 400": a module past this wants splitting


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_view_library(tree: ast.Module) -> bool:
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        if any(name.split(".")[0] in VIEW_LIBRARIES for name in names):
            return True
    return False


TREES = {name: ast.parse(path.read_text(encoding="utf-8")) for name, path in MODULES.items()}
VIEWS = {name for name, tree in TREES.items() if imports_view_library(tree)}
# Alembic's scripts are run by Alembic with a connection in hand, never imported.
MIGRATIONS = {name for name in MODULES if name.startswith("protocol_tools.records.migrations")}
DOMAIN = sorted(
    set(MODULES) - VIEWS - MIGRATIONS - {"protocol_tools", "protocol_tools.__main__"}
)


def resolve(importer: str, node: ast.ImportFrom) -> str:
    """The absolute module a relative ``from . import`` names."""
    package = importer if MODULES[importer].name == "__init__.py" else importer.rpartition(".")[0]
    base = package.split(".")
    if node.level > 1:
        base = base[: -(node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def module_level_imports(name: str) -> set[str]:
    found = set()
    for node in TREES[name].body:
        if isinstance(node, ast.ImportFrom) and node.level > 0:
            target = resolve(name, node)
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    return found & set(MODULES)


def test_views_are_the_modules_that_draw():
    # A sanity check on the detection itself: the widgets are found.
    assert "protocol_tools.session.timer" in VIEWS
    assert "protocol_tools.protocols.model" not in VIEWS


@pytest.mark.parametrize("name", DOMAIN)
def test_domain_code_never_loads_a_widget_or_chart_library(name: str):
    # A fresh interpreter, so nothing another test imported hides a leak.
    code = (
        f"import importlib, sys; importlib.import_module({name!r}); "
        f"print(sorted(m for m in {VIEW_LIBRARIES!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]", f"{name} loads {result.stdout.strip()}"


def test_no_import_circles_at_module_level():
    graph = {name: module_level_imports(name) for name in MODULES}
    state: dict[str, str] = {}
    circles: list[list[str]] = []

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                circles.append([*trail[trail.index(target) :], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state and not name.endswith("__init__"):
            visit(name, [name])
    # The package's own __init__ imports its public names lazily; it is not a circle.
    circles = [c for c in circles if "protocol_tools" not in c]
    assert circles == []


def test_no_module_reaches_for_another_modules_private_names():
    reaches = []
    for name, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level > 0:
                private = [
                    a.name
                    for a in node.names
                    if a.name.startswith("_") and not a.name.endswith("__")
                ]
                if private:
                    reaches.append(f"{name}: from {'.' * node.level}{node.module} {private}")
    assert reaches == []


def test_modules_stay_small():
    sizes = {
        name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in MODULES.items()
    }
    assert {name: lines for name, lines in sizes.items() if lines > MAX_MODULE_LINES} == {}
