"""The command line's conventions (issue #15, "the first ten minutes"): every README command that
names the demo runs; options go before or after the command; exit codes as grep has them; usage
errors name the command's own help; shell completion; and the commands that need little load
little. Subprocesses, as a user runs them (see tests/test_cli.py)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shlex
import shutil
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from kore_tui import cli
from kore_tui.config import Config, Profile, save_config
from tests.test_cli import base_env, run_cli

README = Path(__file__).resolve().parent.parent / "README.md"
SALES = "st-demo-sales"
FOUND = "+1 555 000 0007"  # in the demo's directory and its 1,000-row list
NOWHERE = "+1 555 999 0000"

# README lines that open the app (a terminal UI that waits for keys): not run here, on purpose.
# The app's own flows are tested with Pilot (tests/test_app_flows.py, tests/test_first_minutes.py).
OPENS_THE_APP = {
    "kore-tui --demo",
    "kore-tui --demo --stream st-demo-sales --list cl-demo-1m",
    "kore-tui --demo --stream st-demo-edges",
}


def readme_demo_commands() -> list[str]:
    """Every line of the README's code blocks that starts with `kore-tui` and names `--demo`, its
    comment dropped."""
    lines, inside = [], False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = not inside
        elif inside:
            lines.append(line.strip())
    return list(dict.fromkeys(shlex.join(shlex.split(line, comments=True)) for line in lines
                              if line.startswith("kore-tui ") and "--demo" in shlex.split(line, comments=True)))


def opens_the_app(words: list[str]) -> bool:
    """No command among the words (option values skipped): `kore-tui` alone runs the app."""
    valued = {"--stream", "--list", "--profile", "--max-rpm", "--timeout", "--region"}
    rest = iter(words[1:])
    for word in rest:
        if word in valued:
            next(rest, None)
        elif not word.startswith("-"):
            return False
    return True


def test_the_readme_has_demo_commands_and_the_app_ones_are_listed() -> None:
    commands = readme_demo_commands()
    assert len(commands) >= 10, commands
    app_lines = {line for line in commands if opens_the_app(shlex.split(line))}
    assert app_lines == OPENS_THE_APP  # a new app line in the README is added here, knowingly
    assert not any("st-123" in line or "cl-456" in line for line in commands)


@pytest.mark.parametrize("line", [line for line in readme_demo_commands() if line not in OPENS_THE_APP])
def test_each_readme_command_on_the_demo_exits_0(line: str, tmp_path: Path) -> None:
    result = run_cli(*shlex.split(line)[1:], env=base_env(), cwd=tmp_path)
    assert result.returncode == 0, (line, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stdout or list(tmp_path.iterdir()), line  # it said something or wrote its file


# -- options before or after the command -------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("--demo", "--stream", SALES, "lists"),
    ("lists", "--demo", "--stream", SALES),
    ("--stream", SALES, "lists", "--demo"),
    ("--demo", "--timeout", "20", "lists", "--stream", SALES, "--max-rpm", "0", "--no-cache"),
])
def test_options_go_before_or_after_the_command(args: tuple[str, ...]) -> None:
    result = run_cli(*args, env=base_env())
    assert result.returncode == 0, result.stderr
    assert [line.split()[0] for line in result.stdout.splitlines()][:2] == ["cl-demo-1k", "cl-demo-100k"]


def test_list_before_the_command_is_find_and_export_s_list() -> None:
    found = run_cli("--demo", "--stream", SALES, "--list", "cl-demo-1k", "find", FOUND, "--json", env=base_env())
    assert found.returncode == 0, found.stderr
    assert '"list_id": "cl-demo-1k"' in found.stdout and '"list_id": "cl-demo-seven"' not in found.stdout
    exported = run_cli("--demo", "--list", "cl-demo-seven", "export", "list", "--stream", SALES, "--format", "jsonl",
                       env=base_env())
    assert exported.returncode == 0, exported.stderr
    assert len(exported.stdout.splitlines()) == 7


def test_every_option_has_help() -> None:
    parser = cli.build_parser()
    for where in (parser, *parser.commands.values()):
        for action in where._actions:
            assert action.help, f"{where.prog}: {action.option_strings or action.dest} has no help"


def test_the_parsers_choices_are_the_models_own() -> None:
    from kore_tui.api.models import CAMPAIGN_KINDS, CAMPAIGN_STATUSES
    from kore_tui.export import FORMATS
    from kore_tui.lookup import DEFAULT_MAX_ROWS

    assert (cli.CAMPAIGN_KINDS, cli.CAMPAIGN_STATUSES, cli.FORMATS, cli.DEFAULT_MAX_ROWS) == (
        CAMPAIGN_KINDS, CAMPAIGN_STATUSES, FORMATS, DEFAULT_MAX_ROWS)


# -- exit codes ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("phone, stream, code", [
    (FOUND, SALES, 0),
    (NOWHERE, SALES, 1),
    ("12", SALES, 2),  # too few digits: an error, not "not found"
    (FOUND, "st-nope", 2),  # the server's 404
])
def test_find_exits_as_grep_does(phone: str, stream: str, code: int) -> None:
    result = run_cli("--demo", "find", phone, "--stream", stream, env=base_env())
    assert result.returncode == code, result.stderr
    if code == 2:
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("kore-tui: ")
    else:
        assert result.stderr == "" and "requests sent" in result.stdout


def test_errors_exit_2() -> None:
    result = run_cli("--demo", "lists", "--stream", "st-nope", env=base_env())
    assert result.returncode == 2 and "Stream not found" in result.stderr


# -- usage errors: one line, the command's own help ----------------------------------------------------


@pytest.mark.parametrize("args, prog, words", [
    (("export",), "kore-tui export", "what to export? contacts, list or outcomes"),
    (("--demo", "export", "--stream", SALES), "kore-tui export", "what to export?"),
    (("export", "list", "--stream", SALES), "kore-tui export", "needs --list"),
    (("lists",), "kore-tui lists", "needs --stream"),
    (("lists", "--stream", SALES, "--bogus"), "kore-tui lists", "unrecognized arguments: --bogus"),
    (("export", "list", "--nope", "1"), "kore-tui export", "unrecognized arguments: --nope 1"),
    (("--bogus", "lists"), "kore-tui", "unrecognized arguments: --bogus"),
    (("--stream", SALES, "profiles"), "kore-tui profiles", "profiles takes no --stream"),
    (("--list", "cl-demo-1k", "lists", "--stream", SALES), "kore-tui lists", "lists takes no --list"),
    (("--list", "cl-demo-1k"), "kore-tui", "--list needs --stream"),
    (("cache",), "kore-tui cache", "cache info, or cache clear"),
    (("completion", "tcsh"), "kore-tui completion", "invalid choice"),
])
def test_usage_errors_are_one_line_naming_the_commands_help(args: tuple[str, ...], prog: str, words: str) -> None:
    result = run_cli(*args, env=base_env())
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"{prog}: ") and words in line and line.endswith(f"(see {prog} --help)"), line
    assert result.stdout == ""


def test_export_help_is_the_exports_usage() -> None:
    result = run_cli("export", "--help", env=base_env())
    assert result.returncode == 0 and result.stdout.startswith("usage: kore-tui export")
    assert "--campaign CAMPAIGN_ID" in result.stdout and "{contacts,list,outcomes}" in result.stdout


# -- logout with nothing configured ----------------------------------------------------------------------


def test_logout_with_no_profile_says_so_and_leaves_the_keyring_alone() -> None:
    # The environment's keyring is keyring's `fail` backend: touching it would be an error (exit 2).
    result = run_cli("logout", env=base_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "no profile is configured: there is no secret to remove"
    assert result.stderr == ""


# -- shell completion -------------------------------------------------------------------------------------


def completion_env() -> dict[str, str]:
    """base_env, with this venv's `kore-tui` first on PATH (the scripts call it for profile names)."""
    env = base_env()
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def bash_complete(script: Path, *words: str) -> list[str]:
    """What the bash script offers for ``words`` (the last one being completed)."""
    array = " ".join(shlex.quote(word) for word in words)
    program = f"source {shlex.quote(str(script))}; COMP_WORDS=({array}); COMP_CWORD={len(words) - 1}; _kore_tui; " \
              'printf "%s\\n" "${COMPREPLY[@]}"'
    done = subprocess.run(["bash", "-c", program], env=completion_env(), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return sorted(done.stdout.split())


def test_bash_completion_completes_commands_options_and_profiles(tmp_path: Path) -> None:
    save_config(Config(profiles={"prod-eu": Profile(name="prod-eu"), "staging": Profile(name="staging")},
                       default_profile="prod-eu"))
    result = run_cli("completion", "bash", env=base_env())
    assert result.returncode == 0, result.stderr
    script = tmp_path / "kore-tui.bash"
    script.write_text(result.stdout)
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True, timeout=60).returncode == 0
    assert bash_complete(script, "kore-tui", "ex") == ["export"]
    assert bash_complete(script, "kore-tui", "--demo", "export", "--f") == ["--filter", "--force", "--format"]
    assert bash_complete(script, "kore-tui", "export", "l") == ["list"]
    assert bash_complete(script, "kore-tui", "--stream", "lists", "c") == ["cache", "campaigns", "completion"]
    assert bash_complete(script, "kore-tui", "lists", "--profile", "") == ["prod-eu", "staging"]


