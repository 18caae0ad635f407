"""ContactView: one lazily loaded table of contacts, its detail pane and its status line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.widget import Widget

from kore_tui.api.errors import ApiError
from kore_tui.paging import Fetch, Pager
from kore_tui.ui.safe_text import clean
from kore_tui.ui.widgets.detail_pane import DetailPane
from kore_tui.ui.widgets.lazy_table import Column, LazyTable
from kore_tui.ui.widgets.status_line import StatusLine

PAGE_SIZE = 100  # asked for; the server may serve fewer and the pager adapts


class ContactView(Container):
    """A table of one endpoint's contacts. ``fetch(skip, limit)`` loads a page."""

    BINDINGS = [
        Binding("d", "toggle_detail", "Detail"),
        Binding("J", "toggle_raw", "Raw JSON"),
    ]

    def __init__(
        self,
        fetch: Fetch[Any],
        columns: tuple[Column, ...],
        field_order: tuple[str, ...],
        *,
        clock: Callable[[], float],
        noun: str = "contacts",
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.fetch = fetch
        self.columns = columns
        self.field_order = field_order
        self.clock = clock
        self.noun = noun
        self.last_error: Exception | None = None

    def compose(self) -> ComposeResult:
        with Container(classes="table-and-detail"):
            yield LazyTable(self.columns, pager=Pager(self.fetch, page_size=PAGE_SIZE))
            yield DetailPane(field_order=self.field_order, clock=self.clock)
        yield StatusLine()

    @property
    def table(self) -> LazyTable:
        return self.query_one(LazyTable)

    @property
    def detail(self) -> DetailPane:
        return self.query_one(DetailPane)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def focus_table(self) -> None:
        self.table.focus()

    def action_toggle_detail(self) -> None:
        self.detail.display = not self.detail.display

    def action_toggle_raw(self) -> None:
        self.detail.display = True
        self.detail.action_toggle_raw()

    def retry(self) -> None:
        """After an error: ask again for what failed; otherwise refresh from the server."""
        if self.last_error is not None:
            self.last_error = None
            self.status.show(error="")
            self.table.retry()
        else:
            self.table.reload()
        self._show_position()

    # -- messages from the table ------------------------------------------------------------------

    def on_lazy_table_cursor_moved(self, event: LazyTable.CursorMoved) -> None:
        event.stop()
        row = event.row
        self.detail.show(row.raw if row is not None else None,
                         note=f"Loading row {event.row_index + 1:,}…" if self.table.row_count else "")
        self._show_position()

    def on_lazy_table_row_count_changed(self, event: LazyTable.RowCountChanged) -> None:
        event.stop()
        self._show_position()

    def on_lazy_table_page_loaded(self, event: LazyTable.PageLoaded) -> None:
        event.stop()
        if self.last_error is not None and not self.table.loading:
            self.last_error = None
            self.status.show(error="")
        self._show_position()

    def on_lazy_table_load_failed(self, event: LazyTable.LoadFailed) -> None:
        event.stop()
        self.last_error = event.error
        self.status.show(error=short_error(event.error))
        self._show_position()

    def _show_position(self) -> None:
        table = self.table
        count = table.row_count
        if count == 0:
            position = "loading…" if table.loading else f"No {self.noun}"
        else:
            position = f"row {table.cursor_row + 1:,} of {count:,}"
        self.status.show(position=position, activity="loading…" if table.loading and count else "")


def error_kind(error: Exception) -> str:
    return getattr(error, "kind", type(error).__name__)


def short_error(error: Exception) -> str:
    """What fits a status line: the status and the server's words, else the error's sentence."""
    if isinstance(error, ApiError) and error.status is not None and error.server_message:
        return f"{error.status}: {error.server_message}"
    if isinstance(error, ApiError) and error.status is not None:
        return f"{error.kind} ({error.status})"
    return f"{error_kind(error)}: {error}"


def contact_view_of(widget: Widget) -> ContactView | None:
    """The ContactView holding ``widget``, if any."""
    node: Any = widget
    while node is not None and not isinstance(node, ContactView):
        node = node.parent
    return node
