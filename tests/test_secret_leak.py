"""The secret and its tokens stay in memory: they reach no file, no screen, no output, no error text.

The main flows run with a known, distinctive client secret: the CLI (lists, export, an export that
fails midway, a refused secret; all with ``--debug``) and the app (first-run profile with a wrong
then the right secret, saved with the secret for this session only, picker, browser, a server
error, help). Then every file written under the user dirs (config, cache, logs), every screenshot
taken on the way, every snapshot SVG of the repository, everything printed, and the text of every
error raised are searched for the secret and for anything shaped like a JWT.
"""

from __future__ import annotations

import base64
import logging
import logging.handlers
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

import httpx
import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from textual.widgets import Input, Static

from kore_tui import cli
from kore_tui.api.auth import TokenMinter
from kore_tui.api.errors import ApiError
from kore_tui.config import Config, ConfigError, Profile, Stream, config_path, save_config
from kore_tui.credentials import KeyringUnavailable
from kore_tui.demo import data
from kore_tui.demo.server import DemoServer, Fault
from kore_tui.session import Settings, log_path, setup_logging
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.screens.browser import BrowserScreen
from kore_tui.ui.screens.help import HelpScreen
from kore_tui.ui.screens.picker import PickerScreen
from kore_tui.ui.screens.profile import ProfileScreen
from tests.scenes import pinned_clock, settle
from tests.test_cli import base_env, run_cli

REPO = Path(__file__).resolve().parent.parent
SECRET = "kore-SECRET-7f3c9e2ab41d-do-not-leak"  # what the server accepts
WRONG = "kore-WRONG-5d1e8a0c77b2-do-not-leak-either"  # a mistyped secret: no less secret
SALES = data.STREAMS[0]
JWT_SHAPED = re.compile(rb"eyJ[A-Za-z0-9_-]{8,}")  # the base64 of '{"' : a JWT's header or claims
REQUEST_LINE = re.compile(r"kore_tui\.http: (GET|POST) /\S+ -> (\d{3}) in \d+ ms$")
HEADER_NAMES = re.compile(r"(?i)\b(auth|authorization|accountid|iid|user-agent|content-type)\b\s*[:=]")


def forms(secret: str) -> list[bytes]:
    """The secret as it could sit in a file or a stream: raw, UTF-16, base64."""
    raw = secret.encode()
    return list(dict.fromkeys([raw, secret.encode("utf-16-le"), base64.b64encode(raw).rstrip(b"="),
                               base64.urlsafe_b64encode(raw).rstrip(b"=")]))


def leaks(blob: str | bytes, where: str, secrets: Iterable[str] = (SECRET, WRONG)) -> list[str]:
    data_ = blob.encode("utf-8", "surrogateescape") if isinstance(blob, str) else blob
    found = [f"{where}: the secret {s[:10]}… ({form[:12]!r}…)" for s in secrets for form in forms(s) if form in data_]
    if m := JWT_SHAPED.search(data_):
        found.append(f"{where}: a JWT-shaped string {m.group()[:24]!r}")
    return found


def files_under(*roots: Path) -> Iterator[Path]:
    for root in roots:
        if root.exists():
            yield from (p for p in root.rglob("*") if p.is_file())


def scan_files(*roots: Path) -> list[str]:
    return [f for path in files_under(*roots) for f in leaks(path.read_bytes(), str(path))]


def error_texts(errors: Iterable[BaseException]) -> Iterator[str]:
    """str and repr of each error and of every error chained to it."""
    for error in errors:
        seen: set[int] = set()
        while error is not None and id(error) not in seen:
            seen.add(id(error))
            yield f"{error!s}\n{error!r}\n{error.args!r}"
            error = error.__cause__ or error.__context__


