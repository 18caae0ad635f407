"""ProfileScreen: create or edit a profile, test it, save it (the secret to the OS keyring).

ProfileSwitcher: pick another profile, or start a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from kore_tui.api.client import normalize_host
from kore_tui.api.errors import ApiError, InsecureURLError
from kore_tui.config import KNOWN_HOSTS, Config, ConfigError, Profile
from kore_tui.credentials import KeyringUnavailable, hold_for_session, load_secret, store_secret
from kore_tui.ui.kore_app import kore_app
from kore_tui.ui.safe_text import clean
from kore_tui.ui.widgets.key_hints import KeyHints
from kore_tui.ui.widgets.secret_input import SecretInput
from kore_tui.ui.widgets.title_bar import TitleBar

FIELDS = (
    ("name", "Profile name", "e.g. prod-us"),
    ("host", "Host", "https://platform.kore.ai"),
    ("account_id", "Account id", "from the platform's account settings"),
    ("client_id", "Client id", "App Settings > Dev Tools"),
    ("secret", "Client secret", "kept in the OS keyring, never in a file"),
    ("app_id", "App id (iid)", "optional; empty = the stream id"),
    ("streams", "Stream ids", "comma-separated, e.g. st-1234, st-5678"),
)


class ProfileScreen(Screen[None]):
    """The first-run form, also used to edit a profile."""

    BINDINGS = [
        Binding("ctrl+t", "test", "Test connection", id="profile.test"),
        Binding("ctrl+s", "save", "Save", id="profile.save"),
        Binding("ctrl+l", "session_only", "Session only", show=False, id="profile.session-only"),
        Binding("escape", "cancel", "Cancel", id="profile.cancel"),
    ]

    def __init__(self, profile: Profile | None, *, first_run: bool = False, message: str = "") -> None:
        super().__init__()
        self.profile = profile
        self.first_run = first_run
        self.message = message
        self.keyring_failed = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="profile-form"):
            intro = "Welcome to kore-tui. Set up a profile to connect." if self.first_run else "Edit the profile."
            yield Label(intro + " Tip: kore-tui --demo needs no account.", classes="intro", markup=False)
            with Grid(id="profile-fields"):
                for key, label, placeholder in FIELDS:
                    yield Label(label, markup=False)
                    if key == "secret":  # copy/cut do nothing, and its keys and value are not logged
                        yield SecretInput(placeholder=placeholder, id="field-secret")
                        continue
                    yield Input(
                        self._initial(key),
                        placeholder=placeholder,
                        id=f"field-{key}",
                        suggester=SuggestFromList([h for h, _ in KNOWN_HOSTS]) if key == "host" else None,
                    )
            yield Static(Text("Known hosts: " + ", ".join(f"{h} ({w})" for h, w in KNOWN_HOSTS), style="dim"),
                         id="known-hosts")
            with Horizontal(id="profile-buttons"):
                yield Button("Test connection", id="test")
                yield Button("Save", id="save", variant="primary")
                yield Button("Use for this session only", id="session-only", classes="-hidden")
            yield Static(Text(clean(self.message), style="yellow") if self.message else "", id="profile-result")
        yield KeyHints()

    def on_mount(self) -> None:
        animate = getattr(self.app, "blink", True)
        for field in self.query(Input):
            field.cursor_blink = animate
        first_empty = next((i for i in self.query(Input) if not i.value and i.id != "field-app_id"), None)
        (first_empty or self.query_one("#field-name", Input)).focus()

    def _initial(self, key: str) -> str:
        p = self.profile
        if p is None:
            return "default" if key == "name" else ""
        if key == "streams":
            return ", ".join(s.id for s in p.streams)
        return "" if key == "secret" else str(getattr(p, key, ""))

    def _value(self, key: str) -> str:
        return self.query_one(f"#field-{key}", Input).value.strip()

    def _say(self, text: str, style: str = "") -> None:
        self.query_one("#profile-result", Static).update(Text(clean(text), style=style))

    def _form_profile(self) -> Profile | None:
        """The profile as typed, or None after saying what is missing or wrong."""
        missing = [label for key, label, _ in FIELDS if key in ("name", "host", "account_id", "client_id") and not self._value(key)]
        if missing:
            self._say("Please fill in: " + ", ".join(missing), "red")
            return None
        try:
            host = normalize_host(self._value("host"))
        except InsecureURLError as exc:
            self._say(str(exc), "red")
            return None
        profile = Profile(
            name=self._value("name"),
            host=host,
            account_id=self._value("account_id"),
            client_id=self._value("client_id"),
            app_id=self._value("app_id"),
            streams=list(self.profile.streams) if self.profile else [],
            max_rpm=self.profile.max_rpm if self.profile else None,
            ca_bundle=self.profile.ca_bundle if self.profile else "",
            color=self.profile.color if self.profile else "",
        )
        wanted = [s.strip() for s in self._value("streams").split(",") if s.strip()]
        profile.streams = [s for s in profile.streams if s.id in wanted]
        for stream_id in wanted:
            if all(s.id != stream_id for s in profile.streams):
                profile.touch_stream(stream_id)
        return profile

    @on(Button.Pressed, "#test")
    def action_test(self) -> None:
        profile = self._form_profile()
        if profile is not None:
            self._say("Testing…", "italic")
            self.test_connection(profile)

    # The workers that touch the secret read it themselves and carry a description of their own:
    # Textual describes a worker by the repr of its arguments, and logs that (TEXTUAL_LOG).
    @work(exclusive=True, group="profile-test", description="test the profile's connection")
    async def test_connection(self, profile: Profile) -> None:
        secret = self._value("secret") or await self._stored_secret(profile.name)
        if not secret:
            self._say("Type the client secret to test the connection.", "red")
            return
        if not profile.streams:
            self._say("Add a stream id: every contact endpoint belongs to a stream.", "red")
            return
        stream = profile.streams[0].id
        app = kore_app(self)
        try:
            session = app.make_session(profile, secret, app.row_cache)
            try:
                page = await session.client.directory_page(stream, 0, 1)
            finally:
                await session.aclose()
        except ApiError as exc:
            self._say(f"Connection failed. {exc.kind}: {exc}", "red")
            return
        except (ConfigError, OSError) as exc:
            self._say(f"This profile cannot be used: {exc}", "red")
            return
        count = f"{page.total_results:,} contacts" if page.total_results is not None else "contacts"
        self._say(f"Connected: stream {stream} answered ({count} in its directory).", "green")

    async def _stored_secret(self, name: str) -> str | None:
        try:
            return await _in_thread(load_secret, name)
        except KeyringUnavailable:
            return None

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        profile = self._form_profile()
        if profile is not None:
            self.save(profile)

    @work(exclusive=True, group="profile-save", description="save the profile and its secret")
    async def save(self, profile: Profile) -> None:
        secret = self._value("secret")
        try:
            if secret:
                await _in_thread(store_secret, profile.name, secret)
            else:
                stored = await _in_thread(load_secret, profile.name)
                secret = stored or ""
        except KeyringUnavailable as exc:
            self.keyring_failed = True
            self.query_one("#session-only").remove_class("-hidden")
            self._say(f"{exc} Here: ctrl+l (the rest of the profile is saved).", "yellow")
            kore_app(self).save_profile(profile)
            return
        if not secret:
            self._say("Type the client secret: none is stored for this profile.", "red")
            return
        kore_app(self).save_profile(profile)
        self._connect(profile, secret)

    @on(Button.Pressed, "#session-only")
    def action_session_only(self) -> None:
        profile = self._form_profile()
        secret = self._value("secret")
        if profile is None or not secret:
            self._say("Type the client secret first.", "red")
            return
        hold_for_session(profile.name, secret)
        kore_app(self).save_profile(profile)
        self._connect(profile, secret)

    def _connect(self, profile: Profile, secret: str) -> None:
        kore_app(self).connect(profile, secret)

    def action_cancel(self) -> None:
        if len(self.app.screen_stack) > 2 or kore_app(self).session is not None:
            self.dismiss()
        elif self.first_run:
            self.app.exit()


T = TypeVar("T")


async def _in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Keyring calls can block on D-Bus: run them off the event loop."""
    import asyncio

    return await asyncio.to_thread(fn, *args)


