"""`kore-tui login` / `logout` / `profiles`, answered at a real pseudo-terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
import uuid

import keyring
import pytest

from kore_tui.config import config_path, load_config
from tests.test_credentials import secret_service  # noqa: F401  (fixture)

SECRET = "pty-s3cret-" + uuid.uuid4().hex[:6]


def run_in_pty(args: list[str], answers: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run the CLI with a terminal for stdin/stdout; answer each prompt in turn."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "kore_tui", *args], stdin=follower, stdout=follower,
                            stderr=follower, env=env, close_fds=True)
    os.close(follower)
    output = b""
    since_answer = b""  # what was printed since the last answer: the next prompt ends it
    pending = list(answers)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
            since_answer += chunk
            if pending and since_answer.endswith(b": "):
                os.write(leader, (pending.pop(0) + "\n").encode())
                since_answer = b""
        elif proc.poll() is not None:
            break
    os.close(leader)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise AssertionError(f"login did not finish; it printed: {output!r}") from None
    return proc.returncode, output.decode("utf-8", "replace")


ANSWERS = ["https://de-platform.kore.ai", "acct-42", "cs-42", "", "st-1, st-2", SECRET]


def test_login_without_keyring_saves_the_profile_but_never_the_secret() -> None:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    code, out = run_in_pty(["login", "--profile", "eu"], ANSWERS, env)
    assert code == 2, out
    assert "No usable OS keyring" in out and "KORE_CLIENT_SECRET" in out
    assert SECRET not in out  # not echoed at the prompt, not in any message
    profile = load_config().profiles["eu"]
    assert (profile.host, profile.account_id, profile.client_id) == ("https://de-platform.kore.ai", "acct-42", "cs-42")
    assert [s.id for s in profile.streams] == ["st-1", "st-2"]
    assert SECRET not in config_path().read_text()
    listed = subprocess.run([sys.executable, "-m", "kore_tui", "profiles"], env=env, capture_output=True, text=True)
    assert "* eu: https://de-platform.kore.ai" in listed.stdout


@pytest.mark.keyring
def test_login_and_logout_with_the_secret_service(secret_service) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    name = "kt-" + uuid.uuid4().hex[:6]
    code, out = run_in_pty(["login", "--profile", name], ANSWERS, dict(os.environ))
    assert code == 0, out
    assert "secret stored in the OS keyring" in out and SECRET not in out
    assert keyring.get_password("kore-tui", name) == SECRET
    done = subprocess.run([sys.executable, "-m", "kore_tui", "logout", "--profile", name], capture_output=True, text=True)
    assert done.returncode == 0 and "removed the secret" in done.stdout
    assert keyring.get_password("kore-tui", name) is None
