"""Export throughput: pages fetched ahead (concurrency 4 and 8) versus one request at a time.

Starts a demo server on loopback with a per-answer latency (a stand-in for a real network) and a
page cap, exports a list of N rows through the real client and export code with the request
budget off, and prints rows/s, the speed-up over the sequential walk, and the requests made
against the minimum ceil(rows / served page size).

    .venv/bin/python bench/bench_export.py [--rows 20000] [--latency 0.02] [--page-cap 100]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import time

from kore_tui.api.client import Connection, KoreClient
from kore_tui.demo.server import DemoServer
from kore_tui.export import CAMPAIGN_FIELDS, RowWriter, export_rows

STREAM = "st-demo-sales"


async def run_export(server: DemoServer, list_id: str, *, concurrency: int, page_size: int, fmt: str) -> tuple[int, float, int]:
    """(rows written, seconds, requests the server saw) for one export."""
    connection = Connection(host=server.url, account_id=server.account_id, client_id=server.client_id, max_rpm=0)
    server.reset_log()
    async with KoreClient(connection, server.secret) as client:
        fetch = lambda skip, limit: client.list_contacts_page(STREAM, list_id, skip, limit)  # noqa: E731
        with open(os.devnull, "w", encoding="utf-8", newline="") as out:
            writer = RowWriter(out, fmt, CAMPAIGN_FIELDS)
            started = time.perf_counter()
            rows = await export_rows(fetch, writer, page_size=page_size, concurrency=concurrency)
            elapsed = time.perf_counter() - started
    # Requests cancelled after they were sent may be answered a moment later: let them land.
    await asyncio.sleep(server.latency * 2 + 0.05)
    return rows, elapsed, len(server.requests_to("/getAllContacts"))


async def main_async(args: argparse.Namespace) -> int:
    server = DemoServer(latency=args.latency, page_cap=args.page_cap).start()
    try:
        list_id = f"cl-size-{args.rows}"
        served = min(args.page_size, args.page_cap)
        minimum = max(1, math.ceil(args.rows / served))
        print(f"export of {args.rows:,} rows ({args.format}), demo server latency {args.latency * 1000:.0f} ms, "
              f"page cap {args.page_cap}, asking {args.page_size} per page, budget off (max_rpm=0)")
        print()
        header = f"{'concurrency':>11}  {'seconds':>8}  {'rows/s':>9}  {'speed-up':>8}  {'requests':>8}  {'minimum':>7}"
        print(header)
        print("-" * len(header))
        baseline: float | None = None
        ok = True
        for concurrency in [1, *args.concurrency]:
            rows, seconds, requests = await run_export(server, list_id, concurrency=concurrency,
                                                       page_size=args.page_size, fmt=args.format)
            rate = rows / seconds if seconds else float("inf")
            baseline = baseline or rate
            label = f"{concurrency} (seq)" if concurrency == 1 else str(concurrency)
            print(f"{label:>11}  {seconds:8.2f}  {rate:9,.0f}  {rate / baseline:7.1f}x  {requests:8,}  {minimum:7,}")
            if rows != args.rows:
                print(f"  !! wrote {rows:,} rows, expected {args.rows:,}")
                ok = False
        return 0 if ok else 1
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000, help="rows in the exported list (default 20,000)")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds the server adds to each answer")
    parser.add_argument("--page-cap", type=int, default=100, help="largest page the server serves")
    parser.add_argument("--page-size", type=int, default=100, help="rows asked per request")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[4, 8], help="concurrency levels to compare with 1")
    parser.add_argument("--format", choices=("csv", "jsonl"), default="jsonl")
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(main())
