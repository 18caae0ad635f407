"""A virtual table over a :class:`~kore_tui.paging.Pager`: it looks like a ``DataTable`` but only
ever renders the lines on screen, so a list of a million rows costs what a screenful costs.

Built on Textual's Line API (``ScrollView.render_line``), as Toolong renders huge files: the
virtual height is the whole list (so the scrollbar and End mean the real end), and each visible
line is drawn from the Pager's page cache, or as a placeholder while its page loads.

What it asks for: the pages of the rows on screen, plus the next page in the direction of
travel. A jump (go to row, Home, End) asks at once; other moves once the view rests (longer
while it flies past, as under a held PageDown, so the pages passed are never asked for), and
every ``TRICKLE_EVERY`` while it scrolls slowly. Pages scrolled past are cancelled while they
wait for the request budget; a table in a hidden tab asks for nothing; at the end of a list
whose total the pages disproved, only the Pager's end probe is asked for until the end is found.

Server text is data: cells are cleaned (:func:`~kore_tui.ui.safe_text.clean`) and drawn as
plain ``Segment`` s with styles; nothing is ever parsed as Rich markup.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from kore_tui.paging import Pager
from kore_tui.ui.safe_text import ELLIPSIS, clean, fit
from kore_tui.ui.widgets.debounce import Debounce

LOAD_DELAY = 0.05
"""Seconds of quiet after a scroll or cursor move before pages are requested, so a held
PageDown does not request every page it passes (key repeat is 25-50 per second)."""

FLYING_DELAY = 0.15
"""The quiet needed instead while the view flies past: it scrolled ``FLY_MOVES`` times or more,
more than a screen in all, in the last ``FLY_WINDOW`` seconds (a held PageDown). Its keys come
20-40 ms apart, but a busy app handles them less regularly than that (gaps of 90 ms were seen
at 25 Hz); this margin keeps it from loading the pages it passes."""

FLY_WINDOW = 0.25
FLY_MOVES = 4  # in FLY_WINDOW: a key repeating at 16 Hz or more

TRICKLE_EVERY = 0.3
"""While the view moves slowly (a held arrow key: less than a screen per ``FLY_WINDOW``), its
pages are still requested at least this often, so rows being read arrive as they scroll in."""

CURSOR_REST = 0.1
"""Seconds without a cursor move before ``CursorMoved`` is posted: longer than a held key's
repeat (20-40 ms), so a held key costs no message per row (and whatever follows the cursor,
such as a detail pane, waits until it rests), short enough to feel immediate when keys stop."""

PLACEHOLDER = "…"


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header ``label``, its ``width`` in cells, and how to get a row's text."""

    label: str
    width: int
    value: Callable[[Any], str | None]


def cell_text(value: str | None, width: int) -> str:
    """A server value made safe and fitted to ``width`` cells."""
    if not value:
        return " " * width
    # Slice before cleaning: a cell shows at most `width` characters of a value (plus a few
    # zero-width ones), and a 1 MB field must not cost 1 MB of work per repaint.
    limit = width * 4 + 8
    if len(value) > limit:
        return fit(clean(value[:limit]) + ELLIPSIS, width)
    return fit(clean(value), width)


_NOT_ANNOUNCED = object()

_CURSOR_BINDINGS: list[Binding] = [
    Binding("up,k", "cursor_up", "Up", show=False),
    Binding("down,j", "cursor_down", "Down", show=False),
    Binding("pageup", "cursor_page_up", "Page up", show=False),
    Binding("pagedown", "cursor_page_down", "Page down", show=False),
    Binding("home,g", "cursor_first", "First", show=False),  # the usual keys: in ? help
    Binding("end,G", "cursor_last", "Last", show=False),
]
_CURSOR_KEYS: dict[str, str] = {
    key.strip(): binding.action for binding in _CURSOR_BINDINGS for key in binding.key.split(",")
}
"""Key name -> cursor action: what LazyTable.on_key acts on directly."""


