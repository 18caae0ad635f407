"""LoadSchedule, the lazy table's load policy, on a fake clock: no Textual, no sleeps."""

from __future__ import annotations

import asyncio
import random
from typing import Any

import pytest

from kore_tui.api.models import Page
from kore_tui.paging import Pager
from kore_tui.ui.widgets.load_schedule import (
    FLY_WINDOW,
    FLYING_DELAY,
    LOAD_DELAY,
    TRICKLE_EVERY,
    LoadSchedule,
    pages_to_load,
)

SCREEN = 33  # rows on screen (120x40)


def screen() -> int:
    return SCREEN
KEY_REPEAT = 0.04  # a held key, 25 times a second


class Table:
    """Drives a LoadSchedule as LazyTable does, its timer simulated: ``asked`` is when pages
    were chosen. A key that scrolls reports the scroll, then the cursor's move (two calls of
    ``moved``, as the table's two watchers make them)."""

    def __init__(self, load_delay: float = LOAD_DELAY) -> None:
        self.now = 1000.0
        self.schedule = LoadSchedule(clock=lambda: self.now, load_delay=load_delay)
        self.due: float | None = None  # the timer: when a pass is due
        self.asked: list[float] = []

    def at(self, t: float) -> None:
        """The clock moves on to ``t``; a pass due by then runs at its time."""
        if self.due is not None and self.due <= t:
            self.now = self.due
            self.choose()
        self.now = t

    def choose(self) -> None:
        self.asked.append(round(self.now - 1000.0, 6))
        self.due = None
        self.schedule.chose()

    def moved(self) -> None:
        wait = self.schedule.moved(screen)
        if wait > 0:
            self.due = self.now + wait  # a debounce: the later call decides
        else:
            self.choose()

    def key(self, t: float, scrolls: int = 0) -> None:
        """A cursor key at ``t`` (seconds), scrolling the view ``scrolls`` rows."""
        self.at(1000.0 + t)
        if scrolls:
            self.schedule.scrolled(scrolls)
            self.moved()
        self.moved()

    def jump(self, t: float) -> None:
        self.at(1000.0 + t)
        self.schedule.jumped()
        self.choose()


def held(table: Table, seconds: float, scrolls: int, gap: float = KEY_REPEAT, start: float = 0.0) -> float:
    """A key held from ``start`` for ``seconds``; returns when the last key came."""
    t = start
    while t < start + seconds:
        table.key(t, scrolls)
        t += gap
    return t - gap


def test_a_move_after_a_rest_asks_at_once_and_a_second_one_soon_after_once_it_rests() -> None:
    table = Table()
    table.key(0.0)
    assert table.asked == [0.0]
    table.key(0.1)  # pages were chosen 0.1 s ago: wait for the view to rest
    assert table.asked == [0.0] and table.due == pytest.approx(1000.1 + LOAD_DELAY)
    table.at(1001.0)
    assert table.asked == [0.0, pytest.approx(0.1 + LOAD_DELAY)]


def test_held_pagedown_asks_for_nothing_until_it_rests_flying_delay() -> None:
    table = Table()
    last = held(table, 2.0, scrolls=SCREEN)
    assert table.asked == [0.0]  # the first key, after a rest: no page it passes after that
    table.at(1000.0 + last + FLYING_DELAY - 0.001)
    assert table.asked == [0.0]
    table.at(1000.0 + last + 1.0)
    assert table.asked == [0.0, pytest.approx(last + FLYING_DELAY)]


def test_a_busy_app_handling_held_pagedown_unevenly_still_asks_for_no_page_it_passes() -> None:
    table = Table()
    rng = random.Random(4)
    t = 0.0
    for n in range(100):  # now and then a gap of more than twice a single move's debounce
        table.key(t, SCREEN)
        t += KEY_REPEAT if n < 5 or n % 5 else rng.uniform(2 * LOAD_DELAY, FLYING_DELAY - 0.01)
    assert table.asked == [0.0]


def test_a_slow_scroll_asks_every_trickle_every_while_the_key_is_held() -> None:
    table = Table()
    last = held(table, 3.0, scrolls=1)  # an arrow key at the bottom of the screen: a row a key
    gaps = [b - a for a, b in zip(table.asked, table.asked[1:])]
    assert len(table.asked) >= 3.0 / (TRICKLE_EVERY + KEY_REPEAT)
    assert all(TRICKLE_EVERY <= gap <= TRICKLE_EVERY + KEY_REPEAT + 1e-9 for gap in gaps), gaps
    table.at(1000.0 + last + 1.0)  # released: once more when it rests
    assert table.asked[-1] == pytest.approx(last + LOAD_DELAY)


def test_quick_small_scrolls_are_not_a_fly_by() -> None:
    table = Table()
    table.jump(0.0)
    for n in range(6):  # a mouse wheel: 3 rows a notch, 20 ms apart; under a screen in all
        table.key(0.1 + n * 0.02, scrolls=3)
    assert not table.schedule.flying(screen)
    assert table.due == pytest.approx(1000.2 + LOAD_DELAY)


def test_a_jump_asks_at_once_even_in_flight_and_ends_the_flight() -> None:
    table = Table()
    last = held(table, 1.0, scrolls=SCREEN)
    assert table.schedule.flying(screen)
    table.jump(last + 0.01)
    assert table.asked == [0.0, pytest.approx(last + 0.01)]
    assert table.schedule.direction == 0 and not table.schedule.flying(screen)
    table.key(last + 0.05, scrolls=SCREEN)  # the next move waits the single move's delay
    assert table.due == pytest.approx(1000.0 + last + 0.05 + LOAD_DELAY)


def test_a_flight_ends_once_its_moves_are_older_than_the_window() -> None:
    table = Table()
    last = held(table, 1.0, scrolls=SCREEN)
    table.at(1000.0 + last + FLY_WINDOW + 0.01)
    assert not table.schedule.flying(screen)


def test_a_longer_load_delay_holds_for_flights_too() -> None:
    table = Table(load_delay=0.25)
    last = held(table, 1.0, scrolls=SCREEN)
    table.at(1000.0 + last + 1.0)
    assert table.asked == [0.0, pytest.approx(last + 0.25)]


class Rows:
    def __init__(self, n: int) -> None:
        self.n = n

    async def fetch(self, skip: int, limit: int) -> Page[dict[str, Any]]:
        rows = tuple({"i": i} for i in range(skip, min(self.n, skip + limit)))
        return Page(rows=rows, skip=skip, limit=limit, has_more=skip + len(rows) < self.n,
                    total_results=self.n, total_pages=None)


def test_pages_to_load_are_the_shown_ones_and_the_next_in_the_direction_of_travel() -> None:
    pager = Pager(Rows(10_000).fetch, page_size=100)
    assert pages_to_load(pager, 0, SCREEN, 0, 1) == {0}  # before page 0: only page 0
    asyncio.run(pager.ensure_page(0))
    count = pager.row_count
    assert pages_to_load(pager, 0, SCREEN, count, 1) == {0}
    assert pages_to_load(pager, 80, SCREEN, count, 1) == {0, 1}  # rows 80..112
    assert pages_to_load(pager, 150, SCREEN, count, 1) == {1, 2}  # 2 is a screen ahead
    assert pages_to_load(pager, 150, SCREEN, count, -1) == {1}  # behind is page 1 too
    assert pages_to_load(pager, 110, SCREEN, count, -1) == {0, 1}
    assert pages_to_load(pager, 150, SCREEN, count, 0) == {1}  # after a jump: none ahead
    assert pages_to_load(pager, 0, SCREEN, 0, 1) == set()
