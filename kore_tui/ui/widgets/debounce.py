"""Debounce: run a callback once things have been quiet for a while."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.message_pump import MessagePump


class Debounce:
    """Calls ``callback`` on ``owner`` once ``delay`` seconds have passed since the last
    :meth:`call_after`.

    For events that come 25-50 times a second (a held key), so each call must cost next to
    nothing: it only moves the due time, and one asyncio timer handle serves a whole burst,
    re-armed for what is left when it fires early. A Textual ``Timer`` per call costs an
    asyncio task and several loop turns each (and ``Timer.reset`` restarts the countdown only
    after the current one has run out). The callback itself runs on the owner's message queue
    (``call_next``), where Textual handles its errors; never after the owner has closed.
    """

    def __init__(self, owner: MessagePump, callback: Callable[[], object]) -> None:
        self._owner = owner
        self._callback = callback
        self._handle: asyncio.TimerHandle | None = None
        self._due = 0.0  # loop time when the callback is due

    @property
    def pending(self) -> bool:
        """A call is due, or queued on the owner."""
        return self._handle is not None

    def call_after(self, delay: float) -> None:
        """Run the callback ``delay`` seconds from now, not before (unless :meth:`cancel`)."""
        loop = asyncio.get_running_loop()
        due = loop.time() + delay
        handle = self._handle
        if handle is not None:
            if handle.when() <= due:
                self._due = due
                return  # it fires first and waits out the rest
            handle.cancel()  # it would fire too late: due sooner than it was
        self._due = due
        self._handle = loop.call_at(due, self._fire)

    def cancel(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    def _fire(self) -> None:
        loop = asyncio.get_running_loop()
        if self._due - loop.time() > 0.001:
            self._handle = loop.call_at(self._due, self._fire)
            return
        self._owner.call_next(self._run, self._handle)

    def _run(self, handle: asyncio.TimerHandle | None) -> None:
        if self._handle is not handle:
            return  # cancelled (or called for again) after it fired, before its turn came
        self._handle = None
        self._callback()