def test_profiles_names_is_one_name_a_line() -> None:
    save_config(Config(profiles={"prod-eu": Profile(name="prod-eu"), "staging": Profile(name="staging")}))
    result = run_cli("profiles", "--names", env=base_env())
    assert result.returncode == 0 and result.stdout.splitlines() == ["prod-eu", "staging"]
    assert run_cli("profiles", "--names", env={**base_env(), "XDG_CONFIG_HOME": "/nonexistent"}).stdout == ""


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts(shell: str, tmp_path: Path) -> None:
    result = run_cli("completion", shell, env=base_env())
    assert result.returncode == 0, result.stderr
    for word in ("export", "campaigns", "--stream" if shell == "zsh" else "-l stream", "profiles --names"):
        assert word in result.stdout
    if shutil.which(shell) is None:
        return  # the shell is not installed here: its syntax is not checked
    script = tmp_path / f"kore-tui.{shell}"
    script.write_text(result.stdout)
    checked = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 0, checked.stderr


# -- on a terminal: a table (server text as text) -----------------------------------------------------------


def in_a_terminal(*args: str, env: dict[str, str], timeout: float = 60) -> tuple[int, str]:
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "kore_tui", *args], env=env, stdin=subprocess.DEVNULL,
                            stdout=follower, stderr=follower, start_new_session=True)
    os.close(follower)
    out = bytearray()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        elif proc.poll() is not None:
            break
    proc.wait(timeout=10)
    os.close(leader)
    return proc.returncode, out.decode("utf-8", "replace")


