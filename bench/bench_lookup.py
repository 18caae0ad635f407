"""Phone lookup on a 100,000-row list: cold (empty cache) and warm (fresh cache).

Prints time and requests for each. Goal (issue #5): warm under 100 ms with zero requests.
The demo server runs in this process on loopback with the given latency; the request budget is
off (a cold lookup at the platform's 60 requests a minute would take ~17 minutes, which is why
lookups over lists this large are opt-in with --max-rows).

    python bench/bench_lookup.py [--latency 0.02] [--warm-runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kore_tui.api.client import Connection, KoreClient
from kore_tui.cache import RowCache
from kore_tui.demo.server import DemoServer
from kore_tui.lookup import find_phone

LIST = "cl-demo-100k"
STREAM = "st-demo-sales"
PHONE = "+1 555 000 0000"


async def run(latency: float, warm_runs: int) -> None:
    with DemoServer(latency=latency, page_cap=100) as server, tempfile.TemporaryDirectory() as tmp:
        cache = RowCache(Path(tmp) / "cache.sqlite3")
        connection = Connection(server.url, server.account_id, server.client_id, max_rpm=0)
        async with KoreClient(connection, server.secret) as client:
            started = time.perf_counter()
            cold = await find_phone(client, cache, "bench", STREAM, PHONE, only_lists=[LIST], max_rows=100_000,
                                    concurrency=8)
            cold_s = time.perf_counter() - started
            warm_times = []
            for _ in range(warm_runs):
                server.reset_log()
                started = time.perf_counter()
                warm = await find_phone(client, cache, "bench", STREAM, PHONE, only_lists=[LIST], max_rows=100_000)
                warm_times.append(time.perf_counter() - started)
                assert warm.requests == 0 and not server.requests
        rows = cold.lists[0].rows + cold.directory.rows
        print(f"lookup of {PHONE} in {LIST} (100,000 rows) + the directory ({cold.directory.rows:,} rows), "
              f"server latency {latency * 1000:.0f} ms, budget off\n")
        print(f"{'run':<6}{'time':>12}{'requests':>10}{'rows searched':>15}{'matches':>9}   goal")
        print("-" * 70)
        print(f"{'cold':<6}{cold_s:>10.2f} s{cold.requests:>10}{rows:>15,}{len(cold.lists[0].matches):>9}")
        median = statistics.median(warm_times) * 1000
        print(f"{'warm':<6}{median:>9.1f} ms{0:>10}{rows:>15,}{len(warm.lists[0].matches):>9}"
              f"   < 100 ms, 0 requests: {'met' if median < 100 else 'MISSED'}"
              f" (median of {warm_runs}; min {min(warm_times) * 1000:.1f} ms, max {max(warm_times) * 1000:.1f} ms)")
        cache.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.02)
    parser.add_argument("--warm-runs", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(run(args.latency, args.warm_runs))


if __name__ == "__main__":
    main()
