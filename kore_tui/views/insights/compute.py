"""Computing the figures: SQL over the cache, grouped there, stage by stage (:func:`compute`)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from kore_tui.cache import DIRECTORY, ReadHandle, RowCache, ViewKey, primary_phone
from kore_tui.sources import CAMPAIGN_VIEW_PREFIX
from kore_tui.views.insights.figures import (
    CHUNK,
    EXAMPLES,
    STAGES,
    STATUSES_SHOWN,
    TOP_DUPLICATES,
    YIELD_EVERY,
    YIELD_FOR,
    Cancelled,
    Country,
    Coverage,
    Duplicate,
    Example,
    Insights,
    NumberGroup,
    Overlap,
)
from kore_tui.views.insights.numbers import calling_code, country_name, e164_facts, impossible_reason

if TYPE_CHECKING:

    pass

_DATE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*"  # a GLOB: an ISO date (and time)


# -- computing them -------------------------------------------------------------------------------

Report = Callable[[Insights], None]


@dataclass
class Inputs:
    """What a computation needs besides the cache: names and roles of the stream's other views."""

    key: ViewKey
    name: str = ""
    region: str | None = None
    total_hint: int | None = None  # the view's size as the stream's lists say
    names: dict[str, str] = field(default_factory=dict)  # list id -> name
    totals: dict[str, int] = field(default_factory=dict)  # list id -> totalRecordCount
    dnc: tuple[str, ...] = ()  # ids of the do-not-call lists (named by campaigns, or flagged global)
    notes: tuple[str, ...] = ()


def coverage_of(cache: RowCache, key: ViewKey, total_hint: int | None = None,
                handle: ReadHandle | None = None) -> Coverage:
    view = cache.view_id(key)
    if view is None:
        return Coverage(0, total_hint, False)
    cached, total, complete, served = cache.select(
        "SELECT (SELECT count(*) FROM rows WHERE view_id=:v), total, complete_at IS NOT NULL, "
        "(SELECT max(total_results) FROM pages WHERE view_id=:v) FROM views WHERE id=:v", {"v": view}, handle=handle)[0]
    if complete:
        return Coverage(int(cached), int(cached), True)
    known = total if total is not None else served if served is not None else total_hint
    return Coverage(int(cached), None if known is None else max(int(known), int(cached)), False)


def compute(cache: RowCache, inputs: Inputs, *, on_update: Report | None = None,
            cancelled: Callable[[], bool] = lambda: False, handle: ReadHandle | None = None) -> Insights:
    """Every figure of the view, stage by stage (``on_update`` after each, and during the last
    every CHUNK numbers); raises :class:`Cancelled` when ``cancelled()`` says so between steps
    (``handle.interrupt()`` stops a query under way: sqlite3.OperationalError)."""
    started = time.perf_counter()
    key = inputs.key
    coverage = coverage_of(cache, key, inputs.total_hint, handle)
    insights = Insights(key.stream, key.list, inputs.name, coverage, inputs.region, notes=inputs.notes)
    view = cache.view_id(key)

    def report(**changes: Any) -> None:
        nonlocal insights
        insights = replace(insights, seconds=time.perf_counter() - started, **changes)
        if cancelled():
            raise Cancelled
        if on_update is not None:
            on_update(insights)

    if view is None or coverage.cached == 0:
        report(stages=frozenset(STAGES))
        return insights

    def select(sql: str, **args: Any) -> list[tuple[Any, ...]]:
        if cancelled():
            raise Cancelled
        return cache.select(sql, {"v": view, **args}, handle=handle)

    report(**_numbers(select, cache, key), stages=frozenset({"numbers"}))
    dates = _dates(select, key.list == DIRECTORY)
    national = _national(select, cache, key) if dates.pop("national_rows") else NumberGroup()
    report(**dates, national=national, stages=insights.stages | {"dates"})
    report(overlaps=tuple(_overlaps(select, cache, inputs, cancelled, handle)), stages=insights.stages | {"overlap"})
    classify = _Classifier()
    after = ""
    while True:
        chunk = select("SELECT e164, count(*) FROM rows INDEXED BY rows_e164 WHERE view_id=:v AND e164 > :after "
                       "GROUP BY e164 ORDER BY e164 LIMIT :n", after=after, n=CHUNK)
        if not chunk:
            break
        for n, (e164, rows) in enumerate(chunk, 1):
            classify.add(e164, rows)
            if n % YIELD_EVERY == 0:
                time.sleep(YIELD_FOR)  # the GIL to the UI thread: its keys are not held up
        after = chunk[-1][0]
        if len(chunk) == CHUNK:
            report(**classify.figures())
    report(**classify.figures(), stages=insights.stages | {"facts"})
    return insights


