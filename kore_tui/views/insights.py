"""List health at a glance (#17): what a list (or the directory) holds, from the local cache.

Rows, distinct numbers, duplicates (and the top ones), numbers libphonenumber calls invalid and
impossible ones (too short, too long, no such country code), numbers written without a country
code that only the profile's region makes dialable, countries and number types, overlap with the
directory, with each other list of the stream whose rows are cached and with its do-not-call
lists, when rows were created and updated, and their status. Every figure is based on what is
cached, and says so (:class:`Coverage`): ``F`` in the app and ``--fetch`` on the command line
fetch the rest first (its cost said, see :mod:`kore_tui.views.estimate`).

The work is SQL over the cache, grouped there (a million rows never become a million Python
objects): counts and duplicates from the phone-number index, dates with ``json_extract``, and
the distinct numbers read in keyset chunks to be classified. :func:`compute` runs in a thread and
reports after each stage (``on_update``), so the first figures show while the rest is computed.
The app and ``kore-tui insights`` use the same objects. No Textual here.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import math
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from kore_tui.api.errors import ApiError
from kore_tui.api.models import Page, parse_contact_lists
from kore_tui.cache import DIRECTORY, ReadHandle, RowCache, ViewKey, primary_phone
from kore_tui.export import CAMPAIGN_FIELDS, DIRECTORY_FIELDS
from kore_tui.sources import CAMPAIGN_VIEW_PREFIX, cached_list_details
from kore_tui.views.estimate import Estimate, estimate_under
from kore_tui.views.format import plural

if TYPE_CHECKING:
    import phonenumbers

    from kore_tui.session import Session

TOP_DUPLICATES = 10
EXAMPLES = 5
CHUNK = 5_000  # distinct numbers classified per query (and between two reports)
YIELD_EVERY = 64  # numbers classified (2-3 ms of Python) between two pauses that leave the GIL to the UI
YIELD_FOR = 0.001  # seconds
STATUSES_SHOWN = 12
STAGES = ("numbers", "dates", "overlap", "facts")  # in the order they are computed
_DATE = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*"  # a GLOB: an ISO date (and time)


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


# -- numbers --------------------------------------------------------------------------------------


def _from_e164(e164: str) -> phonenumbers.PhoneNumber | None:
    """A stored E.164 string as a PhoneNumber, without parsing it again."""
    import phonenumbers

    digits = e164[1:]
    for length in (1, 2, 3):
        if not digits[:length].isdigit():
            return None
        code = int(digits[:length])
        if code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
            national = digits[length:]
            if not national.isdigit() or not national.strip("0"):
                return None
            number = phonenumbers.PhoneNumber(country_code=code, national_number=int(national))
            zeros = len(national) - len(national.lstrip("0"))
            if zeros:  # Italy's leading zero is part of the number
                number.italian_leading_zero = True
                number.number_of_leading_zeros = zeros
            return number
    return None


def e164_facts(e164: str) -> tuple[bool, str | None, str]:
    """(valid, ISO region, number type) of a number in the E.164 form the cache stores: what
    :func:`kore_tui.phones.number_facts` says of it (bar the country's name), at a third of its
    cost (no parse, one type match): insights classify every distinct number of a view."""
    import phonenumbers
    from phonenumbers import PhoneNumberType

    from kore_tui.phones import _kind_names

    number = _from_e164(e164)
    if number is None:
        return False, None, ""
    helper = _type_helper()
    regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(number.country_code or 0, ())
    if helper is not None and len(regions) > 1:
        # As region_code_for_number, which matches the type of each region in turn: the type
        # that found the region is the number's (is_valid_number would match it once more).
        nsn = phonenumbers.national_significant_number(number)
        for where in regions:
            metadata = phonenumbers.PhoneMetadata.metadata_for_region(where.upper(), None)
            if metadata is None:
                continue
            if metadata.leading_digits is not None:
                if re.match(metadata.leading_digits, nsn):
                    return _typed(number, where, helper)
                continue
            number_type = helper(nsn, metadata)
            if number_type != PhoneNumberType.UNKNOWN:
                return True, where, _kind_names().get(number_type, "")
        return False, None, ""
    region = phonenumbers.region_code_for_number(number)
    if region is None:
        return False, None, ""
    if region == phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY or helper is None:
        valid = phonenumbers.is_valid_number(number)
        kind = _kind_names().get(phonenumbers.number_type(number), "") if valid else ""
        return valid, region if valid else None, kind
    return _typed(number, region, helper)


def _typed(number: phonenumbers.PhoneNumber, region: str,
           helper: Callable[[str, Any], int]) -> tuple[bool, str | None, str]:
    """is_valid_number_for_region and number_type, the region known."""
    import phonenumbers
    from phonenumbers import PhoneNumberType

    from kore_tui.phones import _kind_names

    code = int(number.country_code or 0)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, region)
    if metadata is None or phonenumbers.country_code_for_valid_region(region) != code:
        return False, None, ""
    number_type = helper(phonenumbers.national_significant_number(number), metadata)
    if number_type == PhoneNumberType.UNKNOWN:
        return False, None, ""
    return True, region, _kind_names().get(number_type, "")


def _type_helper() -> Callable[[str, Any], int] | None:
    try:  # private to phonenumbers: with another version, the public calls at their cost
        from phonenumbers.phonenumberutil import _number_type_helper
    except ImportError:  # pragma: no cover
        return None
    helper: Callable[[str, Any], int] = _number_type_helper
    return helper


def impossible_reason(raw: str) -> str:
    """Why a stored number is no possible number: too short, too long, no such country code, or
    not a phone number at all (read as international, as the cache reads it first)."""
    import phonenumbers

    from kore_tui.phones import digits_of, looks_like_phone

    if not looks_like_phone(raw):
        return "not a phone number"
    try:
        number = phonenumbers.parse("+" + digits_of(raw).removeprefix("00") if raw.strip().startswith("00")
                                    else "+" + digits_of(raw), None)
    except phonenumbers.NumberParseException as exc:
        if exc.error_type == phonenumbers.NumberParseException.TOO_LONG:
            return "too long"
        if exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            return "invalid country code"
        return "not a phone number"
    reason = phonenumbers.is_possible_number_with_reason(number)
    results = phonenumbers.ValidationResult
    return {results.TOO_SHORT: "too short", results.TOO_LONG: "too long",
            results.INVALID_LENGTH: "no possible length", results.INVALID_COUNTRY_CODE: "invalid country code",
            results.IS_POSSIBLE_LOCAL_ONLY: "a local number only"}.get(reason, "not possible")


def country_name(e164: str) -> str:
    """The English name of the country a valid number belongs to ("" when it has none)."""
    import phonenumbers
    from phonenumbers import geocoder

    try:
        return str(geocoder.country_name_for_number(phonenumbers.parse(e164, None), "en"))
    except phonenumbers.NumberParseException:
        return ""


def calling_code(e164: str, region: str) -> str:
    import phonenumbers

    return f"+{phonenumbers.country_code_for_region(region)}"


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


# -- the timeline as a chart ----------------------------------------------------------------------


def buckets(days: Sequence[tuple[str, int]], most: int) -> tuple[str, list[tuple[str, int]]]:
    """Rows per day, per week (from Monday) or per month, whichever first fits in ``most``
    buckets; days without rows count 0. Returns the unit and (the bucket's first day, rows)."""
    if not days:
        return "day", []
    dated = [(dt.date.fromisoformat(day), n) for day, n in days if _iso_day(day)]
    if not dated:
        return "day", []
    first, last = min(d for d, _ in dated), max(d for d, _ in dated)
    for unit in ("day", "week", "month"):
        def start(day: dt.date, unit: str = unit) -> dt.date:
            if unit == "day":
                return day
            if unit == "week":
                return day - dt.timedelta(days=day.weekday())
            return day.replace(day=1)

        counts: dict[dt.date, int] = {}
        cursor = start(first)
        while cursor <= last:
            counts[cursor] = 0
            cursor = _next(cursor, unit)
        for day, n in dated:
            counts[start(day)] += n
        if len(counts) <= most or unit == "month":
            return unit, [(day.isoformat(), n) for day, n in counts.items()]
    raise AssertionError("unreachable")


def _iso_day(day: str) -> bool:
    try:
        dt.date.fromisoformat(day)
    except ValueError:
        return False
    return True


def _next(day: dt.date, unit: str) -> dt.date:
    if unit == "day":
        return day + dt.timedelta(days=1)
    if unit == "week":
        return day + dt.timedelta(days=7)
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


_EIGHTHS = " ▁▂▃▄▅▆▇█"


def bar_chart(series: Sequence[tuple[str, int]], width: int, height: int, unit: str = "day") -> list[str]:
    """Rows per bucket as vertical bars of block characters, ``height`` lines plus an axis line
    (first and last bucket, the unit): each bar one or more columns, as ``width`` allows."""
    if not series or width < 8 or height < 1:
        return []
    peak = max(n for _, n in series) or 1
    label_width = len(f"{peak:,}") + 1
    room = width - label_width - 1  # the bars' columns, right of the scale
    gap = 1 if room >= 3 * len(series) - 1 and len(series) <= 40 else 0
    bar = max(1, min(3, (room + gap) // len(series) - gap))
    lines = []
    for level in range(height, 0, -1):
        cells = []
        for _, n in series:
            eighths = math.ceil(n / peak * height * 8) if n else 0
            fill = max(0, min(8, eighths - (level - 1) * 8))
            cells.append(_EIGHTHS[fill] * bar)
        label = f"{peak:,}" if level == height else ""
        lines.append(f"{label:>{label_width}}│" + (" " * gap).join(cells).rstrip())
    span = len(series) * bar + (len(series) - 1) * gap
    first, last = series[0][0], series[-1][0]
    axis = f"{first} … {last}" if len(series) > 1 else first
    per = {"day": "a day", "week": "a week", "month": "a month"}[unit]
    axis = f"{axis} · one bar {per}" if span >= len(axis) + 16 else axis
    lines.append(" " * (label_width + 1) + axis)
    return lines


# -- the model --------------------------------------------------------------------------------------


class InsightsModel:
    """One view's insights: what the app's Insights screen and ``kore-tui insights`` use."""

    def __init__(self, session: Session, stream: str, list_id: str = DIRECTORY, *, name: str = "") -> None:
        self.session = session
        self.stream = stream
        self.list_id = list_id
        self.inputs = Inputs(session.view_key(stream, list_id), name=name, region=session.region)
        self.last: Insights | None = None

    @property
    def key(self) -> ViewKey:
        return self.inputs.key

    async def prepare(self, *, load: bool = True) -> Inputs:
        """The stream's lists (names, sizes) and its do-not-call lists, from the cache, and with
        ``load`` from the server when the cache has none (a request each; a failure is a note)."""
        s = self.session
        notes: list[str] = []
        lists_meta = await asyncio.to_thread(s.cache.get_meta, s.profile.name, self.stream, "contact-lists")
        lists = parse_contact_lists({"data": lists_meta[0]}) if lists_meta is not None else []
        campaigns: list[Any] = []
        if load:
            try:
                lists = await s.contact_lists(self.stream)
                campaigns = await s.campaigns(self.stream)
            except ApiError as exc:
                notes.append(f"the stream's lists and campaigns could not be read ({exc.kind}): "
                             "do-not-call lists may be missing")
        else:
            from kore_tui.sources import cached_campaigns

            stored = await asyncio.to_thread(cached_campaigns, s.cache, s.profile.name, self.stream)
            campaigns = stored[0] if stored is not None else []
        from kore_tui.views.campaigns import dnc_list_ids, link_campaigns

        dnc = dnc_list_ids(link_campaigns(campaigns, lists))
        for lst in lists:
            details = await asyncio.to_thread(cached_list_details, s.cache, s.profile.name, self.stream, lst.id)
            if details is not None and details.is_global_dnc and lst.id not in dnc:
                dnc.append(lst.id)
        names = {lst.id: lst.name or "" for lst in lists}
        totals = {lst.id: lst.total_record_count for lst in lists if lst.total_record_count is not None}
        name = self.inputs.name or (names.get(self.list_id, "") if self.list_id else "directory")
        self.inputs = replace(self.inputs, name=name, names=names, totals=totals, dnc=tuple(dnc),
                              total_hint=totals.get(self.list_id) if self.list_id else None, notes=tuple(notes))
        return self.inputs

    def compute(self, *, on_update: Report | None = None, cancelled: Callable[[], bool] = lambda: False,
                handle: ReadHandle | None = None) -> Insights:
        """Every figure, from the cache (blocking: run it in a thread)."""
        self.last = compute(self.session.cache, self.inputs, on_update=on_update, cancelled=cancelled, handle=handle)
        return self.last

    async def run(self, on_update: Report | None = None) -> Insights:
        return await asyncio.to_thread(self.compute, on_update=on_update)

    def coverage(self) -> Coverage:
        return coverage_of(self.session.cache, self.key, self.inputs.total_hint)

    def cost_of_rest(self, coverage: Coverage | None = None, page_size: int = 100) -> Estimate:
        """What fetching the rest of the view costs (pages still fresh in the cache cost none)."""
        coverage = coverage or self.coverage()
        missing = coverage.missing if coverage.total is not None else max(page_size, 0)
        return estimate_under(self.session.budget, missing, page_size=page_size)

    async def fetch_rest(self, on_page: Callable[[Page[Any]], None] | None = None, page_size: int = 100) -> int:
        """The rest of the view into the cache, within the request budget (see ViewSource.complete)."""
        return await self.session.source(self.stream, self.list_id).complete(page_size=page_size, on_page=on_page)

    # -- the findings as rows to export ---------------------------------------------------------------

    @property
    def fields(self) -> tuple[str, ...]:
        base = DIRECTORY_FIELDS if self.list_id == DIRECTORY else CAMPAIGN_FIELDS
        return ("reason", "number", "row", *base)

    def duplicate_rows(self) -> Iterator[dict[str, Any]]:
        """Every row whose number is on another row too, grouped by number: the reason says how
        many rows have it (blocking, a chunk of numbers at a time: run it in a thread)."""
        cache, view = self.session.cache, self.session.cache.view_id(self.key)
        if view is None:
            return
        after = ""
        while True:
            numbers = cache.select("SELECT e164, count(*) AS n FROM rows INDEXED BY rows_e164 WHERE view_id=? "
                                   "AND e164 > ? GROUP BY e164 HAVING n > 1 ORDER BY e164 LIMIT 500", (view, after))
            if not numbers:
                break
            after = numbers[-1][0]
            counts = dict(numbers)
            marks = ",".join("?" * len(numbers))
            for pos, raw, e164 in cache.select(f"SELECT pos, raw, e164 FROM rows WHERE view_id=? AND e164 IN ({marks}) "
                                               "ORDER BY e164, pos", (view, *counts)):
                yield self._finding(f"duplicate: {counts[e164]} rows", e164, pos, raw)
        for pos, raw, digits, n in cache.select(
                "SELECT r.pos, r.raw, r.digits, d.n FROM rows r JOIN (SELECT digits, count(*) AS n FROM rows "
                "WHERE view_id=? AND e164 IS NULL AND digits != '' GROUP BY digits HAVING n > 1) d "
                "ON r.digits=d.digits WHERE r.view_id=? AND r.e164 IS NULL ORDER BY r.digits, r.pos", (view, view)):
            yield self._finding(f"duplicate: {n} rows", digits, pos, raw)

    def problem_rows(self) -> Iterator[dict[str, Any]]:
        """Every row whose number is invalid or impossible, with the reason (blocking: run it
        in a thread). Rows without a number are not among them."""
        import json

        cache, view = self.session.cache, self.session.cache.view_id(self.key)
        if view is None:
            return
        last = -1
        while True:
            chunk = cache.select("SELECT pos, raw, e164, digits FROM rows WHERE view_id=? AND pos > ? AND digits != '' "
                                 "ORDER BY pos LIMIT ?", (view, last, CHUNK))
            if not chunk:
                break
            last = chunk[-1][0]
            for pos, raw, e164, digits in chunk:
                row = json.loads(raw)
                if e164 is None:
                    yield self._finding(f"impossible: {impossible_reason(_written(row, digits))}", digits, pos, row)
                elif not _valid(e164):
                    yield self._finding("invalid: no such number in its country's numbering plan", e164, pos, row)

    def _finding(self, reason: str, number: str, pos: int, raw: str | Mapping[str, Any]) -> dict[str, Any]:
        import json

        row = json.loads(raw) if isinstance(raw, str) else dict(raw)
        return {**row, "reason": reason, "number": number, "row": pos + 1}


_VALIDITY: dict[str, bool] = {}


def _valid(e164: str) -> bool:
    known = _VALIDITY.get(e164)
    if known is None:
        if len(_VALIDITY) > 100_000:
            _VALIDITY.clear()
        known = _VALIDITY[e164] = e164_facts(e164)[0]
    return known


# -- as text (the CLI; the app shows the same words) ------------------------------------------------

_SPACES = re.compile(r"\s+")


def summary_lines(insights: Insights) -> list[tuple[str, str]]:
    """(label, text) lines of every figure computed so far, in the words both the app and the
    CLI use. Server text (names, numbers, statuses) is uncleaned: each renderer cleans it."""
    i = insights
    lines: list[tuple[str, str]] = [("coverage", i.coverage.text())]
    if not i.coverage.cached:
        return lines + [("note", note) for note in i.notes]
    if "numbers" in i.stages:
        lines.append(("rows", f"{i.rows:,}" + (f" ({plural(i.no_number, 'row')} without a number)" if i.no_number
                                               else "")))
        lines.append(("numbers", f"{i.numbers:,} distinct"))
        if i.duplicated:
            lines.append(("duplicates", f"{plural(i.duplicated, 'number')} on more than one row: "
                                        f"{plural(i.extra_rows, 'extra row')}"))
        else:
            lines.append(("duplicates", "none"))
        impossible = i.impossible
        lines.append(("impossible", f"{plural(impossible.numbers, 'number')} on {plural(impossible.rows, 'row')}"
                      + (": " + ", ".join(f"{e.number} ({e.note})" for e in impossible.examples) if impossible.examples
                         else "")))
        national = i.national
        where = f"region {i.region}" if i.region else "no region set (--region)"
        lines.append(("national", f"{plural(national.numbers, 'number')} on {plural(national.rows, 'row')} without a "
                      f"country code, dialable only in {where}"
                      + (": " + ", ".join(f"{e.number} → {e.note}" for e in national.examples[:3])
                         if national.examples else "")))
    if "facts" in i.stages or i.classified:
        partial = "" if "facts" in i.stages else f" (so far: {i.classified:,} of {i.possible:,} numbers)"
        invalid = i.invalid
        lines.append(("invalid", f"{plural(invalid.numbers, 'number')} on {plural(invalid.rows, 'row')}{partial}"
                      + (": " + ", ".join(e.number for e in invalid.examples) if invalid.examples else "")))
        lines.append(("countries", ", ".join(f"{c.name or c.region} {c.code} {c.numbers:,}" for c in i.countries)
                      or "none"))
        lines.append(("types", ", ".join(f"{kind} {n:,}" for kind, n in i.kinds) or "none"))
    if "overlap" in i.stages:
        for o in i.overlaps:
            common = (f"{plural(o.common, 'number')} in common ({o.coverage.short()})" if o.coverage.cached
                      else "not cached" + (f" (its {plural(o.coverage.total, 'row')})" if o.coverage.total else ""))
            lines.append(("overlap" if o is i.overlaps[0] else "", f"{o.label}: {common}"))
        if not i.overlaps:
            lines.append(("overlap", "no other view of the stream is cached"))
    if "dates" in i.stages:
        if i.created:
            lines.append(("created", f"{i.created[0][0]} to {i.created[-1][0]}"
                          + (f" ({plural(i.undated, 'row')} without a date)" if i.undated else "")))
        if i.updated:
            lines.append(("updated", f"{i.updated[0][0]} to {i.updated[-1][0]}"))
        if i.statuses:
            more = f", and {plural(i.other_statuses, 'other')}" if i.other_statuses else ""
            lines.append(("status", ", ".join(f"{_SPACES.sub(' ', s)} {n:,}" for s, n in i.statuses) + more))
    for note in i.notes:
        lines.append(("note", note))
    return lines
