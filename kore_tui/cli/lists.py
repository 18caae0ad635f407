"""``kore-tui lists --stream S``: the stream's contact lists, one line each (a table on a terminal)."""

from __future__ import annotations

import argparse
import sys

from kore_tui.cli.common import EXIT_OK, Options
from kore_tui.cli.connect import session_for
from kore_tui.cli.output import _table
from kore_tui.text import clean


async def cmd_lists(args: argparse.Namespace, options: Options) -> int:
    async with session_for(options) as session:
        lists = await session.client.contact_lists(args.stream)
    if not lists:
        print(f"stream {clean(args.stream)} has no contact lists")
        return EXIT_OK
    rows = [(clean(lst.id), "?" if lst.total_record_count is None else f"{lst.total_record_count:,}",
             clean(lst.status or "-"), clean(lst.name or "")) for lst in lists]
    if sys.stdout.isatty():
        _table((("id", "left"), ("rows", "right"), ("status", "left"), ("name", "left")), rows)
        return EXIT_OK
    width = max(len(row[0]) for row in rows)
    for list_id, count, status, name in rows:
        print(f"{list_id:<{width}}  {count:>10}  {status:<8}  {name}")
    return EXIT_OK
