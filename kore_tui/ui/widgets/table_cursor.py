"""The row cursor of a :class:`~kore_tui.ui.widgets.lazy_table.LazyTable`: its keys and actions,
its moves (clamped to the list, scrolled into view, two lines repainted), and ``CursorMoved``
once it rests.

A mixin rather than a helper object like :class:`~kore_tui.ui.widgets.table_loader.TableLoader`:
a held key moves the cursor 25-50 times a second, and these stay the table's own methods, with
no call in between."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.geometry import Region
from textual.message import Message

from kore_tui.ui.widgets.debounce import Debounce

if TYPE_CHECKING:
    # The type checker sees the widget the mixin goes into; at run time it adds no base class.
    from textual.scroll_view import ScrollView as _Base

    from kore_tui.ui.widgets.load_schedule import LoadSchedule
    from kore_tui.ui.widgets.table_loader import TableLoader
else:
    _Base = object

__all__ = ["CURSOR_REST", "TableCursor"]

CURSOR_REST = 0.1
"""Seconds without a cursor move before ``CursorMoved`` is posted: longer than a held key's
repeat, so a held key costs no message per row (and whatever follows the cursor, such as a
detail pane, waits until it rests), short enough to feel immediate when keys stop."""

_NOT_ANNOUNCED = object()

_CURSOR_ACTIONS = frozenset(
    {"cursor_up", "cursor_down", "cursor_page_up", "cursor_page_down", "cursor_first", "cursor_last"}
)


class TableCursor(_Base):
    """The cursor part of LazyTable, mixed in before ``ScrollView``. The table declares the
    ``cursor_row`` reactive, the bindings and the messages, and calls :meth:`_init_cursor`."""

    # What the cursor uses of its table (set in LazyTable.__init__).
    cursor_row: int
    CursorMoved: Callable[[Any, int, Any], Message]
    _row_count: int
    _ready: bool
    _adjusting: bool
    _loader: TableLoader
    _schedule: LoadSchedule

    def _init_cursor(self) -> None:
        self._rest = Debounce(self, self._announce_cursor)  # CursorMoved, once the cursor rests
        self._move = (False, False)  # (center, jump) of the cursor move being made
        self._resetting = False  # the cursor goes to row 0 of a new list
        self._announced: tuple[int, object] = (-1, _NOT_ANNOUNCED)
        self._keymap: object = None  # the app's keymap that _keys was made with
        self._keys: dict[str, str] = {}  # key -> cursor action, for on_key
        self.cursor_rest = CURSOR_REST

    @property
    def current_row(self) -> Any | None:
        """The row under the cursor, or None when not loaded."""
        pager = self._loader.pager
        if pager is None or self.cursor_row >= self._row_count:
            return None
        return pager.get_row(self.cursor_row)

    @property
    def cursor_moving(self) -> bool:
        """The cursor moved less than ``cursor_rest`` seconds ago: ``CursorMoved`` is due."""
        return self._rest.pending

    def go_to_row(self, row: int) -> None:
        """Move the cursor to row index ``row`` (0-based; clamped to the list), centring it
        when it was off screen. A jump: no page beyond the ones shown is fetched ahead, as
        nothing says which way the user will go from there."""
        self._set_cursor(row, center=True, jump=True)

    # -- actions and keys ----------------------------------------------------------------------

    def action_go_to_row(self, row: int) -> None:
        self.go_to_row(row)

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_cursor_page_up(self) -> None:
        self.cursor_row -= self._body_height()

    def action_cursor_page_down(self) -> None:
        self.cursor_row += self._body_height()

    def action_cursor_first(self) -> None:
        self._set_cursor(0, jump=True)

    def action_cursor_last(self) -> None:
        self._set_cursor(self._row_count - 1, jump=True)

    def on_key(self, event: events.Key) -> None:
        # Cursor keys are acted on where they arrive, not after bubbling through every ancestor
        # to the App's binding check: a held key repeats 25-50 times a second. Same bindings, so
        # the same keys (the app's keymap applied); priority bindings were checked before.
        action = self._cursor_keys().get(event.key)
        if action is not None:
            event.stop()
            event.prevent_default()
            getattr(self, f"action_{action}")()

    def _cursor_keys(self) -> dict[str, str]:
        """Key -> cursor action: this table's bindings as the binding chain sees them, with the
        app's keymap applied (``set_keymap`` replaces the keymap, so it is remade then)."""
        keymap = self.app._keymap
        if keymap is not self._keymap:
            bindings = self._bindings.copy()
            if keymap:
                bindings.apply_keymap(keymap)
            self._keys = {
                key: found[0].action
                for key, found in bindings.key_to_bindings.items()
                if found and found[0].action in _CURSOR_ACTIONS and not found[0].priority
            }
            self._keymap = keymap
        return self._keys

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and offset.y >= 1:
            self.cursor_row = self.scroll_offset.y + offset.y - 1

    # -- moves ---------------------------------------------------------------------------------

    def _body_height(self) -> int:
        """Rows visible under the header."""
        return max(1, self.scrollable_content_region.height - 1)

    def _refresh_row(self, index: int) -> None:
        y = index - self.scroll_offset.y + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _set_cursor(self, row: int, *, center: bool = False, jump: bool = False) -> None:
        """Set ``cursor_row``, centring it if it goes off screen, or as a jump: its pages are
        asked for at once, and none ahead (there is no direction to go in)."""
        self._move = (center, jump)
        try:
            self.cursor_row = row
        finally:
            self._move = (False, False)

    def _cursor_to_start(self) -> None:
        """Row 0 of a new list, as no move: nothing scrolls, loads or is announced (the table
        resets its view next)."""
        self._resetting = True
        try:
            self.cursor_row = 0
        finally:
            self._resetting = False
        self._announced = (-1, _NOT_ANNOUNCED)

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, self._row_count - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        # O(1) whatever the list's size: the two lines are repainted (the screen if it scrolls).
        if old != new:
            self._schedule.direction = 1 if new > old else -1
            self._refresh_row(old)
            self._refresh_row(new)
        if self._resetting:
            return
        center, jump = self._move
        self._scroll_to_cursor(center=center)
        self._announce_when_resting()
        if self._adjusting:
            return
        if jump:
            self._schedule.jumped()  # after the scroll, which set a direction of its own
            self._loader.load_now()
        else:
            self._loader.moved()

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

    # -- where it rests ------------------------------------------------------------------------

    def _announce_when_resting(self) -> None:
        """A move: CursorMoved once the cursor rests (even where it was last announced: it came
        to rest again)."""
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
