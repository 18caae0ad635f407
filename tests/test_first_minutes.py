"""The first ten minutes of a new user (#15): one focus model (`/` filters, letters are commands,
Esc clears then goes back), honest long operations, dialogs that fit 60x20, a saved theme, the
profile's colour, and the words right."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.geometry import Region
from textual.widgets import Input, Label, Static

from kore_tui.config import Config, Profile, Stream, load_config, save_config
from kore_tui.demo import data
from kore_tui.demo.server import DemoServer
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.screens.browser import BrowserScreen
from kore_tui.ui.screens.export import ExportScreen
from kore_tui.ui.screens.help import HelpScreen
from kore_tui.ui.screens.lookup import LookupScreen
from kore_tui.ui.screens.picker import ContactListList, PickerScreen, StreamList, list_prompt
from kore_tui.ui.screens.profile import ProfileSwitcher
from kore_tui.ui.screens.prompt import ConfirmPrompt, GoToRowPrompt, TextPrompt
from kore_tui.ui.widgets.contact_view import ContactView
from kore_tui.ui.widgets.key_hints import KeyHints
from kore_tui.ui.widgets.status_line import StatusLine
from kore_tui.ui.widgets.title_bar import TitleBar
from kore_tui.views.estimate import duration, estimate, progress_text
from tests.scenes import pinned_clock, settle

SALES = data.STREAMS[0]
LIST_DETAILS = "getAllListDetails"


def demo(**kw: object) -> KoreTuiApp:
    return KoreTuiApp(demo=True, clock=pinned_clock, animate=False, **kw)  # type: ignore[arg-type]


def hints(app: KoreTuiApp) -> str:
    return app.screen.query_one(KeyHints).render_line(0).text


def status(app: KoreTuiApp) -> str:
    return str(app.screen.query_one(StatusLine).render())


def text_of(*renderables: object) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    for renderable in renderables:
        console.print(renderable)
    return console.export_text()


# -- one focus model ----------------------------------------------------------------------------

async def test_slash_filters_the_lists_from_the_first_focus_and_fires_nothing() -> None:
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert isinstance(app.screen.focused, StreamList)  # where the cursor starts
        server = app.demo_server
        assert server is not None
        asked = len(server.requests_to(LIST_DETAILS))
        await pilot.press("slash", "r", "e", "n")  # r would reload: typed, it filters
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert app.screen.query_one("#list-filter", Input).value == "ren"
        assert len(server.requests_to(LIST_DETAILS)) == asked  # no reload
        lists = app.screen.query_one(ContactListList)
        assert lists.option_count == 1  # Renewals 2026
        assert "1 of 8 lists matches 'ren'" in status(app)
        await pilot.press("escape", "slash", "f", "o", "l")  # f would open Find
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert app.screen.query_one("#list-filter", Input).value == "fol"
        await pilot.press("enter")  # the best match opens
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen) and app.screen.list_id == "cl-demo-seven"


async def test_esc_in_the_picker_clears_the_filter_then_goes_back() -> None:
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", "x", "y", "z")
        await settle(pilot)
        screen = app.screen
        assert screen.query_one(ContactListList).option_count == 0
        assert "no list matches 'xyz' (8 lists)" in status(app)
        assert "esc Clear filter" in hints(app)
        await pilot.press("escape")  # clears
        await settle(pilot)
        assert screen.query_one("#list-filter", Input).value == ""
        assert screen.query_one(ContactListList).option_count == 8
        assert "8 contact lists" in status(app)
        assert isinstance(screen.focused, ContactListList)
        await pilot.press("escape")  # back: the lists to the streams
        await settle(pilot)
        assert isinstance(screen.focused, StreamList)
        await pilot.press("escape")  # nothing further back: still the picker
        await settle(pilot)
        assert app.screen is screen


async def test_esc_in_the_browser_clears_the_filter_then_goes_back() -> None:
    app = demo(stream_id=SALES.id, list_id="cl-demo-1k")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ContactView)
        await pilot.press("slash", "4", "1", "5", "5", "enter")  # the table takes the keys, the filter stays
        await settle(pilot)
        assert view.filtering and view.filter_text == "4155"
        assert "esc Clear filter" in hints(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert not view.filtering and view.table.row_count == 1000
        assert "esc Back" in hints(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)


async def test_keys_typed_in_one_burst_with_slash_are_the_filters_text() -> None:
    """A fast typist or a paste: the keys after `/` arrive before the input has focus, and
    each is still the filter's text, in the picker and in the browser; none acts as a command."""
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        server = app.demo_server
        assert server is not None
        asked = len(server.requests_to(LIST_DETAILS))
        for key in ("slash", "r", "e", "n"):  # r would reload
            app.simulate_key(key)
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert app.screen.query_one("#list-filter", Input).value == "ren"
        assert len(server.requests_to(LIST_DETAILS)) == asked
    app = demo(stream_id=SALES.id, list_id="cl-demo-1k")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ContactView)
        for key in ("slash", "s", "e", "a"):  # s would sort, e would export
            app.simulate_key(key)
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)  # no export dialog
        assert view.filter_text == "sea" and view.filtering
        assert view.model.sort is None
        await pilot.press("enter", "x")  # accepted: the table has the keys again
        await settle(pilot)
        assert view.filter_text == "sea" and view.table.has_focus


