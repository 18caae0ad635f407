"""The fault table (tests/faults.py) through the app: Pilot drives it over real HTTP to the demo server.

For every case: open ``cl-demo-1k`` (page 0 loads), turn the server hostile, jump to a row on a
page not loaded yet, and check that the app still runs, says what went wrong in words a person
reads (server text literally: no markup applied, no escape reaching the terminal), keeps the rows
it had, and after the server recovers and ``r`` is pressed shows the right row under the cursor.
"""

from __future__ import annotations

import functools
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList

from kore_tui.demo.server import DemoServer
from kore_tui.session import Settings
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.screens.browser import BrowserScreen
from kore_tui.ui.screens.picker import PickerScreen
from kore_tui.ui.screens.prompt import GoToRowPrompt
from kore_tui.ui.widgets.contact_view import ContactView
from kore_tui.ui.widgets.view_bar import ViewBar
from tests import scenes
from tests.faults import (
    BY_NAME,
    CASES,
    CONTACTS,
    JUMP_TO,
    LIST_ID,
    STREAM_ID,
    FaultCase,
    clean_row,
    printable,
)
from tests.scenes import pinned_clock

ROW = JUMP_TO - 1  # 0-based index of the row jumped to
PAGE0 = range(100)

APP_XFAIL: dict[str, pytest.MarkDecorator] = {}  # cases the app is known to fail (none now)


def app_for(case: FaultCase) -> KoreTuiApp:
    # Pacing off: the request budget is shared per URL within the process, and a later test's demo
    # server may be given this one's port (and find its budget spent). The 429 cases still run:
    # with pacing off the client honours Retry-After by waiting, without filling a budget.
    return KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=STREAM_ID, list_id=LIST_ID,
                      settings=Settings(timeout=case.timeout or 10.0, max_rpm=0, backoff_base=0.01, backoff_max=0.05),
                      demo_knobs={"latency": 0.0})


# The shared settle, with shorter pauses: the suite settles ~100 times.
settle = functools.partial(scenes.settle, pause=0.02)


async def jump(pilot: Pilot, row: int) -> None:
    """`:` opens the go-to-row prompt, the row number goes in its field, Enter jumps. (Typing
    the digits one key at a time costs ~0.15 s a case and tests nothing more here.)"""
    await pilot.press("colon")
    prompt = pilot.app.screen
    assert isinstance(prompt, GoToRowPrompt)
    prompt.query_one(Input).value = str(row)
    await pilot.press("enter")


def screen_text(view: ContactView) -> str:
    table = view.table
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


def restart(app: Any, old: DemoServer) -> None:
    """A server again on the same port, with the same secret: the app's URL works again."""
    host, port = old.server_address
    app.demo_server = DemoServer(host=host, port=port, secret=old.secret).start()


def params() -> list[Any]:
    return [pytest.param(case, id=case.name, marks=APP_XFAIL.get(case.name, ())) for case in CASES]


@pytest.mark.parametrize("case", params())
async def test_app_survives(case: FaultCase) -> None:
    app = app_for(case)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = app.screen.current_view()
        table = view.table
        page0 = [table.pager.get_row(i) for i in PAGE0]
        assert [r.raw for r in page0] == [clean_row(i) for i in PAGE0]
        server = app.demo_server
        if case.refuse:
            server.stop()
        else:
            server.inject(*case.faults())

        await jump(pilot, JUMP_TO)
        await settle(pilot)  # bounded: raises if the app never settles
        assert app.is_running
        assert table.cursor_row == ROW
        line = str(view.status.render())
        assert printable(line), repr(line)
        assert printable(screen_text(view))
        assert [table.pager.get_row(i) for i in PAGE0] == page0  # nothing loaded is lost
        if case.outcome == "error":
            assert view.last_error is not None, line
            assert table.current_row is None
        else:
            assert view.last_error is None, line
            assert table.current_row is not None, line
            assert table.current_row.raw == case.expected_row(ROW)
        if case.name == "markup-and-escapes":
            assert "[bold red]x[/]" in screen_text(view)  # shown, not applied

        if case.refuse:
            restart(app, server)
        else:
            server.clear_faults()
        await pilot.press("r")
        await settle(pilot)
        assert app.is_running
        assert view.last_error is None, str(view.status.render())
        assert table.cursor_row == ROW
        assert table.current_row is not None and table.current_row.raw == clean_row(ROW)
        if case.outcome == "error":  # `r` retried what failed, and kept the rest
            assert [table.pager.get_row(i) for i in PAGE0] == page0

        if case.retried and not case.refuse:
            # A fault shorter than the client's retries heals with no key pressed: a page further
            # down (unloaded) meets `heal_times` faulty answers, then its rows.
            server.inject(*case.faults(times=case.heal_times))
            met = len(server.requests_to(CONTACTS))
            table.go_to_row(ROW + 200)  # what the prompt calls; the keys were pressed above
            await settle(pilot)
            assert view.last_error is None, str(view.status.render())
            assert table.current_row is not None and table.current_row.raw == clean_row(ROW + 200)
            assert len(server.requests_to(CONTACTS)) - met >= case.heal_times + 1  # the faulty answers, then the page

        # Last, so that a known-vague message (xfail) still had every other check run.
        for word in case.words:
            assert word.lower() in line.lower(), (word, line)


async def test_refresh_asks_for_the_visible_page_once() -> None:
    """`r` with no error refreshes: one request per visible page, not dozens."""
    app = app_for(BY_NAME["negative-skip"])  # any case: no fault is injected here
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        server = app.demo_server
        before = len(server.requests_to(CONTACTS))
        await pilot.press("r")
        await settle(pilot)
        again = server.requests_to(CONTACTS)[before:]
        assert 1 <= len(again) <= 2, [r.query.get("skip") for r in again]
        assert app.screen.current_view().table.current_row.raw == clean_row(0)


async def test_hostile_list_names_show_literally_in_picker_and_browser() -> None:
    """The list-name half of the markup-and-escapes case: the picker and the browser's title and tab."""
    case = BY_NAME["markup-and-escapes"]
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, demo_knobs={"latency": 0.0},
                     settings=Settings(max_rpm=0))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        app.demo_server.inject(*case.faults())
        lists = app.screen.query_one("#lists", OptionList)
        lists.focus()
        await pilot.press("r")
        await settle(pilot)
        shown = "\n".join(lists.render_line(y).text for y in range(lists.size.height))
        assert "[bold red]x[/]" in shown and printable(shown), shown
        await pilot.press("enter")  # the first list, cl-demo-1k, by its hostile name
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen) and app.screen.list_id == LIST_ID
        title = app.screen.title
        tab = app.screen.query_one(ViewBar).render_line(0).text
        for text in (title, tab):
            assert "[bold red]x[/] [link=file:///etc]y[/link]" in text and printable(text), repr(text)
        assert printable(str(app.screen.current_view().status.render()))
