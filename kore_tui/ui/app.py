"""KoreTuiApp: starts on the demo server, a saved profile, or the first-run profile screen.

The app owns the session (profile, secret-derived client, demo server); screens ask it for the
client and post nothing but user intent back. Screen classes live in ``screens/``.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from kore_tui.api.client import KoreClient
from kore_tui.cache import RowCache
from kore_tui.config import Config, ConfigError, Profile, exposure_warning, load_config, save_config, select_profile
from kore_tui.credentials import KeyringUnavailable, load_secret
from kore_tui.demo.server import DemoServer
from kore_tui.session import Settings, demo_profile, log_path, make_client, open_cache, start_demo
from kore_tui.ui.safe_text import clean


class KoreTuiApp(App[None]):
    """The terminal browser."""

    CSS_PATH = "app.tcss"
    TITLE = "kore-tui"
    # Wide terminals put the detail pane beside the table; at 80 columns it goes below.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+o", "switch_profile", "Profiles", show=False),
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
        demo_knobs: dict | None = None,
        no_cache: bool = False,
    ) -> None:
        super().__init__()
        self.profile_name = profile_name
        self.demo = demo
        self.settings = settings or Settings()
        self.start_stream = stream_id
        self.start_list = list_id
        self.clock = clock  # "now" for relative times; tests pin it
        self.animate = animate  # cursor blink and spinners; off in snapshot tests
        self.demo_knobs = demo_knobs or {}
        self.config = Config()
        self.profile: Profile | None = None
        self.client: KoreClient | None = None
        self.demo_server: DemoServer | None = None
        self.no_cache = no_cache
        self.cache: RowCache | None = None

    # -- start-up ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.demo:
            self.cache = open_cache(enabled=not self.no_cache)
            self.demo_server = start_demo(**self.demo_knobs)
            self.use_profile(demo_profile(self.demo_server), self.demo_server.secret)
            self.open_start()
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
        if profile is None or profile.missing():
            self.show_profile_screen(profile, first_run=profile is None)
        else:
            self.load_secret_for(profile)

    @work(thread=True, exclusive=True, group="secret")
    def load_secret_for(self, profile: Profile) -> None:
        """Keyring calls may block on D-Bus: off the event loop, always."""
        try:
            secret, problem = load_secret(profile.name), None
        except KeyringUnavailable as exc:
            secret, problem = None, str(exc)
        self.call_from_thread(self._secret_loaded, profile, secret, problem)

    def _secret_loaded(self, profile: Profile, secret: str | None, problem: str | None) -> None:
        if secret:
            self.use_profile(profile, secret)
            self.open_start()
        else:
            self.show_profile_screen(profile, message=problem or "No client secret is stored for this profile.")

    def show_profile_screen(self, profile: Profile | None, *, first_run: bool = False, message: str = "") -> None:
        from kore_tui.ui.screens.profile import ProfileScreen

        self.push_screen(ProfileScreen(profile, first_run=first_run, message=message))

    def use_profile(self, profile: Profile, secret: str) -> None:
        """Connect as ``profile``: a new client; the old one is closed."""
        old = self.client
        self.profile = profile
        self.client = make_client(profile, secret, self.settings, on_retry=self._on_retry)
        self.sub_title = clean(profile.name)
        if old is not None:
            self.run_worker(old.aclose(), group="close")

    def open_start(self) -> None:
        """The picker, and on it the deep-linked stream or list when one was asked for."""
        # Start-up objects live for the whole run: keep the collector from scanning them again
        # and again (a full collection landed in the first page's paint, 100+ ms).
        gc.freeze()
        from kore_tui.ui.screens.browser import BrowserScreen
        from kore_tui.ui.screens.picker import PickerScreen

        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(PickerScreen())
        if self.start_stream:
            self.push_screen(BrowserScreen(self.start_stream, self.start_list))
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

    async def on_unmount(self) -> None:
        if self.client is not None:
            await self.client.aclose()
        if self.demo_server is not None:
            self.demo_server.stop()
        if self.cache is not None:
            self.cache.close()

    def _fatal_error(self) -> None:
        """Textual's crash report shows each frame's local variables, which can hold the client
        secret or a token: print the traceback without them."""
        from rich.segment import Segments
        from rich.traceback import Traceback

        self.bell()
        traceback = Traceback(show_locals=False, width=None)
        self._exit_renderables.append(Segments(self.console.render(traceback, self.console.options)))
        self._close_messages_no_wait()

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
        yield from super().get_system_commands(screen)


def screen_commands(screen: Screen) -> Iterable[SystemCommand]:
    """The current screen's own actions, offered in the command palette."""
    commands = getattr(screen, "palette_commands", None)
    if commands is not None:
        yield from commands()
