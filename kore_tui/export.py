"""Exporting every row of a view to CSV or JSON Lines, in server order, each row once.

Shared by ``kore-tui export`` and the app's export action. Pages are fetched ahead with bounded
concurrency (see :func:`kore_tui.api.walk.walk_pages`); the request budget still applies.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal, TextIO

from kore_tui.api.models import text_or_none
from kore_tui.api.walk import FetchPage, walk_pages

Format = Literal["csv", "jsonl"]
FORMATS: tuple[Format, ...] = ("csv", "jsonl")

CAMPAIGN_FIELDS = ("_id", "phoneNumber", "createdAt", "updatedAt")
DIRECTORY_FIELDS = (
    "id", "firstName", "lastName", "fullName", "salutation", "cellPhone", "status", "instanceBotId",
    "orgId", "accountId", "createdBy", "createdByAId", "address", "twitterDetails", "createdAt",
    "updatedAt", "updatedBy", "updatedByAId",
)
EXTRA_COLUMN = "_extra"  # CSV: fields first seen after the header was written, as one JSON object

Progress = Callable[[int, int | None], None]  # (rows written, best known total)


class RowWriter:
    """Writes raw row objects as CSV (nested values as JSON) or JSON Lines."""

    def __init__(self, out: TextIO, fmt: Format, known_fields: Iterable[str]) -> None:
        self.out = out
        self.fmt = fmt
        self.known = list(known_fields)
        self.columns: list[str] | None = None
        self._csv: Any = csv.writer(out, lineterminator="\n") if fmt == "csv" else None
        self.rows = 0

    def write(self, rows: Iterable[Mapping[str, Any]]) -> None:
        rows = list(rows)
        if self.fmt == "jsonl":
            for row in rows:
                self.out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            if self.columns is None:
                # The header is the documented fields, then any others the first page shows.
                seen = [k for row in rows for k in row if k not in self.known]
                self.columns = self.known + list(dict.fromkeys(seen))
                self._csv.writerow(self.columns + [EXTRA_COLUMN])
            for row in rows:
                extra = {k: v for k, v in row.items() if k not in self.columns}
                cells = [_cell(row.get(c)) for c in self.columns]
                cells.append(json.dumps(extra, ensure_ascii=False) if extra else "")
                self._csv.writerow(cells)
        self.rows += len(rows)

    def finish(self) -> None:
        if self.fmt == "csv" and self.columns is None:
            self._csv.writerow(self.known + [EXTRA_COLUMN])  # an empty list still gets its header
        self.out.flush()


def _cell(value: Any) -> str:
    """A CSV cell: text as is, nested values as compact JSON, null as empty."""
    return text_or_none(value) or ""


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
