"""The fault table: every hostile answer the app and the CLI must survive, written once.

Each case says how to make the demo server misbehave (a list of ``Fault`` objects, or the
``refuse`` knob: nothing listens on the server's port), which words the user must read, and
what becomes of the answer:

* ``error``: the answer is unusable; the user reads a message naming the status or cause, keeps
  the rows already loaded, and gets the rest once the server recovers;
* ``tolerated``: the answer is odd but usable; every row arrives, exactly as the server meant it.

``retried`` cases are retried by the client itself (429, 502/503/504, a dropped connection): a
fault shorter than the client's retries (``heal_times`` faulty answers) heals without the user
doing anything.

Every fault hits the contacts of ``cl-demo-1k`` from row ``FROM_ROW`` on, so the app has page 0
and the CLI has written ``FROM_ROW`` rows before the server turns hostile.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from kore_tui.demo import data
from kore_tui.demo.server import RATE_LIMIT_MESSAGE, Fault

STREAM = data.find_stream("st-demo-sales")
LIST = data.find_list(STREAM, "cl-demo-1k")
assert STREAM is not None and LIST is not None
STREAM_ID, LIST_ID, LIST_SIZE = STREAM.id, LIST.id, LIST.size
CONTACTS = "/getAllContacts"
LIST_DETAILS = "/getAllListDetails"
FROM_ROW = 400  # faults hit requests with skip >= this: pages 0-3 are always fine
JUMP_TO = 450  # the app jumps here (1-based), onto the first faulty page

# Server text that tries to act: Rich markup, SGR and OSC 52 (clipboard write) escapes, a bell,
# a C1 CSI, a bidi override and a line break.
HOSTILE = "[bold red]x[/] [link=file:///etc]y[/link] \x1b[31m\x1b]52;c;aGk=\x07\x9b2J\u202e\n"
SERVER_MARKUP = "[red]Database[/] is \x1b[31mdown\x1b[0m\nsecond line"

BIG_VALUE = 100_000  # characters in a "long value"
PADDING = 100_000  # characters of padding per row of the 10 MB page (100 rows)


def clean_row(i: int) -> dict[str, Any]:
    """Row ``i`` of the list as the demo server serves it."""
    return data.list_contact(STREAM, LIST, i)


# -- answer rewriters (``transform``: the parsed JSON of a normal answer) --------------------------


def _page(body: Any) -> dict[str, Any]:
    return body["data"]


def _set(**fields: Any) -> Callable[[Any], Any]:
    def transform(body: Any) -> Any:
        _page(body).update(fields)
        return body

    return transform


def _rows(rewrite: Callable[[int, dict[str, Any]], dict[str, Any]]) -> Callable[[Any], Any]:
    """Rewrite each row of the page (``rewrite(position, row)``)."""

    def transform(body: Any) -> Any:
        page = _page(body)
        page["results"] = [rewrite(page["skip"] + n, row) for n, row in enumerate(page["results"])]
        return body

    return transform


def hostile_row(i: int, row: dict[str, Any]) -> dict[str, Any]:
    return {k: HOSTILE + v if isinstance(v, str) else v for k, v in row.items()}


def long_row(i: int, row: dict[str, Any]) -> dict[str, Any]:
    if i in (JUMP_TO - 1, JUMP_TO):
        return {**row, "phoneNumber": "+1" + "9" * (BIG_VALUE - 2), "notes": "n" * BIG_VALUE}
    return row


def padded_row(i: int, row: dict[str, Any]) -> dict[str, Any]:
    if FROM_ROW <= i < FROM_ROW + 100:  # one page of ~10 MB
        return {**row, "padding": "p" * PADDING}
    return row


def _duplicate(body: Any) -> Any:
    """The first page again, saying so (skip 0): a server that ignores `skip`."""
    page = _page(body)
    page["results"] = [clean_row(i) for i in range(len(page["results"]))]
    page["skip"] = 0
    return body


def _overlap(body: Any) -> Any:
    """Each page starts half a page early, saying so: the rows overlap the previous page's."""
    page = _page(body)
    start = page["skip"] - 50
    end = min(LIST_SIZE, start + 100)
    page["results"] = [clean_row(i) for i in range(start, end)]
    page["skip"] = start
    page["hasMore"] = end < LIST_SIZE  # truthful about its own rows
    return body


def _invalid_utf8(payload: bytes) -> bytes:
    """Two bytes that are no UTF-8 at all inside every `createdAt` string."""
    return payload.replace(b'"createdAt": "', b'"createdAt": "\xff\xfe', -1)


def invalid_utf8_row(i: int, row: dict[str, Any]) -> dict[str, Any]:
    """The row as read from the patched answer: the bad bytes become U+FFFD."""
    if i < FROM_ROW or "createdAt" not in row:
        return row
    return {**row, "createdAt": "\ufffd\ufffd" + row["createdAt"]} if isinstance(row["createdAt"], str) else row


def _no_rows_but_more(body: Any) -> Any:
    page = _page(body)
    page["results"] = []
    page["hasMore"] = True
    return body


def _hostile_list_names(body: Any) -> Any:
    for item in body["data"]:
        item["name"] = HOSTILE + str(item["name"])
        item["status"] = HOSTILE + str(item["status"])
    return body


# -- the table -------------------------------------------------------------------------------------

HTML_PAGE = (b"<!DOCTYPE html><html><head><title>Maintenance</title></head>"
             b"<body><h1>We'll be right back</h1></body></html>")


