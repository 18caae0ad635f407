"""The command line as a user runs it: a subprocess against a demo server started by the test."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kore_tui.demo import data
from kore_tui.demo.server import DemoServer, Fault

JWT_RE = re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*")
SALES = "st-demo-sales"
STREAM = data.find_stream(SALES)
KORE_VARS = ("KORE_HOST", "KORE_ACCOUNT_ID", "KORE_CLIENT_ID", "KORE_CLIENT_SECRET", "KORE_MAX_RPM", "KORE_PROFILE",
             "KORE_APP_ID")


def run_cli(*args: str, env: dict[str, str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    # The timeout only keeps a hung CLI from hanging the suite; nothing is measured.
    return subprocess.run(
        [sys.executable, "-m", "kore_tui", *args],
        env=env, cwd=cwd, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )


def base_env() -> dict[str, str]:
    """This process's environment (with the test's XDG dirs), no KORE_* and no real keyring."""
    env = {k: v for k, v in os.environ.items() if k not in KORE_VARS}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["PYTHONIOENCODING"] = "utf-8"
    return env


def env_for(server: DemoServer, **overrides: str) -> dict[str, str]:
    env = base_env()
    env.update(
        KORE_HOST=server.url,
        KORE_ACCOUNT_ID=server.account_id,
        KORE_CLIENT_ID=server.client_id,
        KORE_CLIENT_SECRET=server.secret,
        KORE_MAX_RPM="0",
    )
    env.update(overrides)
    return env


def assert_nothing_secret(result: subprocess.CompletedProcess[str], *secrets: str) -> None:
    for text in (result.stdout, result.stderr):
        for secret in secrets:
            assert secret not in text
        assert not JWT_RE.search(text), text


def assert_one_line_failure(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("kore-tui: ")
    return lines[0]


def log_files(isolated_user_dirs) -> list[Path]:
    return [p for p in Path(isolated_user_dirs["XDG_STATE_HOME"]).rglob("*") if p.is_file()]


def test_lists_prints_the_streams_contact_lists(demo_server) -> None:
    result = run_cli("lists", "--stream", SALES, env=env_for(demo_server))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [lst.id for lst in STREAM.lists]
    seven = next(line for line in lines if line.startswith("cl-demo-seven"))
    assert seven.split()[1:4] == ["7", "Ready", "VIP"] and seven.endswith("VIP follow-up")
    million = next(line for line in lines if line.startswith("cl-demo-1m"))
    assert "1,000,000" in million
    # The hostile list's name reaches the terminal inert: no escape sequences.
    assert "\x1b" not in result.stdout
    assert result.stderr == ""
    [req] = demo_server.requests
    assert req.path.endswith("/getAllListDetails") and req.headers["iid"] == SALES
    assert_nothing_secret(result, demo_server.secret)


def test_lists_of_a_stream_without_lists(demo_server) -> None:
    result = run_cli("lists", "--stream", "st-demo-empty", env=env_for(demo_server))
    assert result.returncode == 0
    assert result.stdout.strip() == "stream st-demo-empty has no contact lists"


def test_export_list_jsonl_to_a_file(demo_server, tmp_path, isolated_user_dirs) -> None:
    out = tmp_path / "seven-hundred.jsonl"
    result = run_cli("export", "list", "--stream", SALES, "--list", "cl-size-730", "--format", "jsonl",
                     "-o", str(out), env=env_for(demo_server))
    assert result.returncode == 0, result.stderr
    lst = data.find_list(STREAM, "cl-size-730")
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 730
    assert rows == [data.list_contact(STREAM, lst, i) for i in range(730)]
    assert result.stdout == ""
    assert result.stderr.strip() == f"730 rows written to {out}"
    assert len(demo_server.requests_to("/getAllContacts")) == 8  # ceil(730 / 100)
    assert_nothing_secret(result, demo_server.secret)
    # The log went to the isolated state dir, and holds neither the secret nor a token.
    logs = log_files(isolated_user_dirs)
    assert logs
    for path in logs:
        text = path.read_text(encoding="utf-8")
        assert demo_server.secret not in text and not JWT_RE.search(text)


def test_export_contacts_csv_to_stdout(demo_server) -> None:
    result = run_cli("export", "contacts", "--stream", SALES, env=env_for(demo_server))
    assert result.returncode == 0, result.stderr
    reader = csv.reader(io.StringIO(result.stdout, newline=""))
    header = next(reader)
    assert header[0] == "id" and header[-1] == "_extra"
    rows = [dict(zip(header, cells, strict=True)) for cells in reader]
    assert [r["id"] for r in rows] == [data.directory_contact(STREAM, i)["id"] for i in range(1237)]
    assert json.loads(rows[0]["cellPhone"]) == data.directory_contact(STREAM, 0)["cellPhone"]
    assert result.stderr == ""  # not a terminal: no progress line
    assert_nothing_secret(result, demo_server.secret)


@pytest.mark.parametrize(
    "args",
    [
        ("lists", "--stream", "st-nope"),
        ("export", "list", "--stream", "st-nope", "--list", "cl-demo-seven"),
        ("export", "contacts", "--stream", "st-nope", "--format", "jsonl"),
    ],
)
def test_unknown_stream_is_one_line_with_the_servers_message(demo_server, args) -> None:
    result = run_cli(*args, env=env_for(demo_server))
    line = assert_one_line_failure(result)
    assert "Stream not found: st-nope" in line
    assert "Not found" in line
    assert_nothing_secret(result, demo_server.secret)


def test_wrong_secret_is_one_line_auth_error(demo_server) -> None:
    wrong = "wrong-secret-" + "z" * 32
    result = run_cli("lists", "--stream", SALES, env=env_for(demo_server, KORE_CLIENT_SECRET=wrong))
    line = assert_one_line_failure(result)
    assert line.startswith("kore-tui: Authentication failed: 401")
    assert "Invalid JWT token" in line
    assert [r.status for r in demo_server.requests] == [401, 401]  # one fresh token, then give up
    assert_nothing_secret(result, demo_server.secret, wrong)


def test_export_failing_midway_says_how_far_it_got(demo_server, tmp_path) -> None:
    demo_server.inject(Fault(status=500, message="Index is rebuilding", path_contains="/getAllContacts", times=None))
    out = tmp_path / "partial.jsonl"
    result = run_cli("export", "list", "--stream", SALES, "--list", "cl-demo-seven", "--format", "jsonl",
                     "-o", str(out), env=env_for(demo_server))
    line = assert_one_line_failure(result)
    assert "Server error" in line and "Index is rebuilding" in line and "0 rows fetched, nothing written" in line and not out.exists()
    assert_nothing_secret(result, demo_server.secret)


def test_demo_flag_needs_no_account() -> None:
    result = run_cli("export", "list", "--demo", "--stream", SALES, "--list", "cl-demo-seven", "--format", "jsonl",
                     env=base_env())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 7
    lst = data.find_list(STREAM, "cl-demo-seven")
    assert [json.loads(line) for line in lines] == [data.list_contact(STREAM, lst, i) for i in range(7)]
    assert not JWT_RE.search(result.stdout + result.stderr)


@pytest.mark.parametrize("host", ["http://example.com", "http://platform.kore.ai:8080"])
def test_plain_http_to_a_remote_host_is_refused(host) -> None:
    # No server exists at these hosts for the test: the refusal comes before any connection.
    env = base_env()
    env.update(KORE_HOST=host, KORE_ACCOUNT_ID="acct", KORE_CLIENT_ID="cid", KORE_CLIENT_SECRET="s3cret-value")
    result = run_cli("lists", "--stream", SALES, env=env)
    line = assert_one_line_failure(result)
    assert line.startswith("kore-tui: Insecure URL: refusing plain http://")
    assert "https://" in line
    assert_nothing_secret(result, "s3cret-value")


def test_profiles_with_no_config() -> None:
    result = run_cli("profiles", env=base_env())
    assert result.returncode == 0
    assert result.stdout.strip() == "no profiles; run `kore-tui login`"
    assert result.stderr == ""


def test_no_profile_and_no_environment_is_one_line() -> None:
    result = run_cli("lists", "--stream", SALES, env=base_env())
    line = assert_one_line_failure(result)
    assert "no profile is configured" in line and "KORE_HOST" in line


def test_bad_max_rpm_is_one_line(demo_server) -> None:
    result = run_cli("lists", "--stream", SALES, env=env_for(demo_server, KORE_MAX_RPM="lots"))
    line = assert_one_line_failure(result)
    assert "KORE_MAX_RPM" in line
    assert demo_server.requests == []
