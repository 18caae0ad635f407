"""Exporting every row of a view to CSV or JSON Lines, in server order, each row once.

Shared by ``kore-tui export`` and the app's export action. Pages are fetched ahead with bounded
concurrency (see :func:`kore_tui.api.walk.walk_pages`); the request budget still applies.

CSV is written to be safe to open in a spreadsheet: every value that holds a quote, a comma or a
line break (CR or LF) is quoted, so no value can end a row, and a value a spreadsheet would
evaluate as a formula (starting with ``=``, ``+``, ``-``, ``@``, TAB or CR) gets a leading ``'``,
unless it is a plain phone number, which must survive a round trip. JSON Lines escape every
non-printable character (see :func:`kore_tui.text.json_text`), so a line is safe to print.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TextIO

from kore_tui.api.models import CAMPAIGN_CONTACT_FIELDS, DIRECTORY_CONTACT_FIELDS, text_or_none
from kore_tui.api.walk import FetchPage, walk_pages
from kore_tui.text import clean, json_text

Format = Literal["csv", "jsonl"]
FORMATS: tuple[Format, ...] = ("csv", "jsonl")

CAMPAIGN_FIELDS = CAMPAIGN_CONTACT_FIELDS
DIRECTORY_FIELDS = DIRECTORY_CONTACT_FIELDS
EXTRA_COLUMN = "_extra"  # CSV: fields first seen after the header was written, as one JSON object

Progress = Callable[[int, int | None], None]  # (rows written, best known total)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A phone number as people write it: a spreadsheet may do arithmetic with it, but never calls a
# function or another program, and the number must read back as it was.
_PLAIN_PHONE = re.compile(r"\+?[\d\s()-]*\d[\d\s()-]*")


def neutralise(value: str) -> str:
    """A CSV cell a spreadsheet will show, not evaluate: ``=1+1`` becomes ``'=1+1``."""
    if value.startswith(FORMULA_STARTS) and not _PLAIN_PHONE.fullmatch(value):
        return "'" + value
    return value


class RowWriter:
    """Writes raw row objects as CSV (nested values as JSON) or JSON Lines.

    ``csv_raw`` leaves formulas as they are; ``for_terminal`` cleans every CSV cell of control
    characters (the rows go to a screen, not to a file).
    """

    def __init__(self, out: TextIO, fmt: Format, known_fields: Iterable[str], *,
                 csv_raw: bool = False, for_terminal: bool = False) -> None:
        self.out = out
        self.fmt = fmt
        self.known = list(known_fields)
        self.columns: list[str] | None = None
        # CRLF line ends: the csv module then quotes any value holding a CR or an LF.
        self._csv: Any = csv.writer(out, lineterminator="\r\n") if fmt == "csv" else None
        self._cell = _cell_writer(csv_raw=csv_raw, for_terminal=for_terminal)
        self.rows = 0

    def write(self, rows: Iterable[Mapping[str, Any]]) -> None:
        rows = list(rows)
        if self.fmt == "jsonl":
            self.out.write("".join(json_text(row) + "\n" for row in rows))
        else:
            if self.columns is None:
                # The header is the documented fields, then any others the first page shows.
                seen = [k for row in rows for k in row if k not in self.known]
                self.columns = self.known + list(dict.fromkeys(seen))
                self._csv.writerow([self._cell(c) for c in self.columns + [EXTRA_COLUMN]])
            cell = self._cell
            for row in rows:
                extra = {k: v for k, v in row.items() if k not in self.columns}
                cells = [cell(_text(row.get(c))) for c in self.columns]
                cells.append(cell(json.dumps(extra, ensure_ascii=False)) if extra else "")
                self._csv.writerow(cells)
        self.rows += len(rows)

    def finish(self) -> None:
        if self.fmt == "csv" and self.columns is None:
            self._csv.writerow([self._cell(c) for c in self.known + [EXTRA_COLUMN]])  # an empty list still gets its header
        self.out.flush()


def _text(value: Any) -> str:
    """A CSV cell's text: text as is, nested values as compact JSON, null as empty."""
    return text_or_none(value) or ""


def _cell_writer(*, csv_raw: bool, for_terminal: bool) -> Callable[[str], str]:
    if for_terminal and csv_raw:
        return clean
    if for_terminal:
        return lambda text: neutralise(clean(text))
    if csv_raw:
        return lambda text: text
    return neutralise


async def export_rows(
    fetch: FetchPage,
    writer: RowWriter,
    *,
    page_size: int = 100,
    concurrency: int = 4,
    on_progress: Progress | None = None,
) -> int:
    """Walk every page through ``fetch`` and write its rows; returns the number written."""
    async for page in walk_pages(fetch, page_size=page_size, concurrency=concurrency):
        writer.write(row.raw for row in page.rows)
        if on_progress is not None:
            on_progress(writer.rows, page.total_results)
    writer.finish()
    return writer.rows
