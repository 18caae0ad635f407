"""``kore-tui export contacts|list|outcomes``: every row of a view to CSV or JSON Lines, on stdout or
all or nothing into a file (``--filter``: the matching rows, the view first completed in the cache)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kore_tui.cli.common import EXIT_OK, CliError, Interrupted, Options
from kore_tui.cli.connect import _command_cache, session_for
from kore_tui.cli.output import _Progress, _progress
from kore_tui.text import clean

if TYPE_CHECKING:
    from kore_tui.api.pacing import RequestBudget, SharedBudget
    from kore_tui.api.walk import FetchPage
    from kore_tui.export import RowWriter
    from kore_tui.session import Session
    from kore_tui.sources import ViewSource


async def cmd_export(args: argparse.Namespace, options: Options) -> int:
    from kore_tui.cache import DIRECTORY
    from kore_tui.export import CAMPAIGN_FIELDS, DIRECTORY_FIELDS, RowWriter
    from kore_tui.files import check_target
    from kore_tui.views.campaigns import OUTCOME_FIELDS

    if args.page_size < 1 or args.concurrency < 1:
        raise CliError("--page-size and --concurrency must be at least 1")
    target = Path(args.output) if args.output and args.output != "-" else None
    if target is not None:
        check_target(target, force=args.force)  # before any request: a refusal costs nothing
    cache = _command_cache(options) if args.filter else None
    list_id = args.list_ids[0] if args.list_ids else None
    async with session_for(options, cache) as session:
        source: ViewSource
        if args.what == "outcomes":
            source = session.outcomes_source(args.stream, args.campaign_id)
        else:
            source = session.source(args.stream, list_id if args.what == "list" and list_id else DIRECTORY)
        # Straight from the server: an export is a fresh copy, and rows it fetches stay in memory.
        fetch: FetchPage = source.client_fetch
        if args.filter:
            fetch = await _filtered_fetch(session, source, args.filter, args.page_size)
        fields = (OUTCOME_FIELDS if args.what == "outcomes" else DIRECTORY_FIELDS if source.is_directory
                  else CAMPAIGN_FIELDS)
        if target is None:
            writer = RowWriter(sys.stdout, args.format, fields, csv_raw=args.csv_raw, for_terminal=sys.stdout.isatty())
            await _export(fetch, writer, args, where="", budget=session.budget)
        else:
            await _export_to_file(fetch, fields, target, args, budget=session.budget)
    return EXIT_OK


async def _filtered_fetch(session: Session, source: ViewSource, text: str, page_size: int) -> FetchPage:
    """The view completed in the cache (only what is missing or stale is fetched), then the rows
    matching ``text`` read from it page by page."""
    from kore_tui.sources import CacheLostRows
    from kore_tui.views.contacts import ContactsModel

    progress = _progress("caching the view")
    try:
        await source.complete(page_size=page_size,
                              on_page=(lambda page: progress(page.end, page.total_results)) if progress else None)
    except CacheLostRows as exc:
        raise CliError(str(exc)) from None
    finally:
        if progress:
            progress.done()
    model = ContactsModel(source)
    model.filter_text, model.region = text, session.region
    return model.query_fetch()


def _stating_cost(progress: _Progress | None, budget: RequestBudget | SharedBudget | None,
                  page_size: int) -> Callable[[int, int | None], None] | None:
    """The export's progress callback: on a terminal, the first page's total says what the whole
    export costs (``1,000,000 rows ≈ 10,000 requests ≈ 2 h 47 min at 60/min``), said once above
    the bar when it is over a hundred requests; then the bar follows the rows."""
    if progress is None:
        return None
    stated = False

    def on_progress(rows: int, total: int | None) -> None:
        nonlocal stated
        if not stated and total:
            stated = True
            from kore_tui.views.estimate import estimate_under

            served = min(page_size, rows) if total > rows else page_size  # the page size the server serves
            cost = estimate_under(budget, total, page_size=max(1, served))
            if cost.needs_confirm:
                progress.say(f"{cost.text()}; Ctrl+C stops it")
        progress(rows, total)

    return on_progress


async def _export(fetch: Callable[[int, int], Any], writer: RowWriter, args: argparse.Namespace, where: str,
                  budget: RequestBudget | SharedBudget | None = None) -> None:
    """Every row through ``writer``; an error says how many rows were written before it."""
    from kore_tui.api.errors import ApiError
    from kore_tui.export import export_rows

    progress = _progress("export")
    try:
        await export_rows(fetch, writer, page_size=args.page_size, concurrency=args.concurrency,
                          on_progress=_stating_cost(progress, budget, args.page_size))
    except ApiError as exc:
        raise CliError(f"{exc.kind}: {exc} ({writer.rows:,} rows written{where} before the error)") from None
    finally:
        if progress:
            progress.done()


async def _export_to_file(fetch: FetchPage, fields: Sequence[str], path: Path, args: argparse.Namespace,
                          budget: RequestBudget | SharedBudget | None = None) -> None:
    """All or nothing: the rows go to a temp file renamed to ``path`` once every row is in."""
    import asyncio

    from kore_tui.api.errors import ApiError
    from kore_tui.files import TargetError
    from kore_tui.views.export import ExportJob, export_to_file

    job = ExportJob(path, fmt=args.format, force=args.force, keep_partial=args.keep_partial, csv_raw=args.csv_raw)
    progress = _progress(f"export to {path.name}")
    try:
        await export_to_file(job, fields, fetch=fetch, page_size=args.page_size, concurrency=args.concurrency,
                             on_progress=_stating_cost(progress, budget, args.page_size))
    except (KeyboardInterrupt, asyncio.CancelledError):
        raise Interrupted(f"interrupted: {job.outcome()}") from None
    except ApiError as exc:
        raise CliError(f"{exc.kind}: {exc} ({job.outcome()})") from None
    except TargetError as exc:
        raise CliError(f"{exc} ({job.outcome()})") from None
    except OSError as exc:
        raise CliError(f"{exc.strerror or exc}: {job.outcome()}") from None
    finally:
        if progress:
            progress.done()
    print(f"{job.rows:,} rows written to {clean(str(path))}", file=sys.stderr)
