"""The secret: in a real Secret Service (gnome-keyring on a private D-Bus, see .ci/test), in the
environment, or held for the session when no keyring works. Never in the config file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import keyring
import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend
from keyring.backends.fail import Keyring as FailKeyring
from keyring.backends.null import Keyring as NullKeyring
from textual.widgets import Input

from kore_tui import credentials
from kore_tui.config import config_path
from kore_tui.credentials import KeyringUnavailable, delete_secret, hold_for_session, load_secret, store_secret
from kore_tui.demo.server import DemoServer
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.screens.picker import PickerScreen
from kore_tui.ui.screens.profile import ProfileScreen
from tests.scenes import pinned_clock, settle


@pytest.fixture
def secret_service():
    """The real Secret Service backend; skipped where there is none, failed in CI (KORE_TEST_REQUIRE_KEYRING)."""
    previous = keyring.get_keyring()
    try:
        from keyring.backends.SecretService import Keyring as SecretServiceKeyring

        backend = SecretServiceKeyring()
        probe = f"probe-{uuid.uuid4().hex}"
        backend.set_password("kore-tui-test", probe, "x")
        backend.delete_password("kore-tui-test", probe)
    except Exception as exc:  # no D-Bus, no daemon, locked collection
        if os.environ.get("KORE_TEST_REQUIRE_KEYRING"):
            pytest.fail(f"no usable Secret Service: {type(exc).__name__}: {exc}")
        pytest.skip(f"no Secret Service here ({type(exc).__name__}); run via `bash .ci/test`")
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring():
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    credentials._session.clear()
    yield
    credentials._session.clear()
    keyring.set_keyring(previous)


def profile_name() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


@pytest.mark.keyring
def test_secret_round_trip_in_secret_service(secret_service) -> None:  # type: ignore[no-untyped-def]
    name = profile_name()
    store_secret(name, "s3cret-é")
    assert secret_service.get_password(credentials.SERVICE, name) == "s3cret-é"
    assert load_secret(name, env={}) == "s3cret-é"
    assert delete_secret(name) is True
    assert load_secret(name, env={}) is None
    assert delete_secret(name) is False


@pytest.mark.keyring
async def test_profile_screen_saves_secret_to_keyring_only(secret_service, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    name = profile_name()
    app = KoreTuiApp(clock=pinned_clock, animate=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        fields = {"name": name, "host": demo_server.url, "account_id": demo_server.account_id,
                  "client_id": demo_server.client_id, "secret": demo_server.secret, "streams": "st-demo-sales"}
        for key, value in fields.items():
            app.screen.query_one(f"#field-{key}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)  # saved, connected, lists loading
    try:
        assert secret_service.get_password(credentials.SERVICE, name) == demo_server.secret
        assert demo_server.secret not in config_path().read_text()
    finally:
        delete_secret(name)

    # A second start finds the secret in the keyring and goes straight to the picker.
    app = KoreTuiApp(profile_name=None, clock=pinned_clock, animate=False)
    store_secret(name, demo_server.secret)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, PickerScreen)
    finally:
        delete_secret(name)


def test_no_keyring_says_so_and_names_the_ways_out(no_keyring) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(KeyringUnavailable) as info:
        load_secret("anything", env={})
    message = str(info.value)
    assert "KORE_CLIENT_SECRET" in message and "keyring" in message
    with pytest.raises(KeyringUnavailable):
        store_secret("anything", "secret-value")


def test_environment_and_session_secrets_need_no_keyring(no_keyring) -> None:  # type: ignore[no-untyped-def]
    assert load_secret("p", env={"KORE_CLIENT_SECRET": "from-env"}) == "from-env"
    hold_for_session("p", "held")
    assert load_secret("p", env={}) == "held"


async def test_profile_screen_without_keyring_offers_session_only(no_keyring, demo_server: DemoServer) -> None:  # type: ignore[no-untyped-def]
    app = KoreTuiApp(clock=pinned_clock, animate=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        fields = {"name": "headless", "host": demo_server.url, "account_id": demo_server.account_id,
                  "client_id": demo_server.client_id, "secret": demo_server.secret, "streams": "st-demo-sales"}
        for key, value in fields.items():
            app.screen.query_one(f"#field-{key}", Input).value = value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProfileScreen)
        said = str(app.screen.query_one("#profile-result").render())
        assert "No usable OS keyring" in said and "KORE_CLIENT_SECRET" in said
        assert not app.screen.query_one("#session-only").has_class("-hidden")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
    text = config_path().read_text()
    assert "headless" in text and demo_server.secret not in text


# -- keyrings that would write the secret to a file are refused -------------------------------------


class FileKeyring(KeyringBackend):
    """What keyrings.alt's PlaintextKeyring does: passwords in a file; keyring ranks it below 1."""

    priority = 0.5
    path: Path

    def get_password(self, service: str, username: str) -> str | None:
        return json.loads(self.path.read_text()).get(f"{service}/{username}") if self.path.exists() else None

    def set_password(self, service: str, username: str, password: str) -> None:
        stored = json.loads(self.path.read_text()) if self.path.exists() else {}
        self.path.write_text(json.dumps({**stored, f"{service}/{username}": password}))

    def delete_password(self, service: str, username: str) -> None:
        self.path.unlink(missing_ok=True)


class AltFileKeyring(FileKeyring):
    """A class from keyrings.alt's file module, whatever priority it claims."""

    priority = 5


