"""`find` on a number that two campaigns dialed (#16): cold and warm, with the campaign side.

The number is row 1 of the demo's "VIP follow-up" list, which its own campaign and "VIP second
round" both dialed. A cold lookup (empty cache, default --max-rows) searches the directory and
every list within the limit, reads the stream's campaigns, the do-not-call list, and the outcomes
of the two campaigns; a warm one answers from the cache. The demo server runs in this process
on loopback with the given latency; each cold run gets a fresh server and cache (and so a fresh
request budget).

Prints figure | goal | measured | baseline | ratio, where the baseline is the same lookup
without the campaign side (lists only, as before #16); exits 1 when a goal is missed.

    python bench/bench_campaign_find.py [--latency 0.03] [--warm-runs 7]
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
from kore_tui.demo import data
from kore_tui.demo.server import DemoServer
from kore_tui.lookup import LookupResult, find_phone
from kore_tui.views.campaigns import DIALED

STREAM = data.STREAMS[0]
SEVEN = data.find_list(STREAM, "cl-demo-seven")
assert SEVEN is not None
PHONE = str(data.list_contact(STREAM, SEVEN, 1)["phoneNumber"])
BUDGET = 60  # the platform's per-account limit: requests a minute


async def cold(latency: float, max_rpm: int, campaigns: bool,
               keep: bool = False) -> tuple[float, LookupResult, RowCache | None, DemoServer | None, KoreClient | None]:
    server = DemoServer(latency=latency, page_cap=100).start()
    tmp = tempfile.mkdtemp(prefix="kore-bench-")
    cache = RowCache(Path(tmp) / "cache.sqlite3")
    client = KoreClient(Connection(server.url, server.account_id, server.client_id, max_rpm=max_rpm), server.secret)
    started = time.perf_counter()
    result = await find_phone(client, cache, "bench", STREAM.id, PHONE, campaigns=campaigns)
    seconds = time.perf_counter() - started
    if keep:
        return seconds, result, cache, server, client
    await client.aclose()
    cache.close()
    server.stop()
    return seconds, result, None, None, None


async def run(latency: float, warm_runs: int) -> int:
    await cold(latency, 0, campaigns=True)  # warm-up: imports, first connections
    off_s, off, *_ = await cold(latency, 0, campaigns=True)
    base_s, base, *_ = await cold(latency, 0, campaigns=False)
    paced_s, paced, cache, server, client = await cold(latency, BUDGET, campaigns=True, keep=True)
    assert cache is not None and server is not None and client is not None
    assert paced.campaigns is not None
    states = {hit.campaign.name: hit.state for hit in paced.campaigns.campaigns}
    assert states == {"VIP follow-up campaign": DIALED, "VIP second round": DIALED}, states

    warm_times = []
    for _ in range(warm_runs):
        server.reset_log()
        started = time.perf_counter()
        warm = await find_phone(client, cache, "bench", STREAM.id, PHONE)
        warm_times.append(time.perf_counter() - started)
        assert warm.requests == 0 and not server.requests, "a warm lookup sent requests"
    warm_ms = statistics.median(warm_times) * 1000
    await client.aclose()
    cache.close()
    server.stop()

    rows = [
        # figure, goal text, measured text, baseline text, ratio, met
        ("cold requests (60/min budget)", f"<= {BUDGET} (no budget wait)", f"{paced.requests}", f"{base.requests}",
         paced.requests / base.requests, paced.requests <= BUDGET),
        ("cold seconds (60/min budget)", "< 15 s", f"{paced_s:.2f} s", f"{base_s:.2f} s", paced_s / base_s,
         paced_s < 15),
        ("cold seconds (--max-rpm 0)", "< 10 s", f"{off_s:.2f} s", f"{base_s:.2f} s", off_s / base_s, off_s < 10),
        ("cold requests (--max-rpm 0)", f"<= {BUDGET}", f"{off.requests}", f"{base.requests}",
         off.requests / base.requests, off.requests <= BUDGET),
        ("warm requests", "0", f"{warm.requests}", "0", 1.0, warm.requests == 0),
        ("warm time (median)", "< 100 ms", f"{warm_ms:.1f} ms", "-", float("nan"), warm_ms < 100),
    ]
    print(f"find {PHONE} in {STREAM.id} (dialed by 2 campaigns), server latency {latency * 1000:.0f} ms; "
          f"baseline: the same lookup without campaigns\n")
    header = ("figure", "goal", "measured", "baseline", "ratio", "")
    widths = (30, 22, 10, 9, 6)
    print("  ".join(f"{h:<{w}}" for h, w in zip(header, widths, strict=False)))
    print("-" * 90)
    missed = 0
    for figure, goal, measured, baseline, ratio, met in rows:
        ratio_text = "-" if ratio != ratio else f"{ratio:.2f}"
        print(f"{figure:<30}  {goal:<22}  {measured:<10}  {baseline:<9}  {ratio_text:<6}  "
              f"{'met' if met else 'MISSED'}")
        missed += not met
    print(f"\nwarm: median of {warm_runs} (min {min(warm_times) * 1000:.1f} ms, max {max(warm_times) * 1000:.1f} ms); "
          f"cold searched {sum(v.rows for v in paced.lists) + paced.directory.rows:,} list rows and "
          f"{sum(v.rows for v in paced.outcome_searches):,} outcome rows")
    return 1 if missed else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--latency", type=float, default=0.03)
    parser.add_argument("--warm-runs", type=int, default=7)
    args = parser.parse_args()
    raise SystemExit(asyncio.run(run(args.latency, args.warm_runs)))


if __name__ == "__main__":
    main()
