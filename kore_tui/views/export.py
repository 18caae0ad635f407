"""Exporting a view to a file, all or nothing: what ``kore-tui export -o`` and the app's export
screen both do. The rows go to a temp file (see :mod:`kore_tui.files`) that becomes the target
only once every row is in; whatever stops the export (a server error, a full disk, Ctrl+C, Esc)
leaves the target as it was, and the job says how many rows were fetched and what was kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kore_tui.api.walk import FetchPage
from kore_tui.export import Format, Progress, RowWriter, export_rows
from kore_tui.files import AtomicTarget
from kore_tui.views.format import plural


@dataclass
class ExportJob:
    """One export to ``path``: what it asked for, and how far it got."""

    path: Path
    fmt: Format = "csv"
    force: bool = False  # replace an existing file
    keep_partial: bool = False  # on failure, keep the rows written as NAME.partial
    csv_raw: bool = False  # leave formula-like CSV cells as they are
    rows: int = 0  # rows written to the temp file so far
    kept: Path | None = None  # where a partial file was kept

    def outcome(self) -> str:
        """After a failure: what became of the rows."""
        if self.kept is not None:
            return f"the {plural(self.rows, 'row')} fetched {'is' if self.rows == 1 else 'are'} kept in {self.kept}"
        return f"{plural(self.rows, 'row')} fetched, nothing written to {self.path}"


async def export_to_file(
    job: ExportJob,
    fields: Sequence[str],
    *,
    fetch: FetchPage | None = None,
    rows: Iterable[Mapping[str, Any]] | None = None,
    page_size: int = 100,
    concurrency: int = 4,
    on_progress: Progress | None = None,
) -> int:
    """Every page through ``fetch`` (or the ``rows`` given) into ``job.path``; returns the rows
    written. Raises what stopped it (ApiError, OSError, TargetError, CancelledError, ...) after
    the temp file is gone or kept (``job.kept``)."""
    # The file system calls that may wait (creating, fsync and rename) run in a thread.
    target = await asyncio.to_thread(AtomicTarget, job.path, force=job.force)
    try:
        writer = RowWriter(target.handle, job.fmt, fields, csv_raw=job.csv_raw)

        def progress(written: int, total: int | None) -> None:
            job.rows = written
            if on_progress is not None:
                on_progress(written, total)

        if rows is not None:
            writer.write(rows)
            writer.finish()
            progress(writer.rows, writer.rows)
        else:
            assert fetch is not None, "give fetch or rows"
            await export_rows(fetch, writer, page_size=page_size, concurrency=concurrency, on_progress=progress)
        job.rows = writer.rows
        await asyncio.to_thread(target.commit)
    except BaseException:
        target.discard(keep_partial=job.keep_partial)
        job.kept = target.kept
        raise
    return job.rows
