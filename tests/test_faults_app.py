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

import kore_tui.session
from kore_tui.api.client import Connection
from kore_tui.demo.server import DemoServer
from kore_tui.session import Settings
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.widgets.contact_view import ContactView
from tests.faults import (
    BY_NAME,
    CASES,
    FROM_ROW,
    HOSTILE,
    JUMP_TO,
    LIST_ID,
    RETRIED,
    STREAM_ID,
    FaultCase,
    clean_row,
    printable,
)
from tests.scenes import pinned_clock, settle

ROW = JUMP_TO - 1  # 0-based index of the row jumped to
PAGE0 = range(100)

# The status line shortens errors to "Kind (status)" when the server sent no words of its own, so
# a 2xx answer that is not JSON reads "Bad response (200)": the cause (HTML, truncated, empty)
# never reaches the user.
VAGUE_STATUS_LINE = pytest.mark.xfail(
    strict=True,
    reason="UI: short_error() (ui/widgets/contact_view.py) drops the cause of a bad 2xx answer: "
           "the status line reads 'Bad response (200)' instead of naming HTML / truncated / empty",
)
APP_XFAIL = {"truncated-json": VAGUE_STATUS_LINE, "html-with-200": VAGUE_STATUS_LINE, "empty-body": VAGUE_STATUS_LINE}


@pytest.fixture(autouse=True)
def short_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app cannot configure the client's backoff (0.5 s doubling, 4 retries: up to 7.5 s a
    request); the tests shorten it where the session builds the Connection."""
    monkeypatch.setattr(kore_tui.session, "Connection",
                        functools.partial(Connection, backoff_base=0.01, backoff_max=0.05))


def app_for(case: FaultCase) -> KoreTuiApp:
    return KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=STREAM_ID, list_id=LIST_ID,
                      settings=Settings(timeout=case.timeout or 10.0), demo_knobs={"latency": 0.0})


async def jump(pilot: Pilot, row: int) -> None:
    for key in ("colon", *str(row), "enter"):
        await pilot.press(key)


def screen_text(view: ContactView) -> str:
    table = view.table
    return "\n".join(table.render_line(y).text for y in range(table.size.height))


def restart(app: Any, old: DemoServer) -> None:
    """A server again on the same port, with the same secret: the app's URL works again."""
    host, port = old._httpd.server_address[:2]
    app.demo_server = DemoServer(host=host, port=port, secret=old.secret).start()


def params() -> list[Any]:
    return [pytest.param(case, id=case.name, marks=APP_XFAIL.get(case.name, ())) for case in CASES]


@pytest.mark.parametrize("case", params())
async def test_app_survives(case: FaultCase) -> None:
    app = app_for(case)
    async with app.run_test(size=(100, 30)) as pilot:
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
        assert [table.pager.get_row(i).raw for i in PAGE0] == [clean_row(i) for i in PAGE0]

        # Last, so that a known-vague message (xfail) still had every other check run.
        for word in case.words:
            assert word.lower() in line.lower(), (word, line)


@pytest.mark.parametrize("case", RETRIED, ids=[c.name for c in RETRIED])
async def test_app_heals_a_short_fault_by_itself(case: FaultCase) -> None:
    """A fault shorter than the client's retries: the row arrives, no error, no key pressed."""
    app = app_for(case)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.current_view()
        server = app.demo_server
        server.inject(*case.faults(times=2))
        await jump(pilot, JUMP_TO)
        await settle(pilot)
        assert view.last_error is None, str(view.status.render())
        assert view.table.current_row is not None and view.table.current_row.raw == clean_row(ROW)
        faulty = [r for r in server.requests_to("/getAllContacts") if int(r.query.get("skip", 0)) >= FROM_ROW]
        assert len(faulty) >= 2  # the fault was met, twice, and the client asked again
