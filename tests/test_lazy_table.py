"""LazyTable with Pilot, over an in-memory source (logic only; HTTP is tested elsewhere)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual import events
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot

from kore_tui.api.errors import ServerError
from kore_tui.api.models import Page
from kore_tui.paging import Pager
from kore_tui.ui.safe_text import REPLACEMENT, fit
from kore_tui.ui.widgets.lazy_table import Column, LazyTable, cell_text

Row = dict[str, Any]

COLUMNS = [
    Column("#", 8, lambda r: str(r["i"])),
    Column("Name", 20, lambda r: r["name"]),
    Column("Phone", 16, lambda r: r.get("phone")),
]


class Source:
    """``n`` rows served in pages; ``total`` is the (possibly wrong) totalResults it claims."""

    def __init__(
        self,
        n: int,
        *,
        total: int | None = -1,
        gate: asyncio.Event | None = None,
        names: dict[int, str] | None = None,
    ) -> None:
        self.n = n
        self.total = n if total == -1 else total
        self.gate = gate
        self.names = names or {}
        self.asked: list[int] = []  # skips asked for (fetch called)
        self.sent: list[int] = []  # skips that got past the "rate limiter"
        self.fail_next = 0

    async def fetch(self, skip: int, limit: int) -> Page[Row]:
        self.asked.append(skip)
        if self.gate is not None:
            await self.gate.wait()
        await asyncio.sleep(0)
        self.sent.append(skip)
        if self.fail_next:
            self.fail_next -= 1
            raise ServerError("HTTP 503 Service Unavailable", status=503)
        rows = tuple(
            {"i": i, "name": self.names.get(i, f"Name {i}"), "phone": f"+1555{i:07d}"}
            for i in range(skip, min(self.n, skip + limit))
        )
        return Page(
            rows=rows, skip=skip, limit=limit, has_more=skip + len(rows) < self.n,
            total_results=self.total, total_pages=None,
        )


class TableApp(App[None]):
    def __init__(self, pager: Pager[Row] | None, columns: list[Column] = COLUMNS) -> None:
        super().__init__()
        self.pager = pager
        self.columns = columns
        self.messages: list[Message] = []

    def compose(self) -> ComposeResult:
        yield LazyTable(self.columns, pager=self.pager)

    def on_mount(self) -> None:
        self.query_one(LazyTable).focus()

    def on_lazy_table_cursor_moved(self, message: LazyTable.CursorMoved) -> None:
        self.messages.append(message)

    def on_lazy_table_page_loaded(self, message: LazyTable.PageLoaded) -> None:
        self.messages.append(message)

    def on_lazy_table_load_failed(self, message: LazyTable.LoadFailed) -> None:
        self.messages.append(message)

    def on_lazy_table_row_count_changed(self, message: LazyTable.RowCountChanged) -> None:
        self.messages.append(message)

    def of_type(self, kind: type[Message]) -> list[Any]:
        return [m for m in self.messages if isinstance(m, kind)]


async def settle(pilot: Pilot[None], table: LazyTable) -> None:
    """Wait until the debounce fired and every page (and any page it led to) landed."""
    for _ in range(50):
        await pilot.pause(table.load_delay + 0.02)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not table.fetching:
            return
    raise AssertionError("pages still loading")


async def until(pilot: Pilot[None], condition: Any, timeout: float = 5.0) -> None:
    """Wait for ``condition()`` (not a timing assertion: a busy machine only makes it slower)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        assert loop.time() < deadline, "condition not met"
        await pilot.pause(0.01)