@pytest.fixture
def raised(monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Every error of these kinds made during the test (made is raised, here)."""
    made: list[BaseException] = []
    for kind in (ApiError, httpx.HTTPError, KeyringUnavailable, ConfigError, cli.CliError):
        original = kind.__init__

        def init(self, *args, _original=original, **kwargs) -> None:  # type: ignore[no-untyped-def]
            _original(self, *args, **kwargs)
            made.append(self)

        monkeypatch.setattr(kind, "__init__", init)
    return made


@pytest.fixture
def log_handlers() -> Iterator[None]:
    """Handlers that setup_logging adds (the CLI in-process, or the app's start) go afterwards."""
    logger = logging.getLogger("kore_tui")
    before, level = list(logger.handlers), logger.level
    yield
    for handler in logger.handlers[:]:
        if handler not in before:
            logger.removeHandler(handler)
            handler.close()
    logger.setLevel(level)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(secret=SECRET) as s:
        yield s


def user_dirs(isolated_user_dirs: dict[str, Path]) -> list[Path]:
    return list(isolated_user_dirs.values())


# -- the scanner can fail --------------------------------------------------------------------------


def test_the_scanner_finds_a_planted_secret_or_token(tmp_path: Path) -> None:
    token = TokenMinter(data.CLIENT_ID, SECRET).token()
    assert JWT_SHAPED.match(token.encode())
    (tmp_path / "a.log").write_text(f"request ok, auth={token}\n")
    (tmp_path / "b.bin").write_bytes(b"\x00\x01" + SECRET.encode("utf-16-le"))
    (tmp_path / "c.txt").write_text(f"secret = {base64.b64encode(WRONG.encode()).decode()}")
    (tmp_path / "clean.txt").write_text("GET /campaign/api/v2/public/st/campaign -> 200 in 3 ms\n")
    found = scan_files(tmp_path)
    assert sorted(Path(f.split(":")[0]).name for f in found) == ["a.log", "b.bin", "c.txt"], found
    assert leaks(token.split(".")[1], "claims only")  # half a token is still found


# -- the CLI -------------------------------------------------------------------------------------


def test_cli_flows_leak_nothing(server: DemoServer, tmp_path: Path, isolated_user_dirs, raised, log_handlers,
                                capsys, monkeypatch) -> None:
    env = base_env()
    env.update(KORE_HOST=server.url, KORE_ACCOUNT_ID=server.account_id, KORE_CLIENT_ID=server.client_id,
               KORE_CLIENT_SECRET=SECRET, KORE_MAX_RPM="0")
    out = tmp_path / "seven.csv"
    results = [
        run_cli("--debug", "lists", "--stream", SALES.id, env=env),
        run_cli("export", "list", "--stream", SALES.id, "--list", "cl-demo-seven", "-o", str(out), "--debug", env=env),
    ]
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    server.inject(Fault(status=500, message="Index is rebuilding", path_contains="/getAllContacts", min_skip=100,
                        times=None))
    failed = run_cli("export", "list", "--stream", SALES.id, "--list", "cl-demo-1k", "--format", "jsonl",
                     "--debug", env=env)
    assert failed.returncode == 2 and "100 rows written" in failed.stderr
    server.clear_faults()
    with DemoServer(secret="the-server-expects-another-secret") as other:
        refused_env = {**env, "KORE_HOST": other.url}
        refused = run_cli("--debug", "lists", "--stream", SALES.id, env=refused_env)
        assert refused.returncode == 2 and "401" in refused.stderr
        # The same refusal in-process, so that every error made on the way can be read.
        for key in ("KORE_HOST", "KORE_ACCOUNT_ID", "KORE_CLIENT_ID", "KORE_CLIENT_SECRET", "KORE_MAX_RPM"):
            monkeypatch.setenv(key, refused_env[key])
        assert cli.main(["--debug", "export", "list", "--stream", SALES.id, "--list", "cl-demo-seven"]) == 2
    results += [failed, refused]
    captured = capsys.readouterr()
    assert "Authentication failed: 401" in captured.err

    found = []
    for r in results:
        found += leaks(r.stdout, f"stdout of {r.args[3:6]}") + leaks(r.stderr, f"stderr of {r.args[3:6]}")
    found += leaks(captured.out + captured.err, "in-process output")
    assert any(isinstance(e, ApiError) for e in raised)
    for text in error_texts(raised):
        found += leaks(text, "error text")
    found += scan_files(*user_dirs(isolated_user_dirs), tmp_path)
    assert not found, found

    # The log: request lines (method, path, status, milliseconds), nothing of the headers.
    log = log_path()
    assert log.is_file() and log.is_relative_to(isolated_user_dirs["XDG_STATE_HOME"])
    text = log.read_text(encoding="utf-8")
    statuses = {m.group(2) for line in text.splitlines() if (m := REQUEST_LINE.search(line))}
    assert {"200", "401", "500"} <= statuses, text
    assert "asking (skip=0, limit=100)" in text  # --debug lines: what was asked
    assert not HEADER_NAMES.search(text), HEADER_NAMES.search(text)
    assert server.account_id not in text  # the accountId query parameter is not logged either


def test_the_log_has_no_debug_lines_without_debug(server: DemoServer, tmp_path: Path) -> None:
    env = base_env()
    env.update(KORE_HOST=server.url, KORE_ACCOUNT_ID=server.account_id, KORE_CLIENT_ID=server.client_id,
               KORE_CLIENT_SECRET=SECRET, KORE_MAX_RPM="0", XDG_STATE_HOME=str(tmp_path))
    assert run_cli("lists", "--stream", SALES.id, env=env).returncode == 0
    [log] = files_under(tmp_path)
    text = log.read_text(encoding="utf-8")
    assert REQUEST_LINE.search(text.splitlines()[-1]) and "asking" not in text


def test_setup_logging_rotates_in_the_user_log_dir(isolated_user_dirs, log_handlers) -> None:
    path = setup_logging(debug=True)
    assert path == log_path() and path.is_relative_to(isolated_user_dirs["XDG_STATE_HOME"])
    [handler] = [h for h in logging.getLogger("kore_tui").handlers
                 if isinstance(h, logging.handlers.RotatingFileHandler) and Path(h.baseFilename) == path]
    assert handler.maxBytes > 0 and handler.backupCount > 0
    assert logging.getLogger("kore_tui").getEffectiveLevel() == logging.DEBUG


def test_config_dir_readable_by_others_is_warned_about(server: DemoServer) -> None:
    config = Config(default_profile="work")
    config.profiles["work"] = Profile("work", server.url, server.account_id, server.client_id,
                                      streams=[Stream(SALES.id, "Sales")])
    path = save_config(config)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    env = {**base_env(), "KORE_CLIENT_SECRET": SECRET, "KORE_MAX_RPM": "0"}
    quiet = run_cli("lists", "--stream", SALES.id, env=env)
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr
    os.chmod(path.parent, 0o755)
    loud = run_cli("lists", "--stream", SALES.id, env=env)
    assert loud.returncode == 0
    assert "warning" in loud.stderr and str(path.parent) in loud.stderr, loud.stderr
    assert not leaks(loud.stdout + loud.stderr, "warned run")


# -- the app ---------------------------------------------------------------------------------------


async def test_app_flows_leak_nothing(server: DemoServer, isolated_user_dirs, raised, log_handlers, no_keyring,
                                      capfd) -> None:
    setup_logging(debug=True)  # as `kore-tui --debug` does before the app starts
    shots: dict[str, str] = {}
    app = KoreTuiApp(clock=pinned_clock, animate=False, settings=Settings(timeout=5.0))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        fields = {"name": "work", "host": server.url, "account_id": server.account_id,
                  "client_id": server.client_id, "secret": WRONG, "streams": SALES.id}
        for key, value in fields.items():
            app.screen.query_one(f"#field-{key}", Input).value = value
        shots["profile typed"] = app.export_screenshot()
        await pilot.press("ctrl+t")  # a refused secret
        await settle(pilot)
        result = str(app.screen.query_one("#profile-result").render())
        assert "Authentication failed" in result and "401" in result, result
        shots["refused"] = app.export_screenshot()

        app.screen.query_one("#field-secret", Input).value = SECRET
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "Connected" in str(app.screen.query_one("#profile-result").render())
        await pilot.press("ctrl+s")  # no keyring: offers this session only
        await settle(pilot)
        shots["no keyring"] = app.export_screenshot()
        await pilot.press("ctrl+l")
        await settle(pilot)

        assert isinstance(app.screen, PickerScreen)
        shots["picker"] = app.export_screenshot()
        app.screen.query_one("#lists").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, BrowserScreen)
        shots["browser"] = app.export_screenshot()

        server.inject(Fault(status=500, message="Index is rebuilding", path_contains="/getAllContacts",
                            min_skip=400, times=None))
        await pilot.press("colon")
        app.screen.query_one(Input).value = "450"
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.current_view()
        assert view.last_error is not None and "500" in str(view.status.render())
        shots["error"] = app.export_screenshot()

        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        help_text = "\n".join(str(s.render()) for s in app.screen.query(Static))
        assert "Log file:" in help_text and "kore-tui.log" in help_text, help_text
        shots["help"] = app.export_screenshot()
        errors = [view.last_error]

    config = config_path()
    assert config.is_file() and "work" in config.read_text(encoding="utf-8")
    assert stat.S_IMODE(config.stat().st_mode) == 0o600

    found = []
    for name, svg in shots.items():
        found += leaks(svg, f"screenshot {name!r}")
    printed = capfd.readouterr()
    found += leaks(printed.out, "stdout") + leaks(printed.err, "stderr")
    for text in error_texts([*errors, *raised]):
        found += leaks(text, "error text")
    found += scan_files(*user_dirs(isolated_user_dirs))
    assert not found, found
    assert any("401" in str(e) for e in raised) and any("500" in str(e) for e in raised)

    text = log_path().read_text(encoding="utf-8")
    statuses = {m.group(2) for line in text.splitlines() if (m := REQUEST_LINE.search(line))}
    assert {"200", "401", "500"} <= statuses, text
    assert not HEADER_NAMES.search(text)


async def test_a_crash_prints_no_secret(capfd) -> None:
    """A bug anywhere on the way from the secret to the client must not print the secret."""

    def broken_session(profile, secret, cache):  # type: ignore[no-untyped-def]
        raise RuntimeError("a bug")

    app = KoreTuiApp(demo=True, clock=pinned_clock, animate=False, demo_knobs={"secret": SECRET},
                     make_session=broken_session)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause(0.1)
    printed = capfd.readouterr()
    assert "a bug" in printed.out + printed.err  # the crash was reported...
    assert not leaks(printed.out + printed.err, "crash report")  # ...without the secret


# -- what the repository holds ---------------------------------------------------------------------


def test_snapshots_and_screenshots_hold_no_token() -> None:
    svgs = [p for d in (REPO / "tests" / "__snapshots__", REPO / "screenshots") for p in files_under(d)
            if p.suffix == ".svg"]
    assert len(svgs) >= 24
    found = [f for p in svgs for f in leaks(p.read_bytes(), str(p.relative_to(REPO)))]
    assert not found, found


# -- side paths: Textual's log, the clipboard, quoted tokens, warnings, argv -----------------------


async def test_textual_log_holds_no_secret_nor_its_keystrokes(server: DemoServer, tmp_path: Path, no_keyring,
                                                               monkeypatch) -> None:
    """With TEXTUAL_LOG set, Textual logs every message a widget handles (keys with their
    characters, Input.Changed with the value) and every worker by the repr of its arguments."""
    import textual.constants
    from textual import events

    textual_log = tmp_path / "textual.log"
    monkeypatch.setattr(textual.constants, "LOG_FILE", str(textual_log))  # what TEXTUAL_LOG sets at import
    app = KoreTuiApp(clock=pinned_clock, animate=False, settings=Settings(timeout=5.0))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        fields = {"name": "work", "host": server.url, "account_id": server.account_id,
                  "client_id": server.client_id, "streams": SALES.id}
        for key, value in fields.items():
            app.screen.query_one(f"#field-{key}", Input).value = value
        secret_field = app.screen.query_one("#field-secret", Input)
        secret_field.focus()
        await pilot.press(*WRONG)  # typed, key by key
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "401" in str(app.screen.query_one("#profile-result").render())
        secret_field.value = ""
        half = len(SECRET) // 2
        await pilot.press(*SECRET[:half])
        app.post_message(events.Paste(SECRET[half:]))  # the rest pasted (bracketed paste)
        await settle(pilot)
        assert secret_field.value == SECRET
        await pilot.press("enter", "ctrl+t")
        await settle(pilot)
        assert "Connected" in str(app.screen.query_one("#profile-result").render())
        await pilot.press("ctrl+s")  # no keyring: offers this session only
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)

    text = textual_log.read_text(encoding="utf-8")
    assert "Key(" in text and "test the profile's connection" in text  # the log was written, workers in it
    assert not leaks(text, "Textual's log"), leaks(text, "Textual's log")
    # Keys typed into the secret field are logged without their characters; other keys keep theirs.
    secret_keys = [line for line in text.splitlines() if line.startswith("Key(") and "field-secret" in line]
    assert len(secret_keys) >= len(WRONG) and all(line.startswith("Key(<hidden>)") for line in secret_keys)
    assert "Paste(<hidden>)" in text and "Input.Changed(<hidden>)" in text
    for line in text.splitlines():
        assert "field-secret" not in line or "character=" not in line, line


