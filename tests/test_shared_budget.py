"""One request budget per account, across processes (the platform counts per account, not per tool).

Unit-ish: two :class:`SharedBudget` objects on one file, as two processes have them. Over HTTP
against the demo server: a client whose budget file lives in the state dir, a 429 without
Retry-After that is waited out instead of failing. And as users run it: three ``kore-tui``
processes of one account against one server that enforces 60 requests a minute, and a second
process that waits out the 429 penalty a first one met. Nothing is mocked.

The two multi-process scenarios mostly wait (a minute each, for the budget), so a module fixture
runs them side by side and each test reads its scenario's outcome; ``-s`` shows their figures.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from kore_tui.api import pacing
from kore_tui.api.client import KoreClient
from kore_tui.api.errors import RateLimitedError
from kore_tui.api.pacing import RequestBudget, SharedBudget, budget_file, shared_budget
from kore_tui.demo import data
from kore_tui.demo.server import RATE_LIMIT_MESSAGE, DemoServer, Fault, RecordedRequest
from kore_tui.export import CAMPAIGN_FIELDS, RowWriter, export_rows
from tests.conftest import KORE_VARS, XDG_VARS, connection_for

SALES = "st-demo-sales"
HOST = "https://platform.example"
ACCOUNT = "acct-0123456789"


class FakeClock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def two_budgets(tmp_path: Path, max_requests: int = 5, window: float = 10.0,
                clock: FakeClock | None = None) -> tuple[SharedBudget, SharedBudget, Path]:
    """Two budgets on one file: what two processes of the account hold."""
    path = budget_file(tmp_path, HOST, ACCOUNT)
    kwargs: dict[str, Any] = {"clock": clock} if clock else {}
    return SharedBudget(path, max_requests, window, **kwargs), SharedBudget(path, max_requests, window, **kwargs), path


def most_in_window(times: list[float], window: float) -> int:
    """The most starts within any sliding ``window`` (half-open: [t, t + window))."""
    times = sorted(times)
    most, j = 0, 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        most = max(most, i - j + 1)
    return most


# -- two budgets on one file -------------------------------------------------------------------------


def test_two_budgets_on_one_file_never_exceed_the_budget_together(tmp_path: Path) -> None:
    clock = FakeClock()
    a, b, _ = two_budgets(tmp_path, max_requests=5, window=10.0, clock=clock)
    rng = random.Random(7)
    taken: list[float] = []
    for _ in range(2_000):  # 2,000 tries over ~200 s of fake time, interleaved at random
        budget = rng.choice((a, b))
        if budget.try_acquire() == 0:
            taken.append(clock.now)
        clock.now += rng.uniform(0, 0.2)
    span = 10.0  # the window; the slack (2 % of it) only makes the budget stricter
    assert most_in_window(taken, span) <= 5
    # And the budget is used, not merely refused: about 5 per 10.2 s over the run.
    assert len(taken) >= 5 * ((taken[-1] - taken[0]) // (span + a.slack + 0.2))


async def test_two_budgets_pace_real_waiters_together(tmp_path: Path) -> None:
    a, b, _ = two_budgets(tmp_path, max_requests=4, window=1.0)
    started: list[float] = []

    async def one(budget: SharedBudget) -> None:
        await budget.acquire()
        started.append(time.monotonic())

    begin = time.monotonic()
    await asyncio.gather(*(one(a) for _ in range(6)), *(one(b) for _ in range(6)))
    assert len(started) == 12
    assert most_in_window(started, 1.0 - 0.005) <= 4
    assert time.monotonic() - begin >= 2.0  # 12 at 4 a second need two more windows


def test_a_penalty_set_by_one_holds_the_other(tmp_path: Path) -> None:
    clock = FakeClock()
    a, b, _ = two_budgets(tmp_path, clock=clock)
    assert b.delay() == 0
    a.penalize(5.0)
    assert b.delay() == pytest.approx(5.0)
    assert b.try_acquire() == pytest.approx(5.0)  # nothing taken while held
    clock.now += 5.0
    assert b.try_acquire() == 0


def test_a_429_without_retry_after_holds_the_other_for_the_rest_of_the_window(tmp_path: Path) -> None:
    clock = FakeClock()
    a, b, _ = two_budgets(tmp_path, max_requests=60, window=60.0, clock=clock)
    assert a.hold_for_window() == pytest.approx(60.0)  # nothing recorded: a whole window
    clock.now += 61.0
    first = clock.now
    assert a.try_acquire() == 0
    clock.now += 20.0
    assert b.try_acquire() == 0
    # Held until the oldest start in the window leaves it (plus the slack), for both.
    held = b.hold_for_window()
    assert held == pytest.approx(first + 60.0 + b.slack - clock.now)
    assert a.delay() == pytest.approx(held)


def test_a_cancelled_waiter_takes_no_slot(tmp_path: Path) -> None:
    a, b, path = two_budgets(tmp_path, max_requests=2, window=30.0)

    async def scenario() -> None:
        assert a.try_acquire() == 0 and b.try_acquire() == 0
        waiter = asyncio.ensure_future(b.acquire())
        await asyncio.sleep(0.05)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter

    asyncio.run(scenario())
    assert len(json.loads(path.read_bytes())["starts"]) == 2


@pytest.mark.parametrize("content", [b"garbage{", b"\xff\xfe\x00", b"[]", b'{"starts": "x", "hold": 0}',
                                     b'{"starts": [null], "hold": 0}', b'{"starts": [1.0]}',
                                     b'{"v":1,"starts":[1700000000.0,17000', b""])
def test_a_corrupt_file_counts_as_empty_and_is_rewritten(tmp_path: Path, content: bytes) -> None:
    clock = FakeClock()
    a, b, path = two_budgets(tmp_path, clock=clock)
    path.write_bytes(content)
    assert a.delay() == 0
    assert a.try_acquire() == 0
    assert json.loads(path.read_bytes()) == {"v": 1, "starts": [clock.now], "hold": 0.0}
    assert b.try_acquire() == 0 and a.shared and b.shared


def test_starts_ahead_of_the_clock_and_absurd_holds_are_forgotten(tmp_path: Path) -> None:
    """The wall clock went back: the file's times lie in the future; they must not block forever."""
    clock = FakeClock()
    a, _, path = two_budgets(tmp_path, max_requests=1, clock=clock)
    path.write_text(json.dumps({"v": 1, "starts": [clock.now + 3_000], "hold": clock.now + 10 * 86_400}))
    assert a.delay() == 0


