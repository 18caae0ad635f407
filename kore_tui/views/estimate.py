"""What a long operation (an export, fetching a whole view) will cost, said before it starts, and
how far it got, said while it runs: words the app and the CLI both use. No Textual here.

The cost is counted from the view's size, the page size the server serves and the request
budget: ``1,000,000 rows ≈ 10,000 requests ≈ 2 h 47 min at 60/min``. It is an upper bound:
pages still fresh in the local cache cost no request.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from kore_tui.views.format import plural

CONFIRM_OVER = 100  # requests: a longer operation states its cost and asks first


def duration(seconds: float) -> str:
    """'45 s', '3 min', '2 h 47 min', '3 days 4 h' (rounded to what matters at that size)."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{max(1, round(seconds))} s" if seconds else "0 s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    days, hours = divmod(hours, 24)
    return f"{plural(days, 'day')} {hours} h" if hours else plural(days, "day")


@dataclass(frozen=True)
class Estimate:
    """The cost of fetching ``rows`` rows, ``page_size`` a request, at ``per_minute`` requests a
    minute (None: no request budget, so no time is promised)."""

    rows: int
    page_size: int
    per_minute: float | None

    @property
    def requests(self) -> int:
        return math.ceil(self.rows / max(1, self.page_size)) if self.rows > 0 else 0

    @property
    def seconds(self) -> float | None:
        if not self.per_minute:
            return None
        return self.requests / self.per_minute * 60

    @property
    def needs_confirm(self) -> bool:
        return self.requests > CONFIRM_OVER

    def text(self) -> str:
        """'1,000,000 rows ≈ 10,000 requests ≈ 2 h 47 min at 60/min'."""
        words = f"{plural(self.rows, 'row')} ≈ {plural(self.requests, 'request')}"
        if self.seconds is not None and self.per_minute:
            words += f" ≈ {duration(self.seconds)} at {self.per_minute:g}/min"
        return words


def estimate(rows: int, *, page_size: int, max_requests: int, window: float = 60.0) -> Estimate:
    """The cost of ``rows`` rows under a budget of ``max_requests`` per ``window`` seconds
    (``max_requests`` 0: no budget)."""
    per_minute = max_requests * 60.0 / window if max_requests > 0 and window > 0 else None
    return Estimate(max(0, rows), max(1, page_size), per_minute)


class Budget(Protocol):
    """What an estimate needs of a request budget (kore_tui.api.pacing's budgets have it)."""

    @property
    def max_requests(self) -> int: ...

    @property
    def window(self) -> float: ...


def estimate_under(budget: Budget | None, rows: int, *, page_size: int) -> Estimate:
    """The cost of ``rows`` rows under ``budget`` (None: no budget)."""
    if budget is None:
        return estimate(rows, page_size=page_size, max_requests=0)
    return estimate(rows, page_size=page_size, max_requests=budget.max_requests, window=budget.window)


def progress_text(rows: int, total: int | None, elapsed: float, *, waiting: bool = False) -> str:
    """While it runs: '12,300 of 1,000,000 rows · 98 rows/s · 2 h 45 min left', and
    'waiting for the request budget' while a request waits for it."""
    parts = [f"{rows:,} of {plural(total, 'row')}" if total else plural(rows, "row")]
    rate = rows / elapsed if elapsed > 0.5 and rows else 0.0
    if rate:
        parts.append(f"{rate:,.0f} rows/s" if rate >= 10 else f"{rate:,.1f} rows/s")
        if total and total > rows:
            parts.append(f"{duration((total - rows) / rate)} left")
    if waiting:
        parts.append("waiting for the request budget")
    return " · ".join(parts)
