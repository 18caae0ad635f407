"""Insights (#17) over 1,000,000 cached rows: time to the first figures and to all of them, memory,
and what computing them costs the UI's cursor.

The bench fills a cache file itself (RowCache.put_page with the demo rows of `cl-demo-1m`, in the
XDG dirs under $KORE_BENCH_DIR, default /tmp/kore-bench-insights, kept for the next run), then
runs each part in a fresh interpreter:

* compute: :func:`kore_tui.views.insights.compute` as the app's worker and the CLI run it, the
  time to its first report (rows, duplicates) and to the last, and the process's peak RSS;
* naive: the baseline, what reading every row in Python and asking phonenumbers of each number
  costs (20,000 rows, scaled to a million);
* cursor: main-thread CPU per cursor move in the app on that list (80x24), keys sent 50 ms apart
  as a held key does, idle, then while the insights computation runs in a thread beside it (as
  the Insights screen's worker does), and how long after the last key the cursor is in place.

Prints figure | goal | measured | baseline | ratio, and exits 1 when a goal is missed.

    python bench/bench_insights.py
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kore_tui.api.models import CampaignContact, Page
from kore_tui.cache import RowCache, ViewKey
from kore_tui.demo import data

STREAM, LIST, ROWS = "st-demo-sales", "cl-demo-1m", 1_000_000
KEY = ViewKey("demo", STREAM, LIST)  # the demo profile's name: the app (--demo) reads the same rows
PAGE = 1_000
MOVES = 60


def rss_peak_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def fill() -> dict[str, Any]:
    cache = RowCache()
    if cache.count_rows(KEY) == ROWS:
        return {"fill_s": 0.0}
    stream = data.find_stream(STREAM)
    lst = data.find_list(stream, LIST) if stream else None
    assert stream is not None and lst is not None
    started = time.perf_counter()
    for skip in range(0, ROWS, PAGE):
        rows = tuple(CampaignContact.from_json(data.list_contact(stream, lst, i)) for i in range(skip, skip + PAGE))
        cache.put_page(KEY, skip, Page(rows=rows, skip=skip, limit=PAGE, has_more=skip + PAGE < ROWS,
                                       total_results=ROWS, total_pages=ROWS // PAGE))
    cache.mark_complete(KEY, ROWS)
    cache.close()
    return {"fill_s": time.perf_counter() - started}


def part_compute() -> dict[str, Any]:
    from kore_tui.views.insights import Inputs, compute

    cache = RowCache()
    reports: list[tuple[float, frozenset[str]]] = []
    started = time.perf_counter()
    result = compute(cache, Inputs(KEY), on_update=lambda i: reports.append((time.perf_counter() - started, i.stages)))
    total = time.perf_counter() - started
    return {"first_s": reports[0][0], "first_stages": sorted(reports[0][1]), "all_s": total,
            "reports": len(reports), "rss_mb": rss_peak_mb(), "rows": result.rows, "numbers": result.numbers,
            "duplicated": result.duplicated, "invalid": result.invalid.numbers, "countries": len(result.countries)}


def part_naive() -> dict[str, Any]:
    """Every row read into Python and each number asked of phonenumbers (memoised)."""
    from kore_tui.cache import primary_phone
    from kore_tui.phones import number_facts

    cache = RowCache()
    sample = 20_000
    started = time.perf_counter()
    seen: dict[str, Any] = {}
    counts: dict[str, int] = {}
    for _, raw in cache.rows_at(KEY, range(sample)):
        phone = primary_phone(raw) or ""
        facts = seen.get(phone)
        if facts is None:
            facts = seen[phone] = number_facts(phone)
        counts[facts.e164 or phone] = counts.get(facts.e164 or phone, 0) + 1
    return {"naive_s": (time.perf_counter() - started) * ROWS / sample}


async def part_cursor() -> dict[str, Any]:
    from kore_tui.ui.app import KoreTuiApp
    from kore_tui.views.insights import Cancelled, Inputs, compute

    app = KoreTuiApp(demo=True, animate=False, stream_id=STREAM, list_id=LIST, demo_knobs={"latency": 0.0})
    async with app.run_test(size=(80, 24)) as pilot:
        await asyncio.sleep(1.5)
        await pilot.pause()

        from textual import events

        table = app.screen.query_one("LazyTable")

        async def per_move() -> tuple[float, float]:
            """Main-thread CPU per key (ms, the same span idle subtracted), keys sent 50 ms apart as
            a key repeat does (straight to the driver, no Pilot waits); and how long after the
            last key the cursor was where the keys put it (ms)."""
            gap, keys = 0.05, ["down" if n % 6 != 5 else "up" for n in range(MOVES)]  # 50 down, 10 up
            idle = time.thread_time()
            await asyncio.sleep(gap * MOVES)
            idle = time.thread_time() - idle
            start_row, cpu, start = table.cursor_row, time.thread_time(), time.perf_counter()
            for n, key in enumerate(keys):
                app._driver.send_message(events.Key(key, None))  # type: ignore[union-attr]
                await asyncio.sleep(max(0.0, start + (n + 1) * gap - time.perf_counter()))
            sent = time.perf_counter()
            while table.cursor_row != start_row + 40 and time.perf_counter() - sent < 30:
                await asyncio.sleep(0.002)
            lag = (time.perf_counter() - sent) * 1000
            return (time.thread_time() - cpu - idle) / MOVES * 1000, lag

        await per_move()  # warm: pages ahead fetched once
        idle_cpu, idle_wall = await per_move()
        stop = threading.Event()
        done = threading.Event()

        def work() -> None:
            runs = 0
            try:
                while not stop.is_set():  # again and again: it runs throughout the measurement
                    compute(RowCache(), Inputs(KEY), cancelled=stop.is_set)
                    runs += 1
            except Cancelled:
                pass
            done.set()

        thread = threading.Thread(target=work, daemon=True)
        thread.start()
        await asyncio.sleep(3.0)  # past the first stage's queries: into the Python work
        busy_cpu, busy_wall = await per_move()
        still_running = not done.is_set()
        stop.set()
        thread.join()
    return {"idle_cpu_ms": idle_cpu, "idle_wall_ms": idle_wall, "busy_cpu_ms": busy_cpu, "busy_wall_ms": busy_wall,
            "ran_throughout": still_running}


PARTS = {"fill": lambda: fill(), "compute": lambda: part_compute(), "naive": lambda: part_naive(),
         "cursor": lambda: asyncio.run(part_cursor())}


def run_part(name: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--part", name], capture_output=True, text=True,
                          env={**os.environ, "TEXTUAL": ""}, timeout=1800)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        sys.stderr.write(f"part {name} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}\n")
        return {}
    return dict(json.loads(lines[-1][len("RESULT "):]))


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--part":
        print("RESULT " + json.dumps(PARTS[sys.argv[2]]()))
        return 0
    # The filled cache is kept for the next run (filling a million rows takes minutes).
    root = Path(os.environ.get("KORE_BENCH_DIR") or Path(tempfile.gettempdir()) / "kore-bench-insights")
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        os.environ[var] = str(root / var.lower())
    r: dict[str, Any] = {}
    for name in PARTS:
        started = time.perf_counter()
        r.update(run_part(name))
        sys.stderr.write(f"  {name}: {time.perf_counter() - started:.1f} s\n")
    rows: list[tuple[str, str, str, str, str]] = []
    fails: list[str] = []

    def add(figure: str, goal: str, measured: Any, baseline: Any = None, unit: str = "",
            ok: bool | None = None) -> None:
        def fmt(v: Any) -> str:
            if v is None or isinstance(v, str):
                return v or "-"
            return f"{v:,.1f}{unit}" if isinstance(v, float) else f"{v:,}{unit}"
        cell = fmt(measured) + ("  MISS" if ok is False else "")
        if ok is False:
            fails.append(figure.strip())
        ratio = f"{measured / baseline:.3g}" if isinstance(measured, (int, float)) and baseline else "-"
        rows.append((figure, goal, cell, fmt(baseline), ratio))

    g = r.get
    add("fill the cache (put_page, 1,000 rows a page)", "-", g("fill_s"), None, " s")
    add("first figures (rows, duplicates, impossible)", "<= 2 s", g("first_s"), g("naive_s"), " s",
        ok=None if g("first_s") is None else g("first_s") <= 2)
    add("all figures (and every number classified)", "<= 60 s", g("all_s"), g("naive_s"), " s",
        ok=None if g("all_s") is None else g("all_s") <= 60)
    add("  reports along the way", "-", g("reports"))
    add("  rows / distinct numbers", "1,000,000 / -", f"{g('rows') or 0:,} / {g('numbers') or 0:,}",
        ok=g("rows") == ROWS)
    add("peak RSS computing", "<= 150 MB", g("rss_mb"), None, " MB",
        ok=None if g("rss_mb") is None else g("rss_mb") <= 150)
    idle_cpu = g("idle_cpu_ms")
    add("CPU per cursor move while it computes (idle: baseline)", "<= 2 x idle", g("busy_cpu_ms"), idle_cpu, " ms",
        ok=None if g("busy_cpu_ms") is None or idle_cpu is None else g("busy_cpu_ms") <= 2 * idle_cpu)
    add("  last key -> cursor in place, while it computes (idle: baseline)", "<= 100 ms", g("busy_wall_ms"),
        g("idle_wall_ms"), " ms", ok=None if g("busy_wall_ms") is None else g("busy_wall_ms") <= 100)
    add("  the computation ran throughout", "yes", "yes" if g("ran_throughout") else "no",
        ok=bool(g("ran_throughout")))
    print(f"kore-tui insights over {ROWS:,} cached rows of {LIST} (baseline of the times: every row read and "
          f"classified in Python, 20,000 rows scaled up)\n")
    header = ("figure", "goal", "measured", "baseline", "ratio")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))
    print()
    print("all goals met" if not fails else "missed: " + "; ".join(fails))
    return 0 if not fails else 1


if __name__ == "__main__":
    sys.exit(main())