def _numbers(select: Callable[..., list[tuple[Any, ...]]], cache: RowCache, key: ViewKey) -> dict[str, Any]:
    """Rows, distinct numbers, duplicates, impossible and national numbers: from the indexes."""
    (rows,), = select("SELECT count(*) FROM rows WHERE view_id=:v")
    (no_number,), = select("SELECT count(*) FROM rows INDEXED BY rows_digits WHERE view_id=:v AND digits=''")
    (possible,), = select("SELECT count(DISTINCT e164) FROM rows INDEXED BY rows_e164 WHERE view_id=:v "
                          "AND e164 IS NOT NULL")
    impossible_numbers, impossible_rows = select(
        "SELECT count(DISTINCT digits), count(*) FROM rows INDEXED BY rows_e164 WHERE view_id=:v AND e164 IS NULL "
        "AND digits != ''")[0]
    groups = ("SELECT e164 AS number, count(*) AS n, min(pos) AS first FROM rows INDEXED BY rows_e164 "
              "WHERE view_id=:v AND e164 IS NOT NULL GROUP BY e164 HAVING n > 1 "
              "UNION ALL SELECT digits, count(*) AS n, min(pos) FROM rows INDEXED BY rows_e164 "
              "WHERE view_id=:v AND e164 IS NULL AND digits != '' GROUP BY digits HAVING n > 1")
    # The top ones, and (in each row) how many there are and their rows: one pass over the index.
    found = select(f"SELECT number, n, first, count(*) OVER (), sum(n) OVER () FROM ({groups}) "
                   "ORDER BY n DESC, first LIMIT :top", top=TOP_DUPLICATES)
    duplicated, in_duplicates = (found[0][3], found[0][4]) if found else (0, 0)
    top = [row[:3] for row in found]
    # Impossible numbers: the most frequent, as their rows write them, with the reason.
    worst = select("SELECT digits, count(*) AS n, min(pos) FROM rows INDEXED BY rows_e164 WHERE view_id=:v "
                   "AND e164 IS NULL AND digits != '' GROUP BY digits ORDER BY n DESC, min(pos) LIMIT :k", k=EXAMPLES)
    written = dict(cache.rows_at(key, [pos for _, _, pos in worst]))
    impossible = tuple(Example(_written(written.get(pos), digits), n, impossible_reason(_written(written.get(pos),
                                                                                                  digits)))
                       for digits, n, pos in worst)
    return {
        "rows": int(rows), "no_number": int(no_number), "numbers": int(possible) + int(impossible_numbers),
        "duplicated": int(duplicated), "extra_rows": int(in_duplicates) - int(duplicated),
        "top_duplicates": tuple(Duplicate(str(number), int(n), int(first)) for number, n, first in top),
        "impossible": NumberGroup(int(impossible_numbers), int(impossible_rows), impossible),
    }


# Written without a country code: the digits do not hold the E.164 number (nor 00 and it). The
# plain comparisons first: most rows hold one number, and instr over a million rows costs seconds.
_NATIONAL = ("(e164 IS NOT NULL AND digits != substr(e164, 2) AND digits != '00' || substr(e164, 2) "
             "AND instr(' ' || digits || ' ', ' ' || substr(e164, 2) || ' ') = 0 "
             "AND instr(' ' || digits || ' ', ' 00' || substr(e164, 2) || ' ') = 0)")


def _national(select: Callable[..., list[tuple[Any, ...]]], cache: RowCache, key: ViewKey) -> NumberGroup:
    first = select(f"SELECT e164, n, pos, count(*) OVER () FROM (SELECT e164, count(*) AS n, min(pos) AS pos "
                   f"FROM rows WHERE view_id=:v AND {_NATIONAL} GROUP BY e164) ORDER BY pos LIMIT :k", k=EXAMPLES)
    if not first:
        return NumberGroup()
    (rows,), = select(f"SELECT count(*) FROM rows WHERE view_id=:v AND {_NATIONAL}")
    written = dict(cache.rows_at(key, [pos for _, _, pos, _ in first]))
    return NumberGroup(int(first[0][3]), int(rows),
                       tuple(Example(_written(written.get(pos), ""), n, e164) for e164, n, pos, _ in first))


def _written(raw: Mapping[str, Any] | None, fallback: str) -> str:
    phone = primary_phone(raw) if raw is not None else None
    return phone if phone is not None else fallback


