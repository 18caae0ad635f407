"""The app in known states on the demo server: one scene per screen, for snapshot tests and for
``screenshots/make.py``. Scenes are blink-proof: cursor blink off, the clock pinned, TZ=UTC.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import keyring
from keyring.backends.fail import Keyring as FailKeyring
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from kore_tui.config import Config, Profile, Stream, save_config
from kore_tui.credentials import forget_held_secrets
from kore_tui.demo.server import DemoServer, Fault
from kore_tui.ui.app import KoreTuiApp
from kore_tui.ui.widgets.contact_view import ContactView
from kore_tui.ui.widgets.lazy_table import LazyTable

PINNED_NOW = 1_768_478_400.0  # 2026-01-15T12:00:00Z: relative ages in snapshots never drift


def pinned_clock() -> float:
    return PINNED_NOW


async def settle(pilot: Pilot, quiet_rounds: int = 3, timeout: float = 30.0, pause: float = 0.05) -> None:
    """Wait until no worker runs, no table is loading and no detail pane is behind its cursor,
    ``quiet_rounds`` checks ``pause`` seconds apart in a row; TimeoutError after ``timeout``."""
    app = pilot.app
    quiet = 0
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        await pilot.pause(pause)
        left = deadline - asyncio.get_running_loop().time()
        if left <= 0:
            break
        try:
            await asyncio.wait_for(app.workers.wait_for_complete(), left)
        except TimeoutError:
            break
        except WorkerCancelled:  # a worker superseded by a newer one (exclusive) is done too
            quiet = 0
            continue
        screens = app.screen_stack  # a modal's screen below may still be settling
        views = [v for screen in screens for v in screen.query(ContactView)]
        busy = (len(app.workers) > 0
                or any(t.fetching for screen in screens for t in screen.query(LazyTable))
                or any(v.detail_pending for v in views)
                # the detail pane's Campaigns section follows its row (a worker started after a frame)
                or any(v.detail.display and v.detail.row is not None and v.campaign_marks.wanted
                       and v.detail.campaigns is None for v in views))
        quiet = 0 if busy else quiet + 1
        if quiet >= quiet_rounds:
            return
    raise TimeoutError("the app did not settle")


def demo_app(**kw: object) -> KoreTuiApp:
    return KoreTuiApp(demo=True, clock=pinned_clock, animate=False, **kw)  # type: ignore[arg-type]


def press(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    async def steps(pilot: Pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return steps


async def _error_after_rows(pilot: Pilot) -> None:
    """Rows 0-199 loaded; then the server fails, and the view moves to the edge of what is loaded."""
    await settle(pilot)
    await pilot.press("colon", "1", "5", "0", "enter")
    await settle(pilot)
    server = pilot.app.demo_server  # type: ignore[attr-defined]
    server.inject(Fault(status=500, message="[red]Database[/] is \x1b[31mdown", path_contains="getAllContacts", times=None))
    for page_start in range(200, 1000, 100):  # whatever was prefetched, the first page not loaded fails
        if pilot.app.screen.query_one(LazyTable).pager.get_row(page_start) is None:
            break
    # Near the edge, so the failed page is in view (at 60x20 the view is 8 rows: the edge itself).
    target = page_start - 4 if pilot.app.size.height >= 24 else page_start
    await pilot.press("colon", *str(target), "enter")
    await settle(pilot)


@contextlib.contextmanager
def _no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(FailKeyring())
    try:
        yield
    finally:
        keyring.set_keyring(previous)


@contextlib.contextmanager
def _saved_profiles(server_holder: list[DemoServer]) -> Iterator[None]:
    """Two saved profiles pointing at a demo server, the secret from the environment."""
    server = DemoServer().start()
    server_holder.append(server)
    config = Config(default_profile="support-eu")
    for name, color in (("support-eu", "darkred"), ("sales-us", "")):  # the one in use is in its colour
        config.profiles[name] = Profile(name, server.url, server.account_id, server.client_id, color=color,
                                        streams=[Stream("st-demo-sales", "Sales", 2.0),
                                                 Stream("st-demo-support", "Support", 1.0)])
    save_config(config)
    old = os.environ.get("KORE_CLIENT_SECRET")
    os.environ["KORE_CLIENT_SECRET"] = server.secret
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("KORE_CLIENT_SECRET", None)
        else:
            os.environ["KORE_CLIENT_SECRET"] = old
        forget_held_secrets()  # the app took it out of os.environ and kept it: not into the next scene
        server.stop()


@dataclass
class Scene:
    name: str
    make_app: Callable[[], KoreTuiApp]
    steps: Callable[[Pilot], Awaitable[None]] = field(default=lambda pilot: settle(pilot))
    context: Callable[[], contextlib.AbstractContextManager[None]] = contextlib.nullcontext

    @contextlib.contextmanager
    def prepared(self) -> Iterator[None]:
        """Run with UTC local time and whatever the scene needs around it."""
        # Pinned: local time, and the state dir whose log path the help screen shows.
        pinned = {"TZ": "UTC", "XDG_STATE_HOME": "/tmp/kore-tui-scenes/state"}
        saved = {key: os.environ.get(key) for key in pinned}
        os.environ.update(pinned)
        time.tzset()
        try:
            with self.context():
                yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
            time.tzset()


def _quietly(steps: Callable[[Pilot], Awaitable[None]]) -> Callable[[Pilot], Awaitable[None]]:
    """The steps, then their notifications dismissed (they would hide what the scene shows)."""

    async def run(pilot: Pilot) -> None:
        await steps(pilot)
        pilot.app.clear_notifications()
        await settle(pilot)

    return run


_servers: list[DemoServer] = []

SCENES: list[Scene] = [
    Scene("profile-first-run", lambda: KoreTuiApp(clock=pinned_clock, animate=False)),
    Scene(
        "profile-no-keyring",
        lambda: KoreTuiApp(profile_name="support-eu", clock=pinned_clock, animate=False),
        press("ctrl+s"),
        context=lambda: _no_keyring_with_profile(),
    ),
    Scene("picker", demo_app),
    # `/` filters the lists, from wherever the cursor is; letters are commands.
    Scene("picker-filtered", demo_app, press("slash", "s", "u", "r")),
    Scene("picker-no-match", demo_app, press("slash", "x", "y", "z")),
    Scene("profile-switcher", lambda: KoreTuiApp(clock=pinned_clock, animate=False), press("ctrl+o"),
          context=lambda: _saved_profiles(_servers)),
    Scene("browser-list", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-1k"), press("down", "down", "down")),
    Scene("browser-directory", lambda: demo_app(stream_id="st-demo-sales"), press(*["down"] * 7)),
    Scene("browser-hostile", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-hostile"), press("down", "J")),
    Scene("browser-million-end", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-1m"), press("end")),
    Scene("browser-error", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-1k"), _error_after_rows),
    Scene("go-to-row", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-1k"), press("colon", "4", "2")),
    Scene("help", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-1k"), press("question_mark")),
    Scene("find-prompt", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-1k"),
          press("f", *"15550000000")),
    Scene("lookup", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-seven"),
          press("f", *"15550000000", "enter")),
    # The export dialog, and the cost of a million rows said before it starts.
    Scene("export", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-1m"), press("e"),
          context=lambda: _export_dir()),
    Scene("export-estimate", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-1m"), press("e", "enter"),
          context=lambda: _export_dir()),
    Scene("fetch-all-confirm", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-1m"), press("F")),
    # Insights of a list of known content: on what the table fetched (the coverage said first),
    # and with the list and the directory fetched whole (F on each).
    Scene("insights-partial", lambda: _insights_app(), press("i")),
    Scene("insights", lambda: _insights_app(), _quietly(press("F", "2", "F", "1", "i"))),
    Scene("insights-end", lambda: _insights_app(), _quietly(press("F", "2", "F", "1", "i", "end"))),  # the chart
    # Campaigns (#16): the browser's third view, one campaign's page and its outcomes, and a list
    # contact's Campaigns section once `o` has fetched its outcomes (row 3: on the do-not-call list).
    Scene("campaigns", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-seven"), press("3", "down")),
    Scene("campaign", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-seven"),
          press("3", "down", "down", "down", "enter")),
    Scene("campaign-outcomes", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-seven"),
          press("3", "down", "down", "down", "enter", "2", "down")),
    Scene("contact-campaigns", lambda: demo_app(stream_id="st-demo-sales", list_id="cl-demo-seven"),
          press("down", "down", "down", "o")),
]

EXPORT_DIR = Path("/tmp/kore-tui-scenes/exports")


def _insights_app() -> KoreTuiApp:
    from kore_tui.demo.data import INSIGHTS_REGION
    from kore_tui.session import Settings

    return demo_app(stream_id="st-demo-sales", list_id="cl-insights-a", settings=Settings(region=INSIGHTS_REGION))


@contextlib.contextmanager
def _export_dir() -> Iterator[None]:
    """config.toml with `export_dir` (the path the export dialog shows), removed afterwards."""
    EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    path = save_config(Config(export_dir=str(EXPORT_DIR)))
    try:
        yield
    finally:
        path.unlink(missing_ok=True)


@contextlib.contextmanager
def _no_keyring_with_profile() -> Iterator[None]:
    """A saved profile whose secret cannot be read: no keyring backend, no KORE_CLIENT_SECRET."""
    config = Config(default_profile="support-eu")
    config.profiles["support-eu"] = Profile("support-eu", "https://de-platform.kore.ai", "acct-1", "cs-1",
                                            streams=[Stream("st-1", "Support")])
    save_config(config)
    with _no_keyring():
        yield
