"""``kore-tui campaigns --stream S``: the stream's campaigns with their lists and do-not-call list."""

from __future__ import annotations

import argparse
import sys

from kore_tui.cli.common import CAMPAIGN_KINDS, CAMPAIGN_STATUSES, EXIT_OK, Options
from kore_tui.cli.connect import session_for
from kore_tui.cli.output import _table
from kore_tui.text import clean, json_text


async def cmd_campaigns(args: argparse.Namespace, options: Options) -> int:
    """The stream's campaigns, one line each: id, type, status, name, lists, do-not-call list."""
    from kore_tui.views.campaigns import campaign_columns, campaign_to_json, campaigns_with_lists

    kinds = (args.kind,) if args.kind else CAMPAIGN_KINDS
    known = {status.casefold(): status for status in CAMPAIGN_STATUSES}
    args.statuses = [known.get(status.strip().casefold(), status.strip()) for status in args.statuses or ()]
    async with session_for(options) as session:
        # Straight from the server (like `lists`), with the status filter sent to it.
        links = await campaigns_with_lists(session, args.stream, kinds=kinds, statuses=args.statuses or ())
    if args.json:
        print(json_text([campaign_to_json(link) for link in links], indent=2))
        return EXIT_OK
    if not links:
        which = f" {args.kind}" if args.kind else ""
        status = f" in status {', '.join(args.statuses)}" if args.statuses else ""
        print(clean(f"stream {args.stream} has no{which} campaigns{status}"))
        return EXIT_OK
    rows = [tuple(clean(v) for v in campaign_columns(link)) for link in links]
    if sys.stdout.isatty():
        _table([(title, "left") for title in ("id", "type", "status", "name", "lists", "do-not-call")], rows)
        return EXIT_OK
    widths = [min(40, max(len(row[i]) for row in rows)) for i in range(4)]
    for cid, kind, status, name, lists, dnc in rows:
        print(f"{cid:<{widths[0]}}  {kind:<{widths[1]}}  {status:<{widths[2]}}  {name:<{widths[3]}}  "
              f"lists: {lists}  do-not-call: {dnc}")
    return EXIT_OK
