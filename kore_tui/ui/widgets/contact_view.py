"""ContactView: one lazily loaded table of contacts, with its filter, detail pane and status line."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.widgets import Input, ProgressBar
from textual.worker import Worker

from kore_tui.api.errors import ApiError
from kore_tui.api.models import DirectoryContact, Page
from kore_tui.api.walk import walk_pages
from kore_tui.cache import DIRECTORY, ViewKey, phone_digits
from kore_tui.paging import Pager
from kore_tui.sources import ViewSource
from kore_tui.text import json_text, printable_only
from kore_tui.ui.safe_text import clean
from kore_tui.ui.widgets.detail_pane import DetailPane, age
from kore_tui.ui.widgets.filter_bar import FilterBar
from kore_tui.ui.widgets.lazy_table import Column, LazyTable
from kore_tui.ui.widgets.status_line import StatusLine

PAGE_SIZE = 100  # asked for; the server may serve fewer and the pager adapts
LOADING = "Loading…"  # the detail pane while the row under the cursor is on its way
REFILTER_EVERY = 20  # pages fetched by "fetch the rest" between refreshes of the filter's matches


def static_fetch(matches: Sequence[tuple[int, Any]], row: Callable[[Any], Any]) -> Callable[[int, int], Any]:
    """A Pager source over rows already in hand (the filter's matches): no I/O."""

    async def fetch(skip: int, limit: int) -> Page[Any]:
        chunk = matches[skip: skip + limit]
        return Page(rows=tuple(row(raw) for _, raw in chunk), skip=skip, limit=limit,
                    has_more=skip + limit < len(matches), total_results=len(matches), total_pages=None)

    return fetch


class TableAndDetail(Container):
    """The table and the detail pane, side by side or stacked (see app.tcss)."""

    BLANK = True  # covered by its children: a repaint need not draw it


class ContactView(Container):
    """The contacts of one view (a stream's directory, or a contact list)."""

    BLANK = True  # covered by its children; every frame of a cursor move would draw it

    BINDINGS = [
        Binding("slash", "filter", "Filter", key_display="/"),
        Binding("d", "toggle_detail", "Detail"),
        # In ? help, off the footer: at 80 columns it has room for the screen's keys and ? only.
        Binding("J", "toggle_raw", "Raw JSON", show=False),
        Binding("y", "copy_phone", "Copy number", show=False),
        Binding("Y", "copy_row", "Copy row JSON", show=False),
        Binding("F", "fetch_all", "Fetch all", show=False),
    ]

    def __init__(
        self,
        source: ViewSource,
        columns: tuple[Column, ...],
        field_order: tuple[str, ...],
        *,
        clock: Callable[[], float],
        noun: str = "contacts",
        expected_rows: int | None = None,
        id: str | None = None,
    ) -> None:
        """``expected_rows``: the view's size as recorded elsewhere (a list's count in the
        picker): the table opens at that height, so the first page only repaints its lines."""
        super().__init__(id=id)
        self.source = source
        self.columns = columns
        self.field_order = field_order
        self.clock = clock
        self.noun = noun
        self.last_error: Exception | None = None
        self.main_pager: Pager[Any] = Pager(source.fetch, page_size=PAGE_SIZE, row_count_hint=expected_rows)
        self.filter_text = ""
        self.matches = 0
        self.loaded = 0
        self._main_cursor = 0
        self._fetch_all: Worker[None] | None = None
        self._detail_queued = False
        source.on_refreshed = lambda skip: self.call_later(self._refreshed)

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

    @property
    def filtering(self) -> bool:
        return bool(self.filter_text)

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

    def action_copy_phone(self) -> None:
        row = self.table.current_row
        number = getattr(row, "phone_number", None) if row is not None else None
        # Only its printable characters: a terminal may paste a control character into a shell.
        number = printable_only(number or "").strip()
        if not number:
            self.app.notify("No phone number under the cursor.", markup=False)
            return
        self.app.copy_to_clipboard(number)
        self.app.notify(f"Copied phone number {clean(number)}", markup=False)

    def action_copy_row(self) -> None:
        row = self.table.current_row
        if row is None:
            self.app.notify("No contact under the cursor.", markup=False)
            return
        self.app.copy_to_clipboard(json_text(row.raw))  # controls escaped: still the same JSON
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
        self.filter_text = event.text
        if event.text:
            self.apply_filter(event.text)
        else:
            self._restore_main()

    @on(FilterBar.Accepted)
    def _filter_accepted(self) -> None:
        self.focus_table()

    @on(FilterBar.Closed)
    def _filter_closed(self) -> None:
        self.filter_text = ""
        self._restore_main()
        self.focus_table()

    def _restore_main(self) -> None:
        self.workers.cancel_group(self, "filter")
        if self.table.pager is not self.main_pager:
            self.table.set_pager(self.main_pager)
            self.table.go_to_row(self._main_cursor)
        self._show_position()

    @work(exclusive=True, group="filter")
    async def apply_filter(self, text: str, keep_cursor: bool = False) -> None:
        await asyncio.sleep(0.08)  # typing: only the last keystroke's filter runs
        cache, key = self.source.cache, self.source.key
        matches = await asyncio.to_thread(cache.matching_rows, key, text)
        self.loaded = await asyncio.to_thread(cache.count_rows, key)
        if text != self.filter_text:
            return
        self.matches = len(matches)
        cursor = self.table.cursor_row if keep_cursor else 0
        self.table.set_pager(Pager(static_fetch(matches, self.source.row), page_size=PAGE_SIZE))
        if cursor:
            self.table.go_to_row(min(cursor, max(0, len(matches) - 1)))
        self._show_position()

    # -- fetching the rest of the view ------------------------------------------------------------

    def action_fetch_all(self) -> None:
        if self._fetch_all is not None and self._fetch_all.is_running:
            self._fetch_all.cancel()
            self._fetch_all = None
            self._fetch_progress().remove_class("-running")
            self.app.notify("Stopped fetching; what was fetched stays.", markup=False)
            self._show_position()
            return
        self._fetch_all = self.fetch_all()

    def _fetch_progress(self) -> ProgressBar:
        """The fetch-all progress bar, above the status line; made on first use (a view opens
        sooner without it)."""
        bars = self.query(ProgressBar)
        if bars:
            return bars.first()
        bar = ProgressBar(show_eta=False, classes="fetch-progress")
        self.mount(bar, before=self.status)
        return bar

    @work(exclusive=True, group="fetch-all")
    async def fetch_all(self) -> None:
        """Every page of the view into the cache, within the request budget; F again cancels."""
        bar = self._fetch_progress()
        bar.add_class("-running")
        bar.update(total=self.main_pager.row_count or None, progress=0)
        pages = 0
        try:
            async for page in walk_pages(self.source.fresh_or_network, page_size=self.main_pager.page_size, concurrency=2):
                pages += 1
                bar.update(total=max(page.total_results or 0, page.end) or None, progress=page.end)
                self.loaded = page.end
                if self.filtering and pages % REFILTER_EVERY == 0:
                    self.apply_filter(self.filter_text, keep_cursor=True)
                self._show_position()
        except ApiError as exc:
            self.status.show(error=f"fetching all: {short_error(exc)}")
            return
        finally:
            bar.remove_class("-running")
            self._fetch_all = None
        await asyncio.to_thread(self.source.cache.mark_complete, self.source.key, self.loaded)
        if self.filtering:
            self.apply_filter(self.filter_text, keep_cursor=True)
        self.app.notify(f"All {self.loaded:,} {self.noun} fetched.", markup=False)
        self._show_position()

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
        if not self.source.is_directory and not self.detail.related:
            self.find_directory_contact(row.raw)  # the cache may know the number by now

    @work(exclusive=True, group="directory-match")
    async def find_directory_contact(self, raw: Any) -> None:
        """The directory contact with this number, when the cache knows it: no request."""
        digits = phone_digits(raw)
        if not digits:
            return
        key = ViewKey(self.source.key.profile, self.source.key.stream, DIRECTORY)
        found = await asyncio.to_thread(self.source.cache.rows_with_phone, key, digits)
        exact = [r for _, r in found if digits in phone_digits(r).split()] or [r for _, r in found]
        if exact and self.detail.row is raw:
            first = DirectoryContact.from_json(exact[0])
            related = [("directory", f"{first.display_name or '(no name)'} · {first.status or '-'}")]
            if len(exact) > 1:
                related.append(("", f"and {len(exact) - 1} more directory contacts with this number"))
            self.detail.show_related(related)

    def on_lazy_table_row_count_changed(self, event: LazyTable.RowCountChanged) -> None:
        event.stop()
        self._show_position()

    def on_lazy_table_page_loaded(self, event: LazyTable.PageLoaded) -> None:
        event.stop()
        if self.last_error is not None and not self.table.fetching:
            self.last_error = None
            self.status.show(error="")
        self._show_position()

    def on_lazy_table_load_failed(self, event: LazyTable.LoadFailed) -> None:
        event.stop()
        self.last_error = event.error
        self.status.show(error=short_error(event.error))
        self._show_position()

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
        count = table.row_count
        activity = []
        if self.filtering:
            total = self.main_pager.row_count
            position = f"{self.matches:,} of {total:,} match ({self.loaded:,} loaded)"
            if self.matches:
                position = f"row {table.cursor_row + 1:,} · " + position
            if self.loaded < total and self._fetch_all is None:
                activity.append(f"F fetches the other {total - self.loaded:,}")
        elif count == 0:
            position = "loading…" if table.fetching else f"No {self.noun}"
        else:
            position = f"row {table.cursor_row + 1:,} of {count:,}"
        if self._fetch_all is not None:
            activity.append(f"fetching all: {self.loaded:,} (F stops)")
        if self.source.oldest_served is not None and self.clock() - self.source.oldest_served >= 60:
            activity.append(f"cached {age(self.clock() - self.source.oldest_served)}")
            if self.source.refreshing:
                activity.append("refreshing…")
        elif table.fetching and count:
            activity.append("loading…")
        self.status.show(position=position, activity=" · ".join(activity))


def error_kind(error: Exception) -> str:
    return getattr(error, "kind", type(error).__name__)


def short_error(error: Exception) -> str:
    """What fits a status line: the status and the server's words, else the error's sentence."""
    if isinstance(error, ApiError) and error.status is not None and error.server_message:
        return f"{error.status}: {error.server_message}"
    return f"{error_kind(error)}: {error}"