def test_lists_on_a_terminal_is_a_table_of_cleaned_text() -> None:
    code, out = in_a_terminal("--demo", "lists", "--stream", SALES, env=base_env())
    assert code == 0, out
    plain = re.sub(r"\x1b\[[0-9;]*m", "", out)  # Rich's own styling
    assert re.search(r"id\s+rows\s+status\s+name", plain)
    assert "cl-demo-1m" in plain and "1,000,000" in plain
    # The hostile list's name is shown as its text: markup not read, its escapes made inert.
    assert "[red]Hostile[/] \ufffd[31mlist\ufffd[0m [/]" in plain
    assert "\x1b[31mlist" not in out


# -- quick to start: a command imports what it uses ---------------------------------------------------------

HEAVY = ("httpx", "textual", "rich", "keyring", "jwt", "cryptography", "phonenumbers", "kore_tui.demo.server")


def loaded_by(*args: str) -> set[str]:
    program = ("import runpy, sys\n"
               f"sys.argv = ['kore-tui', *{list(args)!r}]\n"
               "try:\n    runpy.run_module('kore_tui', run_name='__main__')\nexcept SystemExit:\n    pass\n"
               f"print(' '.join(sorted({{m for m in sys.modules if m in {HEAVY!r}}})), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", program], env=base_env(), capture_output=True, text=True, timeout=60)
    return set(done.stderr.splitlines()[-1].split())


@pytest.mark.parametrize("args", [("--version",), ("--help",), ("export", "--help"), ("profiles",),
                                  ("completion", "bash"), ("cache", "info"), ("logout",)])
def test_commands_that_need_little_load_little(args: tuple[str, ...]) -> None:
    assert loaded_by(*args) == set()
