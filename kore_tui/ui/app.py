"""KoreTuiApp: starts on the demo server, a saved profile, or the first-run profile screen.

The app turns a profile and its secret into a :class:`~kore_tui.session.Session` through its
session factory (tests pass their own) and hands it to each screen it opens; screens post nothing
but user intent back. Screen classes live in ``screens/``.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
import sys
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from kore_tui.api.errors import ApiError
from kore_tui.cache import RowCache
from kore_tui.config import Config, ConfigError, Profile, load_config, save_config, select_profile
from kore_tui.credentials import KeyringUnavailable, load_secret
from kore_tui.session import Session, SessionFactory, Settings, exposure_warning, log_path, open_cache, session_factory
from kore_tui.ui.compat import app_exception, exit_on_fatal_error
from kore_tui.ui.safe_text import clean

if TYPE_CHECKING:
    from kore_tui.demo.server import DemoServer  # the demo server loads only with --demo


class KoreTuiApp(App[None]):
    """The terminal browser."""

    CSS_PATH = "app.tcss"
    TITLE = "kore-tui"
    # Wide terminals put the detail pane beside the table; at 80 columns it goes below.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (22, "-tall")]  # short: dialogs lose their inner margin
    keymap: dict[str, str] = {}  # the usable part of config.toml's [keymap] (replaced, never changed)
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True, id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("ctrl+o", "switch_profile", "Profiles", show=False, id="app.profiles"),
    ]

    def __init__(
        self,
        *,
        profile_name: str | None = None,
        demo: bool = False,
        settings: Settings | None = None,
        stream_id: str | None = None,
        list_id: str | None = None,
        clock: Callable[[], float] = time.time,
        animate: bool = True,
        demo_knobs: dict[str, Any] | None = None,
        no_cache: bool = False,
        demo_server: DemoServer | None = None,
        make_session: SessionFactory | None = None,
    ) -> None:
        """``demo_server``: with ``demo``, a server the caller started (and stops) instead of
        one of the app's own. ``make_session``: how a profile and its secret become a Session
        (default: :meth:`Session.open` with ``settings`` and ``clock``)."""
        super().__init__()
        self.profile_name = profile_name
        self.demo = demo
        self.settings = settings or Settings()
        self.start_stream = stream_id
        self.start_list = list_id
        self.clock = clock  # "now" for relative times; tests pin it
        self.blink = animate  # cursor blink and spinners; off in snapshot tests
        self.demo_knobs = demo_knobs or {}
        self.config = Config()
        self.session: Session | None = None
        self.demo_server = demo_server
        self._own_demo_server = demo_server is None
        self.make_session = make_session or session_factory(self.settings, clock)
        self.no_cache = no_cache
        self.cache: RowCache | None = None
        self.export_dir = ""  # config.toml's `export_dir`: where exports go (empty: the current directory)
        self._saved_theme: str | None = None  # the theme config.toml has (None: not read yet)
        self.budget_wait_until = 0.0  # monotonic: a request waits for the request budget until then

    # -- start-up ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.call_after_refresh(self._first_frame_shown)
        self._restore_terminal_on_signals()
        self.apply_keymap()
        if self.demo:
            from kore_tui.demo.launch import demo_profile, listening_demo

            self.cache = open_cache(enabled=not self.no_cache)
            if self.demo_server is None:
                # Serving starts once the first frame is shown; the picker's first request waits
                # in the server's backlog until then.
                self.demo_server = listening_demo(**self.demo_knobs)
                self.call_after_refresh(self.demo_server.start)
            self.connect(demo_profile(self.demo_server), self.demo_server.secret)
            return
        try:
            self.config = load_config()
            profile = select_profile(self.config, self.profile_name)
        except ConfigError as exc:
            self.notify(clean(str(exc)), title="Configuration", severity="error", markup=False)
            profile = None
        if warning := exposure_warning(self.config.path):
            self.notify(clean(warning), title="Configuration", severity="warning", markup=False, timeout=15)
        self.cache = open_cache(enabled=self.config.cache and not self.no_cache)
        if self.cache.problem:
            self.notify(clean(self.cache.problem), title="Cache", severity="warning", markup=False, timeout=15)
        if profile is None or profile.missing():
            self.show_profile_screen(profile, first_run=profile is None)
        else:
            self.load_secret_for(profile)

    def _first_frame_shown(self) -> None:
        # Start-up objects live for the whole run: kept out of the collector's passes, which
        # `kore-tui` switched off until the first frame (see cli.run.run_app).
        gc.freeze()
        gc.enable()

    def apply_keymap(self) -> None:
        """The `[keymap]` of config.toml, for every profile (the demo's too): ids and keys that
        cannot be used are said, and the rest apply. Also its `theme` and `export_dir`."""
        from kore_tui.ui.keys import check_keymap

        try:
            config = load_config()
        except ConfigError as exc:
            if self.demo:  # otherwise the profile's start says so
                self.notify(clean(str(exc)), title="Configuration", severity="error", markup=False)
            return
        self.export_dir = config.export_dir
        self._saved_theme = config.theme
        if config.theme in self.available_themes:
            self.theme = config.theme
        elif config.theme:
            self.notify(clean(f"theme {config.theme!r} in config.toml is not a theme; the default applies"),
                        title="Configuration", severity="warning", markup=False)
        keymap = config.keymap
        if not keymap:
            return  # (checking it imports every screen: not before they are needed)
        usable, problems = check_keymap(keymap)
        self.keymap = usable
        if problems:
            self.notify(clean(" · ".join(problems)), title="Keymap in config.toml (the rest applies)",
                        severity="warning", markup=False, timeout=20)
        self.set_keymap(usable)

    # A description of its own: Textual's default is the repr of the arguments, and it is logged.
    @work(thread=True, exclusive=True, group="secret", description="read the profile's secret")
    def load_secret_for(self, profile: Profile) -> None:
        """Keyring calls may block on D-Bus: off the event loop, always."""
        try:
            secret, problem = load_secret(profile.name), None
        except KeyringUnavailable as exc:
            secret, problem = None, str(exc)
        self.call_from_thread(self._secret_loaded, profile, secret, problem)

    def _secret_loaded(self, profile: Profile, secret: str | None, problem: str | None) -> None:
        if secret:
            self.connect(profile, secret)
        else:
            self.show_profile_screen(profile, message=problem or "No client secret is stored for this profile.")

    def show_profile_screen(self, profile: Profile | None, *, first_run: bool = False, message: str = "") -> None:
        from kore_tui.ui.screens.profile import ProfileScreen

        self.push_screen(ProfileScreen(profile, first_run=first_run, message=message))

    def connect(self, profile: Profile, secret: str) -> None:
        """Use ``profile`` and open the picker; a profile that cannot be used (a refused host, a
        CA file that cannot be read) opens the profile screen with the reason instead."""
        try:
            self.use_profile(profile, secret)
        except (ApiError, ConfigError, OSError, ValueError) as exc:
            self.show_profile_screen(profile, message=f"This profile cannot be used: {exc}")
            return
        self.open_start()

    @property
    def row_cache(self) -> RowCache:
        """The row cache, opened on mount (on disk, or in memory when switched off or unusable)."""
        if self.cache is None:
            self.cache = open_cache(enabled=False)
        return self.cache

    def use_profile(self, profile: Profile, secret: str) -> Session:
        """Connect as ``profile``: a new session; the old one is closed. Raises what the
        session factory raises for a profile it cannot use."""
        old = self.session
        session = self.make_session(profile, secret, self.row_cache)
        session.client.on_retry = self._on_retry
        session.client.on_budget_wait = self._on_budget_wait
        self.session = session
        self.sub_title = clean(profile.name)
        if old is not None:
            self.run_worker(old.aclose(), group="close")
        return session

    def open_start(self) -> None:
        """The picker, and on it the deep-linked stream or list when one was asked for."""
        # Start-up objects live for the whole run: keep the collector from scanning them again
        # and again (a full collection landed in the first page's paint).
        gc.freeze()
        from kore_tui.ui.screens.picker import PickerScreen

        assert self.session is not None, "connect first"
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(PickerScreen(self.session))
        if self.start_stream:
            from kore_tui.ui.screens.browser import BrowserScreen  # (not before it is needed: the picker paints first)

            self.push_screen(BrowserScreen(self.session, self.start_stream, self.start_list))
            self.start_stream = self.start_list = None

    def save_profile(self, profile: Profile) -> None:
        """Persist the profile (never the secret). The demo profile is not saved."""
        if self.demo:
            return
        self.config.profiles[profile.name] = profile
        self.config.default_profile = self.config.default_profile or profile.name
        try:
            save_config(self.config)
        except OSError as exc:
            self.notify(clean(f"Could not save the configuration: {exc}"), severity="error", markup=False)

    def _on_retry(self, reason: str, delay: float) -> None:
        self.notify(f"{clean(reason)}; retrying in {delay:.1f} s", title="Waiting", timeout=max(2.0, delay), markup=False)

    def watch_theme(self, theme: str) -> None:
        """A theme picked (the palette's "Theme") is kept in config.toml for the next start."""
        if self._saved_theme is None or theme == self._saved_theme:
            return  # before config.toml was read (the default theme), or the one it has
        self._saved_theme = theme
        try:
            config = load_config()
            config.theme = theme
            save_config(config)
        except (ConfigError, OSError) as exc:
            self.notify(clean(f"Could not save the theme: {exc}"), severity="error", markup=False)
            return
        if not self.demo:
            self.config.theme = theme

    _budget_notice_until = 0.0  # monotonic: a "waiting for the request budget" notice shows until then

    def _on_budget_wait(self, seconds: float) -> None:
        """A request waits for the account's request budget (this or another kore-tui process spent
        it): said once, not once per waiting page."""
        now = time.monotonic()
        self.budget_wait_until = max(self.budget_wait_until, now + seconds)  # progress lines say so
        if now < self._budget_notice_until:
            return
        shown = min(max(2.0, seconds), 10.0)
        self._budget_notice_until = now + max(shown, 5.0)
        self.notify(f"waiting for the request budget ({seconds:.0f} s)", title="Waiting", timeout=shown, markup=False)

    async def on_unmount(self) -> None:
        if self.session is not None:
            await self.session.aclose()
        if self.demo_server is not None and self._own_demo_server:
            self.demo_server.stop()
        if self.cache is not None:
            self.cache.close()

    def _restore_terminal_on_signals(self) -> None:
        """SIGTERM and SIGHUP end the app as ctrl+q does, so the terminal gets its screen, cursor
        and mouse back (the default action kills the process with the terminal still in app mode)."""
        try:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGHUP):
                loop.add_signal_handler(sig, self.exit)
        except (RuntimeError, ValueError, NotImplementedError):  # not the main thread, or no signals
            pass

    def _fatal_error(self) -> None:
        """Anything unexpected: one line for the user and the whole traceback in the log.
        Textual's own crash report shows each frame's local variables, which can hold the
        client secret or a token; the log has no locals. (Textual calls this private method;
        the private attributes it needs are reached through kore_tui.ui.compat.)"""
        from rich.text import Text

        self.bell()
        error = sys.exc_info()[1] or app_exception(self)
        logging.getLogger("kore_tui").error("unexpected error in the app", exc_info=error)
        what = f"{type(error).__name__}: {str(error)[:200]}" if error is not None else "unknown"
        line = f"kore-tui: unexpected error: {clean(what)} (details in {clean(str(log_path()))})"
        exit_on_fatal_error(self, Text(line, style="red"))

    # -- actions ----------------------------------------------------------------------------

    def action_help(self) -> None:
        from kore_tui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen, log_path()))

    def action_switch_profile(self) -> None:
        from kore_tui.ui.screens.profile import ProfileSwitcher

        if self.demo:
            self.notify("The demo runs on its own profile; start kore-tui without --demo for yours.")
            return
        self.push_screen(ProfileSwitcher(self.config))

    def switch_to(self, profile: Profile) -> None:
        self.load_secret_for(profile)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand("Help", "Keys of this screen, and where the log is", self.action_help)
        yield SystemCommand("Switch profile", "Pick another profile, or make a new one", self.action_switch_profile)
        yield from screen_commands(screen)
        # Textual's "Keys" panel is the same as Help above: one of them is enough.
        yield from (command for command in super().get_system_commands(screen) if command.title != "Keys")


def screen_commands(screen: Screen) -> Iterable[SystemCommand]:
    """The current screen's own actions, offered in the command palette."""
    commands = getattr(screen, "palette_commands", None)
    if commands is not None:
        yield from commands()
