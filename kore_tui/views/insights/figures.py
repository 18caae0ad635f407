"""The figures of a view's insights: frozen dataclasses a computation fills in, stage by stage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kore_tui.views.format import plural

if TYPE_CHECKING:

    pass


TOP_DUPLICATES = 10
EXAMPLES = 5
CHUNK = 5_000  # distinct numbers classified per query (and between two reports)
YIELD_EVERY = 64  # numbers classified (2-3 ms of Python) between two pauses that leave the GIL to the UI
YIELD_FOR = 0.001  # seconds
STATUSES_SHOWN = 12
STAGES = ("numbers", "dates", "overlap", "facts")  # in the order they are computed


class Cancelled(Exception):
    """The computation was stopped (a newer one supersedes it, or its screen closed)."""


# -- the figures ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of a view the cache holds: every figure is based on these rows."""

    cached: int
    total: int | None  # rows the view has, when known (None: unknown)
    complete: bool  # the view was walked to its end: ``cached`` is every row

    @property
    def share(self) -> float | None:
        if self.complete:
            return 1.0
        if not self.total:
            return None
        return min(1.0, self.cached / self.total)

    @property
    def missing(self) -> int:
        if self.complete:
            return 0
        return max(0, (self.total or 0) - self.cached)

    def text(self) -> str:
        """'based on 12,300 of 1,000,000 rows cached, 1.2%'."""
        if self.complete:
            return f"based on all {plural(self.cached, 'row')} (the whole view is cached)"
        if not self.cached:
            return "nothing cached yet" + (f" of its {plural(self.total, 'row')}" if self.total else "")
        if self.total is None:
            return f"based on {plural(self.cached, 'row')} cached (the view's size is not known)"
        return f"based on {self.cached:,} of {plural(self.total, 'row')} cached, {percent(self.share or 0)}"

    def short(self) -> str:
        """'1,237 of 1,237 rows cached' (for a view beside the one shown)."""
        if self.complete:
            return f"all {plural(self.cached, 'row')} cached"
        if self.total is None:
            return f"{plural(self.cached, 'row')} cached"
        return f"{self.cached:,} of {plural(self.total, 'row')} cached"

    def to_json(self) -> dict[str, Any]:
        return {"cached": self.cached, "total": self.total, "complete": self.complete, "share": self.share}


def percent(share: float) -> str:
    """1.2%, 0.05%, 100%: enough digits to tell a sliver from nothing."""
    value = share * 100
    if value >= 99.95 and share < 1:
        return "99.9%"
    if value == 0 or value >= 10:
        return f"{value:.0f}%"
    if value >= 0.1:
        return f"{value:.1f}%"
    return f"{value:.2g}%"


@dataclass(frozen=True, slots=True)
class Duplicate:
    number: str  # its E.164 form, or its digits when it is no possible number
    rows: int
    first_row: int  # position of its first row (0-based)


@dataclass(frozen=True, slots=True)
class Example:
    number: str  # as the row writes it (impossible, national), or its E.164 form (invalid)
    rows: int
    note: str = ""  # why it is impossible; the E.164 form a national number is read as


@dataclass(frozen=True, slots=True)
class NumberGroup:
    """Some of the view's numbers (invalid ones, impossible ones, ...): how many, on how many rows."""

    numbers: int = 0
    rows: int = 0
    examples: tuple[Example, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {"numbers": self.numbers, "rows": self.rows,
                "examples": [{"number": e.number, "rows": e.rows, "note": e.note or None} for e in self.examples]}


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # "+44"
    region: str  # "GB"
    name: str  # "United Kingdom"
    numbers: int
    rows: int


@dataclass(frozen=True, slots=True)
class Overlap:
    """How many of the view's numbers another view holds, and how much of that view is cached."""

    role: str  # "directory", "list" or "dnc"
    list_id: str  # DIRECTORY for the directory
    name: str
    common: int  # distinct numbers in both
    coverage: Coverage  # of the other view

    @property
    def label(self) -> str:
        if self.role == "directory":
            return "directory"
        return f"{self.name or self.list_id}" + (" (do-not-call)" if self.role == "dnc" else "")

    def to_json(self) -> dict[str, Any]:
        return {"role": self.role, "id": self.list_id or None, "name": self.name or None, "common": self.common,
                "coverage": self.coverage.to_json()}


@dataclass(frozen=True, slots=True)
class Insights:
    """The figures of one view, as far as they are computed (``stages``)."""

    stream: str
    list_id: str
    name: str
    coverage: Coverage
    region: str | None = None  # where numbers without a country code were read
    stages: frozenset[str] = frozenset()
    rows: int = 0
    no_number: int = 0  # rows without a phone number
    numbers: int = 0  # distinct numbers
    duplicated: int = 0  # numbers on more than one row
    extra_rows: int = 0  # rows beyond the first of each duplicated number
    top_duplicates: tuple[Duplicate, ...] = ()
    impossible: NumberGroup = NumberGroup()
    invalid: NumberGroup = NumberGroup()
    national: NumberGroup = NumberGroup()
    valid: NumberGroup = NumberGroup()
    classified: int = 0  # distinct possible numbers classified so far (of numbers - impossible)
    countries: tuple[Country, ...] = ()
    kinds: tuple[tuple[str, int], ...] = ()  # (number type, distinct numbers), most first
    overlaps: tuple[Overlap, ...] = ()
    created: tuple[tuple[str, int], ...] = ()  # (YYYY-MM-DD, rows), by day
    updated: tuple[tuple[str, int], ...] = ()
    undated: int = 0  # rows without a createdAt date
    statuses: tuple[tuple[str, int], ...] = ()  # (status, rows), most first
    with_status: int = 0
    other_statuses: int = 0  # distinct statuses beyond those listed
    notes: tuple[str, ...] = ()
    seconds: float = 0.0  # computing took so long

    @property
    def done(self) -> bool:
        return set(STAGES) <= self.stages

    @property
    def possible(self) -> int:
        """Distinct numbers that are possible (and so classified as valid or invalid)."""
        return self.numbers - self.impossible.numbers

    def to_json(self) -> dict[str, Any]:
        """The figures for scripts (documented in README: `insights --json`)."""
        return {
            "stream": self.stream, "list": self.list_id or None, "name": self.name or None,
            "coverage": self.coverage.to_json(), "region": self.region, "complete": self.done,
            "rows": self.rows, "rowsWithoutNumber": self.no_number, "numbers": self.numbers,
            "duplicates": {"numbers": self.duplicated, "extraRows": self.extra_rows,
                           "top": [{"number": d.number, "rows": d.rows, "firstRow": d.first_row + 1}
                                   for d in self.top_duplicates]},
            "valid": self.valid.to_json(), "invalid": self.invalid.to_json(), "impossible": self.impossible.to_json(),
            "national": self.national.to_json(),
            "countries": [{"code": c.code, "region": c.region, "name": c.name, "numbers": c.numbers, "rows": c.rows}
                          for c in self.countries],
            "types": [{"type": kind, "numbers": n} for kind, n in self.kinds],
            "overlap": [o.to_json() for o in self.overlaps],
            "created": [{"day": day, "rows": n} for day, n in self.created],
            "updated": [{"day": day, "rows": n} for day, n in self.updated],
            "undated": self.undated,
            "statuses": [{"status": s, "rows": n} for s, n in self.statuses], "rowsWithStatus": self.with_status,
            "notes": list(self.notes),
        }
