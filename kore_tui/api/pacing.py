"""Client-side pacing: stay within the platform's request budget (60 requests a minute per account).

One :class:`RequestBudget` is shared by every client of the same account in this process, so two
views or an export running beside the browser still add up to one budget.
"""

from __future__ import annotations

import asyncio
import time
import weakref
from collections import deque
from collections.abc import Callable

DEFAULT_MAX_REQUESTS = 60
DEFAULT_WINDOW = 60.0


class RequestBudget:
    """At most ``max_requests`` request starts in any sliding ``window`` seconds (0 = unlimited).

    The check and the taking of a slot happen with no await between them, so the budget holds
    however many tasks wait (no lock: a budget may outlive one event loop). A caller cancelled
    while waiting takes no slot, so requests for pages the user scrolled past are never sent.
    """

    def __init__(
        self,
        max_requests: int = DEFAULT_MAX_REQUESTS,
        window: float = DEFAULT_WINDOW,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_requests = max_requests
        self.window = window
        self._clock = clock
        self._starts: deque[float] = deque()

    @property
    def enabled(self) -> bool:
        return self.max_requests > 0 and self.window > 0

    def delay(self) -> float:
        """Seconds until a request may start (0 when one may start now)."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        while self._starts and now - self._starts[0] >= self.window:
            self._starts.popleft()
        if len(self._starts) < self.max_requests:
            return 0.0
        return self._starts[0] + self.window - now

    async def acquire(self) -> None:
        """Wait for a slot and take it."""
        if not self.enabled:
            return
        while (wait := self.delay()) > 0:
            await asyncio.sleep(wait)
        self._starts.append(self._clock())

    def penalize(self, seconds: float) -> None:
        """After a 429: hold every caller back for ``seconds`` by filling the window."""
        if not self.enabled or seconds <= 0:
            return
        # Pretend the budget was spent just now, ending ``seconds`` from now.
        until = self._clock() + seconds - self.window
        self._starts = deque([until] * self.max_requests)


# Weak: a budget lives while some client of the account does (a port reused by a later local
# server in the same process does not inherit an old, spent budget).
_shared: weakref.WeakValueDictionary[tuple[str, str], RequestBudget] = weakref.WeakValueDictionary()


def shared_budget(host: str, account_id: str, max_requests: int, window: float = DEFAULT_WINDOW) -> RequestBudget:
    """The process-wide budget for one account on one host (created on first use)."""
    key = (host.rstrip("/").lower(), account_id)
    budget = _shared.get(key)
    if budget is None or budget.max_requests != max_requests or budget.window != window:
        budget = _shared[key] = RequestBudget(max_requests, window)
    return budget
