"""A virtual table over a :class:`~kore_tui.paging.Pager`: it looks like a ``DataTable`` but only
ever renders the lines on screen, so a list of a million rows costs what a screenful costs.

Built on Textual's Line API (``ScrollView.render_line``), as Toolong renders huge files: the
virtual height is the whole list (so the scrollbar and End mean the real end), and each visible
line is drawn from the Pager's page cache, or as a placeholder while its page loads.

Its pages are fetched by :mod:`~kore_tui.ui.widgets.table_loader` when and as
:mod:`~kore_tui.ui.widgets.load_schedule` says; its cursor (keys, moves, ``CursorMoved``) is
:mod:`~kore_tui.ui.widgets.table_cursor`'s; what a line says is
:mod:`~kore_tui.ui.widgets.table_cells`'.

Server text is data: cells are cleaned (:func:`~kore_tui.ui.safe_text.clean`) and drawn as
plain ``Segment`` s with styles; nothing is ever parsed as Rich markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kore_tui.paging import Pager
from kore_tui.ui.widgets.table_cells import Column, cell_text, header_text, line_width, placeholder_text, row_text
from kore_tui.ui.widgets.table_cursor import CURSOR_REST, TableCursor
from kore_tui.ui.widgets.table_loader import TableLoader

__all__ = ["CURSOR_REST", "Column", "LazyTable", "cell_text"]


@dataclass
class _TableMessage(Message):
    lazy_table: LazyTable

    @property
    def control(self) -> LazyTable:
        return self.lazy_table


class LazyTable(TableCursor, ScrollView, can_focus=True):
    """A table of a Pager's rows, with a row cursor. Set the rows with :meth:`set_pager`."""

    BINDINGS: ClassVar[list[BindingType]] = [  # in ? help, off the footer
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("pageup", "cursor_page_up", "Page up", show=False, id="table.page-up"),
        Binding("pagedown", "cursor_page_down", "Page down", show=False, id="table.page-down"),
        Binding("home,g", "cursor_first", "First", show=False, id="table.first"),
        Binding("end,G", "cursor_last", "Last", show=False, id="table.last"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "lazy-table--header", "lazy-table--cursor", "lazy-table--even-row", "lazy-table--odd-row",
        "lazy-table--placeholder",
    }

    DEFAULT_CSS = """
    LazyTable {
        background: $surface; color: $foreground; height: 1fr;
        & > .lazy-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .lazy-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .lazy-table--even-row { background: $surface-lighten-1 50%; }
        &:dark > .lazy-table--even-row { background: $surface-darken-1 40%; }
        & > .lazy-table--cursor {
            background: $block-cursor-blurred-background; color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .lazy-table--cursor {
            background: $block-cursor-background; color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .lazy-table--placeholder { color: $text-muted; text-style: dim; }
    }
    """

    @dataclass
    class CursorMoved(_TableMessage):
        """The cursor came to rest on ``row_index`` (no move for ``cursor_rest`` seconds), or
        the row under the resting cursor arrived. Watch ``cursor_row`` to follow every move.
        ``row`` is None while the row's page is not loaded (or when the list is empty)."""

        row_index: int
        row: Any | None

    @dataclass
    class PageLoaded(_TableMessage):
        """Page ``page_index`` of the current pager arrived."""

        page_index: int

    @dataclass
    class LoadFailed(_TableMessage):
        """Fetching page ``page_index`` raised ``error``. Rows already loaded stay; the page is
        not asked for again until :meth:`LazyTable.retry`."""

        error: Exception
        page_index: int

    @dataclass
    class RowCountChanged(_TableMessage):
        """The best known row count changed (``exact``: the end of the list was seen)."""

        count: int
        exact: bool

    # Always updated, as DataTable's cursor is: setting it where it is still scrolls it into view.
    cursor_row: var[int] = var(0, always_update=True)
    """Index of the row under the cursor (0-based; clamped to the list). Setting it is a move,
    as a key's is. Watch it to follow every move in the frame that draws it; ``CursorMoved``
    says where the cursor rests, and when its row arrives."""

    def __init__(self, columns: Sequence[Column], *, pager: Pager[Any] | None = None, name: str | None = None,
                 id: str | None = None, classes: str | None = None, disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._row_count = 0
        self._row_count_exact = False
        self._loader = TableLoader(self)
        self._schedule = self._loader.schedule
        self._init_cursor()
        self._adjusting = False  # the table moves the cursor or view to a new end: not the user
        self._ready = False  # mounted: timers, workers and messages may be used
        self._line_styles: dict[tuple[str, ...], Style] = {}  # component styles, until the CSS changes
        self._sort_mark: tuple[int, bool] | None = None
        self.set_columns(columns)
        if pager is not None:
            self.set_pager(pager)

    # -- public API ----------------------------------------------------------------------------

    @property
    def pager(self) -> Pager[Any] | None:
        return self._loader.pager

    @property
    def row_count(self) -> int:
        return self._row_count

    @property
    def row_count_exact(self) -> bool:
        return self._row_count_exact

    @property
    def load_delay(self) -> float:
        """Seconds of quiet after a move before pages are requested (``LOAD_DELAY``)."""
        return self._schedule.load_delay

    @load_delay.setter
    def load_delay(self, seconds: float) -> None:
        self._schedule.load_delay = seconds

    @property
    def fetching(self) -> bool:
        """True while any page is being fetched."""
        return self._loader.fetching

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def set_columns(self, columns: Sequence[Column]) -> None:
        self._columns = tuple(columns)
        self._line_width = line_width(self._columns)
        self._header = header_text(self._columns, self._sort_mark)
        self._update_virtual_size()
        self.refresh()

    def set_sort_mark(self, column: int | None, descending: bool = False) -> None:
        """Mark the column the rows are sorted by in the header (None: not sorted)."""
        self._sort_mark = None if column is None else (column, descending)
        self._header = header_text(self._columns, self._sort_mark)
        self.refresh()

    def set_pager(self, pager: Pager[Any]) -> None:
        """Show another list (or view): the cursor goes to row 0 and page 0 is requested."""
        self._loader.use(pager)
        self._reset_view()

    def reload(self) -> None:
        """Refresh: drop the pager's cached pages and load the visible ones again."""
        self._loader.reload()

    def retry(self) -> None:
        """Ask again for the pages whose fetch failed, if they are still needed."""
        self._loader.retry()

    def sync_row_count(self) -> None:
        """Show the row count the pager learned other than from a page (``Pager.set_total``)."""
        self._loader.sync_row_count()
        if not self._loader.pending:  # else the view is moving: its pass comes when it rests
            self._loader.load_now()  # the pages shown may be others now

    # -- rendering -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        # Called when this widget's CSS, or an ancestor's, changes (focus, theme, classes).
        super().notify_style_update()
        self._line_styles.clear()

    def _style(self, kind: tuple[str, ...]) -> Style:
        """The widget's style plus the component styles named in ``kind``, kept until the CSS
        changes: working them out walks the ancestors, for every line drawn."""
        style = self._line_styles.get(kind)
        if style is None:
            style = self.rich_style
            for name in kind:
                style += self.get_component_rich_style(name)
            self._line_styles[kind] = style
        return style

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.size.width
        base = self._style(())
        if y == 0:
            # The header does not scroll vertically; it scrolls sideways with the body.
            text = self._header
            style = self._style(("lazy-table--header",))
        else:
            index = scroll_y + y - 1
            if index >= self._row_count or self._loader.pager is None:
                return Strip.blank(width, base)
            text, style = self._row_line(index)
        strip = Strip([Segment(text, style)], self._line_width)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _row_line(self, index: int) -> tuple[str, Style]:
        pager = self._loader.pager
        assert pager is not None
        row = pager.get_row(index)
        kind = ["lazy-table--odd-row" if index % 2 else "lazy-table--even-row"]
        if index == self.cursor_row:
            kind.append("lazy-table--cursor")
        if row is None:
            kind.append("lazy-table--placeholder")
            text = placeholder_text(self._columns)
        else:
            text = row_text(self._columns, row)
        return text, self._style(tuple(kind))

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._line_width, self._row_count + 1)

    # -- loading -----------------------------------------------------------------------------

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._schedule.direction = 1 if new_value > old_value else -1
            if not self._adjusting:
                self._schedule.scrolled(abs(round(new_value) - round(old_value)))
                self._loader.moved()

    def on_resize(self, event: events.Resize) -> None:
        self._loader.moved()

    def on_show(self) -> None:
        # Its tab opened (or it was laid out for the first time): load what it shows, now.
        self._loader.load_now()

    def on_mount(self) -> None:
        super().on_mount()
        self._ready = True
        if self._loader.pager is not None:
            self._reset_view()
        self._predict_scrollbar()

    def _predict_scrollbar(self) -> None:
        """Show the vertical scrollbar from the first layout if the list is taller than the
        terminal (the layout takes it away if not): decided after a layout, as Textual does, it
        costs more layouts and, at ``width: auto``, a passing horizontal scrollbar."""
        if not self.container_size and self.styles.overflow_y == "auto":
            self.show_vertical_scrollbar = self._row_count + 1 > self.app.size.height

    def on_unmount(self) -> None:
        self._ready = False

    def _set_row_count(self, count: int, exact: bool, *, news: bool) -> None:
        """The list's size (``news``: tell the screen, when mounted): the scrollbar follows."""
        self._row_count, self._row_count_exact = count, exact
        self._update_virtual_size()
        if news and self._ready:
            self.post_message(self.RowCountChanged(self, count, exact))

    def _reset_view(self) -> None:
        self._cursor_to_start()
        pager = self._loader.pager
        assert pager is not None
        # A pager used before: its count is news to the screen.
        self._set_row_count(pager.row_count, pager.row_count_exact, news=pager.row_count_known)
        if self._ready:
            self.scroll_to(0, 0, animate=False, force=True)
            self._announce_cursor()
            self.refresh()
            self._loader.load_now()