def lines(table: LazyTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def test_fit_pads_and_truncates_by_cells() -> None:
    assert fit("ab", 4) == "ab  "
    assert fit("abcdef", 4) == "abc…"
    assert fit("山田太郎", 5) == "山田…"  # 2 + 2 + 1 cells
    assert fit("山田太郎", 4) == "山 …"  # a wide character cut in half becomes a space
    assert cell_text(None, 3) == "   "
    assert cell_text("x" * 10_000, 6) == "xxxxx…"
    assert cell_text("a\x1b[2Jb", 8) == f"a{REPLACEMENT}[2Jb  "


@pytest.mark.asyncio
async def test_placeholders_then_rows() -> None:
    gate = asyncio.Event()
    source = Source(1000, gate=gate)
    app = TableApp(Pager(source.fetch, page_size=100))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await pilot.pause()
        assert table.fetching and table.row_count == 0
        assert lines(table)[0].split() == ["#", "Name", "Phone"]
        assert table.current_row is None
        gate.set()
        await settle(pilot, table)
        assert not table.fetching
        assert table.row_count == 1000
        body = lines(table)[1:]
        assert body[0].split()[:3] == ["0", "Name", "0"]
        assert body[-1].split()[0] == str(len(body) - 1)
        assert table.current_row == {"i": 0, "name": "Name 0", "phone": "+15550000000"}
        moved = app.of_type(LazyTable.CursorMoved)
        assert moved[0].row is None and moved[-1].row is table.current_row
        assert [m.page_index for m in app.of_type(LazyTable.PageLoaded)] == [0]
        assert [(m.count, m.exact) for m in app.of_type(LazyTable.RowCountChanged)][-1] == (
            1000, False,
        )
        # Moves in a row (a held key) are announced once, when the cursor rests.
        table.cursor_rest = 0.5
        announced = len(app.of_type(LazyTable.CursorMoved))
        await pilot.press("down", "j")
        assert table.cursor_row == 2 and table.current_row["i"] == 2
        assert table.cursor_moving and len(app.of_type(LazyTable.CursorMoved)) == announced
        await pilot.pause(0.7)
        assert not table.cursor_moving
        assert [m.row_index for m in app.of_type(LazyTable.CursorMoved)][announced:] == [2]


@pytest.mark.asyncio
async def test_unloaded_rows_show_as_placeholders() -> None:
    gate = asyncio.Event()
    gate.set()
    source = Source(1_000_000, gate=gate)
    app = TableApp(Pager(source.fetch, page_size=100))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        gate.clear()
        table.go_to_row(500_000)
        await pilot.pause()
        assert table.cursor_row == 500_000
        assert all(set(line.split()) == {"…"} for line in lines(table)[1:-1])
        gate.set()
        await settle(pilot, table)
        assert str(500_000) in " ".join(lines(table))


@pytest.mark.asyncio
async def test_end_on_a_million_rows_fetches_only_what_is_shown() -> None:
    source = Source(1_000_000)
    app = TableApp(Pager(source.fetch, page_size=100))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        await pilot.press("end")
        await settle(pilot, table)
        assert table.cursor_row == 999_999
        assert table.current_row["i"] == 999_999
        assert len(source.sent) <= 3
        visible = [line for line in lines(table)[1:] if line.strip()]
        assert visible[-1].split()[0] == "999999"
        await pilot.press("g")
        assert table.cursor_row == 0
        await pilot.press("G")
        assert table.cursor_row == 999_999
        await pilot.press("home")
        await settle(pilot, table)
        assert table.cursor_row == 0 and len(source.sent) <= 3  # pages still cached


@pytest.mark.asyncio
async def test_a_jump_fetches_the_pages_shown_and_moving_on_fetches_ahead() -> None:
    source = Source(1_000_000)
    app = TableApp(Pager(source.fetch, page_size=100))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        table.go_to_row(734_560)  # rows 734,555..734,564 on screen: page 7,345
        await settle(pilot, table)
        assert source.sent == [0, 734_500]
        for _ in range(5):
            await pilot.press("pagedown")  # 50 rows down: page 7,346 is now within a screen
        await settle(pilot, table)
        assert source.sent[2:] == [734_600]


@pytest.mark.asyncio
async def test_jumps_ask_for_their_pages_at_once() -> None:
    gate = asyncio.Event()
    gate.set()
    source = Source(1_000_000, gate=gate)
    app = TableApp(Pager(source.fetch, page_size=100))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        gate.clear()
        table.go_to_row(500_000)
        assert table.fetching  # no debounce for a deliberate jump
        await pilot.press("end")
        assert table.fetching and table.cursor_row == 999_999
        gate.set()
        await settle(pilot, table)
        assert source.sent[-1] == 999_900 and 500_000 not in source.sent  # the first was dropped


@pytest.mark.asyncio
async def test_a_held_arrow_key_loads_pages_as_it_goes() -> None:
    source = Source(1_000_000)
    app = TableApp(Pager(source.fetch, page_size=20))
    async with app.run_test(size=(60, 12)) as pilot:  # 10 rows under the header
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        loaded_while_held = set()
        for _ in range(60):  # down, 60 times at key-repeat speed: three pages' worth of rows
            app.simulate_key("down")  # as the terminal sends it (Pilot.press waits too long per key)
            await asyncio.sleep(0.03)
            loaded_while_held |= {skip // 20 for skip in source.sent}
        # Slow moves are not a fly-by: the pages scrolled into view were asked for while the key
        # was held (at least every TRICKLE_EVERY), not only once it was released.
        assert {1, 2} <= loaded_while_held


@pytest.mark.asyncio
async def test_held_pagedown_does_not_fetch_every_page_passed() -> None:
    source = Source(1_000_000)
    app = TableApp(Pager(source.fetch, page_size=20))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        # Not a timing test: keys 20 ms apart must stay well inside the debounce even when the
        # machine is busy and a sleep takes many times as long (the figure at the real delays
        # against a real key repeat is bench/bench_table.py's).
        table.load_delay = 0.25
        # Held PageDown: 50 presses at key-repeat speed (Pilot.press waits too long per key).
        for _ in range(50):
            app.simulate_key("pagedown")
            await asyncio.sleep(0.02)
        await pilot.pause()
        assert table.cursor_row > 50 * 20  # about 55 pages passed
        await settle(pilot, table)
        assert len(source.sent) <= 10
        assert table.current_row["i"] == table.cursor_row


@pytest.mark.asyncio
async def test_pages_scrolled_past_are_cancelled_before_they_are_sent() -> None:
    gate = asyncio.Event()
    gate.set()
    source = Source(1_000_000, gate=gate)
    pager = Pager(source.fetch, page_size=100)
    app = TableApp(pager)
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        gate.clear()  # fetches now wait "in the rate limiter"
        table.go_to_row(500_000)
        await until(pilot, lambda: pager.in_flight)
        first = pager.in_flight
        assert first == {4_999, 5_000} and table.fetching
        table.go_to_row(900_000)
        await until(pilot, lambda: pager.in_flight and not (pager.in_flight & first))
        gate.set()
        await settle(pilot, table)
        assert not {k * 100 for k in first} & set(source.sent)
        assert table.current_row["i"] == 900_000


@pytest.mark.asyncio
async def test_a_keymap_moves_the_cursor_with_its_keys() -> None:
    app = TableApp(Pager(Source(100).fetch))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        app.set_keymap({"table.down": "ctrl+n", "table.last": "ctrl+e"})
        await pilot.press("ctrl+n", "ctrl+n")
        assert table.cursor_row == 2
        await pilot.press("down", "j")  # the keys it replaced no longer move the cursor
        assert table.cursor_row == 2
        await pilot.press("k")  # the bindings it left alone keep their keys
        assert table.cursor_row == 1
        await pilot.press("ctrl+e")
        assert table.cursor_row == 99
        app.set_keymap({})
        await pilot.press("home", "down")
        assert table.cursor_row == 1


@pytest.mark.asyncio
async def test_setting_cursor_row_moves_the_cursor_as_a_key_does() -> None:
    app = TableApp(Pager(Source(1000).fetch))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        table.cursor_row = 500
        table.cursor_row += 5000  # clamped to the list
        assert table.cursor_row == 999
        await settle(pilot, table)
        top = table.scroll_offset.y
        assert top <= 999 < top + table._body_height()  # scrolled into view
        assert table.current_row["i"] == 999
        table.cursor_row = -3
        assert table.cursor_row == 0


@pytest.mark.asyncio
async def test_server_text_is_rendered_literally() -> None:
    names = {0: "[red]x[/] [bold]y", 1: "\x1b[31mred\x1b]52;c;aGk=\x07", 2: "a\nb\tc\r\x9b2J"}
    source = Source(10, names=names)
    app = TableApp(Pager(source.fetch))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        await pilot.press("down")  # the cursor off row 0, so rows 0..2 share a plain style
        text = lines(table)
        assert "[red]x[/] [bold]y" in text[1]
        assert f"{REPLACEMENT}[31mred{REPLACEMENT}]52;c;aGk={REPLACEMENT}" in text[2]
        assert f"a b c {REPLACEMENT}2J" in text[3]
        for y in (1, 2, 3):
            strip = table.render_line(y)
            assert all(ch >= " " and not 0x7F <= ord(ch) < 0xA0 for ch in strip.text)
            even_odd = {seg.style for seg in strip if seg.text.strip()}
            assert len(even_odd) == 1  # no markup or ANSI styled anything


@pytest.mark.asyncio
async def test_short_last_page_corrects_an_overstated_total() -> None:
    source = Source(250, total=1000)
    app = TableApp(Pager(source.fetch, page_size=100))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        assert table.row_count == 1000
        await pilot.press("end")
        await settle(pilot, table)
        assert (table.row_count, table.row_count_exact) == (250, True)
        assert table.cursor_row == 249 and table.current_row["i"] == 249
        counts = [(m.count, m.exact) for m in app.of_type(LazyTable.RowCountChanged)]
        assert counts[0] == (1000, False) and counts[-1] == (250, True)
        assert lines(table)[-1].split()[0] == "249"
        # Page 0, then End's page 9 (empty), then the end probe: pages 8, 6 (empty) and 2.
        assert source.sent == [0, 900, 800, 600, 200]


@pytest.mark.asyncio
async def test_a_hugely_overstated_total_is_corrected_in_log_requests() -> None:
    source = Source(1000, total=1_000_000)
    app = TableApp(Pager(source.fetch, page_size=100))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        await pilot.press("end")
        await settle(pilot, table)
        assert (table.row_count, table.row_count_exact) == (1000, True)
        assert table.cursor_row == 999 and table.current_row["i"] == 999
        assert lines(table)[-1].split()[0] == "999"
        assert len(source.sent) <= 2 + 2 * 14  # not 9,990: a page at a time down from 999,999
        assert len(set(source.sent)) == len(source.sent)


@pytest.mark.asyncio
async def test_understated_total_grows_as_pages_say_more() -> None:
    source = Source(1000, total=50)
    app = TableApp(Pager(source.fetch, page_size=100))
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        assert table.row_count == 101 and not table.row_count_exact
        for _ in range(12):
            await pilot.press("end")
            await settle(pilot, table)
        assert (table.row_count, table.row_count_exact) == (1000, True)
        assert table.cursor_row == 999


@pytest.mark.asyncio
async def test_load_failure_keeps_rows_and_retry_loads() -> None:
    source = Source(1000)
    app = TableApp(Pager(source.fetch, page_size=100))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        source.fail_next = 1
        table.go_to_row(550)  # rows 545..555 on screen: page 5 only
        await settle(pilot, table)
        failed = app.of_type(LazyTable.LoadFailed)
        assert len(failed) == 1 and failed[0].page_index == 5
        assert isinstance(failed[0].error, ServerError) and failed[0].error.status == 503
        assert table.current_row is None
        await pilot.press("down")  # moving does not hammer a failing server
        await settle(pilot, table)
        assert len(app.of_type(LazyTable.LoadFailed)) == 1
        table.retry()
        await settle(pilot, table)
        assert table.current_row["i"] == 551
        await pilot.press("home")
        assert table.current_row["i"] == 0  # loaded before the failure, still there


@pytest.mark.asyncio
async def test_cursor_move_repaints_two_lines() -> None:
    painted: list[int] = []

    class CountingTable(LazyTable):
        def render_line(self, y: int):  # type: ignore[no-untyped-def]
            painted.append(y)
            return super().render_line(y)

    class CountingApp(TableApp):
        def compose(self) -> ComposeResult:
            yield CountingTable(self.columns, pager=self.pager)

    source = Source(1000)
    app = CountingApp(Pager(source.fetch))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        painted.clear()
        await pilot.press("down")
        await pilot.pause()
        assert sorted(set(painted)) == [1, 2]


@pytest.mark.asyncio
async def test_header_scrolls_sideways_with_the_body() -> None:
    wide = [Column(f"Column {n}", 20, lambda r, n=n: f"v{n}-{r['i']}") for n in range(6)]
    app = TableApp(Pager(Source(100).fetch), columns=wide)
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        assert table.virtual_size.width == 6 * 22
        table.scroll_to(x=44, animate=False)
        await pilot.pause()
        assert lines(table)[0].split()[:2] == ["Column", "2"]
        assert lines(table)[1].split()[0] == "v2-0"


@pytest.mark.asyncio
async def test_set_pager_resets_to_row_zero_of_the_new_list() -> None:
    app = TableApp(Pager(Source(1000).fetch))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        table.go_to_row(300)
        await settle(pilot, table)
        other = Source(5, names={0: "other list"})
        table.set_pager(Pager(other.fetch))
        assert table.cursor_row == 0
        await settle(pilot, table)
        assert (table.row_count, table.row_count_exact) == (5, True)
        assert table.current_row["name"] == "other list"
        assert other.sent == [0]
        await pilot.press("end")
        assert table.cursor_row == 4


@pytest.mark.asyncio
async def test_empty_list_and_go_to_row_clamps() -> None:
    app = TableApp(Pager(Source(0, total=None).fetch))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        assert (table.row_count, table.row_count_exact) == (0, True)
        await pilot.press("end", "down", "pagedown")
        assert table.cursor_row == 0 and table.current_row is None
        table.go_to_row(10)
        assert table.cursor_row == 0
        assert lines(table)[1].strip() == ""


@pytest.mark.asyncio
async def test_scrolling_without_the_cursor_loads_what_is_shown() -> None:
    source = Source(1_000_000)
    app = TableApp(Pager(source.fetch, page_size=100))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        table.scroll_to(y=700_000, animate=False)  # as the mouse wheel or scrollbar would
        await settle(pilot, table)
        assert table.cursor_row == 0
        assert lines(table)[1].split()[0] == "700000"
        await pilot.click(LazyTable, offset=(3, 2))  # the second row on screen
        assert table.cursor_row == 700_001 and table.current_row["i"] == 700_001


@pytest.mark.asyncio
async def test_cursor_is_dimmer_without_focus() -> None:
    app = TableApp(Pager(Source(10).fetch))
    async with app.run_test(size=(60, 12)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        focused = next(iter(table.render_line(1))).style
        table.blur()
        await pilot.pause()
        blurred = next(iter(table.render_line(1))).style
        assert focused != blurred
        plain_row = next(iter(table.render_line(2))).style
        assert blurred != plain_row


@pytest.mark.asyncio
async def test_a_table_in_a_hidden_tab_fetches_nothing_until_shown() -> None:
    from textual.widgets import TabbedContent, TabPane

    shown, hidden = Source(1000), Source(1000)

    class TabsApp(App[None]):
        def compose(self) -> ComposeResult:
            with TabbedContent(initial="a"):
                with TabPane("A", id="a"):
                    yield LazyTable(COLUMNS, pager=Pager(shown.fetch), id="table-a")
                # Hidden from the start: the switcher hides it only after its children mounted.
                pane_b = TabPane("B", id="b")
                pane_b.display = False
                with pane_b:
                    yield LazyTable(COLUMNS, pager=Pager(hidden.fetch), id="table-b")

    app = TabsApp()
    async with app.run_test(size=(80, 24)) as pilot:
        table_b = app.query_one("#table-b", LazyTable)
        await settle(pilot, app.query_one("#table-a", LazyTable))
        await pilot.pause(0.2)
        assert shown.sent == [0] and hidden.asked == []
        app.query_one(TabbedContent).active = "b"
        await settle(pilot, table_b)
        assert hidden.sent == [0]
        assert table_b.current_row["i"] == 0
        app.query_one(TabbedContent).active = "a"
        await pilot.pause()
        table_b.go_to_row(500)  # moved while hidden: nothing is fetched for it...
        await pilot.pause(0.2)
        assert hidden.sent == [0]
        app.query_one(TabbedContent).active = "b"  # ...until it is shown again
        await settle(pilot, table_b)
        assert hidden.sent[1:] and table_b.current_row["i"] == 500


@pytest.mark.parametrize("rows, scrollbar", [(1_000_000, True), (7, False)])
async def test_a_table_as_wide_as_its_columns_is_laid_out_once(rows: int, scrollbar: bool) -> None:
    """Its vertical scrollbar is there (or not) from the first layout: the table is never laid
    out narrower than its columns (which showed a horizontal scrollbar), and is sized once."""

    class RecordingTable(LazyTable):
        def on_resize(self, event: events.Resize) -> None:
            super().on_resize(event)
            sizes.append((event.size.width, self.show_horizontal_scrollbar))

    class AutoWidthApp(TableApp):
        CSS = "LazyTable { width: auto; height: 1fr; }"

        def compose(self) -> ComposeResult:
            yield RecordingTable(self.columns, pager=self.pager)

    sizes: list[tuple[int, bool]] = []
    app = AutoWidthApp(Pager(Source(rows).fetch, page_size=100, row_count_hint=rows))
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.query_one(LazyTable)
        await settle(pilot, table)
        assert table.show_vertical_scrollbar is scrollbar
        width = sum(c.width + 2 for c in COLUMNS) + (table.styles.scrollbar_size_vertical if scrollbar else 0)
        assert sizes == [(width, False)]