def test_an_unusable_directory_falls_back_to_this_process_with_one_warning(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(pacing, "_warned", False)
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    with caplog.at_level(logging.WARNING, logger="kore_tui.pacing"):
        first = shared_budget(HOST, ACCOUNT, 60, 60.0, blocker / "budget")
        second = shared_budget(HOST, "another-account", 60, 60.0, blocker / "budget")
    assert type(first) is RequestBudget and type(second) is RequestBudget and first.enabled
    assert len([r for r in caplog.records if "unusable" in r.getMessage()]) == 1


def test_a_file_that_fails_later_turns_the_budget_local(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(pacing, "_warned", False)
    a, _, path = two_budgets(tmp_path, max_requests=2, window=30.0)
    assert a.try_acquire() == 0
    path.unlink()
    path.mkdir()  # opening it for writing now fails
    with caplog.at_level(logging.WARNING, logger="kore_tui.pacing"):
        assert a.try_acquire() == 0
        assert a.try_acquire() == 0
        assert a.try_acquire() > 0  # still paced, by this process alone
    assert not a.shared
    assert len([r for r in caplog.records if "unusable" in r.getMessage()]) == 1


def test_the_file_name_does_not_show_the_account(tmp_path: Path) -> None:
    path = budget_file(tmp_path, HOST, ACCOUNT)
    assert ACCOUNT not in path.name and "platform" not in path.name
    assert budget_file(tmp_path, HOST + "/", ACCOUNT) == path  # one account, one file
    assert budget_file(tmp_path, HOST, ACCOUNT + "x") != path


def test_stale_budget_files_are_removed_when_the_directory_is_opened(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pacing, "_pruned", set())
    old = budget_file(tmp_path, "http://127.0.0.1:40001", ACCOUNT)  # say, a demo server long gone
    old.write_text("{}")
    os.utime(old, (time.time() - 2 * 86_400,) * 2)
    fresh = budget_file(tmp_path, "http://127.0.0.1:40002", ACCOUNT)
    fresh.write_text("{}")
    budget = shared_budget(HOST, ACCOUNT, 60, 60.0, tmp_path)
    assert isinstance(budget, SharedBudget)
    assert not old.exists() and fresh.exists() and budget.path.exists()


# -- the client over HTTP ------------------------------------------------------------------------------


def test_clients_of_make_client_share_a_file_in_the_state_dir(isolated_user_dirs: dict[str, Path]) -> None:
    from kore_tui.config import Profile
    from kore_tui.session import make_client

    profile = Profile(name="p", host="https://platform.example", account_id=ACCOUNT, client_id="cid")
    client = make_client(profile, "not-a-real-secret")
    budget = client.budget
    assert isinstance(budget, SharedBudget) and budget.shared
    directory = isolated_user_dirs["XDG_STATE_HOME"] / "kore-tui" / "budget"
    assert budget.path.parent == directory
    assert directory.stat().st_mode & 0o777 == 0o700
    assert budget.path.stat().st_mode & 0o777 == 0o600
    assert (budget.max_requests, budget.window) == (60, 60.0)
    asyncio.run(client.aclose())


async def test_an_export_waits_out_a_429_without_retry_after(demo_server: DemoServer, tmp_path: Path) -> None:
    """No Retry-After: the account's requests are held for the rest of the window (2 s here), the
    waits do not use up max_retries (0 here), and every row arrives."""
    waits: list[float] = []
    connection = connection_for(demo_server, max_rpm=60, rate_window=2.0, max_retries=0, budget_dir=str(tmp_path))
    demo_server.inject(Fault(status=429, message=RATE_LIMIT_MESSAGE, path_contains="/getAllContacts", times=2))
    async with KoreClient(connection, demo_server.secret, on_budget_wait=waits.append) as client:
        assert isinstance(client.budget, SharedBudget)
        out = io.StringIO()
        written = await export_rows(lambda skip, limit: client.list_contacts_page(SALES, "cl-size-450", skip, limit),
                                    RowWriter(out, "jsonl", CAMPAIGN_FIELDS), page_size=100, concurrency=4)
    assert written == 450 and len(out.getvalue().splitlines()) == 450
    statuses = [r.status for r in demo_server.requests]
    assert statuses.count(429) == 2 and statuses[-1] == 200
    first_429 = next(r for r in demo_server.requests if r.status == 429)
    later = [r for r in demo_server.requests if r.at > first_429.at + 0.05]
    # Nothing was sent during the hold: the window (2 s + slack) from the first request.
    assert later and min(r.at for r in later) - demo_server.requests[0].at >= 2.0
    assert waits and max(waits) >= 1.5  # the client said it waits for the budget


async def test_a_server_that_never_lets_through_still_ends_in_an_error(demo_server: DemoServer, tmp_path: Path) -> None:
    connection = connection_for(demo_server, max_rpm=60, rate_window=0.2, budget_dir=str(tmp_path))
    demo_server.inject(Fault(status=429, message=RATE_LIMIT_MESSAGE, times=None))
    async with KoreClient(connection, demo_server.secret) as client:
        with pytest.raises(RateLimitedError):
            await client.directory_page(SALES)
    from kore_tui.api.client import MAX_WINDOW_WAITS

    assert len(demo_server.requests) == MAX_WINDOW_WAITS + 1


def test_the_progress_bar_says_it_waits_for_the_budget() -> None:
    from kore_tui import cli

    out = io.StringIO()  # not a terminal: Rich draws the bar once, as it stands when it stops
    bar = cli._Progress(out, "export")
    bar(250, 1000)
    cli._budget_waiting(54.2)
    assert bar.words().startswith("waiting for the request budget (55 s) · 250 of 1,000 rows")
    bar.done()
    cli._budget_waiting(3.0)  # no progress bar shown: nothing said
    [text] = out.getvalue().splitlines()  # one line, even at 80 columns
    assert text.startswith("export ") and "waiting for the request budget (55 s) · 250 of 1,0" in text
    assert cli._Progress.active is None


# -- kore-tui processes of one account -----------------------------------------------------------------

WINDOW = 60.0
BUDGET = 60
EXPORT_LIST = ("export", "list", "--stream", SALES, "--list", "cl-demo-1k", "--format", "jsonl", "--page-size", "40")
EXPORT_DIRECTORY = ("export", "contacts", "--stream", SALES, "--format", "jsonl", "--page-size", "50")
FIND = ("find", "15550000007", "--stream", SALES, "--json")


def env_for(server: DemoServer, home: Path) -> dict[str, str]:
    """One user's environment (its XDG dirs under ``home``: one state dir), pacing at the default."""
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
    )
    return env


def start_cli(args: tuple[str, ...], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "kore_tui", *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")


@dataclass
class Finished:
    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    output: str = ""  # the -o file's text


@dataclass
class Scenario:
    runs: list[Finished]
    requests: list[RecordedRequest]
    wall: float
    extra: dict[str, Any] = field(default_factory=dict)


def finish(proc: subprocess.Popen[str], args: tuple[str, ...], output: Path | None = None) -> Finished:
    # The timeout only keeps a hung CLI from hanging the suite; nothing is measured by it.
    stdout, stderr = proc.communicate(timeout=180)
    text = output.read_text(encoding="utf-8") if output is not None and output.exists() else ""
    return Finished(args, proc.returncode, stdout, stderr, text)


def three_processes(home: Path) -> Scenario:
    """Two exports and a phone lookup of one account at once, against a server enforcing 60 a
    minute and answering 429 without Retry-After: together they need ~78 requests."""
    server = DemoServer(latency=0.02, budget=BUDGET, budget_window=WINDOW, send_retry_after=False).start()
    try:
        env = env_for(server, home)
        jobs = [(EXPORT_LIST + ("-o", str(home / "list.jsonl")), home / "list.jsonl"),
                (EXPORT_DIRECTORY + ("-o", str(home / "contacts.jsonl")), home / "contacts.jsonl"),
                (FIND, None)]
        began = time.monotonic()
        procs = [(start_cli(args, env), args, out) for args, out in jobs]
        runs = [finish(proc, args, out) for proc, args, out in procs]
        return Scenario(runs, list(server.requests), time.monotonic() - began)
    finally:
        server.stop()


def penalty_is_shared(home: Path) -> Scenario:
    """A first process meets a 429 without Retry-After; a second, started during the penalty, waits."""
    server = DemoServer(latency=0.02).start()
    try:
        env = env_for(server, home)
        server.inject(Fault(status=429, message=RATE_LIMIT_MESSAGE, path_contains="/cl-demo-seven/", times=1))
        first_args = ("export", "list", "--stream", SALES, "--list", "cl-demo-seven", "--format", "jsonl")
        second_args = ("export", "list", "--stream", SALES, "--list", "cl-demo-one", "--format", "jsonl")
        began = time.monotonic()
        first = start_cli(first_args, env)
        deadline = time.monotonic() + 30
        while not any(r.status == 429 for r in server.requests):
            assert time.monotonic() < deadline and first.poll() is None, "the first process met no 429"
            time.sleep(0.02)
        time.sleep(1.0)  # well inside the penalty
        second_started = time.monotonic()  # the server stamps requests with this clock too
        second = start_cli(second_args, env)
        runs = [finish(first, first_args), finish(second, second_args)]
        return Scenario(runs, list(server.requests), time.monotonic() - began,
                        extra={"second_started": second_started})
    finally:
        server.stop()


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[Scenario]]]:
    root = tmp_path_factory.mktemp("shared-budget")
    with ThreadPoolExecutor(max_workers=2) as pool:
        yield {"three": pool.submit(three_processes, root / "three"),
               "penalty": pool.submit(penalty_is_shared, root / "penalty")}


