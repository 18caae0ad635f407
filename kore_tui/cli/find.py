"""``kore-tui find PHONE --stream S``: a phone number in the stream's directory, lists and campaigns.
Exit status 0 found, 1 found nowhere, 2 an error."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from kore_tui.cli.common import EXIT_NOT_FOUND, EXIT_OK, Options
from kore_tui.cli.connect import _command_cache, session_for
from kore_tui.cli.output import _progress
from kore_tui.text import clean, json_text

if TYPE_CHECKING:
    from kore_tui.lookup import LookupResult


def found_anywhere(result: LookupResult) -> bool:
    """Whether the number is in the directory, a list or a campaign's outcomes: `find` exits 0."""
    return bool(result.directory.matches or result.lists_with_number
                or any(view.matches for view in result.outcome_searches))


async def cmd_find(args: argparse.Namespace, options: Options) -> int:
    cache = _command_cache(options)
    progress = _progress("find") if not args.json else None
    try:
        async with session_for(options, cache) as session:
            result = await session.find_phone(
                args.stream, args.phone, refresh=args.refresh, max_rows=args.max_rows, only_lists=args.list_ids or None,
                on_progress=(lambda name, rows, total: progress(rows, total, name)) if progress else None,
            )
    finally:
        if progress:
            progress.done()
        cache.close()
    if args.json:
        print(json_text(result.to_json(), indent=2))
    else:
        print(describe_lookup(result))
    return EXIT_OK if found_anywhere(result) else EXIT_NOT_FOUND


def describe_lookup(result: LookupResult, now: float | None = None) -> str:
    """The lookup's answer as lines a person reads."""
    from kore_tui.views.lookup import lookup_report

    report = lookup_report(result, now)
    lines = [f"{clean(report.heading)}:"]
    lines += [f"  directory: {clean(line.text)}" for line in report.directory]
    lines.append(f"  {report.lists_summary}" + (":" if report.lists else ""))
    lines += [f"    {clean(line.text)}" for line in report.lists]
    if report.campaigns_summary:
        lines.append(f"  {clean(report.campaigns_summary)}" + (":" if report.campaigns else ""))
        lines += [f"    {clean(line.text)}" for line in report.campaigns]
    if report.dnc:
        lines.append("  do-not-call:")
        lines += [f"    {clean(line.text)}" for line in report.dnc]
    lines.append("  searched:")
    lines += [f"    {clean(line.text)}" for line in report.searched]
    lines.append(f"  requests sent: {report.requests}")
    return "\n".join(lines)