class LazyTable(ScrollView, can_focus=True):
    """A table of a Pager's rows, with a row cursor. Set the rows with :meth:`set_pager`."""

    BINDINGS: ClassVar[list[BindingType]] = list(_CURSOR_BINDINGS)  # shown in the footer and help

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "lazy-table--header",
        "lazy-table--cursor",
        "lazy-table--even-row",
        "lazy-table--odd-row",
        "lazy-table--placeholder",
    }

    DEFAULT_CSS = """
    LazyTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        & > .lazy-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .lazy-table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .lazy-table--even-row {
            background: $surface-lighten-1 50%;
        }
        &:dark > .lazy-table--even-row {
            background: $surface-darken-1 40%;
        }
        & > .lazy-table--odd-row {
        }
        & > .lazy-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .lazy-table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .lazy-table--placeholder {
            color: $text-muted;
            text-style: dim;
        }
    }
    """

    class CursorMoved(Message):
        """The cursor came to rest on ``row_index`` (no move for ``cursor_rest`` seconds), or
        the row under the resting cursor arrived. Watch ``cursor_row`` to follow every move.

        ``row`` is None while the row's page is not loaded (or when the list is empty).
        """

        def __init__(self, lazy_table: LazyTable, row_index: int, row: Any | None) -> None:
            super().__init__()
            self.lazy_table = lazy_table
            self.row_index = row_index
            self.row = row

        @property
        def control(self) -> LazyTable:
            return self.lazy_table

    class PageLoaded(Message):
        """Page ``page_index`` of the current pager arrived."""

        def __init__(self, lazy_table: LazyTable, page_index: int) -> None:
            super().__init__()
            self.lazy_table = lazy_table
            self.page_index = page_index

        @property
        def control(self) -> LazyTable:
            return self.lazy_table

    class LoadFailed(Message):
        """Fetching page ``page_index`` raised ``error``. Rows already loaded stay; the page is
        not asked for again until :meth:`LazyTable.retry`."""

        def __init__(self, lazy_table: LazyTable, error: Exception, page_index: int) -> None:
            super().__init__()
            self.lazy_table = lazy_table
            self.error = error
            self.page_index = page_index

        @property
        def control(self) -> LazyTable:
            return self.lazy_table

    class RowCountChanged(Message):
        """The best known row count changed (``exact``: the end of the list was seen)."""

        def __init__(self, lazy_table: LazyTable, count: int, exact: bool) -> None:
            super().__init__()
            self.lazy_table = lazy_table
            self.count = count
            self.exact = exact

        @property
        def control(self) -> LazyTable:
            return self.lazy_table

    cursor_row: var[int] = var(0)
    """Index of the row under the cursor (0-based). Watch it to follow every move in the frame
    that draws it; ``CursorMoved`` says where the cursor rests, and when its row arrives."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        pager: Pager[Any] | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._pager: Pager[Any] | None = None
        self._row_count = 0
        self._row_count_exact = False
        self._seen_generation = -1
        self._direction = 1  # last cursor/scroll direction: where to prefetch (0: after a jump)
        self._wanted: set[int] = set()  # pages the last load pass asked for
        self._loading: set[int] = set()  # pages with a worker running
        self._failed: set[int] = set()  # pages whose fetch raised: not retried until retry()
        self._load_soon = Debounce(self, self._load_needed)  # the next load pass, once the view rests
        self._rest = Debounce(self, self._announce_cursor)  # CursorMoved, once the cursor rests
        self._moves: deque[tuple[float, int]] = deque()  # (when, rows) of recent scrolls
        self._last_pass = 0.0  # when pages were last chosen (time.monotonic)
        self._adjusting = False  # moving the view to a new end: not the user's move
        self._announced: tuple[int, object] = (-1, _NOT_ANNOUNCED)
        self._ready = False  # mounted: timers, workers and messages may be used
        self._line_styles: dict[tuple[str, ...], Style] = {}  # component styles, until the CSS changes
        self.load_delay = LOAD_DELAY
        self.cursor_rest = CURSOR_REST
        self.set_columns(columns)
        if pager is not None:
            self.set_pager(pager)

    # -- public API ----------------------------------------------------------------------------

    @property
    def pager(self) -> Pager[Any] | None:
        return self._pager

    @property
    def row_count(self) -> int:
        return self._row_count

    @property
    def row_count_exact(self) -> bool:
        return self._row_count_exact

    @property
    def fetching(self) -> bool:
        """True while any page is being fetched."""
        return bool(self._loading) or bool(self._pager is not None and self._pager.in_flight)

    @property
    def current_row(self) -> Any | None:
        """The row under the cursor, or None when not loaded."""
        if self._pager is None or self.cursor_row >= self._row_count:
            return None
        return self._pager.get_row(self.cursor_row)

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    def set_columns(self, columns: Sequence[Column]) -> None:
        self._columns = tuple(columns)
        self._line_width = sum(max(0, c.width) + 2 for c in self._columns)
        self._header = "".join(f" {fit(clean(c.label), max(0, c.width))} " for c in self._columns)
        self._update_virtual_size()
        self.refresh()

    def set_pager(self, pager: Pager[Any]) -> None:
        """Show another list (or view): the cursor goes to row 0 and page 0 is requested."""
        old = self._pager
        if old is not None and old is not pager:
            old.cancel_except(())  # nobody waits for the old list's pages any more
        if self._ready:
            self.workers.cancel_group(self, "pages")
        self._pager = pager
        self._reset_view()

    def reload(self) -> None:
        """Refresh: drop the pager's cached pages and load the visible ones again."""
        if self._pager is None:
            return
        if self._ready:
            self.workers.cancel_group(self, "pages")
        self._pager.invalidate()
        self._loading.clear()
        self._failed.clear()
        self._sync_row_count()
        self.refresh()
        self._load_needed()

    def retry(self) -> None:
        """Ask again for the pages whose fetch failed, if they are still needed."""
        self._failed.clear()
        self._load_needed()

    def go_to_row(self, row: int) -> None:
        """Move the cursor to row index ``row`` (0-based; clamped to the list), centring it
        when it was off screen. A jump: no page beyond the ones shown is fetched ahead, as
        nothing says which way the user will go from there."""
        self._set_cursor(row, center=True, jump=True)

    # -- actions -------------------------------------------------------------------------------

    def action_go_to_row(self, row: int) -> None:
        self.go_to_row(row)

    def action_cursor_up(self) -> None:
        self._set_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        self._set_cursor(self.cursor_row + 1)

    def action_cursor_page_up(self) -> None:
        self._set_cursor(self.cursor_row - self._body_height())

    def action_cursor_page_down(self) -> None:
        self._set_cursor(self.cursor_row + self._body_height())

    def action_cursor_first(self) -> None:
        self._set_cursor(0, jump=True)

    def action_cursor_last(self) -> None:
        self._set_cursor(self._row_count - 1, jump=True)

    # -- rendering -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        # Called when this widget's CSS, or an ancestor's, changes (focus, theme, classes).
        super().notify_style_update()
        self._line_styles.clear()

    def _style(self, kind: tuple[str, ...]) -> Style:
        """The widget's style plus the component styles named in ``kind``, kept until the CSS
        changes: working them out walks the ancestors, and cost more than drawing the line."""
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
            if index >= self._row_count or self._pager is None:
                return Strip.blank(width, base)
            text, style = self._row_line(index)
        strip = Strip([Segment(text, style)], self._line_width)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def _row_line(self, index: int) -> tuple[str, Style]:
        assert self._pager is not None
        row = self._pager.get_row(index)
        kind = ["lazy-table--odd-row" if index % 2 else "lazy-table--even-row"]
        if index == self.cursor_row:
            kind.append("lazy-table--cursor")
        if row is None:
            kind.append("lazy-table--placeholder")
            text = "".join(f" {fit(PLACEHOLDER, max(0, c.width))} " for c in self._columns)
        else:
            text = "".join(
                f" {cell_text(c.value(row), max(0, c.width))} " for c in self._columns
            )
        return text, self._style(tuple(kind))

    def _body_height(self) -> int:
        """Rows visible under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def _refresh_row(self, index: int) -> None:
        y = index - self.scroll_offset.y + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._line_width, self._row_count + 1)

    # -- cursor --------------------------------------------------------------------------------

    def _set_cursor(self, row: int, *, center: bool = False, jump: bool = False) -> None:
        """Move the cursor: O(1), repaints only the two lines (or the screen if it scrolls)."""
        row = max(0, min(row, self._row_count - 1))
        old = self.cursor_row
        if row != old:
            self._direction = 1 if row > old else -1
            self.cursor_row = row
            self._refresh_row(old)
            self._refresh_row(row)
        self._scroll_to_cursor(center=center)
        self._announce_when_resting()
        if self._adjusting:
            return
        if jump:
            # One deliberate move: its pages now, and no page ahead (no direction to go in).
            self._direction = 0  # after the scroll, which set a direction of its own
            self._moves.clear()
            self._load_needed()
        else:
            self._schedule_load()

    def _scroll_to_cursor(self, *, center: bool = False) -> None:
        if not self._ready:
            return
        body = self._body_height()
        top = self.scroll_offset.y
        if top <= self.cursor_row < top + body:
            return
        if center:
            new_top = self.cursor_row - body // 2
        elif self.cursor_row < top:
            new_top = self.cursor_row
        else:
            new_top = self.cursor_row - body + 1
        # At once, not after the next refresh: the pages to load are those of the new view.
        self.scroll_to(y=max(0, new_top), animate=False, force=True, immediate=True)

    @property
    def cursor_moving(self) -> bool:
        """The cursor moved less than ``cursor_rest`` seconds ago: ``CursorMoved`` is due."""
        return self._rest.pending

    def _announce_when_resting(self) -> None:
        """A user's move: CursorMoved once the cursor rests (even where it was last announced:
        it came to rest again)."""
        if not self._ready:
            return
        self._announced = (-1, _NOT_ANNOUNCED)
        if self.cursor_rest <= 0:
            self._announce_cursor()
        else:
            self._rest.call_after(self.cursor_rest)

    def _announce_cursor(self) -> None:
        """Post CursorMoved if the cursor row, or what we know of it, changed, unless the cursor
        is still moving (its rest will announce it)."""
        if not self._ready or self._rest.pending:
            return
        row = self.current_row
        if self._announced[0] != self.cursor_row or self._announced[1] is not row:
            self._announced = (self.cursor_row, row)
            self.post_message(self.CursorMoved(self, self.cursor_row, row))

    # -- loading -------------------------------------------------------------------------------

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if round(old_value) != round(new_value):
            self._direction = 1 if new_value > old_value else -1
            if not self._adjusting:
                self._moves.append((time.monotonic(), abs(round(new_value) - round(old_value))))
                self._schedule_load()

    def on_resize(self, event: events.Resize) -> None:
        self._schedule_load()

    def on_show(self) -> None:
        # Its tab opened (or it was laid out for the first time): load what it shows, now.
        self._load_needed()

    def on_mount(self) -> None:
        super().on_mount()
        self._ready = True
        if self._pager is not None:
            self._reset_view()
        self._predict_scrollbar()

    def _predict_scrollbar(self) -> None:
        """Decide the vertical scrollbar before the first layout.

        Textual decides it after a layout, from the size that layout gave: a table that needs
        one then costs a second layout and, at ``width: auto``, a horizontal scrollbar (the body
        is briefly narrower than its columns) and a third layout to take it away again, with the
        detail pane beside it redrawn at each width, just as the first rows arrive. A list
        taller than the terminal needs one; the first layout confirms it or takes it away."""
        if not self.container_size and self.styles.overflow_y == "auto":
            self.show_vertical_scrollbar = self._row_count + 1 > self.app.size.height

    def on_unmount(self) -> None:
        self._ready = False

    def on_key(self, event: events.Key) -> None:
        # The cursor keys are acted on here, where they arrive: as bindings they would first
        # bubble through every ancestor up to the App's binding check, which cost a third of a
        # held key's CPU. Same keys and actions as BINDINGS (a focused widget's bindings come
        # first in the chain anyway; priority bindings were checked before the key got here).
        action = _CURSOR_KEYS.get(event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            getattr(self, f"action_{action}")()

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self._set_cursor(self.scroll_offset.y + offset.y - 1)

    def _shown(self) -> bool:
        """Mounted and displayed: a table in a hidden container (a tab not open) asks for
        nothing until it is shown.

        At mount, a tab switcher has not hidden its other tabs yet (it does so from its own
        mount handler, after its children's), so a table in a tab that opens hidden loads its
        first page unless its pane was made ``display = False`` when composed."""
        if not self._ready:
            return False
        node: Any = self
        while isinstance(node, Widget):
            if not node.display:
                return False
            node = node.parent
        return True

    def _schedule_load(self) -> None:
        """The view moved: choose its pages once it rests (see LOAD_DELAY, FLYING_DELAY,
        TRICKLE_EVERY); at once if it had been resting, or is moving slowly and its pages were
        last chosen a while ago."""
        if not self._ready:
            return
        now = time.monotonic()
        moves = self._moves
        while moves and now - moves[0][0] > FLY_WINDOW:
            moves.popleft()
        flying = len(moves) >= FLY_MOVES and sum(rows for _, rows in moves) > self._body_height()
        if not flying and now - self._last_pass >= TRICKLE_EVERY:
            self._load_needed()
            return
        self._load_soon.call_after(max(self.load_delay, FLYING_DELAY) if flying else self.load_delay)

    def _needed_pages(self, pager: Pager[Any]) -> set[int]:
        """Pages of the visible rows, plus the next page in the direction of travel when it is
        within a screen of the visible rows (none after a jump: no direction then).

        When the view shows the end of a list whose total the pages have disproved, only the
        pager's end probe: the rows shown there may not exist, and the probe finds the real end
        in a few requests (the cursor, clamped to the row count, follows it there)."""
        if not pager.row_count_known:
            return {0}  # page indexes mean nothing until page 0 gave the page size
        count = self._row_count
        if count == 0:
            return set()
        body = self._body_height()
        first = min(self.scroll_offset.y, count - 1)
        last = min(count - 1, first + body - 1)
        if last >= count - 1 and (probe := pager.end_probe()) is not None:
            return {probe}
        needed = set(pager.pages_for(first, last))
        if self._direction:
            ahead = last + body if self._direction > 0 else first - body
            if 0 <= ahead < count:
                needed.add(pager.page_of(ahead))
        return needed

    def _load_needed(self) -> None:
        self._load_soon.cancel()  # called directly: the pass it was waiting for is this one
        pager = self._pager
        if pager is None or not self._shown():
            return  # on_show loads what it shows
        self._last_pass = time.monotonic()
        needed = self._needed_pages(pager)
        self._wanted = needed
        pager.cancel_except(needed)
        for k in sorted(needed):
            # A page already in flight (prefetched, or asked for by a worker since cancelled)
            # gets a worker too: ensure_page joins that fetch, and the worker repaints on arrival.
            if k in self._loading or k in self._failed or pager.is_cached(k):
                continue
            self._loading.add(k)
            self.run_worker(
                self._load_page(pager, k), name=f"page {k}", group="pages", exit_on_error=False
            )

    async def _load_page(self, pager: Pager[Any], k: int) -> None:
        try:
            if pager is not self._pager or k not in self._wanted:
                return  # scrolled past before the worker started
            try:
                page = await pager.ensure_page(k)
            except Exception as error:  # shown to the user by whoever handles LoadFailed
                if pager is self._pager:
                    self._failed.add(k)
                    self.post_message(self.LoadFailed(self, error, k))
                return
        finally:
            if pager is self._pager:
                self._loading.discard(k)
        if page is not None and pager is self._pager:
            self._page_landed(k)

    def _page_landed(self, k: int) -> None:
        self._sync_row_count()
        self.refresh()  # one repaint per page, not per row
        self.post_message(self.PageLoaded(self, k))
        self._announce_cursor()
        if not self._load_soon.pending:  # else the view is moving: its pass comes when it rests
            self._load_needed()  # a learned page size or a new row count may need other pages

    def _sync_row_count(self) -> None:
        """Adopt the pager's row count if it changed: scrollbar, cursor and a message.

        A cursor or view past a shrunken end moves back to it without scheduling a load: the
        caller chooses the pages next (and such moves are not the user's, so they never count
        as flying)."""
        pager = self._pager
        if pager is None or pager.generation == self._seen_generation:
            return
        self._seen_generation = pager.generation
        count, exact = pager.row_count, pager.row_count_exact
        if (count, exact) == (self._row_count, self._row_count_exact):
            return
        self._row_count, self._row_count_exact = count, exact
        self._update_virtual_size()
        if self._ready:
            self.post_message(self.RowCountChanged(self, count, exact))
        self._adjusting = True
        try:
            if self.cursor_row and self.cursor_row >= count:
                self._set_cursor(count - 1)  # clamps to 0 for an empty list
            elif self.scroll_offset.y > max(0, count + 1 - self.scrollable_content_region.height):
                self.scroll_to(y=max(0, count - self._body_height()), animate=False, force=True,
                               immediate=True)
        finally:
            self._adjusting = False

    def _reset_view(self) -> None:
        self.cursor_row = 0
        self._direction = 1
        self._moves.clear()
        self._wanted = set()
        self._loading = set()
        self._failed = set()
        self._announced = (-1, _NOT_ANNOUNCED)
        pager = self._pager
        assert pager is not None
        self._seen_generation = pager.generation
        self._row_count, self._row_count_exact = pager.row_count, pager.row_count_exact
        self._update_virtual_size()
        if self._ready:
            self.scroll_to(0, 0, animate=False, force=True)
            if pager.row_count_known:  # a pager used before: its count is news to the screen
                count, exact = pager.row_count, pager.row_count_exact
                self.post_message(self.RowCountChanged(self, count, exact))
            self._announce_cursor()
            self.refresh()
            self._load_needed()
