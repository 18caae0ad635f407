"""Million-row lists (issue #4), over real HTTP: the demo app on its own demo server.

What each request was for is read from the server's log (``skip`` of each ``getAllContacts``);
nothing here is timed (the figures are in ``bench/bench_table.py``).
"""

from __future__ import annotations

import asyncio
import math
import random
from collections.abc import Iterator
from typing import Any

import pytest
from textual.pilot import Pilot

from kore_tui.api.models import CampaignContact
from kore_tui.demo import data
from kore_tui.demo.launch import start_demo
from kore_tui.demo.server import DemoServer, Fault
from kore_tui.session import Settings
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.widgets.lazy_table import LazyTable, cell_text
from tests.scenes import pinned_clock, settle

SALES = data.STREAMS[0]
MILLION = data.find_list(SALES, "cl-demo-1m")
THOUSAND = data.find_list(SALES, "cl-demo-1k")
assert MILLION is not None and THOUSAND is not None
SIZE = (120, 40)


def demo_app(list_id: str = MILLION.id, **kw: Any) -> KoreTuiApp:
    kw.setdefault("demo_knobs", {"latency": 0.0})
    return KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=SALES.id, list_id=list_id, **kw)


def skips(server: DemoServer, list_id: str = MILLION.id) -> list[int]:
    """The ``skip`` of every request for the list's contacts, in order."""
    return [int(r.query["skip"]) for r in server.requests_to(f"/contactList/{list_id}/getAllContacts")]


async def list_table(pilot: Pilot[Any]) -> LazyTable:
    """The open list's table, focused, once the app settled."""
    await settle(pilot)
    app = pilot.app
    assert app.screen.open_view == "list"  # the deep link opens the list
    table = app.screen.query_one("#list LazyTable", LazyTable)
    if app.focused is not table:
        table.focus()
        await settle(pilot)
    return table


def shown_pages(table: LazyTable) -> list[int]:
    assert table.pager is not None
    top = table.scroll_offset.y
    return list(table.pager.pages_for(top, min(table.row_count - 1, top + table._body_height() - 1)))


def row_id(lst: data.DemoList, i: int) -> str:
    return data.list_contact(SALES, lst, i)["_id"]


def shown_line(table: LazyTable, i: int) -> str:
    """The text painted for row ``i`` (which must be on screen)."""
    y = i - table.scroll_offset.y + 1
    assert 1 <= y < table.size.height, f"row {i} is not on screen"
    return table.render_line(y).text


def send_keys(app: KoreTuiApp, key: str, times: int) -> None:
    """Raw key events, as a terminal delivers a held key (Pilot.press waits after each)."""
    for _ in range(times):
        app.simulate_key(key)


async def wait_for(condition: Any, what: str, timeout: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.005)


async def test_end_sends_only_the_pages_it_shows() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await list_table(pilot)
        server = app.demo_server
        assert server is not None
        assert skips(server) == [0]  # opening: one request
        assert (table.row_count, table.row_count_exact) == (1_000_000, False)
        assert table.virtual_size.height == 1_000_001  # the scrollbar spans the whole list
        server.reset_log()

        await pilot.press("end")
        await settle(pilot)
        assert table.cursor_row == 999_999
        assert table.current_row.id == row_id(MILLION, 999_999)
        shown = shown_pages(table)
        assert shown == [9_999]  # 33 rows under the header at 120x40: all on the last page
        assert skips(server) == [k * 100 for k in shown] == [999_900]
        assert data.list_contact(SALES, MILLION, 999_999)["phoneNumber"] in shown_line(table, 999_999)

        await pilot.press("home")
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert table.cursor_row == 999_999
        assert skips(server) == [999_900]  # both ends cached: nothing asked again


async def test_go_to_row_and_a_screenful_across_a_page_boundary() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await list_table(pilot)
        server = app.demo_server
        assert server is not None
        server.reset_log()
        for key in ("colon", "5", "0", "0", "0", "0", "1", "enter"):  # row 500,001: index 500,000
            await pilot.press(key)
        await settle(pilot)
        assert table.cursor_row == 500_000
        shown = shown_pages(table)
        assert shown == [4_999, 5_000]  # centred on the boundary: rows 499,984..500,016
        assert sorted(skips(server)) == [k * 100 for k in shown]
        for i in range(499_990, 500_011):
            row = table.pager.get_row(i)
            assert row is not None and row.id == row_id(MILLION, i), i
            phone = CampaignContact.from_json(data.list_contact(SALES, MILLION, i)).phone_number
            assert shown_line(table, i).startswith(f" {cell_text(phone, 16)} "), i


