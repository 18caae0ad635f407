"""Which stored rows, in which order: RowQuery (the filter, a phone number, digits, a sort)
as SQL over the rows' indexes; the filter's SQL clause; a handle that interrupts a long read.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from kore_tui.cache.rows import digits_of
from kore_tui.phones import looks_like_phone, query_e164

_DATE_LIKE = re.compile(r"\d{4}-\d{2}(-\d{2})?")  # 2025-03-14: a date, not a phone number
NUMBER_DIGITS = 6  # a phone-like query with this many digits or more is matched as a number


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

    def statements(self, view: int) -> tuple[list[tuple[str, tuple[Any, ...]]], bool]:
        """SQL selecting ``pos`` (one statement, or one per index whose answers are united), and
        whether its answer is already in the query's order."""
        where: list[str] = ["view_id=?"]
        args: list[Any] = [view]
        if self.sort_column is not None or self.text:
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
            if self.sort_column is not None:
                column = f"s{int(self.sort_column)}"
                order = f"{column} IS NULL, {column} {'DESC' if self.descending else 'ASC'}, pos"
            else:
                order = "pos"
            return [(f"SELECT pos FROM rows WHERE {' AND '.join(where)} ORDER BY {order}", tuple(args))], True
        statements = []
        if self.e164:
            statements.append(("SELECT pos FROM rows INDEXED BY rows_e164 WHERE view_id=? AND e164=?",
                               (view, self.e164)))
        if self.digits:
            statements.append(("SELECT pos FROM rows INDEXED BY rows_digits WHERE view_id=? AND instr(digits, ?) > 0",
                               (view, self.digits)))
        if not statements:
            return [("SELECT pos FROM rows WHERE view_id=? ORDER BY pos", (view,))], True
        return statements, False


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
