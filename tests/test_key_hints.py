"""The key hints line: what it shows at 50, 80 and 120 columns, that it follows focus, and clicks."""

from __future__ import annotations

from kore_tui.demo import data
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.screens.help import HelpScreen
from kore_tui.ui.screens.picker import PickerScreen
from kore_tui.ui.widgets.key_hints import KeyHints
from tests.scenes import pinned_clock, settle

SALES = data.STREAMS[0]


def hints_line(app: KoreTuiApp) -> str:
    return app.screen.query_one(KeyHints).render_line(0).text


async def test_at_80_columns_every_key_of_the_picker_fits() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        line = hints_line(app)
        assert len(line.rstrip()) <= 80 == app.screen.query_one(KeyHints).size.width
        # Squeezed ("? Help", not " ? Help "): every shown key and Quit, the palette's dropped first
        # (^o Profiles is in ? help and the palette).
        for hint in ("a Add stream", "? Help", "c Directory", "/ Filter", "r Reload", "f Find number", "^q Quit"):
            assert hint in line, line
        assert "palette" not in line


async def test_a_narrow_line_keeps_help_quit_and_the_primary_keys() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False)
    async with app.run_test(size=(50, 20)) as pilot:
        await settle(pilot)
        line = hints_line(app)
        for hint in ("? Help", "c Directory", "/ Filter", "^q Quit"):  # the others go first
            assert hint in line, line
        assert "Find number" not in line


async def test_at_120_columns_the_hints_are_roomy_and_the_palette_sits_right() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        line = hints_line(app)
        assert line.startswith(" a Add stream  ? Help "), line
        assert line.rstrip().endswith("^p palette"), line


async def test_the_hints_follow_the_focus() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id="cl-demo-1k")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "Clear filter" not in hints_line(app)
        await pilot.press("slash")  # the filter line takes the keys: its Esc is offered
        await settle(pilot)
        assert "esc Clear filter" in hints_line(app), hints_line(app)
        await pilot.press("escape")
        await settle(pilot)
        assert "Clear filter" not in hints_line(app)
        assert "/ Filter" in hints_line(app)


async def test_a_click_on_a_hint_presses_its_key() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        line = hints_line(app)
        await pilot.click(KeyHints, offset=(line.index("? Help") + 3, 0))
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