async def test_the_secret_field_copies_and_cuts_nothing(no_keyring, monkeypatch) -> None:
    app = KoreTuiApp(clock=pinned_clock, animate=False)
    copied: list[str] = []
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        original = app.copy_to_clipboard
        monkeypatch.setattr(app, "copy_to_clipboard", lambda text: (copied.append(text), original(text)))
        name = app.screen.query_one("#field-name", Input)
        name.focus()
        await pilot.press("home", "shift+end", "ctrl+c")
        assert copied == ["default"] and app.clipboard == "default"  # an ordinary field copies: the test can fail

        secret_field = app.screen.query_one("#field-secret", Input)
        assert secret_field.password
        secret_field.focus()
        secret_field.value = SECRET
        for key in ("ctrl+c", "super+c", "ctrl+x"):
            await pilot.press("home", "shift+end", key)
            await settle(pilot)
            assert secret_field.selected_text == SECRET  # the whole secret was selected
        assert copied == ["default"] and app.clipboard == "default"
        assert secret_field.value == SECRET  # cut removed nothing either
        assert not leaks(app.export_screenshot(), "screen after ctrl+c")


def test_a_server_message_quoting_the_token_or_secret_is_redacted(server: DemoServer, capsys, monkeypatch) -> None:
    """A 401 whose message quotes the token (and the secret): neither reaches the error nor stderr."""
    token = TokenMinter(server.client_id, SECRET).token()  # a valid token for this server
    said = f"invalid token {token} (Bearer {token.split('.')[1]}) signed with {SECRET}"
    server.inject(Fault(status=401, message=said, times=None))
    env = {**base_env(), "KORE_HOST": server.url, "KORE_ACCOUNT_ID": server.account_id,
           "KORE_CLIENT_ID": server.client_id, "KORE_CLIENT_SECRET": SECRET, "KORE_MAX_RPM": "0"}
    result = run_cli("lists", "--stream", SALES.id, env=env)
    assert result.returncode == 2 and "401" in result.stderr and "<redacted>" in result.stderr, result.stderr
    assert "invalid token <redacted> (Bearer <redacted>) signed with <redacted>" in result.stderr, result.stderr
    assert not leaks(result.stdout + result.stderr, "CLI output")

    # In-process, the error itself: message, server_message, repr (what the app shows and logs).
    for key, value in env.items():
        if key.startswith("KORE_"):
            monkeypatch.setenv(key, value)
    with pytest.raises(ApiError) as info:
        import asyncio

        from kore_tui.api.client import Connection, KoreClient

        async def fetch() -> None:
            connection = Connection(host=server.url, account_id=server.account_id, client_id=server.client_id,
                                    max_rpm=0)
            async with KoreClient(connection, SECRET) as client:
                client.minter._token = token  # the token the server quotes is the one this client sends
                client.minter._expires_at = float("inf")
                await client.directory_page(SALES.id)

        asyncio.run(fetch())
    err = info.value
    assert err.status == 401 and err.server_message is not None and "<redacted>" in err.server_message
    found = [f for text in error_texts([err]) for f in leaks(text, "error text")]
    assert not found, found
    assert not leaks(capsys.readouterr().err, "stderr")