def test_three_processes_of_one_account_share_one_budget(scenarios: dict[str, Future[Scenario]]) -> None:
    run = scenarios["three"].result()
    times = [r.at for r in run.requests]
    limited = [r for r in run.requests if r.status == 429]
    most = most_in_window(times, WINDOW)
    print(f"\nthree kore-tui processes, one account, server enforcing {BUDGET}/{WINDOW:g}s (429 without "
          f"Retry-After): {len(run.requests)} requests, {len(limited)} answered 429, at most {most} in any "
          f"{WINDOW:g} s window, first to last request {max(times) - min(times):.1f} s, wall time {run.wall:.1f} s")
    for finished in run.runs:
        print(f"  {' '.join(finished.args[:2])}: exit {finished.returncode}")
        assert finished.returncode == 0, finished.stderr
        assert "Traceback" not in finished.stderr
    assert limited == []
    assert most <= BUDGET
    # The budget really bound: more than a window's worth of requests, so some waited a window.
    assert len(run.requests) > BUDGET and max(times) - min(times) >= WINDOW
    # Every output is complete.
    listed, contacts, found = run.runs
    list_rows = [json.loads(line) for line in listed.output.splitlines()]
    assert len(list_rows) == 1_000 and len({r["_id"] for r in list_rows}) == 1_000
    assert "1,000 rows written" in listed.stderr
    contact_rows = [json.loads(line) for line in contacts.output.splitlines()]
    sales = data.find_stream(SALES)
    assert sales is not None
    assert len(contact_rows) == sales.directory_size == 1_237
    answer = json.loads(found.stdout)
    assert answer["directory"]["rows_searched"] == sales.directory_size
    searched = {v["list_id"]: v for v in answer["lists"]}
    for lst in sales.lists:
        view = searched[lst.id]
        if lst.size > 20_000:
            assert view["skipped"], view  # over find's default --max-rows
        else:
            assert view["rows_searched"] == lst.size, view


