"""ContactView: one lazily loaded table of contacts, with its filter, detail pane and status line.

What the view does with its data lives in :class:`~kore_tui.views.contacts.ContactsModel`; this
widget renders it and routes keys to it. Its campaign side is
:class:`~kore_tui.ui.widgets.campaign_marks.CampaignMarks`; ``F``, fetching the rest of the view,
is :class:`~kore_tui.ui.widgets.fetch_rest.FetchRest`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.widgets import Input

from kore_tui.paging import Pager
from kore_tui.sources import ViewSource
from kore_tui.ui.safe_text import clean
from kore_tui.ui.widgets.campaign_marks import CampaignMarks
from kore_tui.ui.widgets.detail_pane import DetailPane
from kore_tui.ui.widgets.fetch_rest import FetchRest
from kore_tui.ui.widgets.filter_bar import FilterBar
from kore_tui.ui.widgets.lazy_table import Column, LazyTable
from kore_tui.ui.widgets.status_line import StatusLine
from kore_tui.views.contacts import ContactsModel, Sort, short_error
from kore_tui.views.estimate import progress_text

LOADING = "Loading…"  # the detail pane while the row under the cursor is on its way
FILTER_PAUSE = 0.08  # seconds of no typing before the filter runs: only the last keystroke's does


class TableAndDetail(Container):
    """The table and the detail pane, side by side or stacked (see app.tcss)."""

    BLANK = True  # covered by its children: a repaint need not draw it


class ContactView(Container):
    """The contacts of one view (a stream's directory, or a contact list)."""

    BLANK = True  # covered by its children; every frame of a cursor move would draw it

    BINDINGS = [
        # A priority binding acts before the keys queued behind it are handed on: keys typed in
        # the same burst as `/` (a fast typist, a paste) go to the filter, not to the table.
        Binding("slash", "filter", "Filter", key_display="/", priority=True, id="browser.filter"),
        Binding("d", "toggle_detail", "Detail", id="browser.detail"),
        # In ? help, off the footer: at 80 columns it has room for the screen's keys and ? only.
        Binding("J", "toggle_raw", "Raw JSON", show=False, id="browser.raw-json"),
        Binding("y", "copy_phone", "Copy number", show=False, id="browser.copy-number"),
        Binding("Y", "copy_row", "Copy row JSON", show=False, id="browser.copy-row"),
        Binding("F", "fetch_all", "Fetch all", show=False, id="browser.fetch-all"),
        Binding("s", "sort", "Sort by the next column", show=False, id="browser.sort"),
        Binding("S", "sort_reverse", "Reverse the sort", show=False, id="browser.sort-reverse"),
        Binding("o", "fetch_outcomes", "Fetch the number's campaign outcomes", show=False,
                id="browser.fetch-outcomes"),
    ]

    def __init__(
        self,
        model: ContactsModel,
        columns: tuple[Column, ...],
        field_order: tuple[str, ...],
        *,
        clock: Callable[[], float],
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.model = model
        self.columns = columns
        self.field_order = field_order
        self.clock = clock
        self.last_error: Exception | None = None
        self._main_cursor = 0
        self._detail_queued = False
        self._related_for: object = None  # the row whose number the detail pane describes
        self._directory_found = False
        model.source.on_refreshed = self._refreshed_page
        self.campaign_marks = CampaignMarks(self)  # the detail pane's Campaigns section, the table's DNC marks
        self.fetch_rest = FetchRest(self)  # F: the rest of the view into the cache

    # What the model holds, under the names the screens and tests use.
    @property
    def source(self) -> ViewSource:
        return self.model.source

    @property
    def main_pager(self) -> Pager[Any]:
        return self.model.main_pager

    @property
    def filter_text(self) -> str:
        return self.model.filter_text

    @property
    def filtering(self) -> bool:
        return self.model.filtering

    @property
    def matches(self) -> int:
        return self.model.matches

    @property
    def loaded(self) -> int:
        return self.model.loaded

    def compose(self) -> ComposeResult:
        yield FilterBar()
        with TableAndDetail(classes="table-and-detail"):
            yield LazyTable(self.columns, pager=self.main_pager)
            yield DetailPane(field_order=self.field_order, clock=self.clock, note=LOADING)
        yield StatusLine()

    def prefetch(self) -> None:
        """Ask for the first page now, before the table is mounted (see Pager.prefetch_first_page)."""
        self.main_pager.prefetch_first_page()

    @property
    def table(self) -> LazyTable:
        return self.query_one(LazyTable)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def detail_pending(self) -> bool:
        """The detail pane has yet to follow the cursor (it waits for the cursor to rest)."""
        return self._detail_queued or self.table.cursor_moving

    def focus_table(self) -> None:
        self.table.focus()

    def on_show(self) -> None:
        # Shown (its tab opened): the table takes the keys, unless the user is typing elsewhere.
        if not isinstance(self.screen.focused, Input):
            self.call_after_refresh(self.focus_table)

    def on_unmount(self) -> None:
        self.source.cancel()

    # -- actions --------------------------------------------------------------------------------

    def action_toggle_detail(self) -> None:
        self.detail.display = not self.detail.display
        self._show_detail()

    def action_toggle_raw(self) -> None:
        self.detail.display = True
        self.detail.action_toggle_raw()

    def action_filter(self) -> None:
        self.query_one(FilterBar).open()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # `/` typed in a text field (the filter's own line) is text.
        return not (action == "filter" and isinstance(self.screen.focused, Input))

    def action_copy_phone(self) -> None:
        number = self.model.phone_to_copy(self.table.current_row)
        if not number:
            self.app.notify(f"No {self.model.copy_noun} under the cursor.", markup=False)
            return
        self.app.copy_to_clipboard(number)
        self.app.notify(f"Copied {self.model.copy_noun} {clean(number)}", markup=False)

    def action_fetch_outcomes(self) -> None:
        self.campaign_marks.fetch_outcomes(self.table.current_row)

    def action_copy_row(self) -> None:
        row = self.table.current_row
        if row is None:
            self.app.notify("No contact under the cursor.", markup=False)
            return
        self.app.copy_to_clipboard(self.model.row_to_copy(row))
        self.app.notify(f"Copied row {self.table.cursor_row + 1:,} as JSON", markup=False)

    def retry(self) -> None:
        """After an error: ask again for what failed; otherwise refresh from the server."""
        if self.last_error is not None:
            self.last_error = None
            self.status.show(error="")
            self.table.retry()
        elif not self.filtering:
            self.source.refresh_from_server()  # pages cached before now come from the server
            self.table.reload()
        self._show_position()

    # -- the filter -----------------------------------------------------------------------------

    @on(FilterBar.Changed)
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        if event.text and not self.filtering:
            self._main_cursor = self.table.cursor_row
        self.model.filter_text = event.text
        if event.text:
            self.apply_filter(event.text)
        else:
            self._restore_main()

    @on(FilterBar.Accepted)
    def _filter_accepted(self) -> None:
        self.focus_table()

    @on(FilterBar.Closed)
    def _filter_closed(self) -> None:
        self.model.filter_text = ""
        self._restore_main()
        self.focus_table()

    def _restore_main(self) -> None:
        self.workers.cancel_group(self, "filter")
        self.model.cancel()
        if self.model.querying:  # still sorted: the sort alone
            self.apply_filter("", keep_cursor=False)
            return
        if self.table.pager is not self.main_pager:
            self.table.set_pager(self.main_pager)
            self.table.go_to_row(self._main_cursor)
        self._show_position()

    @work(exclusive=True, group="filter", description="filter the view")
    async def apply_filter(self, text: str, keep_cursor: bool = False) -> None:
        """Show the cached rows matching ``text`` (and the sort): the first page as soon as it
        is read, the count when the query has it. A newer call cancels this one and its query."""
        if text:
            await asyncio.sleep(FILTER_PAUSE)
        filtered = await self.model.query(text)
        if text != self.filter_text:
            return
        self.model.take(filtered)
        cursor = self.table.cursor_row if keep_cursor else 0
        self.table.set_pager(filtered.pager)
        self._show_position()
        count = await self.model.count(filtered)
        filtered.pager.set_total(count)
        self.table.sync_row_count()
        if cursor:
            self.table.go_to_row(min(cursor, max(0, count - 1)))
        self._show_position()

    # -- the sort -------------------------------------------------------------------------------

    def action_sort(self) -> None:
        self._sort(lambda: self.model.next_sort(len(self.columns)))

    def action_sort_reverse(self) -> None:
        sort = self.model.sort
        if sort is None:
            self.app.notify("Not sorted: s sorts by the first column.", markup=False)
            return
        self._sort(lambda: Sort(sort.column, not sort.descending))

    @work(exclusive=True, group="sort", description="check the view is cached for a sort")
    async def _sort(self, choose: Callable[[], Sort | None]) -> None:
        """The cache sorts, so it needs the whole view: when it lacks rows, say so and offer F."""
        missing = await self.model.rows_missing_for_sort()
        if missing:
            self.app.notify(f"Sorting needs the whole view in the cache: F fetches the other "
                            f"{missing:,} rows first.", markup=False)
            return
        self.model.sort = choose()
        sort = self.model.sort
        self.table.set_sort_mark(sort.column if sort else None, bool(sort and sort.descending))
        self.apply_filter(self.filter_text, keep_cursor=False)

    # -- fetching the rest of the view ------------------------------------------------------------

    def action_fetch_all(self) -> None:
        self.fetch_rest.toggle()

    # -- messages from the table ------------------------------------------------------------------

    def on_mount(self) -> None:
        # Watched, not messaged: the status line changes in the frame that moves the cursor
        # (a message arrives after that frame is drawn, and costs a second frame per key).
        self.watch(self.table, "cursor_row", self._show_position, init=False)

    def on_lazy_table_cursor_moved(self, event: LazyTable.CursorMoved) -> None:
        event.stop()
        # The table says so once the cursor rests: a held key costs only the table's two lines
        # and the status line. The pane (a reflow of the screen) follows after the frame that
        # draws the rows, so rows that just arrived are not held back by it.
        if not self._detail_queued:
            self._detail_queued = True
            self.call_after_refresh(self._show_detail)

    def _show_detail(self) -> None:
        self._detail_queued = False
        if not self.is_attached:  # closed (Esc) between the cursor's rest and this frame
            return
        if not self.detail.display:
            return
        row = self.table.current_row
        if row is None:
            note = LOADING if self.table.row_count else ""
            if self.detail.row is not None or self.detail.note != note:  # else it says so already
                self.detail.show(None, note=note)
            return
        if self.detail.row is not row.raw:
            self.detail.show(row.raw)
        if self._related_for is not row.raw or (not self.model.is_directory and not self._directory_found):
            self.find_related(row.raw)  # the cache may know the number's directory contact by now
        if self.detail.campaigns is None and self.campaign_marks.wanted:
            self.campaign_marks.find_campaigns(row.raw)

    @work(exclusive=True, group="directory-match", description="describe the row's number")
    async def find_related(self, raw: Any) -> None:
        """What the number is (country, kind, or invalid) and the directory contact with it,
        when the cache knows it: no request."""
        facts = await self.model.number_lines(raw)
        directory = await self.model.related_directory(raw)
        if self.detail.row is raw:
            self._related_for, self._directory_found = raw, bool(directory)
            self.detail.show_related(facts + directory)

    def on_lazy_table_row_count_changed(self, event: LazyTable.RowCountChanged) -> None:
        event.stop()
        self._show_position()

    def on_lazy_table_page_loaded(self, event: LazyTable.PageLoaded) -> None:
        event.stop()
        self.campaign_marks.first_page()
        if self.last_error is not None and not self.table.fetching:
            self.last_error = None
            self.status.show(error="")
        self._show_position()

    def on_lazy_table_load_failed(self, event: LazyTable.LoadFailed) -> None:
        event.stop()
        self.last_error = event.error
        self.status.show(error=short_error(event.error))
        self._show_position()

    def _refreshed_page(self, skip: int) -> None:
        self.call_later(self._refreshed)  # the source calls from its own task: act on the next tick

    def _refreshed(self) -> None:
        """A stale cached page came back fresh from the server: show the new rows."""
        if not self.source.refreshing:
            self.source.forget_age()
            if not self.filtering:
                cursor = self.table.cursor_row
                self.table.reload()
                self.table.go_to_row(cursor)
        self._show_position()

    def _show_position(self) -> None:
        table = self.table
        position, activity = self.model.position(cursor=table.cursor_row, count=table.row_count,
                                                 fetching=table.fetching, now=self.clock())
        if self.model.fetching_all:  # rows, rate, time left, and whether it waits for the budget
            waiting = time.monotonic() < getattr(self.app, "budget_wait_until", 0.0)
            running = progress_text(self.loaded, self.main_pager.row_count or None,
                                    time.monotonic() - self.fetch_rest.started, waiting=waiting)
            parts = [part for part in activity.split(" · ") if part and not part.startswith("fetching all")]
            activity = " · ".join([f"fetching all: {running} (F stops)", *parts])
        self.status.show(position=position, activity=activity)