async def test_rows_are_right_at_page_boundaries() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await list_table(pilot)
        table.go_to_row(99)
        await settle(pilot)
        for i in (99, 100, 101):
            assert table.cursor_row == i
            assert table.current_row.id == row_id(MILLION, i)
            assert data.list_contact(SALES, MILLION, i)["createdAt"][:10] in shown_line(table, i)
            await pilot.press("down")
        await settle(pilot)
        for i in range(90, 111):
            assert table.pager.get_row(i).id == row_id(MILLION, i), i
        for i in (200, 999_900):
            table.go_to_row(i)
            await settle(pilot)
            assert table.current_row.id == row_id(MILLION, i), i
            await pilot.press("up")
            assert table.current_row.id == row_id(MILLION, i - 1), i - 1


async def test_200_random_jumps_keep_the_cache_bounded_and_fetch_each_page_once_at_a_time() -> None:
    app = demo_app(settings=Settings(max_rpm=0))  # the budget is not what this test is about
    async with app.run_test(size=SIZE) as pilot:
        table = await list_table(pilot)
        pager = table.pager
        assert pager is not None
        table.load_delay = 0.005  # keep the test quick; the debounce is not what it is about
        client = app.session.client if app.session else None
        assert client is not None
        fetch = client.list_contacts_page
        in_flight: dict[int, int] = {}
        worst = 0

        async def counting(stream: str, list_id: str, skip: int = 0, limit: int = 100) -> Any:
            nonlocal worst
            in_flight[skip] = in_flight.get(skip, 0) + 1
            worst = max(worst, in_flight[skip])
            try:
                return await fetch(stream, list_id, skip, limit)
            finally:
                in_flight[skip] -= 1

        client.list_contacts_page = counting  # type: ignore[method-assign]
        rng = random.Random(20)
        most = 0
        for n in range(200):
            row = rng.randrange(1_000_000)
            table.go_to_row(row)
            if n % 2:
                await asyncio.sleep(0)  # the next jump comes before this one's pages
            else:
                await wait_for(lambda: table.current_row is not None, f"row {row}")
                assert table.current_row.id == row_id(MILLION, row)
            most = max(most, len(pager.cached_pages))
            assert len(pager.cached_pages) <= pager.max_cached_pages
        await settle(pilot)
        assert len(pager.cached_pages) <= pager.max_cached_pages
        assert most == pager.max_cached_pages  # the bound was reached, and held
        assert worst == 1  # the same page was never in flight twice
        assert table.current_row.id == row_id(MILLION, table.cursor_row)
        assert app.demo_server is not None
        assert len(skips(app.demo_server)) <= 1 + 200 * 3


