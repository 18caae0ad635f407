"""Pilot tests of the app's flows, over real HTTP against the demo server."""

from __future__ import annotations

from collections import Counter

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from textual.widgets import Input

from kore_tui.config import config_path, load_config
from kore_tui.demo import data
from kore_tui.demo.server import DemoServer, Fault
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.screens.browser import BrowserScreen
from kore_tui.ui.screens.picker import PickerScreen
from kore_tui.ui.screens.profile import ProfileScreen
from kore_tui.ui.widgets.contact_view import ContactView
from kore_tui.ui.widgets.detail_pane import DetailPane
from kore_tui.ui.widgets.lazy_table import LazyTable
from kore_tui.ui.widgets.view_bar import ViewBar
from tests.scenes import pinned_clock, settle

SALES = data.STREAMS[0]


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    yield
    keyring.set_keyring(previous)


def list_skips(server: DemoServer, list_id: str) -> Counter[int]:
    return Counter(int(r.query.get("skip", 0)) for r in server.requests_to(f"/contactList/{list_id}/getAllContacts"))


async def test_first_run_profile_picker_list_detail(demo_server: DemoServer, no_keyring: None) -> None:
    app = KoreTuiApp(clock=pinned_clock, animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        values = {
            "name": "work", "host": demo_server.url, "account_id": demo_server.account_id,
            "client_id": demo_server.client_id, "secret": demo_server.secret, "streams": SALES.id,
        }
        for key, value in values.items():
            app.screen.query_one(f"#field-{key}", Input).value = value
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "Connected" in str(app.screen.query_one("#profile-result").render())

        await pilot.press("ctrl+s")  # no keyring here: the screen offers the session-only way out
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        assert "KORE_CLIENT_SECRET" in str(app.screen.query_one("#profile-result").render())
        await pilot.press("ctrl+l")
        await settle(pilot)

        assert isinstance(app.screen, PickerScreen)
        lists = app.screen.query_one("#lists")
        assert lists.option_count == len(SALES.lists)
        lists.focus()
        await pilot.press("enter")  # the first list: cl-demo-1k
        await settle(pilot)

        assert isinstance(app.screen, BrowserScreen)
        assert app.screen.list_id == SALES.lists[0].id
        await pilot.press("down", "down")
        await settle(pilot)
        detail = app.screen.query_one(DetailPane)
        assert detail.row is not None
        assert detail.row["_id"] == data.list_contact(SALES, SALES.lists[0], 2)["_id"]

    saved = config_path().read_text()
    assert "work" in saved and demo_server.url in saved
    assert demo_server.secret not in saved  # the secret never reaches the file
    assert load_config().profiles["work"].streams[0].id == SALES.id


async def test_the_list_filter_narrows_the_lists_and_arrows_choose_among_them() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("slash", *"re")  # the lists whose name, id or status hold "re"
        await settle(pilot)
        lists = app.screen.query_one("#lists")
        shown = [lists.get_option_at_index(i).id for i in range(lists.option_count)]
        expected = [lst.id for lst in SALES.lists if "re" in f"{lst.name} {lst.id} {lst.status}".casefold()]
        assert shown == expected and len(shown) >= 3
        assert isinstance(app.focused, Input)  # still typing: the arrows move the highlight
        await pilot.press("down", "down", "up")
        assert lists.highlighted == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        assert app.screen.list_id == shown[1]


async def test_switching_views_keeps_each_table() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id="cl-demo-1k")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(ViewBar)
        assert app.screen.open_view == bar.open_view == "list"
        assert app.screen.query("ContactView").nodes == [app.screen.current_view()]  # the directory: on first use
        await pilot.press("down", "down", "down")
        await pilot.press("2")
        await settle(pilot)
        assert app.screen.open_view == bar.open_view == "directory"
        directory = app.screen.current_view()
        assert app.focused is directory.table
        assert directory.table.current_row.id == data.directory_contact(SALES, 0)["id"]
        await pilot.press("tab")  # the campaigns, then round to the list
        await settle(pilot)
        assert app.screen.open_view == "campaigns"
        await pilot.press("tab")
        await settle(pilot)
        assert app.screen.open_view == "list"
        assert app.screen.current_view().table.cursor_row == 3  # the list view kept its place
        assert not directory.display


async def test_a_click_on_the_view_bar_opens_that_view() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id="cl-demo-1k")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(ViewBar)
        line = bar.render_line(0).text
        assert line.startswith(" 1 List: Spring callbacks ") and "2 Directory" in line, line
        await pilot.click(ViewBar, offset=(line.index("2 Directory") + 1, 0))
        await settle(pilot)
        assert app.screen.open_view == "directory"
        assert app.focused is app.screen.current_view().table
        await pilot.click(ViewBar, offset=(2, 0))
        await settle(pilot)
        assert app.screen.open_view == "list"


