"""What kore_tui.ui.compat (and the app) rely on in Textual, private or just behaviour: a test per
use, failing with the name of what changed when a Textual release changes it."""

from __future__ import annotations

import base64
import inspect

import pytest
from rich.text import Text
from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.keys import _character_to_key
from textual.screen import ActiveBinding, Screen
from textual.widgets import Label

from kore_tui.ui import compat
from kore_tui.ui.app import KoreTuiApp


def params(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


# -- App._fatal_error: app_exception, exit_on_fatal_error -------------------------------------

def test_the_private_attributes_of_a_fatal_error_exist() -> None:
    app = App()
    assert "_fatal_error" in vars(App) and params(App._fatal_error) == ["self"], "App._fatal_error changed"
    assert "_fatal_error" in inspect.getsource(App._handle_exception), "App._handle_exception no longer calls _fatal_error"
    assert app._exception is None, "App._exception changed"
    assert isinstance(app._exit_renderables, list), "App._exit_renderables is no longer a list"
    assert params(app._close_messages_no_wait) == [], "MessagePump._close_messages_no_wait changed"


class Boom(App[None]):
    """Fails on mount; its _fatal_error does what KoreTuiApp's does, through compat."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[BaseException | None] = []

    def on_mount(self) -> None:
        raise RuntimeError("boom")

    def _fatal_error(self) -> None:
        self.seen.append(compat.app_exception(self))
        compat.exit_on_fatal_error(self, Text("kore-tui: unexpected error"))


async def test_a_fatal_error_ends_the_app_with_our_line(capfd: pytest.CaptureFixture[str]) -> None:
    app = Boom()
    with pytest.raises(RuntimeError, match="boom"):
        async with app.run_test():
            pass
    assert len(app.seen) == 1 and isinstance(app.seen[0], RuntimeError)  # the app's error, and it ended
    assert "kore-tui: unexpected error" in capfd.readouterr().err  # printed once the app ended
    assert app.return_code == 1


# -- BrowserScreen: breakpoint_classes, and the Resize it lets pass ---------------------------

def test_get_breakpoint_classes_signature() -> None:
    assert params(Screen._get_breakpoint_classes) == ["self", "dimension", "breakpoints"], \
        "Screen._get_breakpoint_classes changed"


class Wide(App[None]):
    HORIZONTAL_BREAKPOINTS = KoreTuiApp.HORIZONTAL_BREAKPOINTS

    def compose(self) -> ComposeResult:
        yield Label("x")


@pytest.mark.parametrize("width", [40, 80, 109, 110, 111, 200])
async def test_breakpoint_classes_are_those_textual_sets(width: int) -> None:
    app = Wide()
    async with app.run_test(size=(width, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        expected = compat.breakpoint_classes(screen, width, 24)
        assert expected == {"-narrow": width < 110, "-wide": width >= 110}
        assert {name: screen.has_class(name) for name in expected} == expected


class Pushed(Screen[None]):
    def __init__(self) -> None:
        super().__init__()
        self.resizes: list[tuple[events.Resize, bool]] = []  # each Resize, and whether it is the laid-out size

    def compose(self) -> ComposeResult:
        yield Label("pushed")

    def on_resize(self, event: events.Resize) -> None:
        self.resizes.append((event, event.size == self.outer_size))


async def test_a_pushed_screen_is_resized_to_its_laid_out_size_first() -> None:
    # BrowserScreen lets a Resize pass only when its size differs from `outer_size`, the size
    # of its last layout: the Resize a screen gets as it is pushed is to that size, a real one not.
    app = Wide()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = Pushed()
        await app.push_screen(screen)
        await pilot.pause()
        assert screen.resizes and all(same for _, same in screen.resizes), "a pushed screen's Resize changed"
        screen.resizes.clear()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert screen.resizes and not screen.resizes[0][1] and tuple(screen.resizes[0][0].size) == (120, 40)


# -- LazyTable's keys: app_keymap ------------------------------------------------------------

def test_app_keymap_is_what_set_keymap_set() -> None:
    app = App()
    assert compat.app_keymap(app) == {}, "App._keymap changed"
    app.set_keymap({"table.last": "end,G"})
    first = compat.app_keymap(app)
    assert first == {"table.last": "end,G"}
    app.set_keymap({"table.last": "end,G"})
    assert compat.app_keymap(app) is not first, "set_keymap no longer makes a new mapping"
    assert "_keymap" in inspect.getsource(Screen._binding_chain.fget), "Screen._binding_chain no longer applies App._keymap"


# -- kore_tui.ui.keys: key_name ---------------------------------------------------------------

def test_character_to_key() -> None:
    assert params(_character_to_key) == ["character"], "textual.keys._character_to_key changed"
    assert [compat.key_name(c) for c in "/?:a1G "] == ["slash", "question_mark", "colon", "a", "1", "G", "space"]
    # The names set_keymap gives one-character keys (App._normalize_keymap) are these.
    assert App._normalize_keymap({"x": "/,?,a"}) == {"x": "slash,question_mark,a"}


# -- KeyHints: ActiveBinding by field name ----------------------------------------------------

def test_active_binding_fields() -> None:
    assert ActiveBinding._fields[:4] == ("node", "binding", "enabled", "tooltip"), "ActiveBinding changed"
    found = ActiveBinding(App(), Binding("x", "y"), True)
    assert found.binding.key == "x" and found.enabled is True and found.tooltip == ""


# -- y and Y: copy_to_clipboard writes OSC 52 -------------------------------------------------

async def test_copy_to_clipboard_writes_osc52_to_the_terminal() -> None:
    app = Wide()
    async with app.run_test() as pilot:
        written: list[str] = []
        driver = app._driver  # private: the only way to see what reaches the terminal
        assert driver is not None, "App._driver changed"
        original = driver.write
        driver.write = lambda data: (written.append(data), original(data))[1]  # type: ignore[method-assign]
        app.copy_to_clipboard("+1 555")
        await pilot.pause()
        assert f"\x1b]52;c;{base64.b64encode(b'+1 555').decode()}\a" in written
        assert app.clipboard == "+1 555"
