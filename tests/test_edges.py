"""Every promise at every edge: the files kore-tui writes, what it prints, the cache and log it
keeps, and how it ends. Each case drives the real CLI (a subprocess) or the real app (Pilot) over
real HTTP against the demo server, whose stream ``st-demo-edges`` serves hostile values: formulas,
line breaks, terminal escapes, C1, bidi controls, DEL and a lone surrogate.

What a user gets is asserted: the CSV as ``csv.reader`` reads it, the raw bytes a terminal
receives (through a pty), the file left at the target, the one line on stderr.
"""

from __future__ import annotations

import csv
import fcntl
import json
import os
import pty
import resource
import select
import signal
import socket
import sqlite3
import stat
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.widgets import Input, Static

from kore_tui.cache import RowCache, ViewKey, cache_path
from kore_tui.config import Config, Profile, Stream, save_config
from kore_tui.demo import data
from kore_tui.demo.server import DemoServer, Fault
from kore_tui.export import FORMULA_STARTS
from kore_tui.session import log_path
from kore_tui.text import BIDI_CONTROLS, json_text, printable_only
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.screens.export import ExportScreen
from kore_tui.ui.screens.profile import ProfileScreen
from kore_tui.ui.widgets.contact_view import ContactView
from tests.scenes import pinned_clock, settle
from tests.test_cli import base_env, env_for, run_cli

EDGES = data.EDGE_STREAM
EDGE_LIST = EDGES.lists[0]
EXPORT_EDGES = ("export", "list", "--stream", EDGES.id, "--list", EDGE_LIST.id)
PLAIN_PHONE = ("+44 20 7946 0958", "(201) 555-0100")


def edge_rows() -> list[dict[str, Any]]:
    """The list's rows as the user must get them: the lone surrogate read as U+FFFD."""
    rows = [data.list_contact(EDGES, EDGE_LIST, i) for i in range(EDGE_LIST.size)]
    return json.loads(json.dumps(rows).replace("\\ud800", "\\ufffd"))


def forbidden(text: str) -> list[str]:
    """Characters a terminal would act on (or that reorder what it shows)."""
    return sorted({repr(ch) for ch in text
                   if (ord(ch) < 0x20 and ch not in "\r\n") or 0x7F <= ord(ch) < 0xA0 or ch in BIDI_CONTROLS
                   or 0xD800 <= ord(ch) <= 0xDFFF})


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


