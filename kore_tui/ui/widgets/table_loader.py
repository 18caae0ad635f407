"""The loading half of a :class:`~kore_tui.ui.widgets.lazy_table.LazyTable`: it fetches the pages
the table shows, when its :class:`~kore_tui.ui.widgets.load_schedule.LoadSchedule` says, and
keeps the table's row count in step with the pager's.

Pages scrolled past are cancelled while they wait for the request budget; a table in a hidden tab
asks for nothing; at the end of a list whose total the pages disproved, only the pager's end probe
is asked for until the end is found."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widget import Widget

from kore_tui.paging import Pager
from kore_tui.ui.widgets.debounce import Debounce
from kore_tui.ui.widgets.load_schedule import LoadSchedule, pages_to_load

if TYPE_CHECKING:
    from kore_tui.ui.widgets.lazy_table import LazyTable


class TableLoader:
    """The table tells it of moves (:meth:`moved`, and ``schedule`` of scrolls and jumps); it runs
    the schedule's load passes on the table's timer and the fetches as the table's workers (group
    ``pages``), and hands back what arrives: a repaint, ``PageLoaded`` or ``LoadFailed``, and the
    row count. Part of its table, it uses the table's private parts."""

    def __init__(self, table: LazyTable) -> None:
        self.table = table
        self.schedule = LoadSchedule()
        self.pager: Pager[Any] | None = None
        self._seen_generation = -1
        self._wanted: set[int] = set()  # pages the last load pass asked for
        self._loading: set[int] = set()  # pages with a worker running
        self._failed: set[int] = set()  # pages whose fetch raised: not retried until retry()
        self._soon = Debounce(table, self.load_now)  # the pass the schedule asked for

    @property
    def fetching(self) -> bool:
        """True while any page is being fetched."""
        return bool(self._loading) or bool(self.pager is not None and self.pager.in_flight)

    @property
    def pending(self) -> bool:
        """A load pass waits for the view to rest."""
        return self._soon.pending

    def use(self, pager: Pager[Any]) -> None:
        """Load ``pager``'s pages from now on (the table shows its count)."""
        old = self.pager
        if old is not None and old is not pager:
            old.cancel_except(())  # nobody waits for the old list's pages any more
        self._cancel_workers()
        self.pager = pager
        self._seen_generation = pager.generation
        self._wanted, self._loading, self._failed = set(), set(), set()
        self.schedule.jumped()
        self.schedule.direction = 1

    def reload(self) -> None:
        """Drop the pager's cached pages and load the visible ones again."""
        if self.pager is None:
            return
        self._cancel_workers()
        self.pager.invalidate()
        self._loading.clear()
        self._failed.clear()
        self.sync_row_count()
        self.table.refresh()
        self.load_now()

    def retry(self) -> None:
        """Ask again for the pages whose fetch failed, if they are still needed."""
        self._failed.clear()
        self.load_now()

    def moved(self) -> None:
        """The view moved: choose its pages when the schedule says."""
        if not self.table._ready:
            return
        wait = self.schedule.moved(self.table._body_height)
        if wait > 0:
            self._soon.call_after(wait)
        else:
            self.load_now()

    def load_now(self) -> None:
        """Choose the pages of the view and fetch those not cached."""
        self._soon.cancel()  # called directly: the pass it was waiting for is this one
        pager, table = self.pager, self.table
        if pager is None or not self._shown():
            return  # on_show loads what it shows
        self.schedule.chose()
        needed = pages_to_load(pager, table.scroll_offset.y, table._body_height(), table.row_count,
                               self.schedule.direction)
        self._wanted = needed
        pager.cancel_except(needed)
        for k in sorted(needed):
            # A page already in flight (prefetched, or asked for by a worker since cancelled)
            # gets a worker too: ensure_page joins that fetch, and the worker repaints on arrival.
            if k in self._loading or k in self._failed or pager.is_cached(k):
                continue
            self._loading.add(k)
            table.run_worker(self._load_page(pager, k), name=f"page {k}", group="pages",
                             exit_on_error=False)

    def _shown(self) -> bool:
        """Mounted and displayed: a table in a hidden container (a tab not open) asks for
        nothing until it is shown.

        At mount, a tab switcher has not hidden its other tabs yet (it does so from its own
        mount handler, after its children's), so a table in a tab that opens hidden loads its
        first page unless its pane was made ``display = False`` when composed."""
        if not self.table._ready:
            return False
        node: Any = self.table
        while isinstance(node, Widget):
            if not node.display:
                return False
            node = node.parent
        return True

    def _cancel_workers(self) -> None:
        if self.table._ready:
            self.table.workers.cancel_group(self.table, "pages")

    async def _load_page(self, pager: Pager[Any], k: int) -> None:
        table = self.table
        try:
            if pager is not self.pager or k not in self._wanted:
                return  # scrolled past before the worker started
            try:
                page = await pager.ensure_page(k)
            except Exception as error:  # shown to the user by whoever handles LoadFailed
                if pager is self.pager:
                    self._failed.add(k)
                    table.post_message(table.LoadFailed(table, error, k))
                return
        finally:
            if pager is self.pager:
                self._loading.discard(k)
        if page is None or pager is not self.pager:
            return
        self.sync_row_count()
        table.refresh()  # one repaint per page, not per row
        table.post_message(table.PageLoaded(table, k))
        table._announce_cursor()
        if not self._soon.pending:  # else the view is moving: its pass comes when it rests
            self.load_now()  # a learned page size or a new row count may need other pages

    def sync_row_count(self) -> None:
        """Give the table the pager's row count if it changed.

        A cursor or view past a shrunken end moves back to it without scheduling a load: the
        caller chooses the pages next (and such moves are not the user's, so they never count
        as flying)."""
        pager, table = self.pager, self.table
        if pager is None or pager.generation == self._seen_generation:
            return
        self._seen_generation = pager.generation
        count, exact = pager.row_count, pager.row_count_exact
        if (count, exact) == (table.row_count, table.row_count_exact):
            return
        table._set_row_count(count, exact, news=True)
        table._adjusting = True
        try:
            if table.cursor_row and table.cursor_row >= count:
                table.cursor_row = count - 1  # clamps to 0 for an empty list
            elif table.scroll_offset.y > max(0, count + 1 - table.scrollable_content_region.height):
                table.scroll_to(y=max(0, count - table._body_height()), animate=False, force=True,
                                immediate=True)
        finally:
            table._adjusting = False