def test_a_short_secret_prints_no_warning(tmp_path: Path) -> None:
    """PyJWT warns on HMAC keys under 32 bytes: the platform's choice, not the user's; one line on stderr stays."""
    import warnings

    import jwt

    with DemoServer(secret="short-1234") as short:  # 10 bytes
        env = {**base_env(), "KORE_HOST": short.url, "KORE_ACCOUNT_ID": short.account_id,
               "KORE_CLIENT_ID": short.client_id, "KORE_CLIENT_SECRET": short.secret, "KORE_MAX_RPM": "0",
               "PYTHONWARNINGS": "default"}
        result = run_cli("lists", "--stream", SALES.id, env=env)
        assert result.returncode == 0 and result.stdout, result.stderr
        assert result.stderr == "", result.stderr
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            TokenMinter(short.client_id, short.secret).token()
            assert short.verify(TokenMinter(short.client_id, short.secret).token())
        assert not [w for w in caught if issubclass(w.category, jwt.InsecureKeyLengthWarning)], caught
    with pytest.warns(jwt.InsecureKeyLengthWarning):  # silenced around our calls only, not for the process
        jwt.encode({"a": 1}, "short-1234", algorithm="HS256")


def test_the_demo_server_takes_its_secret_from_the_environment() -> None:
    import subprocess
    import sys

    refused = run_cli("demo-server", "--port", "0", "--secret", SECRET, env=base_env())
    assert refused.returncode == 2 and "--secret" in refused.stderr  # no such option: argv is readable by all

    env = {**base_env(), "KORE_DEMO_SECRET": SECRET}
    process = subprocess.Popen([sys.executable, "-m", "kore_tui", "demo-server", "--port", "0"], env=env,
                               stdout=subprocess.PIPE, text=True, encoding="utf-8")
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(5)]
        assert lines[0].startswith("kore-tui demo server on http://127.0.0.1:"), lines
        assert f"  KORE_CLIENT_SECRET={SECRET}\n" in lines, lines
        assert any(line.startswith("  KORE_HOST=") for line in lines), lines
        cmdline = Path(f"/proc/{process.pid}/cmdline")
        if cmdline.exists():
            assert SECRET.encode() not in cmdline.read_bytes()
    finally:
        process.terminate()
        process.wait(timeout=10)