def test_a_429_penalty_holds_back_another_process_of_the_account(scenarios: dict[str, Future[Scenario]]) -> None:
    run = scenarios["penalty"].result()
    first, second = run.runs
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert len(first.stdout.splitlines()) == 7 and len(second.stdout.splitlines()) == 1  # both complete
    limited = [r for r in run.requests if r.status == 429]
    assert len(limited) == 1
    penalty_end = limited[0].at + WINDOW  # the 429'd request was the only start: a whole window
    seven = [r for r in run.requests if "/cl-demo-seven/" in r.path and r.status == 200]
    one = [r for r in run.requests if "/cl-demo-one/" in r.path]
    print(f"\n429 without Retry-After at t=0: the second process started at "
          f"t={run.extra['second_started'] - limited[0].at:.1f} s, sent its request at "
          f"t={one[0].at - limited[0].at:.1f} s; the first retried at t={seven[0].at - limited[0].at:.1f} s; "
          f"wall time {run.wall:.1f} s")
    # Nothing was sent during the penalty: the second process waited instead of sending.
    assert all(r.at >= penalty_end - 0.5 for r in run.requests if r is not limited[0])
    assert len(one) == 1 and one[0].status == 200
    assert run.extra["second_started"] < penalty_end - 30  # it really started during the penalty