async def test_the_streams_keep_their_order_while_the_picker_is_open() -> None:
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        streams = app.screen.query_one(StreamList)
        before = [streams.get_option_at_index(i).id for i in range(streams.option_count)]
        await pilot.press("down", "c")  # the second stream's directory: now the most recently used
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert [streams.get_option_at_index(i).id for i in range(streams.option_count)] == before
        assert streams.highlighted == 1


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_the_footer_keeps_help_quit_and_the_primary_keys(size: tuple[int, int]) -> None:
    app = demo(stream_id=SALES.id, list_id="cl-demo-1k")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        line = hints(app)
        for hint in ("? Help", "^q Quit", "/ Filter", "esc Back"):
            assert hint in line, line
        await pilot.press("escape")
        await settle(pilot)
        line = hints(app)
        for hint in ("? Help", "^q Quit", "/ Filter", "c Directory"):
            assert hint in line, line


# -- honest long operations ---------------------------------------------------------------------

def test_the_estimate_arithmetic() -> None:
    assert estimate(1_000_000, page_size=100, max_requests=60).text() == \
        "1,000,000 rows ≈ 10,000 requests ≈ 2 h 47 min at 60/min"
    assert estimate(1, page_size=100, max_requests=60).text() == "1 row ≈ 1 request ≈ 1 s at 60/min"
    assert estimate(1000, page_size=50, max_requests=0).text() == "1,000 rows ≈ 20 requests"  # no budget: no time
    assert estimate(10_000, page_size=100, max_requests=60).needs_confirm is False  # 100 requests: no question
    assert estimate(10_001, page_size=100, max_requests=60).needs_confirm is True
    assert [duration(s) for s in (0, 45, 150, 3600, 90_000)] == ["0 s", "45 s", "2 min", "1 h", "1 day 1 h"]
    assert progress_text(1, None, 0.1) == "1 row"
    line = progress_text(12_000, 1_000_000, 120.0, waiting=True)
    assert line == "12,000 of 1,000,000 rows · 100 rows/s · 2 h 45 min left · waiting for the request budget"


async def test_a_million_row_export_states_its_cost_and_asks(tmp_path: Path) -> None:
    save_config(Config(export_dir=str(tmp_path)))
    app = demo(stream_id=SALES.id, list_id="cl-demo-1m")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        path = screen.query_one("#export-path", Input).value
        assert Path(path).parent == tmp_path  # export_dir, shown before it starts
        shown = text_of(screen.query_one("#export-estimate", Label).render())
        assert "1,000,000 rows ≈ 10,000 requests ≈ 2 h 47 min at 60/min" in shown
        await pilot.press("enter")  # the first Enter asks
        await settle(pilot)
        said = text_of(screen.query_one("#export-result", Static).render())
        assert "10,000 requests" in said and "Enter again starts" in said
        assert not screen.running
        await pilot.press("escape")  # declined
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
    assert list(tmp_path.iterdir()) == []  # nothing written


async def test_an_export_confirmed_then_stopped_says_what_was_kept(tmp_path: Path) -> None:
    save_config(Config(export_dir=str(tmp_path)))
    app = demo(stream_id=SALES.id, list_id="cl-demo-1m")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e", "enter", "enter")  # asked, then confirmed
        await pilot.pause(0.5)
        screen = app.screen
        assert isinstance(screen, ExportScreen) and screen.running
        assert "of 1,000,000 rows" in text_of(screen.query_one("#export-result", Static).render())
        await pilot.press("escape")  # stops; the dialog stays to say so
        await settle(pilot)
        assert app.screen is screen and not screen.running
        said = text_of(screen.query_one("#export-result", Static).render())
        assert "Stopped" in said and "nothing written" in said
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ExportScreen)
    assert list(tmp_path.iterdir()) == []


async def test_fetch_all_of_a_million_rows_states_its_cost_and_asks() -> None:
    app = demo(stream_id=SALES.id, list_id="cl-demo-1m")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ContactView)
        await pilot.press("F")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmPrompt)
        assert "1,000,000 rows ≈ 10,000 requests ≈ 2 h 47 min at 60/min" in app.screen.question
        await pilot.press("escape")  # declined: nothing fetched
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen) and not view.model.fetching_all

        await pilot.press("F", "enter")  # confirmed: it runs, and says how far it got
        await pilot.pause(0.5)
        assert view.model.fetching_all
        assert "fetching all:" in status(app) and "of 1,000,000 rows" in status(app)
        await pilot.press("F")  # stops
        await settle(pilot)
        assert not view.model.fetching_all


