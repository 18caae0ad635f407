"""The fault table (tests/faults.py) through the CLI: ``python -m kore_tui export list`` as a user runs it.

For every case the CLI runs as a subprocess against its own demo server, turned hostile from row
``FROM_ROW`` on: it must end with exactly one readable line on stderr naming the status or cause
and how many rows it wrote (those rows intact on stdout), no traceback, a non-zero exit; or, for
an odd but usable answer, every row as the server meant it. Once the server recovers, the same
command exports every row. Retried faults shorter than the client's retries heal unseen.

The cases are independent subprocesses that mostly wait (on the client's backoff, a timeout), so
a module fixture runs them side by side and each test reads its case's outcome.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kore_tui.demo.server import DemoServer
from tests.conftest import KORE_VARS, XDG_VARS
from tests.faults import (
    CASE_IDS,
    CASES,
    FROM_ROW,
    HOSTILE,
    LIST_ID,
    LIST_SIZE,
    STREAM_ID,
    FaultCase,
    clean_row,
    printable,
)

EXPORT = ("export", "list", "--stream", STREAM_ID, "--list", LIST_ID, "--format", "jsonl")
ALL_ROWS = [clean_row(i) for i in range(LIST_SIZE)]


@dataclass
class CaseRun:
    faulty: subprocess.CompletedProcess[str]  # while the server is hostile
    recovered: subprocess.CompletedProcess[str]  # the same command once it recovered
    healed: subprocess.CompletedProcess[str] | None = None  # retried cases: a fault shorter than the retries
    lists: subprocess.CompletedProcess[str] | None = None  # `lists` while list names are hostile
    extra: dict[str, Any] = field(default_factory=dict)


def run_cli(args: tuple[str, ...], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # The timeout only keeps a hung CLI from hanging the suite (a hang is a failure); nothing is timed.
    return subprocess.run([sys.executable, "-m", "kore_tui", *args], env=env, capture_output=True, text=True,
                          encoding="utf-8", errors="surrogateescape", timeout=60)


def env_for(server: DemoServer, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in KORE_VARS and k not in XDG_VARS}
    for var in XDG_VARS:
        path = home / var.removeprefix("XDG_").lower()
        path.mkdir(parents=True, exist_ok=True)
        env[var] = str(path)
    env.update(
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        PYTHONIOENCODING="utf-8",
        KORE_HOST=server.url,
        KORE_ACCOUNT_ID=server.account_id,
        KORE_CLIENT_ID=server.client_id,
        KORE_CLIENT_SECRET=server.secret,
        KORE_MAX_RPM="0",
    )
    return env


def run_case(case: FaultCase, home: Path) -> CaseRun:
    server = DemoServer().start()
    env = env_for(server, home)
    args = EXPORT + (("--timeout", str(case.timeout)) if case.timeout else ())
    try:
        if case.refuse:
            host, port = server.server_address
            server.stop()  # nothing listens on the port now
        else:
            server.inject(*case.faults())
        faulty = run_cli(args, env)
        lists = run_cli(("lists", "--stream", STREAM_ID), env) if case.name == "markup-and-escapes" else None
        if case.refuse:
            server = DemoServer(host=host, port=port, secret=server.secret).start()
        else:
            server.clear_faults()
        run = CaseRun(faulty, run_cli(args, env), lists=lists)
        if case.retried and not case.refuse:
            server.inject(*case.faults(times=case.heal_times))
            before = len(server.requests_to("/getAllContacts"))
            run.healed = run_cli(args, env)
            run.extra["heal_requests"] = len(server.requests_to("/getAllContacts")) - before
        return run
    finally:
        server.stop()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    root = tmp_path_factory.mktemp("cli-faults")
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = {case.name: pool.submit(run_case, case, root / case.name) for case in CASES}
        yield {name: future for name, future in futures.items()}


def rows_of(stdout: str) -> list[Any]:
    assert stdout == "" or stdout.endswith("\n")
    return [json.loads(line) for line in stdout.splitlines()]


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The failure as the user sees it: exactly one readable stderr line, no traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert result.stderr.endswith("\n")
    line = lines[0]
    assert line.startswith("kore-tui: ")
    assert printable(line), repr(line)
    return line


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_cli_survives(case: FaultCase, runs: dict[str, Any]) -> None:
    run: CaseRun = runs[case.name].result()
    faulty = run.faulty
    if case.outcome == "error":
        line = one_line(faulty)
        for word in case.words:
            assert word.lower() in line.lower(), (word, line)
        written = 0 if case.refuse else FROM_ROW
        assert f"({written:,} rows written before the error)" in line, line
        assert rows_of(faulty.stdout) == ALL_ROWS[:written]  # what was written is whole and right
    else:
        assert faulty.returncode == 0, faulty.stderr
        assert faulty.stderr == ""
        assert rows_of(faulty.stdout) == [case.expected_row(i) for i in range(LIST_SIZE)]

    recovered = run.recovered
    assert recovered.returncode == 0, recovered.stderr
    assert recovered.stderr == ""
    assert rows_of(recovered.stdout) == ALL_ROWS

    if case.retried and not case.refuse:
        healed = run.healed
        assert healed is not None and healed.returncode == 0, healed.stderr
        assert healed.stderr == ""
        assert rows_of(healed.stdout) == ALL_ROWS
        assert run.extra["heal_requests"] >= len(range(0, LIST_SIZE, 100)) + case.heal_times  # + the faulty answers


def test_cli_lists_hostile_list_names_inertly(runs: dict[str, Any]) -> None:
    result = runs["markup-and-escapes"].result().lists
    assert result is not None and result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines and all(printable(line) for line in lines), lines
    spring = next(line for line in lines if line.startswith(LIST_ID))
    assert "[bold red]x[/] [link=file:///etc]y[/link]" in spring  # markup shown as text
    assert HOSTILE not in result.stdout  # its control characters did not pass
