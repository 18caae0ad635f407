"""Start-up (issue #15, "the first ten minutes"): how long a user waits for kore-tui to answer,
whole processes, each against its baseline.

    .venv/bin/python bench/bench_startup.py [--runs 7] [--json] [--source DIR]

``--source DIR`` measures another copy of the package (``DIR/kore_tui``), e.g. the last commit's,
for a before/after: ``git archive HEAD | tar -x -C DIR``.

Prints one table: figure | goal | measured | baseline | ratio (measured / baseline). Exits 1 when
a goal is missed (marked MISS).

What runs
    * ``python -c pass``: the interpreter's own start, the baseline of the commands.
    * ``kore-tui --version`` and ``kore-tui --help`` (as ``python -m kore_tui``): goal <= 5x
      ``python -c pass``.
    * ``kore-tui find "+1 555 000 0007" --stream st-demo-sales`` from a warm cache: against
      ``kore-tui demo-server`` in its own process (as a real server is: its work does not share
      the interpreter with the command), reached through a profile saved in config.toml, the
      secret in ``KORE_CLIENT_SECRET``. One unmeasured run fills the cache first, so the measured
      runs send no request (checked: "requests sent: 0"). Goal <= 0.35 s.
    * The app's first paint: ``kore-tui --demo`` in a pseudo-terminal (80x24), from the spawn to
      the first bytes of the picker's first stream id (``st-demo-sales``) on the terminal, against
      a minimal Textual app (one ``Static``) timed the same way to its text. Goal <= 1.3x.
    * What each command imports of the heavy modules (httpx, textual, rich, keyring, jwt,
      cryptography, phonenumbers, sqlite3, the demo server), read from ``-X importtime``.

How it measures
    Wall-clock time from ``subprocess`` spawn to exit (or to the marker, for the paints); the
    median of ``--runs`` runs (default 7), after one unmeasured warm-up run of each. Every process
    gets fresh XDG dirs (one set for the whole bench: the find's cache is warm on purpose) and a
    private ``PYTHONPYCACHEPREFIX`` with byte code written, as an installed package has it (the
    test environment's ``PYTHONDONTWRITEBYTECODE`` would make every start compile kore_tui).
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import textwrap
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent  # the working directory of every process: its kore_tui runs
PYTHON = sys.executable
STREAM = "st-demo-sales"
FIND = ("find", "+1 555 000 0007", "--stream", STREAM)
HEAVY = ("httpx", "textual", "rich", "keyring", "jwt", "cryptography", "phonenumbers", "sqlite3",
         "kore_tui.demo.server")
MINIMAL_APP = textwrap.dedent("""\
    from textual.app import App, ComposeResult
    from textual.widgets import Static


    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("minimal app ready")


    Minimal().run()
""")


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("KORE_", "XDG_")) and k not in ("PYTHONDONTWRITEBYTECODE", "TEXTUAL_LOG")}
    for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME"):
        path = home / var.removeprefix("XDG_").lower()
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    env.update(PYTHONPYCACHEPREFIX=str(home / "pycache"), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
               TERM="xterm-256color", COLORTERM="truecolor", PYTHONIOENCODING="utf-8")
    return env


def timed(args: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    return time.perf_counter() - started, done


def median_of(runs: int, args: list[str], env: dict[str, str], check: Any = None) -> float:
    timed(args, env)  # warm-up: byte code written, file caches warm
    times = []
    for _ in range(runs):
        seconds, done = timed(args, env)
        if check is not None:
            check(done)
        times.append(seconds)
    return statistics.median(times)


def until_shown(args: list[str], marker: str, env: dict[str, str], timeout: float = 30) -> float:
    """Seconds from spawning ``args`` in an 80x24 pseudo-terminal to ``marker`` reaching it."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    started = time.perf_counter()
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdin=follower, stdout=follower, stderr=follower,
                            start_new_session=True)
    os.close(follower)
    seen = bytearray()
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([leader], [], [], 0.02)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            seen += chunk
            if marker.encode() in seen:
                return time.perf_counter() - started
        raise RuntimeError(f"{marker!r} never shown by {' '.join(args)}: {bytes(seen[-400:])!r}")
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the process this function started, and its children
        proc.wait()
        os.close(leader)


def median_paint(runs: int, args: list[str], marker: str, env: dict[str, str]) -> float:
    until_shown(args, marker, env)
    return statistics.median(until_shown(args, marker, env) for _ in range(runs))