def _dates(select: Callable[..., list[tuple[Any, ...]]], directory: bool) -> dict[str, Any]:
    """Rows created and updated per day, and their status; and whether any row's number is
    written without a country code: one scan of the rows (a list's createdAt is its sort value s1,
    the directory's updatedAt its s3: no JSON to read for them)."""
    created: dict[str, int] = {}
    updated: dict[str, int] = {}
    undated = 0
    created_at = "json_extract(raw, '$.createdAt')" if directory else "s1"
    updated_at = "s3" if directory else "json_extract(raw, '$.updatedAt')"
    pairs = select(
        "SELECT CASE WHEN c GLOB :date THEN substr(c, 1, 10) END, CASE WHEN u GLOB :date THEN substr(u, 1, 10) END, "
        f"count(*), sum(nat) FROM (SELECT {created_at} AS c, {updated_at} AS u, {_NATIONAL} AS nat "
        "FROM rows WHERE view_id=:v) GROUP BY 1, 2", date=_DATE)
    national_rows = 0
    for c, u, n, nat in pairs:
        national_rows += int(nat or 0)
        if c is None:
            undated += n
        else:
            created[c] = created.get(c, 0) + n
        if u is not None:
            updated[u] = updated.get(u, 0) + n
    statuses = select("SELECT s, count(*) AS n, count(*) OVER (), sum(count(*)) OVER () FROM (SELECT "
                      "json_extract(raw, '$.status') AS s FROM rows WHERE view_id=:v) WHERE s IS NOT NULL GROUP BY s "
                      "ORDER BY n DESC, s LIMIT :k", k=STATUSES_SHOWN)
    distinct, with_status = (statuses[0][2], statuses[0][3]) if statuses else (0, 0)
    return {"national_rows": national_rows,
            "created": tuple(sorted(created.items())), "updated": tuple(sorted(updated.items())), "undated": undated,
            "statuses": tuple((str(s), int(n)) for s, n, _, _ in statuses), "with_status": int(with_status),
            "other_statuses": max(0, int(distinct) - STATUSES_SHOWN)}


def _overlaps(select: Callable[..., list[tuple[Any, ...]]], cache: RowCache, inputs: Inputs,
              cancelled: Callable[[], bool], handle: ReadHandle | None) -> Iterator[Overlap]:
    """The directory, each other list of the stream with cached rows, and the do-not-call lists
    (cached or not): how many of the view's numbers each holds."""
    key = inputs.key
    cached = [str(list_id) for (list_id,) in select(
        "SELECT list FROM views WHERE profile=:p AND stream=:s AND id != :v "
        "AND EXISTS (SELECT 1 FROM rows WHERE view_id=views.id) ORDER BY list", p=key.profile, s=key.stream)
        if not str(list_id).startswith(CAMPAIGN_VIEW_PREFIX)]
    others = ([DIRECTORY] if key.list != DIRECTORY else []) + [i for i in cached if i != DIRECTORY]
    others += [i for i in inputs.dnc if i not in others and i != key.list]
    for list_id in others:
        if cancelled():
            raise Cancelled
        other_key = ViewKey(key.profile, key.stream, list_id)
        other = cache.view_id(other_key)
        role = "directory" if list_id == DIRECTORY else "dnc" if list_id in inputs.dnc else "list"
        coverage = coverage_of(cache, other_key, inputs.totals.get(list_id), handle)
        common = 0
        if other is not None and coverage.cached:
            (common,), = select("SELECT count(*) FROM (SELECT DISTINCT e164 FROM rows INDEXED BY rows_e164 "
                                "WHERE view_id=:v AND e164 IS NOT NULL) AS mine WHERE EXISTS (SELECT 1 FROM rows "
                                "INDEXED BY rows_e164 WHERE view_id=:o AND e164=mine.e164)", o=other)
        yield Overlap(role, list_id, inputs.names.get(list_id, ""), int(common), coverage)


class _Classifier:
    """Counts of distinct numbers by validity, country and type, added a number at a time."""

    def __init__(self) -> None:
        self.valid = [0, 0]  # numbers, rows
        self.invalid = [0, 0]
        self.invalid_examples: list[Example] = []
        self.countries: dict[str, list[Any]] = {}  # region -> [numbers, rows, an example]
        self.kinds: dict[str, int] = {}
        self.classified = 0

    def add(self, e164: str, rows: int) -> None:
        self.classified += 1
        valid, region, kind = e164_facts(e164)
        if not valid or region is None:
            self.invalid[0] += 1
            self.invalid[1] += rows
            if len(self.invalid_examples) < EXAMPLES:
                self.invalid_examples.append(Example(e164, rows))
            return
        self.valid[0] += 1
        self.valid[1] += rows
        entry = self.countries.setdefault(region, [0, 0, e164])
        entry[0] += 1
        entry[1] += rows
        if kind:
            self.kinds[kind] = self.kinds.get(kind, 0) + 1

    def figures(self) -> dict[str, Any]:
        countries = sorted(self.countries.items(), key=lambda item: (-item[1][0], item[0]))
        return {
            "valid": NumberGroup(self.valid[0], self.valid[1]),
            "invalid": NumberGroup(self.invalid[0], self.invalid[1], tuple(self.invalid_examples)),
            "countries": tuple(Country(calling_code(example, region), region, country_name(example), n, rows)
                               for region, (n, rows, example) in countries),
            "kinds": tuple(sorted(self.kinds.items(), key=lambda item: (-item[1], item[0]))),
            "classified": self.classified,
        }
