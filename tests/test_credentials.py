"""The secret: in a real Secret Service (gnome-keyring on a private D-Bus, see .ci/test), in the
environment, or held for the session when no keyring works. Never in the config file."""

from __future__ import annotations

import os
import uuid

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring
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