def run_in_pty(*args: str, env: dict[str, str], answers: list[str] | None = None,
               timeout: float = 60) -> tuple[int, str, str]:
    """Run the CLI with a terminal as stdout (and as stdin when it is given ``answers``, typed a
    line at a time): (exit, the bytes the terminal received, stderr)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 200, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "kore_tui", *args], env=env,
                            stdin=slave if answers is not None else subprocess.DEVNULL,
                            stdout=slave, stderr=subprocess.PIPE, start_new_session=True)
    os.close(slave)
    if answers is not None:
        def type_answers() -> None:  # one line per prompt: readline drops what was typed ahead
            for answer in answers:
                time.sleep(0.6)
                os.write(master, answer.encode() + b"\n")
        threading.Thread(target=type_answers, daemon=True).start()
    out = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed its side
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    stderr = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    os.close(master)
    return proc.returncode, out.decode("utf-8", "surrogateescape"), stderr


def read_csv(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def evaluated_cells(records: list[list[str]]) -> list[str]:
    return [cell for record in records for cell in record
            if cell.startswith(FORMULA_STARTS) and cell not in PLAIN_PHONE]


# -- 1. CSV that is safe to open -------------------------------------------------------------------


def test_csv_reads_back_row_for_row_and_no_cell_is_a_formula(demo_server: DemoServer, tmp_path: Path) -> None:
    out = tmp_path / "edges.csv"
    result = run_cli(*EXPORT_EDGES, "-o", str(out), env=env_for(demo_server))
    assert result.returncode == 0, result.stderr
    records = read_csv(out)
    assert len(records) == EDGE_LIST.size + 1  # a header and one record per row: no value split a row
    assert evaluated_cells(records) == []
    header, body = records[0], records[1:]
    assert header[:5] == ["_id", "phoneNumber", "createdAt", "updatedAt", "note"]
    assert "'=SUM(A1:A9)" in header  # a field name is server text too
    for record, row in zip(body, edge_rows()):
        got = dict(zip(header, record))
        for field in ("_id", "phoneNumber", "note"):
            value = row[field]
            expected = value if not value.startswith(FORMULA_STARTS) or value in PLAIN_PHONE else "'" + value
            assert got[field] == expected  # neutralised, otherwise byte for byte
    assert set(PLAIN_PHONE) <= {r[4] for r in body}  # plain numbers untouched


def test_csv_raw_keeps_formulas_but_never_splits_a_row(demo_server: DemoServer, tmp_path: Path) -> None:
    out = tmp_path / "raw.csv"
    result = run_cli(*EXPORT_EDGES, "--csv-raw", "-o", str(out), env=env_for(demo_server))
    assert result.returncode == 0, result.stderr
    records = read_csv(out)
    assert len(records) == EDGE_LIST.size + 1
    assert [r[4] for r in records[1:]] == [row["note"] for row in edge_rows()]


# -- 2. Terminal-safe output everywhere ------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_export_to_a_terminal_sends_no_control_sequence(demo_server: DemoServer, fmt: str) -> None:
    code, shown, stderr = run_in_pty(*EXPORT_EDGES, "--format", fmt, env=env_for(demo_server))
    assert code == 0, stderr
    assert forbidden(shown) == []
    lines = [line for line in shown.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line]
    if fmt == "jsonl":  # still JSON, and the same data
        assert [json.loads(line) for line in lines] == edge_rows()
    else:
        assert len(lines) == EDGE_LIST.size + 1  # cleaned values: one line per row


def test_jsonl_to_a_pipe_escapes_controls_and_round_trips(demo_server: DemoServer) -> None:
    result = run_cli(*EXPORT_EDGES, "--format", "jsonl", env=env_for(demo_server))
    assert result.returncode == 0, result.stderr
    assert forbidden(result.stdout) == []
    assert [json.loads(line) for line in result.stdout.splitlines()] == edge_rows()


@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_find_prints_no_control_sequence(demo_server: DemoServer, as_json: bool) -> None:
    args = ("find", "15550000009", "--stream", EDGES.id) + (("--json",) if as_json else ())
    code, shown, stderr = run_in_pty(*args, env=env_for(demo_server))
    assert code == 0, stderr
    assert forbidden(shown) == []
    if as_json:
        answer = json.loads(shown)
        assert answer["directory"]["matches"][0]["contact"]["fullName"] == data.EDGE_VALUES[9]
    else:
        assert "Edge" in shown and "cl-demo-edges" in shown


def test_lists_profiles_and_login_print_config_and_server_text_inertly(demo_server: DemoServer) -> None:
    hostile = "x\x1b]0;owned\x07\x1b[31m\x9b2J\u202e"
    profile = Profile(name="edge\x1b[5m", host=demo_server.url, account_id=demo_server.account_id + hostile,
                      client_id=demo_server.client_id, app_id=hostile, streams=[Stream(EDGES.id + hostile)])
    save_config(Config(profiles={profile.name: profile}, default_profile=profile.name))
    env = env_for(demo_server, KORE_APP_ID=EDGES.id)
    code, shown, stderr = run_in_pty("lists", "--stream", EDGES.id, env=env)
    assert code == 0, stderr
    assert "Edge" in shown and forbidden(shown) == []
    # The hostile app id itself cannot go into a request header: one line says so.
    code, shown, stderr = run_in_pty("lists", "--stream", EDGES.id, env=env_for(demo_server))
    assert code == 2 and "app id holds characters" in one_line(stderr) and forbidden(stderr) == []
    env = base_env()
    code, shown, stderr = run_in_pty("profiles", env=env)
    assert code == 0, stderr
    assert "edge" in shown and forbidden(shown) == []
    # login shows each current value as its prompt's default; Enter keeps them all.
    code, shown, stderr = run_in_pty("login", env=env, answers=[""] * 5 + ["not-stored"])
    assert "Account id [" in stderr  # readline prompts on stderr
    assert forbidden(shown) == [] and forbidden(stderr) == []


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                    max_leaves=12))
def test_json_text_is_printable_valid_json_of_the_same_value(value: Any) -> None:
    for indent in (None, 2):
        text = json_text(value, indent=indent)
        assert forbidden(text) == [] and "\t" not in text
        assert json.loads(text) == value


# -- 3. Export files are written safely ------------------------------------------------------------


def only_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_a_good_export_is_0600_and_an_existing_file_is_kept_without_force(demo_server: DemoServer, tmp_path: Path) -> None:
    out = tmp_path / "list.csv"
    env = env_for(demo_server)
    assert run_cli(*EXPORT_EDGES, "-o", str(out), env=env).returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    out.write_text("precious\n")
    demo_server.reset_log()
    result = run_cli(*EXPORT_EDGES, "-o", str(out), env=env)
    assert result.returncode == 2
    assert "exists" in one_line(result.stderr) and "--force" in result.stderr
    assert out.read_text() == "precious\n" and demo_server.requests == []  # refused before any request
    result = run_cli(*EXPORT_EDGES, "-o", str(out), "--force", env=env)
    assert result.returncode == 0, result.stderr
    assert len(read_csv(out)) == EDGE_LIST.size + 1 and only_files(tmp_path) == ["list.csv"]


def test_a_failed_export_leaves_the_target_untouched_and_no_temp_file(demo_server: DemoServer, tmp_path: Path) -> None:
    out = tmp_path / "list.jsonl"
    out.write_text("yesterday's export\n")
    demo_server.inject(Fault(status=400, message="skip is out of range", path_contains="getAllContacts",
                             min_skip=200, times=None))
    result = run_cli("export", "list", "--stream", "st-demo-sales", "--list", "cl-demo-1k", "--format", "jsonl",
                     "-o", str(out), "--force", "--concurrency", "1", env=env_for(demo_server))
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "400" in line and "200 rows fetched, nothing written" in line
    assert out.read_text() == "yesterday's export\n"
    assert only_files(tmp_path) == ["list.jsonl"]


def test_keep_partial_keeps_the_rows_as_name_partial(demo_server: DemoServer, tmp_path: Path) -> None:
    out = tmp_path / "list.jsonl"
    demo_server.inject(Fault(status=400, path_contains="getAllContacts", min_skip=200, times=None))
    result = run_cli("export", "list", "--stream", "st-demo-sales", "--list", "cl-demo-1k", "--format", "jsonl",
                     "-o", str(out), "--keep-partial", "--concurrency", "1", env=env_for(demo_server))
    assert result.returncode == 2
    partial = tmp_path / "list.jsonl.partial"
    assert str(partial) in one_line(result.stderr)
    assert not out.exists() and only_files(tmp_path) == ["list.jsonl.partial"]
    assert stat.S_IMODE(partial.stat().st_mode) == 0o600
    assert len(partial.read_text().splitlines()) == 200


def test_a_symlink_at_the_target_is_refused_even_with_force(demo_server: DemoServer, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("do not touch\n")
    link = tmp_path / "out.csv"
    link.symlink_to(victim)
    result = run_cli(*EXPORT_EDGES, "-o", str(link), "--force", env=env_for(demo_server))
    assert result.returncode == 2
    assert "symbolic link" in one_line(result.stderr)
    assert victim.read_text() == "do not touch\n" and link.is_symlink()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interrupted_export_writes_nothing(tmp_path: Path, sig: signal.Signals) -> None:
    out = tmp_path / "list.csv"
    with DemoServer(latency=0.2) as server:
        proc = subprocess.Popen([sys.executable, "-m", "kore_tui", "export", "list", "--stream", "st-demo-sales",
                                 "--list", "cl-demo-1k", "-o", str(out), "--concurrency", "1"],
                                env=env_for(server), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while len(server.requests_to("getAllContacts")) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 130
    line = one_line(stderr)
    assert "interrupted" in line and "nothing written" in line
    assert only_files(tmp_path) == []


def _small_files(limit: int) -> Any:
    def limit_file_size() -> None:  # a "full disk": writes past `limit` bytes fail (EFBIG)
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return limit_file_size


def test_a_full_disk_ends_in_one_line_and_no_file(demo_server: DemoServer, tmp_path: Path) -> None:
    out = tmp_path / "list.csv"
    result = subprocess.run([sys.executable, "-m", "kore_tui", "export", "list", "--stream", "st-demo-sales",
                             "--list", "cl-demo-1k", "-o", str(out)], env=env_for(demo_server),
                            capture_output=True, text=True, timeout=120, preexec_fn=_small_files(20_000))
    assert result.returncode == 2
    line = one_line(result.stderr)
    assert "nothing written" in line and "File too large" in line
    assert only_files(tmp_path) == []


async def test_the_apps_export_asks_before_replacing_and_reports_errors_on_its_screen(tmp_path: Path) -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=EDGES.id, list_id=EDGE_LIST.id)
    out = tmp_path / "edges.csv"
    out.write_text("keep me\n")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        path_input = screen.query_one("#export-path", Input)

        async def submit(path: Path) -> str:
            path_input.value = str(path)
            await pilot.press("enter")
            await settle(pilot)
            return str(screen.query_one("#export-result", Static).render())

        said = await submit(out)
        assert "exists" in said and out.read_text() == "keep me\n"
        said = await submit(out)  # Enter again: replace it
        assert "41 rows written" in said
        records = read_csv(out)
        assert len(records) == EDGE_LIST.size + 1 and evaluated_cells(records) == []
        assert stat.S_IMODE(out.stat().st_mode) == 0o600

        said = await submit(tmp_path / "no-such-dir" / "x.csv")
        assert "no such directory" in said
        said = await submit(tmp_path / ("x" * 300 + ".csv"))  # an OSError (name too long)
        assert "File name too long" in said
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running and only_files(tmp_path) == ["edges.csv"]


# -- 6. Never a traceback from the CLI; never an exit from the app on bad data or config -------------


def test_a_lone_surrogate_neither_sinks_find_nor_export(demo_server: DemoServer) -> None:
    env = env_for(demo_server)
    found = run_cli("find", "15550000012", "--stream", EDGES.id, "--json", env=env)
    assert found.returncode == 0, found.stderr
    contact = json.loads(found.stdout)["directory"]["matches"][0]["contact"]
    assert contact["fullName"] == "lone \ufffd surrogate"
    exported = run_cli(*EXPORT_EDGES, "--format", "jsonl", env=env)
    assert exported.returncode == 0 and "lone \ufffd surrogate" in exported.stdout


@pytest.mark.parametrize("depth", [200, 100_000])
def test_deeply_nested_json_is_one_line_or_a_flattened_field(demo_server: DemoServer, depth: int) -> None:
    rows = json.dumps([data.list_contact(EDGES, EDGE_LIST, i) for i in range(EDGE_LIST.size)])
    deep = '{"n":' * depth + '"bottom"' + "}" * depth  # built as text: too deep for json.dumps
    rows = rows.replace('"header"}', '"header", "custom": ' + deep + "}", 1)
    body = ('{"status": "success", "data": {"results": ' + rows + ', "skip": 0, "limit": 100, "hasMore": false, '
            f'"totalResults": {EDGE_LIST.size}}}}}').encode()
    demo_server.inject(Fault(path_contains="getAllContacts", body=body, times=None))
    result = run_cli(*EXPORT_EDGES, "--format", "jsonl", env=env_for(demo_server))
    assert "Traceback" not in result.stderr
    if depth == 200:  # parsed: the one deep field is noted, every row arrives
        assert result.returncode == 0, result.stderr
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert len(rows) == EDGE_LIST.size and rows[0]["custom"] == "(nested too deeply to show)"
    else:
        assert result.returncode == 2
        assert "nested too deeply" in one_line(result.stderr)


def test_a_full_disk_under_the_cache_is_one_line(demo_server: DemoServer) -> None:
    result = subprocess.run([sys.executable, "-m", "kore_tui", "find", "15550000100", "--stream", "st-demo-sales"],
                            env=env_for(demo_server), capture_output=True, text=True, timeout=120,
                            preexec_fn=_small_files(64_000))
    assert result.returncode == 2
    assert "cache" in one_line(result.stderr)


@pytest.mark.parametrize("args, words", [
    (("lists", "--stream", "s" * 100_000), "not an id"),
    (("--timeout", "nan", "lists", "--stream", "x"), "above 0"),
    (("lists", "--stream", "x", "--timeout", "-1"), "above 0"),
    (("lists", "--stream", "x", "--timeout", "inf"), "above 0"),
])
def test_bad_arguments_are_one_line(demo_server: DemoServer, args: tuple[str, ...], words: str) -> None:
    result = run_cli(*args, env=env_for(demo_server))
    assert result.returncode == 2
    assert words in one_line(result.stderr)


@pytest.mark.parametrize("host, ca_bundle, words", [
    ("http://example.com", "", "refusing plain http://"),
    (None, "/nonexistent/ca.pem", "CA bundle /nonexistent/ca.pem is not a readable file"),
])
async def test_a_profile_that_cannot_be_used_opens_the_profile_screen(
        demo_server: DemoServer, monkeypatch: pytest.MonkeyPatch, host: str | None, ca_bundle: str, words: str) -> None:
    profile = Profile(name="bad", host=host or demo_server.url, account_id=demo_server.account_id,
                      client_id=demo_server.client_id, streams=[Stream("st-demo-sales")], ca_bundle=ca_bundle)
    save_config(Config(profiles={"bad": profile}, default_profile="bad"))
    monkeypatch.setenv("KORE_CLIENT_SECRET", demo_server.secret)
    app = KoreTuiApp(clock=pinned_clock, animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        assert words in str(app.screen.query_one("#profile-result", Static).render())
        assert app.is_running


# -- 7. The small ones ---------------------------------------------------------------------------------


def test_a_loopback_host_is_never_reached_through_a_proxy(demo_server: DemoServer) -> None:
    proxy = socket.socket()
    proxy.bind(("127.0.0.1", 0))
    proxy.listen()
    proxy.settimeout(0.2)
    connections: list[Any] = []

    def accept() -> None:
        while proxy.fileno() != -1:
            try:
                connections.append(proxy.accept()[0])
            except OSError:
                if proxy.fileno() == -1:
                    return

    threading.Thread(target=accept, daemon=True).start()
    url = f"http://127.0.0.1:{proxy.getsockname()[1]}"
    try:
        result = run_cli("lists", "--stream", "st-demo-sales",
                         env=env_for(demo_server, HTTP_PROXY=url, HTTPS_PROXY=url, ALL_PROXY=url, NO_PROXY=""))
    finally:
        proxy.close()
    assert result.returncode == 0, result.stderr
    assert connections == []


def test_the_cache_refuses_a_symlink_and_another_programs_database(demo_server: DemoServer, tmp_path: Path) -> None:
    path = cache_path()
    path.parent.mkdir(parents=True, mode=0o700)
    victim = tmp_path / "victim.db"
    victim.write_bytes(b"not yours")
    path.symlink_to(victim)
    env = env_for(demo_server)
    result = run_cli("find", "15550000003", "--stream", EDGES.id, env=env)
    assert result.returncode == 0, result.stderr
    assert "symbolic link" in result.stderr and victim.read_bytes() == b"not yours"

    path.unlink()
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE rows (precious TEXT)")
        db.execute("INSERT INTO rows VALUES ('keep')")
    result = run_cli("find", "15550000003", "--stream", EDGES.id, env=env)
    assert result.returncode == 0, result.stderr
    assert "not a kore-tui cache" in result.stderr
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT precious FROM rows").fetchall() == [("keep",)]


def test_the_log_is_0600_and_an_open_cache_dir_is_warned_about(demo_server: DemoServer) -> None:
    env = env_for(demo_server)
    assert run_cli("find", "15550000003", "--stream", EDGES.id, env=env).returncode == 0
    assert stat.S_IMODE(log_path().stat().st_mode) == 0o600
    assert stat.S_IMODE(cache_path().stat().st_mode) == 0o600
    cache_path().parent.chmod(0o755)
    result = run_cli("find", "15550000003", "--stream", EDGES.id, env=env)
    assert result.returncode == 0
    assert f"{cache_path().parent} is readable by other users" in result.stderr


def test_a_view_is_complete_only_when_its_rows_are(tmp_path: Path) -> None:
    from kore_tui.api.models import CampaignContact, Page

    cache = RowCache(tmp_path / "c.sqlite3")
    key = ViewKey("p", "s", "l")
    for skip in (0, 2, 4):
        rows = tuple(CampaignContact.from_json({"_id": f"r{i}", "phoneNumber": "1"}) for i in range(skip, skip + 2))
        cache.put_page(key, skip, Page(rows, skip, 2, skip < 4, 6, None))
    other = RowCache(tmp_path / "c.sqlite3")  # another process clears part of it meanwhile
    other.clear()
    cache.put_page(key, 4, Page(tuple(CampaignContact.from_json({"_id": f"r{i}"}) for i in (4, 5)), 4, 2, False, 6, None))
    assert cache.mark_complete(key, 6) is False
    assert cache.view_state(key).complete_at is None
    for skip in (0, 2):
        rows = tuple(CampaignContact.from_json({"_id": f"r{i}"}) for i in range(skip, skip + 2))
        cache.put_page(key, skip, Page(rows, skip, 2, True, 6, None))
    assert cache.mark_complete(key, 6) is True
    assert cache.view_state(key).complete_at is not None


async def test_copies_are_cleaned_text() -> None:
    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, stream_id=EDGES.id, list_id=EDGE_LIST.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ContactView)
        view.table.go_to_row(9)  # its phone number is the escape-laden value
        await settle(pilot)
        await pilot.press("y")
        assert app.clipboard == printable_only(data.EDGE_VALUES[9]).strip()
        assert forbidden(app.clipboard) == []
        await pilot.press("Y")
        assert forbidden(app.clipboard) == [] and "\n" not in app.clipboard
        assert json.loads(app.clipboard) == edge_rows()[9]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP], ids=["sigterm", "sighup"])
def test_a_signal_restores_the_terminal_as_ctrl_q_does(sig: signal.Signals) -> None:
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**base_env(), "TERM": "xterm-256color"}
    proc = subprocess.Popen([sys.executable, "-m", "kore_tui", "--demo"], env=env, stdin=slave, stdout=slave,
                            stderr=slave, start_new_session=True)
    os.close(slave)
    seen = bytearray()

    def read_until(predicate: Any, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not predicate():
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    return
                if not chunk:
                    return
                seen.extend(chunk)

    try:
        read_until(lambda: b"Sales" in seen, 60)
        assert b"Sales" in seen and b"\x1b[?1049h" in seen  # the picker, on the alternate screen
        mark = len(seen)
        proc.send_signal(sig)
        read_until(lambda: proc.poll() is not None and b"\x1b[?1049l" in seen[mark:], 30)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    after = bytes(seen[mark:])
    assert b"\x1b[?1049l" in after  # back to the normal screen
    assert b"\x1b[?25h" in after  # the cursor shown again
    assert b"Traceback" not in seen
