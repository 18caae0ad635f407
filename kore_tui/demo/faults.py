"""What the demo server is told to do instead of answering (Fault), what it saw (RecordedRequest),
and the platform's error shape. Light on purpose: the HTTP machinery (wire.py) loads only when the
server starts serving.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

RATE_LIMIT_MESSAGE = "You've exceeded the per-minute rate limit. Please wait for sometime before retrying."


@dataclass
class Fault:
    """What to do instead of (or before) answering normally, for matching requests.

    ``status`` answers that status with a platform-shaped error (``message`` as its msg);
    ``body`` replaces the answer's body (with ``status`` or 200); ``truncate`` cuts a normal JSON
    answer in half; ``reset`` closes the connection mid-body; ``delay`` sleeps first (for
    timeouts); ``transform`` rewrites a normal answer's JSON; ``patch`` rewrites its bytes (e.g.
    into invalid UTF-8). A fault matches requests whose path holds ``path_contains``, whose
    ``skip`` query parameter is at least ``min_skip`` and whose ``page`` (in the JSON body or the
    query: the campaign outcomes) is at least ``min_page`` (each when set). ``times`` counts
    down; None = forever.
    """

    status: int | None = None
    message: str | None = None
    body: bytes | None = None
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    truncate: bool = False
    reset: bool = False
    delay: float = 0.0
    transform: Callable[[Any], Any] | None = None
    patch: Callable[[bytes], bytes] | None = None
    path_contains: str | None = None
    min_skip: int | None = None
    times: int | None = 1
    min_page: int | None = None

    def matches(self, path: str, query: dict[str, str]) -> bool:
        if self.path_contains is not None and self.path_contains not in path:
            return False
        if self.min_page is not None:
            try:
                if int(query.get("page", 0)) < self.min_page:
                    return False
            except ValueError:
                return False
        if self.min_skip is not None:
            try:
                return int(query.get("skip", 0)) >= self.min_skip
            except ValueError:
                return False
        return True


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    status: int
    claims: dict[str, Any] | None
    headers: dict[str, str]  # without `auth`
    at: float
    body: Any = None  # the JSON body of a POST, when it had one


def _error(msg: str, code: int) -> dict[str, Any]:
    return {"errors": [{"msg": msg, "code": code}]}
