"""When a lazy table asks for pages, and which: a policy with no Textual in it, so it can be
tested with a fake clock.

A jump (go to row, Home, End) asks at once. Other moves ask once the view rests for
``LOAD_DELAY`` (``FLYING_DELAY`` while it flies past, as under a held PageDown, so the pages
passed are never asked for), at once after a rest, and at least every ``TRICKLE_EVERY`` while it
scrolls slowly. What it asks for: the pages of the rows on screen, plus the next page in the
direction of travel.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Any

from kore_tui.paging import Pager

LOAD_DELAY = 0.05
"""Seconds of quiet after a move before pages are requested, so a held PageDown does not
request every page it passes."""

FLYING_DELAY = 0.15
"""The quiet needed instead while the view flies past: a busy app handles a held key's repeats
less evenly than they are sent, and a gap between two of them must not load a page passed."""

FLY_WINDOW = 0.25
FLY_MOVES = 4
"""The view flies when it scrolled ``FLY_MOVES`` times or more, more than a screen in all, in
the last ``FLY_WINDOW`` seconds: a key repeating at 16 Hz or more."""

TRICKLE_EVERY = 0.3
"""While the view moves slowly (a held arrow key), its pages are still requested at least this
often, so rows being read arrive as they scroll in."""


class LoadSchedule:
    """When to choose the pages to load, from the view's moves.

    The owner reports each scroll the user made (:meth:`scrolled`), then asks :meth:`moved`
    how long to wait before choosing pages; it runs the timer, a later answer replacing the
    wait (a debounce). It reports :meth:`chose` whenever it chose pages, timer or not, and
    :meth:`jumped` for a jump or a new list. ``clock`` gives the time in seconds.
    ``direction`` is the owner's to set: where the view or its cursor last went.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic, load_delay: float = LOAD_DELAY) -> None:
        self.clock = clock
        self.load_delay = load_delay
        self._moves: deque[tuple[float, int]] = deque()  # (when, rows) of recent scrolls
        self._last_pass = float("-inf")  # when pages were last chosen
        self.direction = 1  # last move: 1 down, -1 up, 0 none (a jump): where to look ahead

    def scrolled(self, rows: int) -> None:
        """The user scrolled the view by ``rows`` lines, either way."""
        self._moves.append((self.clock(), rows))

    def jumped(self) -> None:
        """A jump or another list: the moves before it say nothing of the next ones, nor
        which way the user goes from there."""
        self._moves.clear()
        self.direction = 0

    def chose(self) -> None:
        """The pages to load were chosen just now."""
        self._last_pass = self.clock()

    def flying(self, screen: Callable[[], int]) -> bool:
        """The view flies past: see ``FLY_MOVES``. ``screen`` gives the rows on screen; it is
        asked only after enough moves, as working it out costs more than the rest of a move."""
        now = self.clock()
        moves = self._moves
        while moves and now - moves[0][0] > FLY_WINDOW:
            moves.popleft()
        return len(moves) >= FLY_MOVES and sum(rows for _, rows in moves) > screen()

    def moved(self, screen: Callable[[], int]) -> float:
        """The view or its cursor moved: seconds to wait before choosing pages, 0 for at once
        (it had rested, or moves slowly and its pages were chosen ``TRICKLE_EVERY`` ago)."""
        if self.flying(screen):
            return max(self.load_delay, FLYING_DELAY)
        if self.clock() - self._last_pass >= TRICKLE_EVERY:
            return 0.0
        return self.load_delay


def pages_to_load(pager: Pager[Any], top: int, screen: int, count: int, direction: int) -> set[int]:
    """The pages of rows ``top`` to ``top + screen - 1`` (of ``count``), plus the next page in
    ``direction`` (1 down, -1 up, 0 none: after a jump) when it is within a screen of them.

    When the rows shown reach the end of a list whose total the pages have disproved, only the
    pager's end probe: the rows shown there may not exist, and the probe finds the real end in
    a few requests."""
    if not pager.row_count_known:
        return {0}  # page indexes mean nothing until page 0 gave the page size
    if count == 0:
        return set()
    first = min(top, count - 1)
    last = min(count - 1, first + screen - 1)
    if last >= count - 1 and (probe := pager.end_probe()) is not None:
        return {probe}
    needed = set(pager.pages_for(first, last))
    if direction:
        ahead = last + screen if direction > 0 else first - screen
        if 0 <= ahead < count:
            needed.add(pager.page_of(ahead))
    return needed
