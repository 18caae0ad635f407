"""The layers show in the imports: only ``ui/`` imports Textual; Rich only there and in the CLI's
own output; ``api/`` imports nothing else of kore_tui; the view models know no UI."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kore_tui"
MODULES = sorted(PACKAGE.rglob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at any depth (lazy imports inside functions count too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def where(path: Path) -> str:
    return path.relative_to(PACKAGE.parent).as_posix()


def uses(path: Path, package: str) -> bool:
    return any(name == package or name.startswith(package + ".") for name in imported(path))


def test_the_package_has_the_layers_it_claims() -> None:
    folders = {p.parent.name for p in MODULES}
    assert {"api", "ui", "views", "demo"} <= folders and len(MODULES) > 30


@pytest.mark.parametrize("path", MODULES, ids=where)
def test_only_the_ui_imports_textual(path: Path) -> None:
    if not where(path).startswith("kore_tui/ui/"):
        assert not uses(path, "textual"), f"{where(path)} imports Textual"


@pytest.mark.parametrize("path", MODULES, ids=where)
def test_rich_only_in_the_ui_and_the_clis_output(path: Path) -> None:
    if not (where(path).startswith("kore_tui/ui/") or where(path) == "kore_tui/cli/output.py"):
        assert not uses(path, "rich"), f"{where(path)} imports Rich"


@pytest.mark.parametrize("path", [p for p in MODULES if where(p).startswith("kore_tui/api/")], ids=where)
def test_the_api_layer_imports_nothing_else_of_kore_tui(path: Path) -> None:
    others = {name for name in imported(path) if name.startswith("kore_tui") and not name.startswith("kore_tui.api")}
    assert others == set(), f"{where(path)} imports {others}"


@pytest.mark.parametrize("path", [p for p in MODULES if not where(p).startswith(("kore_tui/ui/", "kore_tui/cli/",
                                                                                  "kore_tui/__main__"))], ids=where)
def test_nothing_below_the_ui_reaches_up_into_it(path: Path) -> None:
    assert not uses(path, "kore_tui.ui"), f"{where(path)} imports the UI"
    assert not uses(path, "kore_tui.cli"), f"{where(path)} imports the CLI"


@pytest.mark.parametrize("path", [p for p in MODULES if not where(p).startswith(("kore_tui/demo/", "kore_tui/ui/",
                                                                                  "kore_tui/cli/"))], ids=where)
def test_only_the_entry_points_start_the_demo_server(path: Path) -> None:
    assert not uses(path, "kore_tui.demo.server") and not uses(path, "kore_tui.demo.launch"), where(path)
