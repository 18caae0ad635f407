"""A page cache over any ``fetch(skip, limit) -> Page`` source, for a table that shows a window
of a list that may hold millions of rows.

Pure asyncio: no Textual here. The widget asks for the pages it shows; the Pager fetches each at
most once at a time, keeps a bounded LRU of answers, learns the page size the server really
serves, and keeps a best guess of the row count that it corrects as pages contradict the
server's totals (which the platform's own samples show to be wrong). When they do, its end probe
(:meth:`Pager.end_probe`) names the pages that find the real end in a logarithmic number of
requests.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Generic, TypeVar

from kore_tui.api.errors import BadResponseError
from kore_tui.api.models import Page

T = TypeVar("T")

Fetch = Callable[[int, int], Awaitable[Page[T]]]


class Pager(Generic[T]):
    """Pages ``k`` of a list, each covering rows ``[k * page_size, (k + 1) * page_size)``.

    ``fetch(skip, limit)`` loads one page; it may raise (typically ``ApiError``), and it may be
    cancelled by :meth:`cancel_except` while it waits (the real one waits in a rate limiter
    before sending, so a cancelled fetch costs no request).
    """

    def __init__(
        self, fetch: Fetch[T], *, page_size: int = 100, max_cached_pages: int = 64,
        row_count_hint: int | None = None,
    ) -> None:
        """``row_count_hint``: the size the list is said to have before any page answers (a
        list's recorded count), so a table can be laid out at its full height at once; page 0's
        answer replaces it."""
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        if max_cached_pages < 1:
            raise ValueError("max_cached_pages must be at least 1")
        self._fetch = fetch
        self._page_size = page_size
        self._size_learned = False  # page 0 answered once: page_size is what the server serves
        self.max_cached_pages = max_cached_pages
        self._cache: OrderedDict[int, Page[T]] = OrderedDict()
        self._tasks: dict[int, asyncio.Task[Page[T] | None]] = {}
        self._epoch = 0  # bumped by invalidate(): answers of older fetches are dropped
        self.requests_started = 0
        # Row count: evidence as bounds, the server's total as a hint kept between them.
        self._lower = 0  # rows known to exist
        self._upper: int | None = None  # rows known not to exceed this; None: no end seen
        self._hint: int | None = row_count_hint  # the latest totalResults
        self._known = False  # any page answered (since creation or invalidate)
        self._row_count = 0
        self._row_count_exact = False
        self._search: tuple[int, int] | None = None  # (lo, hi) pages when the end search began
        self.generation = 0  # bumped whenever row_count, row_count_exact or page_size changes
        self._update_count()

    # -- what the table reads ------------------------------------------------------------------

    @property
    def page_size(self) -> int:
        return self._page_size

    @property
    def row_count(self) -> int:
        """Best known number of rows (0 until the first page answers)."""
        return self._row_count

    @property
    def row_count_exact(self) -> bool:
        """True when the end of the list was seen (not merely announced by a total)."""
        return self._row_count_exact

    @property
    def row_count_known(self) -> bool:
        """True once a page answered; before that only page 0 is worth asking for."""
        return self._known

    @property
    def in_flight(self) -> set[int]:
        """Pages being fetched now (a copy)."""
        return set(self._tasks)

    @property
    def cached_pages(self) -> list[int]:
        """Cached page indexes, least recently used first."""
        return list(self._cache)

    def page_of(self, row: int) -> int:
        return row // self._page_size

    def pages_for(self, first: int, last: int) -> range:
        """Indexes of the pages holding rows ``first..last`` (inclusive)."""
        if last < first:
            return range(0)
        return range(self.page_of(max(0, first)), self.page_of(max(0, last)) + 1)

    def is_cached(self, k: int) -> bool:
        return k in self._cache

    def get_row(self, i: int) -> T | None:
        """Row ``i`` if its page is cached, else None. O(1); marks the page recently used."""
        if i < 0:
            return None
        k = i // self._page_size
        # The answered skip may differ from the asked one, so a row may sit in a neighbour.
        for candidate in (k, k - 1, k + 1):
            page = self._cache.get(candidate)
            if page is not None and page.skip <= i < page.end:
                self._cache.move_to_end(candidate)
                return page.rows[i - page.skip]
        return None

    def end_probe(self) -> int | None:
        """The page to fetch next to find where the list ends, or None when there is no search
        to make: the end was seen, no page contradicted the server's total yet, or no bound is
        known on the far side.

        Once pages disprove the total (an empty page where the total promised rows, or full
        pages past it), the end lies on a page between the last one known to hold rows and the
        first one known to be past the end. Walking there a page per request costs as many
        requests as the total was wrong by; instead the search gallops from the side the row
        count is shown at (the upper bound for an overstated total: the pages just below it
        first, then twice as far each time the answer is still empty), and bisects once the
        other bound moved. An error of ``d`` pages costs about ``2 * log2(d)`` requests (23 for
        1,000 rows that claim to be a million), and one when the total was wrong by less than
        a page.
        """
        if not self._known or self._row_count_exact or self._upper is None:
            self._search = None
            return None
        if self._hint is not None and self._lower <= self._hint <= self._upper:
            return None  # the total is still possible: the pages shown will confirm it or not
        size = self._page_size
        lo = max(0, self._lower - 1) // size  # the page of the last row known to exist
        hi = max(0, self._upper - 1) // size  # the page of the last row that may exist
        if self._search is None or not (self._search[0] <= lo and hi <= self._search[1]):
            self._search = (lo, hi)
        lo0, hi0 = self._search
        if lo >= hi:
            k = hi
        elif self._row_count >= self._upper:  # shown at the upper bound: gallop down
            k = max(lo, hi - (hi0 - hi)) if lo == lo0 else (lo + hi + 1) // 2
        else:  # shown at the lower bound: gallop up
            k = min(hi, lo + (lo - lo0)) if hi == hi0 else (lo + hi) // 2
        if k in self._cache:
            return None  # answers that do not line up with pages (a shifted skip): stop guessing
        return k

    # -- loading -------------------------------------------------------------------------------

    async def ensure_page(self, k: int) -> Page[T] | None:
        """Page ``k``, fetched unless cached. Returns None if the fetch was cancelled by
        :meth:`cancel_except` or :meth:`invalidate`; raises what ``fetch`` raised (the page then
        stays uncached, so calling again retries)."""
        if k < 0:
            raise ValueError("page index must be >= 0")
        # Page indexes mean nothing until page 0 told us the served page size.
        if k > 0 and not self._size_learned and await self.ensure_page(0) is None:
            return None
        page = self._cache.get(k)
        if page is not None:
            self._cache.move_to_end(k)
            return page
        task = self._tasks.get(k) or self._start(k)
        try:
            # Shielded: a caller that goes away must not cancel the fetch others await.
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and (current is None or not current.cancelling()):
                return None  # the fetch was cancelled, not this caller
            raise

    def prefetch_first_page(self) -> None:
        """Start fetching page 0 now and return at once: a view about to be shown asks for its
        first rows while its screen is still being built. ``ensure_page(0)`` joins that fetch."""
        if 0 not in self._cache and 0 not in self._tasks:
            self._start(0)

    def _start(self, k: int) -> asyncio.Task[Page[T] | None]:
        size = self._page_size
        task = asyncio.ensure_future(self._load(k, k * size, size, self._epoch))
        task.add_done_callback(_consume_outcome)
        self._tasks[k] = task
        return task

    async def _load(self, k: int, skip: int, limit: int, epoch: int) -> Page[T] | None:
        try:
            self.requests_started += 1
            page = await self._fetch(skip, limit)
        finally:
            if self._tasks.get(k) is asyncio.current_task():
                del self._tasks[k]
        if epoch != self._epoch:
            return None  # invalidated while in flight: the answer may be stale
        if page.rows and not (page.skip < skip + limit and page.end > skip):
            # Rows, but none of those asked for (a server that ignores `skip`): caching them as
            # this page would leave its rows "loading" for good. Say so; a retry may do better.
            raise BadResponseError(
                f"asked for rows from skip={skip}, the server answered skip={page.skip} "
                f"({len(page.rows)} rows): it may be ignoring skip"
            )
        self._store(k, skip, limit, page)
        return page

    def cancel_except(self, keep: Iterable[int]) -> set[int]:
        """Cancel in-flight fetches of pages not in ``keep``; returns the pages cancelled.

        Page 0 is never cancelled before it answered once: every other page waits for it.
        """
        keep = set(keep)
        if not self._size_learned:
            keep.add(0)
        cancelled = {k for k in self._tasks if k not in keep}
        for k in cancelled:
            self._tasks.pop(k).cancel()
        return cancelled

    def invalidate(self) -> None:
        """Forget every page (for a refresh), keeping the learned page size.

        The row count stays as the hint until new pages correct it, so the table does not jump.
        """
        self._epoch += 1
        for task in self._tasks.values():
            task.cancel()
        self._tasks.clear()
        self._cache.clear()
        self._hint = self._row_count if self._known else self._hint
        self._lower, self._upper = 0, None
        self._search = None
        self._update_count()

    # -- learning from answers -----------------------------------------------------------------

    def _store(self, k: int, skip: int, limit: int, page: Page[T]) -> None:
        n = len(page.rows)
        if k == 0 and not self._size_learned:
            self._size_learned = True
            # Fewer rows than asked while more exist: the server capped `limit`. More rows than
            # asked: it ignored `limit`. Either way its real page size is what it sent.
            if n and ((n < limit and page.has_more) or n > limit):
                self._page_size = n
                limit = n
                self.generation += 1
        self._cache[k] = page
        self._cache.move_to_end(k)
        while len(self._cache) > self.max_cached_pages:
            self._cache.popitem(last=False)

        self._known = True
        if page.total_results is not None:
            self._hint = page.total_results
        if n == 0:
            # Nothing where rows were asked for: the list ends at or before `skip` (the asked
            # one: an empty answer's own skip says little).
            self._upper = skip if self._upper is None else min(self._upper, skip)
            self._lower = min(self._lower, self._upper)
        elif n < limit or not page.has_more:
            # A short page or the server's own "no more": the list ends here, exactly. This is
            # the strongest evidence there is, so it overrides older bounds.
            self._lower = self._upper = page.end
        else:
            # A full page with more after it: at least one row follows. An older upper bound
            # that says otherwise is stale (the list grew, or a total lied).
            self._lower = max(self._lower, page.end + 1)
            if self._upper is not None and self._upper < self._lower:
                self._upper = None
        self._update_count()

    def set_total(self, count: int) -> None:
        """The source knows its exact size (a query over the cache counted its matches)."""
        self._known = True
        self._hint = count
        self._lower = self._upper = count
        self._update_count()

    def _update_count(self) -> None:
        if self._known:
            count = self._hint if self._hint is not None else self._lower
            count = max(count, self._lower)
            if self._upper is not None:
                count = min(count, self._upper)
            exact = self._upper is not None and self._lower >= self._upper
        else:
            count, exact = (self._hint or 0), False
        if (count, exact) != (self._row_count, self._row_count_exact):
            self._row_count, self._row_count_exact = count, exact
            self.generation += 1


def _consume_outcome(task: asyncio.Task[Any]) -> None:
    """Mark a fetch's error as seen, so one nobody awaited any more is not logged at exit."""
    if not task.cancelled():
        task.exception()
