"""``kore-tui insights --stream S [--list L] [--json] [--fetch]``: list health at a glance.

The figures of :mod:`kore_tui.views.insights` as text (and a small chart of when rows were
created when stdout is a terminal), or as JSON for scripts. Without ``--fetch`` they are based on
what the local cache holds, and say so; with it, what is missing is fetched first, within the
request budget, with progress on stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import TYPE_CHECKING, Any

from kore_tui.text import clean, json_text

if TYPE_CHECKING:
    from kore_tui.api.models import Page
    from kore_tui.views.insights import Insights

# build_parser imports this module for every command (--help, --version too): what `insights`
# runs is imported when it runs (bench/bench_startup.py, tests/test_cli_conventions.py).


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    """The ``insights`` subcommand (``sub``: build_parser's subparsers)."""
    insights = sub.add_parser("insights", parents=[common],
                              help="what a list (or the directory) holds: duplicates, invalid numbers, countries, "
                                   "overlap, when it was filled")
    insights.add_argument("--stream", required=True)
    insights.add_argument("--list", dest="list_id", help="this contact list (default: the stream's directory)")
    insights.add_argument("--json", action="store_true", help="print the figures as JSON (schema: README)")
    insights.add_argument("--fetch", action="store_true",
                          help="fetch what the cache lacks first (within the request budget); "
                               "without it, the figures are based on what is cached")


async def cmd_insights(args: argparse.Namespace, options: Any) -> int:
    from kore_tui.cache import DIRECTORY
    from kore_tui.cli.common import CliError
    from kore_tui.cli.connect import _command_cache, session_for
    from kore_tui.cli.output import _Progress
    from kore_tui.sources import CacheLostRows
    from kore_tui.views.insights import InsightsModel

    cache = _command_cache(options)
    try:
        async with session_for(options, cache) as session:
            model = InsightsModel(session, args.stream, args.list_id or DIRECTORY)
            await model.prepare()
            if args.fetch:
                progress = _Progress(sys.stderr) if sys.stderr.isatty() else None
                coverage = model.coverage()
                if progress is not None and coverage.missing:
                    print(f"fetching the rest: {clean(model.cost_of_rest(coverage).text())}", file=sys.stderr)

                def walked(page: Page[Any]) -> None:
                    if progress is not None:
                        progress(page.end, page.total_results, "caching the view: ")

                try:
                    await model.fetch_rest(on_page=walked)
                except CacheLostRows as exc:
                    raise CliError(str(exc)) from None
                finally:
                    if progress is not None:
                        progress.done()
            insights = await model.run()
    finally:
        cache.close()
    if args.json:
        print(json_text(insights.to_json(), indent=2))
    else:
        print(describe(insights, chart=sys.stdout.isatty(), cost=None if args.fetch else model.cost_of_rest(
            insights.coverage).text()))
    return 0


def describe(insights: Insights, *, chart: bool = False, cost: str | None = None, width: int | None = None) -> str:
    """The figures as lines a person reads (cleaned for the terminal)."""
    from kore_tui.views.insights import bar_chart, buckets, summary_lines

    what = f"list {insights.list_id}" if insights.list_id else "the directory"
    name = f" ({insights.name})" if insights.name and insights.list_id else ""
    lines = [clean(f"{what}{name} in stream {insights.stream}:")]
    rows = summary_lines(insights)
    width_label = max(len(label) for label, _ in rows)
    lines += [f"  {label:>{width_label}}  {clean(text)}" for label, text in rows]
    if not insights.coverage.complete and cost:
        rest = f"the other {insights.coverage.missing:,} rows" if insights.coverage.missing else "the view"
        lines.append(f"  {'':>{width_label}}  --fetch fetches {rest} ({clean(cost)})")
    if chart and insights.created:
        columns = (width or shutil.get_terminal_size((80, 24)).columns) - 4
        unit, series = buckets(insights.created, max(8, columns - 8))
        lines.append("")
        lines.append(f"  rows created per {unit}:")
        lines += [f"  {line}" for line in bar_chart(series, columns, 4, unit)]
    return "\n".join(lines)