AltFileKeyring.__module__ = "keyrings.alt.file"


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps nothing on disk (as a Secret Service does, for this test)."""

    priority = 5

    def __init__(self) -> None:
        super().__init__()
        self.held: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.held.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.held[service, username] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.held.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")


@pytest.fixture
def use_keyring():
    previous = keyring.get_keyring()
    yield keyring.set_keyring
    keyring.set_keyring(previous)


@pytest.mark.parametrize("kind", [FileKeyring, AltFileKeyring, NullKeyring])
def test_a_keyring_writing_to_a_file_or_not_recommended_is_refused(kind, use_keyring, tmp_path) -> None:  # type: ignore[no-untyped-def]
    backend = kind()
    backend.path = tmp_path / "keyring.json"
    use_keyring(backend)
    for call in (lambda: store_secret("work", "s3cret-in-a-file"), lambda: load_secret("work", env={}),
                 lambda: delete_secret("work")):
        with pytest.raises(KeyringUnavailable) as info:
            call()
        message = str(info.value)
        assert f"{kind.__module__}.{kind.__name__}" in message, message
        for way_out in ("Secret Service", "gnome-keyring", "KWallet", "macOS Keychain", "Windows Credential Locker",
                        "KORE_CLIENT_SECRET", "session only"):
            assert way_out in message, (way_out, message)
        assert "keyrings.alt package" not in message and "install" not in message
    assert not backend.path.exists()


def test_a_chain_uses_only_its_safe_keyrings(use_keyring, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(FileKeyring, "path", tmp_path / "keyring.json", raising=False)
    memory = MemoryKeyring()
    monkeypatch.setattr(ChainerBackend, "backends", [AltFileKeyring(), memory, FileKeyring()])
    use_keyring(ChainerBackend())
    store_secret("work", "s3cret-in-memory")
    assert memory.held == {(credentials.SERVICE, "work"): "s3cret-in-memory"}
    assert load_secret("work", env={}) == "s3cret-in-memory" and delete_secret("work") is True
    assert not FileKeyring.path.exists()
    monkeypatch.setattr(ChainerBackend, "backends", [AltFileKeyring(), FileKeyring()])  # nothing safe left
    with pytest.raises(KeyringUnavailable, match="would write the secret to a file"):
        store_secret("work", "s3cret-in-a-file")
    assert not FileKeyring.path.exists()


def test_the_real_backends_are_allowed() -> None:
    from keyring.backends import SecretService, Windows, kwallet, macOS

    for kind in (SecretService.Keyring, kwallet.DBusKeyring, macOS.Keyring, Windows.WinVaultKeyring):
        assert not any(c.__module__.startswith("keyrings.alt") for c in kind.__mro__)
        assert not hasattr(kind, "file_path")


# -- KORE_CLIENT_SECRET leaves the environment once read ----------------------------------------------


def test_the_environment_secret_is_taken_out_of_os_environ(no_keyring, demo_server: DemoServer,
                                                           monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    from kore_tui import cli

    for key, value in {"KORE_HOST": demo_server.url, "KORE_ACCOUNT_ID": demo_server.account_id,
                       "KORE_CLIENT_ID": demo_server.client_id, "KORE_CLIENT_SECRET": demo_server.secret,
                       "KORE_MAX_RPM": "0"}.items():
        monkeypatch.setenv(key, value)
    assert cli.main(["lists", "--stream", "st-demo-sales"]) == 0
    assert "KORE_CLIENT_SECRET" not in os.environ  # gone after the first read...
    child = subprocess.run([sys.executable, "-c", "import os; print(os.environ.get('KORE_CLIENT_SECRET'))"],
                           capture_output=True, text=True, check=True)
    assert child.stdout.strip() == "None"  # ...so no child process inherits it
    assert cli.main(["lists", "--stream", "st-demo-sales"]) == 0  # and later reads still have it
    assert load_secret("another-profile") == demo_server.secret
    out = capsys.readouterr()
    assert out.out.count("cl-demo-") >= 2 and demo_server.secret not in out.out + out.err

    monkeypatch.setenv("KORE_CLIENT_SECRET", "set-again")  # set anew in the process: the newer one wins
    assert load_secret("work") == "set-again" and "KORE_CLIENT_SECRET" not in os.environ
    assert load_secret("work", env={"KORE_CLIENT_SECRET": "given"}) == "given"  # a mapping given is only read
    credentials.forget_held_secrets()
    with pytest.raises(KeyringUnavailable):  # nothing held any more: the (absent) keyring is asked
        load_secret("work")


async def test_the_app_reads_the_environment_secret_again_after_taking_it(demo_server: DemoServer,
                                                                          monkeypatch) -> None:  # type: ignore[no-untyped-def]
    for key, value in {"KORE_HOST": demo_server.url, "KORE_ACCOUNT_ID": demo_server.account_id,
                       "KORE_CLIENT_ID": demo_server.client_id, "KORE_CLIENT_SECRET": demo_server.secret,
                       "KORE_MAX_RPM": "0"}.items():
        monkeypatch.setenv(key, value)
    for _ in range(2):  # a second app in the same process (as a profile switch reads it again)
        app = KoreTuiApp(clock=pinned_clock, animate=False)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, PickerScreen), app.screen
        assert "KORE_CLIENT_SECRET" not in os.environ
