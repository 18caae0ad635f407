"""Shared fixtures: isolated user dirs, a real demo server on loopback, clients connected to it.

Every test runs with its own XDG config/cache/state/data dirs (so nothing reads or writes the
developer's real config, logs or caches) and without the developer's ``KORE_*`` variables.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from kore_tui import credentials
from kore_tui.api.client import Connection, KoreClient
from kore_tui.demo.server import DemoServer

XDG_VARS = ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME")
KORE_VARS = (
    "KORE_PROFILE",
    "KORE_HOST",
    "KORE_ACCOUNT_ID",
    "KORE_CLIENT_ID",
    "KORE_CLIENT_SECRET",
    "KORE_APP_ID",
    "KORE_MAX_RPM",
)


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Point every XDG user dir at a fresh temporary dir and drop the developer's KORE_* settings.

    Returns the mapping (variable name -> path) for tests that want to look inside or pass it on
    to a subprocess.
    """
    root = tmp_path_factory.mktemp("xdg")
    dirs: dict[str, Path] = {}
    for var in XDG_VARS:
        path = root / var.removeprefix("XDG_").lower()
        path.mkdir()
        monkeypatch.setenv(var, str(path))
        dirs[var] = path
    for var in KORE_VARS:
        monkeypatch.delenv(var, raising=False)
    return dirs


@pytest.fixture(autouse=True)
def forget_held_secrets() -> Iterator[None]:
    """KORE_CLIENT_SECRET leaves os.environ when read and stays in memory: not into the next test."""
    credentials.forget_held_secrets()
    yield
    credentials.forget_held_secrets()


@pytest.fixture
def demo_server() -> Iterator[DemoServer]:
    """A started demo server on 127.0.0.1 (a free port), stopped after the test."""
    server = DemoServer(host="127.0.0.1", port=0).start()
    try:
        yield server
    finally:
        server.stop()


ClientFactory = Callable[..., KoreClient]


def connection_for(server: DemoServer, **overrides: Any) -> Connection:
    """A Connection to ``server`` for tests: pacing off and short backoff unless overridden."""
    settings: dict[str, Any] = {
        "host": server.url,
        "account_id": server.account_id,
        "client_id": server.client_id,
        "max_rpm": 0,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "timeout": 10.0,
    }
    settings.update(overrides)
    return Connection(**settings)


@pytest.fixture
async def client_for() -> AsyncIterator[ClientFactory]:
    """``client_for(server, secret=..., **connection_overrides)`` -> a KoreClient, closed at teardown.

    Defaults: the server's own account, client id and secret, ``max_rpm=0``, ``backoff_base=0.01``.
    """
    made: list[KoreClient] = []

    def make(server: DemoServer, *, secret: str | None = None, **overrides: Any) -> KoreClient:
        client = KoreClient(connection_for(server, **overrides), server.secret if secret is None else secret)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()