async def test_scrolling_to_the_end_requests_each_page_once() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id="cl-demo-1k",
                     demo_knobs={"latency": 0.0})
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LazyTable)
        # A page at a time, each shown until its rows arrive: every page is asked for, once.
        for _ in range(200):
            if table.cursor_row >= 999:
                break
            await pilot.press("pagedown")
            await settle(pilot, quiet_rounds=2)
        assert table.cursor_row == 999
        skips = list_skips(app.demo_server, "cl-demo-1k")
        assert sorted(skips) == list(range(0, 1000, 100))
        assert set(skips.values()) == {1}, skips
        # and back up again: every page is cached, nothing is asked for twice
        for _ in range(200):
            if table.cursor_row == 0:
                break
            await pilot.press("pageup")
        await settle(pilot)
        assert list_skips(app.demo_server, "cl-demo-1k") == skips


async def test_error_then_r_keeps_rows_and_recovers() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id="cl-demo-1k")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ContactView)
        table = view.table
        first = table.current_row
        server = app.demo_server
        server.inject(Fault(status=500, message="[red]boom[/]", path_contains="getAllContacts", times=None))
        for key in ("colon", "4", "5", "0", "enter"):
            await pilot.press(key)
        await settle(pilot)
        assert table.cursor_row == 449
        assert table.current_row is None  # its page failed
        assert view.last_error is not None
        line = str(view.status.render())
        assert "500" in line and "[red]boom[/]" in line  # the server's words, literally
        assert table.pager.get_row(0) == first  # rows already loaded are kept

        server.clear_faults()
        await pilot.press("r")
        await settle(pilot)
        assert view.last_error is None
        assert table.current_row.id == data.list_contact(SALES, SALES.lists[0], 449)["_id"]
        assert "500" not in str(view.status.render())


async def test_deep_link_to_the_directory_and_unknown_stream() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id="st-nope")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        view = app.screen.current_view()
        assert view.last_error is not None
        assert "Stream not found: st-nope" in str(view.status.render())
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)


async def test_hostile_values_render_literally() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id="cl-demo-hostile")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(LazyTable)
        text = "\n".join(table.render_line(y).text for y in range(table.size.height))
        assert "[/]" in text and "[red]x" in text  # markup shown, not applied
        assert "\x1b" not in text and "\x07" not in text  # no escape reaches the terminal
        await pilot.press("down", "J")
        await settle(pilot)
        detail = app.screen.query_one(DetailPane)
        assert detail.raw_mode
        assert "\x1b" not in str(detail.query_one("Static").render())


async def test_a_terminal_resize_lays_the_browser_out_again() -> None:
    # The browser skips the Resize Textual sends a screen just pushed (same size); a real one
    # must still re-lay it out: side by side when wide, stacked when narrow.
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id="cl-demo-1k")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        view = screen.current_view()
        assert screen.has_class("-wide")
        assert view.detail.region.x > view.table.region.x and view.detail.region.y == view.table.region.y
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        assert screen.has_class("-narrow") and screen.size == (80, 24)
        assert view.detail.region.y > view.table.region.y and view.table.region.width == 80
        await pilot.resize_terminal(120, 40)
        await settle(pilot)
        assert screen.has_class("-wide") and view.table.region.height > 30


async def test_a_long_list_name_leaves_the_directory_on_the_view_bar() -> None:
    from textual.app import App, ComposeResult

    name = "Customers who asked for a call back about their renewal " * 4 + "[/]\x1b[31m"

    chosen: list[str] = []

    class BarApp(App[None]):
        def compose(self) -> ComposeResult:
            yield ViewBar({"list": f"1 List: {name}", "directory": "2 Directory"}, "list")

        def on_view_bar_chosen(self, event: ViewBar.Chosen) -> None:
            chosen.append(event.view)

    app = BarApp()
    async with app.run_test(size=(80, 24)) as pilot:
        bar = app.query_one(ViewBar)
        line = bar.render_line(0).text
        assert line.startswith(" 1 List: Customers who asked") and "…" in line, line
        assert line.rstrip().endswith("2 Directory") and len(line.rstrip()) <= 80, line
        assert "\x1b" not in line
        await pilot.click(ViewBar, offset=(line.index("2 Directory") + 2, 0))
        await pilot.pause()
        assert chosen == ["directory"]


async def test_a_view_key_pressed_twice_quickly_makes_one_view() -> None:
    """2 pressed again before the directory view is mounted (a fast typist, a terminal that
    sends keys in one burst) shows the one directory view, never a second one."""
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id="cl-demo-1k")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("2", "2", "3", "3", "2"):
            app.simulate_key(key)
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen) and app.is_running
        assert len(app.screen.query("#directory")) == 1 and len(app.screen.query("#campaigns")) == 1
        assert app.screen.open_view == "directory"