def heavy_imports(args: list[str], env: dict[str, str]) -> list[str]:
    done = subprocess.run([PYTHON, "-X", "importtime", *args], env=env, cwd=ROOT, capture_output=True, text=True,
                          timeout=60)
    loaded = {line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")}
    return [name for name in HEAVY if name in loaded]


def start_demo_server(env: dict[str, str], secret: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    proc = subprocess.Popen([PYTHON, "-m", "kore_tui", "demo-server", "--port", "0"],
                            env={**env, "KORE_DEMO_SECRET": secret}, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    said: dict[str, str] = {}
    assert proc.stdout is not None
    for line in proc.stdout:
        if "=" in line:
            key, _, value = line.strip().partition("=")
            said[key] = value
        if line.startswith("Ctrl+C"):
            break
    return proc, said


def save_profile(env: dict[str, str], said: dict[str, str]) -> None:
    script = ("from kore_tui.config import Config, Profile, Stream, save_config; "
              f"save_config(Config(profiles={{'bench': Profile(name='bench', host={said['KORE_HOST']!r}, "
              f"account_id={said['KORE_ACCOUNT_ID']!r}, client_id={said['KORE_CLIENT_ID']!r}, "
              f"streams=[Stream({STREAM!r})])}}, default_profile='bench'))")
    subprocess.run([PYTHON, "-c", script], env=env, cwd=ROOT, check=True, timeout=60)


def measure(runs: int) -> dict[str, Any]:
    r: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="kore-bench-startup-") as tmp:
        env = environment(Path(tmp))
        cli = [PYTHON, "-m", "kore_tui"]
        r["pass_s"] = median_of(runs, [PYTHON, "-c", "pass"], env)
        r["version_s"] = median_of(runs, [*cli, "--version"], env)
        r["help_s"] = median_of(runs, [*cli, "--help"], env)
        for name, args in (("version", ["--version"]), ("help", ["--help"]), ("profiles", ["profiles"]),
                           ("completion", ["completion", "bash"]), ("cache_info", ["cache", "info"])):
            r[f"{name}_imports"] = heavy_imports(["-m", "kore_tui", *args], env)

        secret = "bench-startup-secret-0123456789abcdef"
        server, said = start_demo_server(env, secret)
        try:
            save_profile(env, said)
            find_env = {**env, "KORE_CLIENT_SECRET": secret}

            def no_request(done: subprocess.CompletedProcess[str]) -> None:
                assert done.returncode == 0, done.stderr
                assert "requests sent: 0" in done.stdout, done.stdout

            r["find_cold_s"], first = timed([*cli, *FIND], find_env)
            assert first.returncode == 0, first.stderr
            r["find_s"] = median_of(runs, [*cli, *FIND], find_env, check=no_request)
            r["find_imports"] = heavy_imports(["-m", "kore_tui", *FIND], find_env)
        finally:
            server.send_signal(signal.SIGINT)  # the demo server this bench started
            server.wait(timeout=30)

        minimal = Path(tmp) / "minimal_app.py"
        minimal.write_text(MINIMAL_APP)
        r["minimal_paint_s"] = median_paint(runs, [PYTHON, str(minimal)], "minimal app ready", env)
        r["app_paint_s"] = median_paint(runs, [*cli, "--demo"], STREAM, env)
    return r


def report(r: dict[str, Any]) -> tuple[list[tuple[str, str, str, str, str]], list[str]]:
    rows: list[tuple[str, str, str, str, str]] = []
    fails: list[str] = []

    def add(figure: str, goal: str, measured: float | None, baseline: float | None, ok: bool | None) -> None:
        cell = "-" if measured is None else f"{measured * 1000:,.0f} ms"
        if ok is False:
            cell += "  MISS"
            fails.append(figure)
        ratio = f"{measured / baseline:.2f}" if measured and baseline else "-"
        rows.append((figure, goal, cell, "-" if baseline is None else f"{baseline * 1000:,.0f} ms", ratio))

    floor = r["pass_s"]
    add("python -c pass (baseline)", "-", floor, None, None)
    add("kore-tui --version", "<= 5x python -c pass", r["version_s"], floor, r["version_s"] <= 5 * floor)
    add("kore-tui --help", "<= 5x python -c pass", r["help_s"], floor, r["help_s"] <= 5 * floor)
    add("kore-tui find, cold cache (one run)", "-", r["find_cold_s"], floor, None)
    add("kore-tui find, warm cache (no request)", "<= 350 ms", r["find_s"], floor, r["find_s"] <= 0.35)
    add("app's first paint (picker), --demo", "<= 1.3x minimal app", r["app_paint_s"], r["minimal_paint_s"],
        r["app_paint_s"] <= 1.3 * r["minimal_paint_s"])
    for name in ("version", "help", "profiles", "completion", "cache_info", "find"):
        loaded = r[f"{name}_imports"]
        allowed = {"find": {"httpx", "phonenumbers", "sqlite3"}, "cache_info": {"sqlite3"}}.get(name, set())
        extra = [m for m in loaded if m not in allowed]
        rows.append((f"  {name.replace('_', ' ')}: heavy modules imported",
                     "only " + ", ".join(sorted(allowed)) if allowed else "none",
                     (", ".join(loaded) or "none") + ("  MISS" if extra else ""), "-", "-"))
        if extra:
            fails.append(f"{name} imports {', '.join(extra)}")
    return rows, fails


def print_table(rows: list[tuple[str, str, str, str, str]]) -> None:
    header = ("figure", "goal", "measured", "baseline", "ratio")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    print(" | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per figure (the median is shown)")
    parser.add_argument("--json", action="store_true", help="also print every raw figure as JSON")
    parser.add_argument("--source", type=Path, help="measure the kore_tui package in this directory instead")
    args = parser.parse_args()
    if args.source:
        global ROOT
        ROOT = args.source.resolve()
    load_before = os.getloadavg()[0]
    results = measure(args.runs)
    rows, fails = report(results)
    print(f"kore-tui start-up ({ROOT}), median of {args.runs} runs; Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} CPUs, load average {load_before:.1f} before / {os.getloadavg()[0]:.1f} after")
    print()
    print_table(rows)
    if args.json:
        print()
        print(json.dumps(results, indent=1))
    print()
    print("all goals met" if not fails else "missed: " + "; ".join(fails))
    return 0 if not fails else 1


if __name__ == "__main__":
    sys.exit(main())
