"""Client-side pacing: stay within the platform's request budget (60 requests a minute per account).

The platform counts per account, whatever tool sends. Given a directory, :func:`shared_budget`
returns a :class:`SharedBudget`: a small file per host and account, locked with ``flock``, that
every kore-tui process of the account reads and writes, so two exports and the browser add up to
one budget. Without a directory (or when the directory cannot be used) the budget is a
:class:`RequestBudget`, shared by the clients of the account in this process only.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import time
import weakref
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

try:
    import fcntl
except ImportError:  # not POSIX: every process keeps its own budget
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("kore_tui.pacing")

DEFAULT_MAX_REQUESTS = 60
DEFAULT_WINDOW = 60.0


WaitCallback = Callable[[float], None]


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
        self._hold = 0.0  # after a 429: nothing starts before this

    @property
    def enabled(self) -> bool:
        return self.max_requests > 0 and self.window > 0

    def _prune(self, now: float) -> None:
        while self._starts and now - self._starts[0] >= self.window:
            self._starts.popleft()

    def delay(self) -> float:
        """Seconds until a request may start (0 when one may start now)."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        self._prune(now)
        wait = self._hold - now
        if len(self._starts) >= self.max_requests:
            wait = max(wait, self._starts[-self.max_requests] + self.window - now)
        return max(0.0, wait)

    def try_acquire(self) -> float:
        """Take a slot now and return 0, or return the seconds to wait (nothing taken)."""
        wait = self.delay()
        if wait <= 0 and self.enabled:
            self._starts.append(self._clock())
        return wait

    async def acquire(self, *, on_wait: WaitCallback | None = None) -> None:
        """Wait for a slot and take it; ``on_wait(seconds)`` hears of each wait."""
        await _acquire(self, on_wait)

    def penalize(self, seconds: float) -> None:
        """After a 429: hold every caller back for ``seconds``."""
        if not self.enabled or seconds <= 0:
            return
        self._hold = max(self._hold, self._clock() + seconds)

    def hold_for_window(self) -> float:
        """After a 429 that names no wait: hold every caller back until the oldest start in the
        window leaves it (a whole window when none is recorded); returns the seconds held."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        self._prune(now)
        until = self._starts[0] + self.window if self._starts else now + self.window
        self._hold = max(self._hold, until)
        return max(0.0, self._hold - now)


async def _acquire(budget: RequestBudget | SharedBudget, on_wait: WaitCallback | None) -> None:
    if not budget.enabled:
        return
    while (wait := budget.try_acquire()) > 0:
        if on_wait is not None:
            on_wait(wait)
        await asyncio.sleep(wait)  # a cancel here takes no slot


# -- one budget for every process of the account ---------------------------------------------------

BUDGET_SUFFIX = ".budget"
KEEP_SECONDS = 60.0  # starts are kept at least this long (processes may pace with other windows)
MAX_KEPT = 10_000  # starts kept in the file at most
MAX_HOLD = 3600.0  # a hold further ahead than this means the clock went back: ignored
MAX_SLACK = 1.0  # seconds added to the window (at most 2 % of it): a request's start is stamped
SLACK_SHARE = 0.02  # here before it is sent, and the server stamps it later, by a varying latency
STALE_FILE = 86_400.0  # budget files untouched this long are removed when a directory is opened

T = TypeVar("T")
_warned = False


def _warn_once(message: str, *args: object) -> None:
    global _warned
    if not _warned:
        _warned = True
        log.warning(message, *args)


class SharedBudget:
    """The account's budget shared by every process that uses the same file.

    The file holds the wall-clock (``time.time``) start times of the recent requests and a hold
    (after a 429), as JSON. Each check-and-take runs under an exclusive ``flock`` with no await
    inside, so the budget holds across processes and tasks; a caller cancelled while waiting takes
    no slot. A corrupt file counts as empty and is rewritten; a file that cannot be opened turns
    this budget into a process-local one (with one warning in the log).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        max_requests: int = DEFAULT_MAX_REQUESTS,
        window: float = DEFAULT_WINDOW,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.max_requests = max_requests
        self.window = window
        self._clock = clock
        self._local: RequestBudget | None = None  # set when the file fails

    def __repr__(self) -> str:
        return f"SharedBudget({str(self.path)!r}, {self.max_requests}, {self.window:g})"

    @property
    def enabled(self) -> bool:
        return self.max_requests > 0 and self.window > 0

    @property
    def shared(self) -> bool:
        """False once the file failed and this budget fell back to the process's own."""
        return self._local is None

    @property
    def slack(self) -> float:
        return min(MAX_SLACK, self.window * SLACK_SHARE)

    # -- the file ------------------------------------------------------------------------------

    def _locked(self, change: Callable[[dict[str, Any], float], tuple[T, bool]], local: Callable[[RequestBudget], T]) -> T:
        """Run ``change(state, now)`` under the file's lock; write the state back when it says so."""
        if self._local is None:
            try:
                return self._with_file(change)
            except OSError as exc:
                _warn_once("request budget file %s unusable, pacing this process alone: %s", self.path, exc)
                self._local = RequestBudget(self.max_requests, self.window)
        self._local.max_requests, self._local.window = self.max_requests, self.window
        return local(self._local)

    def _with_file(self, change: Callable[[dict[str, Any], float], tuple[T, bool]]) -> T:
        flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        fd = os.open(self.path, flags, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # released by the close
            raw = b""
            while chunk := os.read(fd, 65536):
                raw += chunk
            now = self._clock()
            state, clean = self._parse(raw, now)
            result, changed = change(state, now)
            if changed or not clean:
                data = json.dumps({
                    "v": 1,
                    "starts": [round(s, 3) for s in state["starts"][-MAX_KEPT:]],
                    "hold": round(state["hold"], 3),
                }, separators=(",", ":")).encode()
                os.pwrite(fd, data, 0)
                os.ftruncate(fd, len(data))
            return result
        finally:
            os.close(fd)

    def _parse(self, raw: bytes, now: float) -> tuple[dict[str, Any], bool]:
        """The file's state, pruned; ``clean`` is False when it had to be thrown away."""
        empty: dict[str, Any] = {"starts": [], "hold": 0.0}
        if not raw:
            return empty, True
        try:
            body = json.loads(raw)
            starts = [float(s) for s in body["starts"]]
            hold = float(body["hold"])
        except (ValueError, TypeError, KeyError, AttributeError):
            return empty, False
        keep_from = now - max(self.window, KEEP_SECONDS) - self.slack
        # Starts ahead of now, or a hold far ahead, mean the clock went back: forgotten.
        starts = sorted(s for s in starts if keep_from < s <= now + 1.0)
        if hold > now + MAX_HOLD:
            hold = 0.0
        return {"starts": starts, "hold": hold}, True

    def _wait_in(self, state: dict[str, Any], now: float) -> float:
        wait = state["hold"] - now
        span = self.window + self.slack
        recent = [s for s in state["starts"] if s > now - span]
        if len(recent) >= self.max_requests:
            wait = max(wait, recent[-self.max_requests] + span - now)
        return max(0.0, float(wait))

    # -- the budget interface ------------------------------------------------------------------

    def delay(self) -> float:
        """Seconds until a request may start (0 when one may start now)."""
        if not self.enabled:
            return 0.0
        return self._locked(lambda state, now: (self._wait_in(state, now), False), RequestBudget.delay)

    def try_acquire(self) -> float:
        """Take a slot now and return 0, or return the seconds to wait (nothing taken)."""
        if not self.enabled:
            return 0.0

        def take(state: dict[str, Any], now: float) -> tuple[float, bool]:
            wait = self._wait_in(state, now)
            if wait > 0:
                return wait, False
            state["starts"].append(now)
            return 0.0, True

        return self._locked(take, RequestBudget.try_acquire)

    async def acquire(self, *, on_wait: WaitCallback | None = None) -> None:
        """Wait for a slot and take it; ``on_wait(seconds)`` hears of each wait."""
        await _acquire(self, on_wait)

    def penalize(self, seconds: float) -> None:
        """After a 429: hold every process of the account back for ``seconds``."""
        if not self.enabled or seconds <= 0:
            return

        def hold(state: dict[str, Any], now: float) -> tuple[None, bool]:
            state["hold"] = max(state["hold"], now + min(seconds, MAX_HOLD))
            return None, True

        self._locked(hold, lambda local: local.penalize(seconds))

    def hold_for_window(self) -> float:
        """After a 429 that names no wait: hold every process back until the oldest start in the
        window leaves it (a whole window when none is recorded); returns the seconds held."""
        if not self.enabled:
            return 0.0

        def hold(state: dict[str, Any], now: float) -> tuple[float, bool]:
            span = self.window + self.slack
            recent = [s for s in state["starts"] if s > now - span]
            until = recent[0] + span if recent else now + self.window
            state["hold"] = max(state["hold"], until)
            return max(0.0, state["hold"] - now), True

        return self._locked(hold, RequestBudget.hold_for_window)


def budget_file(directory: str | os.PathLike[str], host: str, account_id: str) -> Path:
    """The budget file of one account on one host; its name is a hash (no account id in clear)."""
    digest = hashlib.sha256(f"{host.rstrip('/').lower()}\n{account_id}".encode()).hexdigest()[:32]
    return Path(directory) / (digest + BUDGET_SUFFIX)


_pruned: set[str] = set()


def _open_directory(directory: Path, path: Path) -> bool:
    """Make the directory (0700) and the file (0600); drop stale files once. False when unusable."""
    if fcntl is None:
        return False
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        if str(directory) not in _pruned:
            _pruned.add(str(directory))
            cutoff = time.time() - STALE_FILE
            for old in directory.glob("*" + BUDGET_SUFFIX):
                try:
                    if old != path and old.stat().st_mtime < cutoff:
                        old.unlink()
                except OSError:
                    pass
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        os.close(fd)
    except OSError as exc:
        _warn_once("request budget directory %s unusable, pacing this process alone: %s", directory, exc)
        return False
    return True


# Weak: a budget lives while some client of the account does (a port reused by a later local
# server in the same process does not inherit an old, spent budget).
_shared: weakref.WeakValueDictionary[tuple[str, str, str], RequestBudget | SharedBudget] = weakref.WeakValueDictionary()


def shared_budget(
    host: str,
    account_id: str,
    max_requests: int,
    window: float = DEFAULT_WINDOW,
    directory: str | os.PathLike[str] | None = None,
) -> RequestBudget | SharedBudget:
    """The budget for one account on one host (created on first use; one object per process).

    With ``directory``, a :class:`SharedBudget` whose file there is shared with every other
    process of the account; without it, or when the directory cannot be used, a process-local
    :class:`RequestBudget`.
    """
    host = host.rstrip("/").lower()
    key = (host, account_id, os.fspath(directory) if directory is not None else "")
    budget = _shared.get(key)
    if budget is None or budget.max_requests != max_requests or budget.window != window:
        budget = None
        if directory is not None and max_requests > 0 and window > 0:
            path = budget_file(directory, host, account_id)
            if _open_directory(Path(directory), path):
                budget = SharedBudget(path, max_requests, window)
        if budget is None:
            budget = RequestBudget(max_requests, window)
        _shared[key] = budget
    return budget