async def test_held_pagedown_asks_for_the_pages_it_stops_on_not_the_ones_it_passes() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await list_table(pilot)
        server = app.demo_server
        assert server is not None
        body = table._body_height()  # rows under the header
        send_keys(app, "pagedown", 300)
        await wait_for(lambda: table.cursor_row == 300 * body, "300 pages down")
        await settle(pilot)
        passed = table.cursor_row // 100
        assert passed == 300 * body // 100 > 90
        asked = skips(server)[1:]
        # The pages where it stopped (and, on a machine so busy that the 50 ms debounce ran out
        # between two keys, a few on the way): not the 90-odd it passed.
        assert asked and len(asked) <= 10, asked
        assert {s // 100 for s in asked} >= set(shown_pages(table))
        assert table.current_row.id == row_id(MILLION, table.cursor_row)


async def test_pages_scrolled_past_while_waiting_for_the_budget_are_never_sent() -> None:
    app = demo_app()
    async with app.run_test(size=SIZE) as pilot:
        table = await list_table(pilot)
        server = app.demo_server
        assert server is not None and app.session is not None and table.pager is not None
        server.reset_log()
        app.session.budget.penalize(1.0)  # the budget is spent for the next second
        table.go_to_row(500_000)
        await wait_for(lambda: table.pager.in_flight, "fetches waiting for the budget")
        waiting = table.pager.in_flight
        assert waiting <= {4_999, 5_000} and skips(server) == []
        table.go_to_row(900_000)
        await wait_for(lambda: table.current_row is not None, "row 900,000", timeout=20)
        await settle(pilot)
        assert table.current_row.id == row_id(MILLION, 900_000)
        assert sorted(skips(server)) == [k * 100 for k in shown_pages(table)]  # none for 500,000


@pytest.fixture
def inflated_totals() -> Iterator[DemoServer]:
    """A demo server that claims a million rows for cl-demo-1k (1,000 rows) from its first
    answer: every page says ``totalResults: 1000000``."""

    def inflate(body: Any) -> Any:
        if isinstance(body, dict) and isinstance(body.get("data"), dict):
            body["data"]["totalResults"] = 1_000_000
            body["data"]["totalPages"] = 10_000
        return body

    server = start_demo(latency=0.0)
    server.inject(Fault(transform=inflate, times=None, path_contains="/cl-demo-1k/getAllContacts"))
    try:
        yield server
    finally:
        server.stop()


async def test_an_overstated_total_is_corrected_in_a_few_requests(inflated_totals: DemoServer) -> None:
    app = demo_app(THOUSAND.id, demo_server=inflated_totals)
    async with app.run_test(size=SIZE) as pilot:
        table = await list_table(pilot)
        server = app.demo_server
        assert server is not None
        assert (table.row_count, table.row_count_exact) == (1_000_000, False)  # believed, for now
        await pilot.press("end")
        await settle(pilot)
        assert (table.row_count, table.row_count_exact) == (1_000, True)
        assert table.virtual_size.height == 1_001
        assert table.cursor_row == 999 and table.current_row.id == row_id(THOUSAND, 999)
        assert data.list_contact(SALES, THOUSAND, 999)["phoneNumber"] in shown_line(table, 999)
        asked = skips(server, THOUSAND.id)
        # One page at a time down from row 999,999 would be ~9,990 requests; the probe gallops
        # down from the empty last page, then bisects: about 2 * log2(10,000 pages).
        assert len(asked) <= 2 * math.ceil(math.log2(10_000)) + 2, asked
        assert len(set(asked)) == len(asked)  # no page asked twice


async def test_a_list_that_ends_before_its_total_says_ends_there() -> None:
    """The server says 1,000 rows (totalResults) but has 500: the page at 400 says hasMore false
    and pages from 500 are empty."""
    def cut(body: Any) -> Any:
        page = body.get("data") if isinstance(body, dict) else None
        if isinstance(page, dict) and page.get("skip", 0) + len(page.get("results", [])) >= 500:
            page["results"] = page["results"][: max(0, 500 - page["skip"])]
            page["hasMore"] = False
        return body

    server = start_demo(latency=0.0)
    server.inject(Fault(transform=cut, times=None, path_contains="/cl-demo-1k/getAllContacts"))
    app = demo_app(THOUSAND.id, demo_server=server)
    try:
        async with app.run_test(size=SIZE) as pilot:
            table = await list_table(pilot)
            assert table.row_count == 1_000
            await pilot.press("end")
            await settle(pilot)
            assert (table.row_count, table.row_count_exact) == (500, True)
            assert table.cursor_row == 499 and table.current_row.id == row_id(THOUSAND, 499)
            assert table.virtual_size.height == 501
            assert app.demo_server is not None
            assert len(skips(app.demo_server, THOUSAND.id)) <= 8
    finally:
        server.stop()


async def test_a_list_opened_from_the_picker_shows_its_size_at_once_and_asks_for_page_0_once() -> None:
    from textual.widgets import OptionList

    from kore_tui.ui.screens.browser import BrowserScreen

    # Slow answers, so what the table shows before page 0 arrives can be looked at (slower
    # than a busy CI machine takes to build the screen: 0.5 s was not always).
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, demo_knobs={"latency": 2.0})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        lists = app.screen.query_one("#lists", OptionList)
        lists.focus()
        lists.highlighted = next(i for i in range(lists.option_count)
                                 if lists.get_option_at_index(i).id == MILLION.id)
        await settle(pilot)
        await pilot.press("enter")
        await wait_for(lambda: isinstance(app.screen, BrowserScreen) and bool(app.screen.query(LazyTable)),
                       "the list's table")
        table = app.screen.query_one(LazyTable)
        assert table.pager is not None and not table.pager.row_count_known  # page 0 not answered yet
        # The picker's count sizes the table (scrollbar and all) before any row arrives...
        assert table.row_count == MILLION.size
        assert table.virtual_size.height == MILLION.size + 1  # the header line, then the rows
        # ...and page 0, asked for while the screen was built, was asked for once.
        await wait_for(lambda: table.pager is not None and table.pager.get_row(0) is not None, "row 0")
        await settle(pilot)
        assert skips(app.demo_server) == [0]
        assert table.row_count == MILLION.size
        assert "row 1 of 1,000,000" in str(app.screen.current_view().status.render())