@dataclass(frozen=True)
class FaultCase:
    name: str
    make: Callable[[int | None], list[Fault]]  # times -> fresh faults (a Fault counts down)
    words: tuple[str, ...] = ()  # each must be in the message the user reads (any case)
    outcome: Literal["error", "tolerated"] = "error"
    retried: bool = False
    refuse: bool = False  # the server knob: stop the server, so connections are refused
    timeout: float | None = None  # a short client timeout this case needs
    heal_times: int = 2  # retried cases: this many faulty answers, then the server recovers
    row: Callable[[int, dict[str, Any]], dict[str, Any]] = field(default=lambda i, row: row)

    def faults(self, times: int | None = None) -> list[Fault]:
        return self.make(times)

    def expected_row(self, i: int) -> dict[str, Any]:
        """Row ``i`` as the user must get it while the fault is on (tolerated cases)."""
        row = clean_row(i)
        return self.row(i, copy.deepcopy(row)) if i >= FROM_ROW else row

    def __str__(self) -> str:
        return self.name


def _on_contacts(**knobs: Any) -> Callable[[int | None], list[Fault]]:
    return lambda times: [Fault(path_contains=CONTACTS, min_skip=FROM_ROW, times=times, **knobs)]


def _status(status: int, message: str | None = None, **knobs: Any) -> Callable[[int | None], list[Fault]]:
    return _on_contacts(status=status, message=message, **knobs)


READ_TIMEOUT = 1.0  # the client's timeout in the read-timeout case; the server waits longer

CASES: tuple[FaultCase, ...] = (
    FaultCase("400", _status(400, "skip is out of range"), ("400", "skip is out of range")),
    FaultCase("401", _status(401, "Invalid JWT token"), ("401", "Invalid JWT token")),
    FaultCase("403", _status(403, "API scope Campaign Management is not published"), ("403", "scope")),
    FaultCase("404", _status(404, "Contact list not found"), ("404", "Contact list not found")),
    FaultCase("412", _status(412, "limit must be at most 100"), ("412", "limit must be at most 100")),
    FaultCase("429-retry-after", _status(429, RATE_LIMIT_MESSAGE, headers={"Retry-After": "1"}),
              ("429", "rate limit"), retried=True, heal_times=1),  # each retry waits the 1 s asked
    FaultCase("429-retry-after-too-long", _status(429, RATE_LIMIT_MESSAGE, headers={"Retry-After": "3600"}),
              ("429", "rate limit")),
    FaultCase("429-no-retry-after", _status(429, RATE_LIMIT_MESSAGE), ("429", "rate limit"), retried=True),
    FaultCase("500-hostile-message", _status(500, SERVER_MARKUP), ("500", "[red]Database[/] is")),
    FaultCase("502", _status(502, "Bad gateway"), ("502",), retried=True),
    FaultCase("503", _status(503, "Service unavailable"), ("503",), retried=True),
    FaultCase("504", _status(504, "Gateway timeout"), ("504",), retried=True),
    FaultCase("connection-refused", lambda times: [], ("could not connect",), retried=True, refuse=True),
    FaultCase("reset-mid-body", _on_contacts(reset=True), ("connection",), retried=True),
    FaultCase("read-timeout", _on_contacts(delay=READ_TIMEOUT + 1.0), ("timed out",), timeout=READ_TIMEOUT),
    FaultCase("truncated-json", _on_contacts(truncate=True), ("truncated JSON",)),
    FaultCase("html-with-200", _on_contacts(body=HTML_PAGE, content_type="text/html"), ("HTML",)),
    FaultCase("empty-body", _on_contacts(body=b""), ("empty",)),
    FaultCase("results-null", _on_contacts(transform=_set(results=None)), ("results", "null")),
    FaultCase("results-object", _on_contacts(transform=_set(results={"0": {}})), ("results", "object")),
    FaultCase("results-string", _on_contacts(transform=_set(results="[]")), ("results", "string")),
    FaultCase("no-rows-but-has-more", _on_contacts(transform=_no_rows_but_more), ("hasMore", "no rows")),
    FaultCase("duplicate-page", _on_contacts(transform=_duplicate), ("skip=0",)),
    FaultCase("totals-as-strings", _on_contacts(transform=lambda b: _set(
        skip=str(_page(b)["skip"]), limit=str(_page(b)["limit"]), totalResults=str(LIST_SIZE),
        totalPages="10", hasMore="true")(b)), outcome="tolerated"),
    FaultCase("negative-skip", _on_contacts(transform=_set(skip=-100)), outcome="tolerated"),
    FaultCase("limit-zero", _on_contacts(transform=_set(limit=0)), outcome="tolerated"),
    FaultCase("overlapping-pages", _on_contacts(transform=_overlap), outcome="tolerated"),
    FaultCase("10mb-page", _on_contacts(transform=_rows(padded_row)), outcome="tolerated", row=padded_row),
    FaultCase("100k-char-values", _on_contacts(transform=_rows(long_row)), outcome="tolerated", row=long_row),
    FaultCase("invalid-utf8", _on_contacts(patch=_invalid_utf8), outcome="tolerated", row=invalid_utf8_row),
    FaultCase("markup-and-escapes", lambda times: [
        Fault(path_contains=CONTACTS, min_skip=FROM_ROW, times=times, transform=_rows(hostile_row)),
        Fault(path_contains=LIST_DETAILS, times=times, transform=_hostile_list_names),
    ], outcome="tolerated", row=hostile_row),
)

CASE_IDS = [case.name for case in CASES]
BY_NAME = {case.name: case for case in CASES}


def printable(text: str) -> bool:
    """True when ``text`` holds no control character a terminal would act on."""
    return all(ch.isprintable() or ch in "\n" for ch in text) and "\x1b" not in text
