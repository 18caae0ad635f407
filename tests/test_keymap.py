"""Remappable keys: every binding has an id, `[keymap]` in config.toml moves it, `kore-tui keys`
lists the effective keys, and a keymap that cannot be used is a warning, never a crash."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import Static

from kore_tui.config import Config, config_path, load_config, save_config
from kore_tui.demo import data
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.keys import all_bindings, binding_classes, check_keymap, class_bindings, default_bindings, key_problem
from kore_tui.ui.screens.help import HelpScreen
from kore_tui.ui.widgets.contact_view import ContactView
from kore_tui.ui.widgets.filter_bar import FilterBar
from kore_tui.ui.widgets.key_hints import KeyHints
from tests.scenes import pinned_clock, settle

SALES = data.STREAMS[0]
ID = re.compile(r"^[a-z]+\.[a-z0-9]+(-[a-z0-9]+)*$")  # <owner>.<action>, kebab case


def write_keymap(keymap: dict[str, str]) -> None:
    save_config(Config(keymap=keymap))


def list_app() -> KoreTuiApp:
    return KoreTuiApp(demo=True, stream_id=SALES.id, list_id="cl-demo-1k", clock=pinned_clock, animate=False,
                      demo_knobs={"latency": 0.0})


def notes_of(app: KoreTuiApp) -> list[tuple[str, dict[str, Any]]]:
    """Every notification the app makes, as (message, keyword arguments)."""
    notes: list[tuple[str, dict[str, Any]]] = []
    original = app.notify

    def notify(message: str, **kwargs: Any) -> None:
        notes.append((message, kwargs))
        original(message, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    return notes


def filter_open(app: KoreTuiApp) -> bool:
    return app.screen.query_one(ContactView).query_one(FilterBar).has_class("-open")


# -- the ids ----------------------------------------------------------------------------------

def test_every_binding_in_the_ui_has_an_id() -> None:
    names = {cls.__name__ for cls in binding_classes()}
    # The walk finds the app, screens and widgets (LazyTable's ids included).
    assert {"KoreTuiApp", "PickerScreen", "BrowserScreen", "ContactView", "LazyTable", "SecretInput",
            "HelpScreen", "ProfileScreen", "ProfileSwitcher", "StreamList", "ListFilter"} <= names
    seen: dict[str, tuple[str, str]] = {}
    for cls, binding in class_bindings():
        where = f"{cls.__qualname__} {binding.key!r} -> {binding.action}"
        assert binding.id, f"no id: {where}"
        assert ID.match(binding.id), f"not <owner>.<action> in kebab case: {binding.id} ({where})"
        # An id bound in more than one class (app.help) is one action on the same keys.
        action = binding.action.removeprefix("app.")
        assert seen.setdefault(binding.id, (binding.key, action)) == (binding.key, action), where
    for wanted in ("app.quit", "app.help", "app.profiles", "browser.filter", "browser.go-to-row", "picker.find-number",
                   "profile.session-only", "help.close", "table.last", "lists.next"):
        assert wanted in seen


def test_key_names() -> None:
    for good in ("x", "G", "?", "/", "1", "ctrl+f", "f2", "escape", "slash", "question_mark", "colon", "ctrl+shift+up",
                 "alt+x", "pagedown", "space", "delete", "super+c"):
        assert key_problem(good) is None, good
    for bad in ("", "ctrl+", "ctrl+bogus", "hyperspace", "Escape", "ctrl+ctrl+a", "cmd+f", "ctrl+/", "\x1b"):
        assert key_problem(bad), bad


def test_check_keymap_keeps_what_it_can() -> None:
    usable, problems = check_keymap({"browser.filter": "ctrl+f, /", "browser.nope": "x", "browser.detail": "ctrl+bogus"})
    assert usable == {"browser.filter": "ctrl+f,slash"}
    assert len(problems) == 2
    assert "'browser.nope' is not a binding id" in problems[0]
    assert "browser.detail" in problems[1] and "ctrl+bogus" in problems[1]


def test_config_keeps_the_keymap(isolated_user_dirs: dict[str, Path]) -> None:
    # Unquoted ids are dotted keys in TOML (a table in a table): read as the ids they are.
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_text('[keymap]\n"browser.filter" = "ctrl+f"\nbrowser.detail = "ctrl+d"\napp.quit = 5\n')
    config = load_config()
    assert config.keymap == {"browser.filter": "ctrl+f", "browser.detail": "ctrl+d", "app.quit": "5"}
    save_config(config)  # a profile saved keeps the keymap
    assert load_config().keymap == config.keymap


# -- the app ----------------------------------------------------------------------------------

async def test_filter_remapped_to_ctrl_f() -> None:
    write_keymap({"browser.filter": "ctrl+f"})
    app = list_app()
    notes = notes_of(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not any(kw.get("severity") == "warning" for _, kw in notes), notes
        await pilot.press("slash")
        await settle(pilot)
        assert not filter_open(app)  # `/` is no longer the filter
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert filter_open(app)
        phone = data.list_contact(SALES, SALES.lists[0], 0)["phoneNumber"]
        await pilot.press(*phone)
        await settle(pilot)
        view = app.screen.query_one(ContactView)
        assert view.filtering and view.filter_text == phone and view.matches >= 1
        await pilot.press("escape")
        await settle(pilot)
        assert not view.filtering

        hints = app.screen.query_one(KeyHints).render_line(0).text
        assert "^f Filter" in hints and "/ Filter" not in hints, hints
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True, file=io.StringIO())
        console.print(app.screen.keys)  # the help's table of the browser's keys
        shown = console.export_text()
        assert re.search(r"\^f +Filter", shown), shown
        assert not re.search(r"/ +Filter", shown), shown


async def test_help_close_remapped() -> None:
    write_keymap({"help.close": "f1"})
    app = list_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True, file=io.StringIO())
        for static in app.screen.query(Static):
            console.print(static.render())
        assert "f1 closes" in console.export_text()
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)  # escape is no longer one of its keys
        await pilot.press("f1")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)


async def test_bad_id_and_bad_key_warn_and_the_rest_applies() -> None:
    write_keymap({"browser.nope": "x", "browser.detail": "ctrl+bogus", "browser.filter": "ctrl+f"})
    app = list_app()
    notes = notes_of(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        warnings = [(message, kw) for message, kw in notes if kw.get("severity") == "warning"]
        assert len(warnings) == 1, notes
        message, kw = warnings[0]
        assert kw.get("markup") is False
        assert "browser.nope" in message and "ctrl+bogus" in message
        assert app.screen.query_one(ContactView).table.row_count == 1000  # the list opened
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert filter_open(app)  # the usable entry applies
        await pilot.press("escape")
        await settle(pilot)
        detail = app.screen.query_one(ContactView).detail
        shown = detail.display
        await pilot.press("d")  # the bad key left `d` as it was
        await settle(pilot)
        assert detail.display is not shown


async def test_markup_in_a_keymap_is_shown_as_text() -> None:
    write_keymap({"[b]bold[/b]": "x", "browser.detail": "[red]x"})
    app = list_app()
    notes = notes_of(app)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        warnings = [(message, kw) for message, kw in notes if kw.get("severity") == "warning"]
        assert len(warnings) == 1 and warnings[0][1]["markup"] is False
        assert "[b]bold[/b]" in warnings[0][0]


# -- kore-tui keys ----------------------------------------------------------------------------

def run_keys(dirs: dict[str, Path]) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KORE_")} | {k: str(v) for k, v in dirs.items()}
    return subprocess.run([sys.executable, "-m", "kore_tui", "keys"], capture_output=True, text=True, env=env,
                          timeout=60, check=False)


def parse_keys(stdout: str) -> dict[str, tuple[str, str]]:
    rows = {}
    for line in stdout.splitlines():
        binding_id, keys, description = re.split(r"\s{2,}", line, maxsplit=2)
        rows[binding_id] = (keys, description)
    return rows


@pytest.mark.parametrize("keymap", [{}, {"browser.filter": "ctrl+f", "table.last": "end,shift+g", "app.quit": "?"}])
def test_keys_command_lists_every_id_with_its_effective_keys(isolated_user_dirs: dict[str, Path],
                                                             keymap: dict[str, str]) -> None:
    write_keymap(keymap)
    result = run_keys(isolated_user_dirs)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    rows = parse_keys(result.stdout)
    assert list(rows) == sorted(rows) == sorted(default_bindings())
    expected = {binding_id: keys for binding_id, keys, _ in all_bindings(keymap)}
    assert {binding_id: keys for binding_id, (keys, _) in rows.items()} == expected
    if keymap:
        assert rows["browser.filter"] == ("ctrl+f", "Filter")
        assert rows["table.last"][0] == "end,shift+g"
        assert rows["app.quit"][0] == "question_mark"
    else:
        assert rows["browser.filter"] == ("slash", "Filter")
        assert rows["browser.go-to-row"][0] == "colon,ctrl+g"


def test_keys_command_warns_of_a_bad_keymap(isolated_user_dirs: dict[str, Path]) -> None:
    write_keymap({"browser.nope": "x", "browser.filter": "ctrl+bogus\x1b[31m", "browser.detail": "ctrl+d"})
    result = run_keys(isolated_user_dirs)
    assert result.returncode == 0
    assert "\x1b" not in result.stdout + result.stderr
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2 and all(w.startswith("kore-tui: warning: keymap") for w in warnings)
    rows = parse_keys(result.stdout)
    assert rows["browser.filter"][0] == "slash"  # the default stays
    assert rows["browser.detail"][0] == "ctrl+d"