class ProfileSwitcher(ModalScreen[None]):
    """Pick a profile to switch to, or make a new one."""

    BINDINGS = [
        Binding("escape", "dismiss", "Close", id="profiles.close"),
        Binding("e", "edit", "Edit", id="profiles.edit"),
        Binding("n", "new", "New profile", id="profiles.new"),
    ]

    def __init__(self, config: Config) -> None:
        super().__init__()
        self.config = config

    def compose(self) -> ComposeResult:
        with Vertical(classes="prompt"):
            yield Label("Switch profile: Enter switches · e edits · n new · Esc closes", markup=False)
            options = [Option(Text(clean(name)), id=name) for name in self.config.profiles]
            options.append(Option(Text("+ New profile", style="italic"), id=""))
            yield OptionList(*options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id or ""
        self.dismiss()
        if not name:
            kore_app(self).show_profile_screen(None, first_run=False)
        else:
            kore_app(self).switch_to(self.config.profiles[name])

    def _highlighted(self) -> Profile | None:
        option_list = self.query_one(OptionList)
        if option_list.highlighted is None:
            return None
        name = option_list.get_option_at_index(option_list.highlighted).id or ""
        return self.config.profiles.get(name)

    def action_edit(self) -> None:
        profile = self._highlighted()
        self.dismiss()
        kore_app(self).show_profile_screen(profile)

    def action_new(self) -> None:
        self.dismiss()
        kore_app(self).show_profile_screen(None)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(None)
