"""Turning a profile and its secret into a connected client; the demo profile.

Shared by the CLI and the app. Knows nothing of Textual.
"""

from __future__ import annotations

import logging
import logging.handlers
from dataclasses import dataclass
from pathlib import Path

import platformdirs

import sqlite3

from kore_tui.api.client import Connection, KoreClient, RetryCallback
from kore_tui.cache import RowCache
from kore_tui.config import APP_NAME, Profile, Stream
from kore_tui.demo import data as demo_data
from kore_tui.demo.server import DemoServer

DEFAULT_MAX_RPM = 60
DEMO_LATENCY = 0.03  # seconds: enough to feel a network, little enough to stay snappy


@dataclass
class Settings:
    """Per-run settings from the command line (None: take the profile's or the default)."""

    max_rpm: int | None = None
    timeout: float = 30.0
    backoff_base: float = 0.5  # seconds before the first retry; doubles each time
    backoff_max: float = 30.0


def make_client(profile: Profile, secret: str, settings: Settings | None = None,
                on_retry: RetryCallback | None = None) -> KoreClient:
    settings = settings or Settings()
    max_rpm = settings.max_rpm if settings.max_rpm is not None else profile.max_rpm
    connection = Connection(
        host=profile.host,
        account_id=profile.account_id,
        client_id=profile.client_id,
        app_id=profile.app_id or None,
        max_rpm=DEFAULT_MAX_RPM if max_rpm is None else max_rpm,
        timeout=settings.timeout,
        ca_bundle=profile.ca_bundle or None,
        backoff_base=settings.backoff_base,
        backoff_max=settings.backoff_max,
    )
    return KoreClient(connection, secret, on_retry=on_retry)


def start_demo(**knobs: object) -> DemoServer:
    """A demo server on a free loopback port, already serving."""
    knobs.setdefault("latency", DEMO_LATENCY)
    return DemoServer(**knobs).start()  # type: ignore[arg-type]


def demo_profile(server: DemoServer) -> Profile:
    return Profile(
        name="demo",
        host=server.url,
        account_id=server.account_id,
        client_id=server.client_id,
        streams=[Stream(s.id, s.name) for s in demo_data.STREAMS],
    )


def open_cache(enabled: bool = True) -> RowCache:
    """The row cache: on disk in the user cache dir, or, when switched off, in memory only."""
    if enabled:
        try:
            return RowCache()
        except (OSError, sqlite3.Error) as exc:
            logging.getLogger("kore_tui").warning("cache unavailable, keeping rows in memory: %s", exc)
    return RowCache(persist=False)


def log_path() -> Path:
    return platformdirs.user_log_path(APP_NAME) / "kore-tui.log"


def setup_logging(debug: bool = False) -> Path | None:
    """Log to a rotating file in the user log dir. Requests are logged without headers."""
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("kore_tui")
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    return path
