"""Which stored rows, in which order: RowQuery (the filter, a phone number, digits, a sort)
as SQL over the rows' indexes; the filter's SQL clause; a handle that interrupts a long read.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from kore_tui.cache.rows import digits_of
from kore_tui.cache.schema import DIGITS_INDEX, DIGITS_KEY_SPAN, GRAM
from kore_tui.phones import looks_like_phone, query_e164

_DATE_LIKE = re.compile(r"\d{4}-\d{2}(-\d{2})?")  # 2025-03-14: a date, not a phone number
NUMBER_DIGITS = 6  # a phone-like query with this many digits or more is matched as a number
# A digits query whose first DENSE_SAMPLE candidates in the digits index lie among fewer than
# DENSE_SPAN rows (over 2 % of them) reads every match by a scan: a candidate costs a row read,
# about twenty times a scanned index entry.
DENSE_SAMPLE = 1_000
DENSE_SPAN = 50_000


class ReadHandle:
    """Lets the caller of a long query stop it from another thread (a newer query supersedes it)."""

    def __init__(self) -> None:
        self.connection: sqlite3.Connection | None = None

    def interrupt(self) -> None:
        connection = self.connection
        if connection is not None:
            connection.interrupt()


@dataclass(frozen=True, slots=True)
class RowQuery:
    """Which stored rows, in which order: the text filter (any value contains it), or a phone
    number (its E.164 form, exactly), or digits (a phone number's digits contain them); sorted
    by a column's values (see sort_values) or in the view's order."""

    text: str = ""
    e164: str | None = None
    digits: str | None = None
    sort_column: int | None = None
    descending: bool = False

    @classmethod
    def for_text(cls, needle: str, *, region: str | None = None, sort_column: int | None = None,
                 descending: bool = False) -> RowQuery:
        """The filter as a user types it: a possible phone number matches by its E.164 form;
        other number-like text by digits, or any value containing it; any other text, any value."""
        text = needle.strip().casefold()
        phone_like = looks_like_phone(needle) and not _DATE_LIKE.match(text)
        e164 = query_e164(needle, region) if phone_like else None
        digits = digits_of(text) if phone_like else None
        # A number matches by its E.164 form or by its digits, read from the indexes alone; a
        # short run of digits may be part of any value, so the text is searched too.
        number_only = e164 is not None or (digits is not None and len(digits) >= NUMBER_DIGITS)
        return cls(text="" if number_only else text, e164=e164, digits=digits, sort_column=sort_column,
                   descending=descending)

    @property
    def sorted(self) -> bool:
        return self.sort_column is not None

    @property
    def digits_indexable(self) -> bool:
        """Whether the digits index can answer the digits: a run of GRAM digits or more, and no
        text (a text query scans the rows anyway)."""
        return self.digits is not None and len(self.digits) >= GRAM and not self.text

    def digits_match(self) -> str:
        """The digits index's MATCH: every run of GRAM digits the query holds. Without positions
        in the index the runs need not be adjacent in a row: its answers are candidates."""
        digits = self.digits or ""
        runs = dict.fromkeys(digits[i:i + GRAM] for i in range(len(digits) - GRAM + 1))
        return " AND ".join(f'"{run}"' for run in runs)

    def _order(self) -> str:
        if self.sort_column is None:
            return "pos"
        column = f"s{int(self.sort_column)}"
        return f"{column} IS NULL, {column} {'DESC' if self.descending else 'ASC'}, pos"

    def _digits_lookup(self, view: int, *, ordered: bool) -> tuple[str, tuple[Any, ...]]:
        """The positions whose digits contain the query's, from the digits index (its candidates
        checked against rows.digits), in the view's order when ``ordered``."""
        base = view * DIGITS_KEY_SPAN
        sql = (f"SELECT r.pos FROM {DIGITS_INDEX} f CROSS JOIN rows r ON r.view_id=? AND r.pos=f.rowid-? "
               f"WHERE {DIGITS_INDEX} MATCH ? AND f.rowid BETWEEN ? AND ? AND instr(r.digits, ?) > 0")
        return (sql + " ORDER BY f.rowid" if ordered else sql,
                (view, base, self.digits_match(), base, base + DIGITS_KEY_SPAN - 1, self.digits))

    def statements(self, view: int, *, digits_index: bool = True) -> tuple[list[tuple[str, tuple[Any, ...]]], bool]:
        """SQL selecting ``pos`` (one statement, or one per index whose answers are united), and
        whether its answer is already in the query's order. ``digits_index``: the digits may be
        read from the digits index (see :meth:`plan`); else its B-tree index is scanned."""
        indexed = digits_index and self.digits_indexable
        if self.text or (self.sorted and not indexed):
            where: list[str] = ["view_id=?"]
            args: list[Any] = [view]
            alternatives: list[str] = []
            alt_args: list[Any] = []
            if self.e164:
                alternatives.append("e164=?")
                alt_args.append(self.e164)
            if self.digits:
                alternatives.append("instr(digits, ?) > 0")
                alt_args.append(self.digits)
            if self.text:
                alternatives.append("instr(search, ?) > 0")
                alt_args.append(self.text)
            if alternatives:
                where.append("(" + " OR ".join(alternatives) + ")")
                args += alt_args
            return [(f"SELECT pos FROM rows WHERE {' AND '.join(where)} ORDER BY {self._order()}", tuple(args))], True
        statements = []
        if self.e164:
            statements.append(("SELECT pos FROM rows INDEXED BY rows_e164 WHERE view_id=? AND e164=?",
                               (view, self.e164)))
        if self.digits and indexed:
            statements.append(self._digits_lookup(view, ordered=not self.sorted))
        elif self.digits:
            statements.append(("SELECT pos FROM rows INDEXED BY rows_digits WHERE view_id=? AND instr(digits, ?) > 0",
                               (view, self.digits)))
        if not statements:
            return [("SELECT pos FROM rows WHERE view_id=? ORDER BY pos", (view,))], True
        if self.sorted:
            # Sorted, the rows the indexes found only, not the whole view.
            union = " UNION ALL ".join(sql for sql, _ in statements)
            union_args = tuple(arg for _, args in statements for arg in args)
            return [(f"SELECT pos FROM rows WHERE view_id=? AND pos IN ({union}) ORDER BY {self._order()}",
                     (view, *union_args))], True
        return statements, indexed and len(statements) == 1

    def plan(self, db: sqlite3.Connection, view: int, *, limit: int | None = None,
             digits_index: bool = True) -> tuple[list[tuple[str, tuple[Any, ...]]], bool]:
        """:meth:`statements` for ``view`` in ``db``, with the digits index used only where it
        pays: not when the view has rows past its keys (they are not in it), nor when the query's
        first DENSE_SAMPLE candidates are dense (over DENSE_SAMPLE / DENSE_SPAN of the rows they
        span) and every match is wanted (no ``limit``, or sorted): each candidate costs a row
        read, which past that share costs more than the scan."""
        if digits_index and self.digits_indexable:
            (last,) = db.execute("SELECT max(pos) FROM rows WHERE view_id=?", (view,)).fetchone()
            if last is not None and last >= DIGITS_KEY_SPAN:
                digits_index = False
            elif limit is None or self.sorted:
                base = view * DIGITS_KEY_SPAN
                sample = [pos for (pos,) in db.execute(
                    f"SELECT rowid-? FROM {DIGITS_INDEX} WHERE {DIGITS_INDEX} MATCH ? AND rowid BETWEEN ? AND ? "
                    "ORDER BY rowid LIMIT ?", (base, self.digits_match(), base, base + DIGITS_KEY_SPAN - 1, DENSE_SAMPLE))]
                if len(sample) == DENSE_SAMPLE:
                    (span,) = db.execute("SELECT count(*) FROM (SELECT 1 FROM rows WHERE view_id=? AND pos BETWEEN ? AND ? "
                                         "LIMIT ?)", (view, sample[0], sample[-1], DENSE_SPAN)).fetchone()
                    digits_index = span >= DENSE_SPAN
        return self.statements(view, digits_index=digits_index)


def filter_clause(needle: str) -> tuple[str, tuple[str, ...]]:
    """SQL for the filter: any value contains the text (case-insensitive, any script), or, when
    the text looks like a phone number, the phone digits contain its digits."""
    text = needle.strip().casefold()
    clauses = ["instr(search, ?) > 0"]
    args: list[str] = [text]
    digits = digits_of(text)
    if len(digits) >= 3 and re.fullmatch(r"[\d\s+\-().]+", text):
        clauses.append("instr(digits, ?) > 0")
        args.append(digits)
    return " OR ".join(clauses), tuple(args)