# -- layouts from 60x20 ------------------------------------------------------------------------

async def test_dialogs_fit_inside_60x20(demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    screen_area = Region(0, 0, 60, 20)

    async def fits(pilot, kind: type, *keys: str) -> None:  # type: ignore[no-untyped-def]
        await pilot.press(*keys)
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, kind), dialog
        box = dialog.query_one(".prompt, .help, .lookup")
        assert screen_area.contains_region(box.region), (kind.__name__, box.region)
        assert box.region.right <= 60 and box.region.bottom <= 20
        await pilot.press("escape")
        await settle(pilot)

    app = demo(stream_id=SALES.id, list_id="cl-demo-seven")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await fits(pilot, HelpScreen, "question_mark")
        await fits(pilot, TextPrompt, "f")
        await fits(pilot, GoToRowPrompt, "colon")
        await fits(pilot, ExportScreen, "e")
        await pilot.press("f", *"15550000000", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LookupScreen)
        box = app.screen.query_one(".lookup")
        assert screen_area.contains_region(box.region), box.region
        await pilot.press("escape")
        await settle(pilot)
    app = demo(stream_id=SALES.id, list_id="cl-demo-1m")
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await fits(pilot, ConfirmPrompt, "F")

    config = Config(default_profile="a")
    for name in ("a", "b"):
        config.profiles[name] = Profile(name, demo_server.url, demo_server.account_id, demo_server.client_id,
                                        streams=[Stream(SALES.id)])
    save_config(config)
    monkeypatch.setenv("KORE_CLIENT_SECRET", demo_server.secret)
    app = KoreTuiApp(clock=pinned_clock, animate=False)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        await fits(pilot, ProfileSwitcher, "ctrl+o")


async def test_list_rows_stay_one_line_at_60_columns() -> None:
    app = demo()
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        lists = app.screen.query_one(ContactListList)
        for index in range(lists.option_count):
            prompt = lists.get_option_at_index(index).prompt
            assert "\n" not in str(prompt) and "\n" not in getattr(prompt, "plain", "")
        assert lists.option_count == 8


def test_list_prompt_cuts_the_name_to_the_width() -> None:
    from kore_tui.api.models import ContactList

    lst = ContactList.from_json({"_id": "cl-1", "name": "N" * 200, "totalRecordCount": 1_000_000, "status": "Ready"})
    for width in (40, 60, 100):
        line = list_prompt(lst, width)
        assert line.cell_len == width, (width, line.cell_len)
        assert "…" in line.plain and "1,000,000" in line.plain and "Ready" in line.plain


# -- conventions ----------------------------------------------------------------------------------

async def test_the_theme_is_saved_and_restored() -> None:
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "nord" in app.available_themes
        app.theme = "nord"  # what the palette's theme picker does
        await settle(pilot)
    assert load_config().theme == "nord"
    app = demo()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme == "nord"


async def test_the_profile_colour_is_in_the_title_bar(demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config(default_profile="prod")
    config.profiles["prod"] = Profile("prod", demo_server.url, demo_server.account_id, demo_server.client_id,
                                      streams=[Stream(SALES.id)], color="red")
    save_config(config)
    assert load_config().profiles["prod"].color == "red"
    monkeypatch.setenv("KORE_CLIENT_SECRET", demo_server.secret)
    app = KoreTuiApp(clock=pinned_clock, animate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        title = app.screen.query_one(TitleBar)
        strip = title.render_line(0)
        assert " prod " in strip.text
        backgrounds = {segment.style.bgcolor.triplet for segment in strip if segment.style and segment.style.bgcolor
                       and "prod" in segment.text}
        assert any(t is not None and (t.red, t.green, t.blue) == (255, 0, 0) for t in backgrounds), backgrounds


async def test_the_palette_has_help_not_keys_and_help_has_one_palette_line() -> None:
    app = demo(stream_id=SALES.id, list_id="cl-demo-1k")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Help" in titles and "Keys" not in titles and "Theme" in titles
        await pilot.press("question_mark")
        await settle(pilot)
        shown = text_of(*(static.render() for static in app.screen.query(Static)))
        assert shown.count("palette") == 1, shown



async def test_the_collector_is_on_again_once_the_first_frame_is_shown() -> None:
    """`kore-tui` switches the garbage collector off for its start (cli.run.run_app); the app
    turns it back on after its first frame, with the start-up objects frozen out of its passes."""
    import gc

    gc.disable()
    try:
        app = demo()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0
    finally:
        gc.enable()
        gc.unfreeze()
