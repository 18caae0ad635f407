"""The local row cache: freshness, the off switch, file mode, crash safety; over real HTTP."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap

import pytest

from kore_tui.cache import APPLICATION_ID, CacheRefused, RowCache, ViewKey, cache_path, filter_clause
from kore_tui.demo import data
from kore_tui.demo.server import DemoServer
from kore_tui.sources import ViewSource

SALES = data.STREAMS[0]
KEY = ViewKey("p", SALES.id, "cl-demo-1k")


async def test_fresh_cache_sends_nothing_and_stale_cache_refreshes_in_background(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(demo_server)
    cache = RowCache()
    now = [1_000_000.0]
    source = ViewSource(client, cache, KEY, max_age=60, clock=lambda: now[0])
    first = await source.fetch(0, 100)
    await source.writes_done()
    assert len(demo_server.requests_to("getAllContacts")) == 1

    again = ViewSource(client, cache, KEY, max_age=60, clock=lambda: now[0] + 30)  # fresh
    cached = await again.fetch(0, 100)
    assert [r.id for r in cached.rows] == [r.id for r in first.rows]
    assert len(demo_server.requests_to("getAllContacts")) == 1  # answered from the cache
    assert again.oldest_served == now[0]

    refreshed: list[int] = []
    stale = ViewSource(client, cache, KEY, max_age=60, clock=lambda: now[0] + 3600)
    stale.on_refreshed = refreshed.append
    shown = await stale.fetch(0, 100)
    assert [r.id for r in shown.rows] == [r.id for r in first.rows]  # shown at once, from the cache
    for _ in range(200):
        if refreshed:
            break
        await __import__("asyncio").sleep(0.01)
    assert refreshed == [0]
    assert len(demo_server.requests_to("getAllContacts")) == 2  # one background refresh
    page = cache.get_page(KEY, 0)
    assert page is not None and page.fetched_at == now[0] + 3600
    cache.close()


async def test_a_view_with_no_stored_page_is_not_looked_up_and_one_stored_elsewhere_is_found_at_the_next_start(
        demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(demo_server)
    cache = RowCache()
    assert not cache.may_hold(KEY)
    source = ViewSource(client, cache, KEY)
    await source.fetch(0, 100)
    await source.writes_done()  # stored once served
    assert cache.may_hold(KEY) and not cache.may_hold(ViewKey("p", SALES.id, "cl-demo-100k"))

    other = RowCache()  # another process, started now: the page is on disk
    assert other.may_hold(KEY)
    await ViewSource(client, other, KEY).fetch(0, 100)
    assert len(demo_server.requests_to("getAllContacts")) == 1  # served from the file
    other.close()
    cache.close()


def test_cache_file_is_private(demo_server: DemoServer) -> None:
    cache = RowCache()
    cache.put_meta("p", "s", "x", {"a": 1})
    for path in (cache.path, *(cache.path.with_name(cache.path.name + s) for s in ("-wal", "-shm"))):
        if path.exists():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(cache.path.parent.stat().st_mode) & 0o077 == 0
    cache.close()


async def test_off_switch_keeps_nothing_on_disk(demo_server: DemoServer, client_for) -> None:  # type: ignore[no-untyped-def]
    cache = RowCache(persist=False)
    source = ViewSource(client_for(demo_server), cache, KEY)
    await source.fetch(0, 100)
    await source.writes_done()
    assert cache.count_rows(KEY) == 100  # the filter still has the rows, in memory
    assert not cache_path().exists()


def test_cli_no_cache_and_config_switch(demo_server: DemoServer, isolated_user_dirs) -> None:  # type: ignore[no-untyped-def]
    env = {**os.environ, "KORE_HOST": demo_server.url, "KORE_ACCOUNT_ID": demo_server.account_id,
           "KORE_CLIENT_ID": demo_server.client_id, "KORE_CLIENT_SECRET": demo_server.secret, "KORE_MAX_RPM": "0"}
    run = lambda *args: subprocess.run([sys.executable, "-m", "kore_tui", *args], env=env, capture_output=True,  # noqa: E731
                                       text=True, timeout=60)
    done = run("find", "15550000000", "--stream", SALES.id, "--list", "cl-demo-seven", "--no-cache")
    assert done.returncode == 0, done.stderr
    assert not cache_path().exists()
    config = isolated_user_dirs["XDG_CONFIG_HOME"] / "kore-tui" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("cache = false\n")
    done = run("find", "15550000000", "--stream", SALES.id, "--list", "cl-demo-seven")
    assert done.returncode == 0, done.stderr
    assert not cache_path().exists()
    config.write_text("cache = true\n")
    done = run("find", "15550000000", "--stream", SALES.id, "--list", "cl-demo-seven")
    assert done.returncode == 0, done.stderr
    assert cache_path().exists()
    info = run("cache", "info")
    assert "cl-demo-seven: 7 rows" in info.stdout
    cleared = run("cache", "clear")
    assert cleared.returncode == 0 and "removed" in cleared.stdout
    assert "empty" in run("cache", "info").stdout


def test_a_process_killed_mid_write_loses_nothing_committed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "cache.sqlite3"
    writer = textwrap.dedent(f"""
        import sys
        from kore_tui.api.models import CampaignContact, Page
        from kore_tui.cache import RowCache, ViewKey
        cache = RowCache({str(db)!r})
        key = ViewKey("p", "s", "l")
        for n in range(100000):
            rows = tuple(CampaignContact.from_json({{"_id": f"c{{n}}-{{i}}", "phoneNumber": str(i)}}) for i in range(100))
            cache.put_page(key, n * 100, Page(rows, n * 100, 100, True, None, None))
            print(n, flush=True)
    """)
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    committed = -1
    assert proc.stdout is not None
    for line in proc.stdout:
        committed = int(line)
        if committed >= 30:
            break
    os.kill(proc.pid, signal.SIGKILL)  # mid-way through a later write, with no chance to clean up
    proc.wait()

    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    cache = RowCache(db)
    key = ViewKey("p", "s", "l")
    for n in range(committed + 1):  # every page reported written is whole
        page = cache.get_page(key, n * 100)
        assert page is not None and [r["_id"] for r in page.rows] == [f"c{n}-{i}" for i in range(100)]
    assert cache.count_rows(key) % 100 == 0  # no half page
    cache.close()


def test_unknown_schema_is_dropped_not_misread(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "cache.sqlite3"
    raw = sqlite3.connect(db)
    raw.execute("CREATE TABLE rows (x)")
    raw.execute("PRAGMA user_version=99")
    raw.commit()
    with pytest.raises(CacheRefused):  # without our stamp it is another program's: left alone
        RowCache(db)
    assert raw.execute("SELECT name FROM sqlite_master").fetchall() == [("rows",)]
    raw.execute(f"PRAGMA application_id={APPLICATION_ID}")  # ours, of another schema version
    raw.commit()
    raw.close()
    cache = RowCache(db)
    assert cache.count_rows(KEY) == 0
    cache.put_meta("p", "s", "n", [1])
    assert cache.get_meta("p", "s", "n")[0] == [1]


def test_filter_clause_matches_phone_digits_only_for_phone_like_text() -> None:
    assert "digits" in filter_clause("+1 (555) 000-0001")[0]
    assert filter_clause("+1 (555) 000-0001")[1][-1] == "15550000001"
    assert "digits" not in filter_clause("Ana 12")[0]


