"""Profiles: where to connect and as whom. Stored as TOML in the user config dir.

The client secret is never part of a profile: it lives in the OS keyring or ``KORE_CLIENT_SECRET``
(see :mod:`kore_tui.credentials`). Environment variables override the file, and with all of them
set no file is needed at all.
"""

from __future__ import annotations

import os
import stat
import tempfile
import time
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

APP_NAME = "kore-tui"

KNOWN_HOSTS = (
    ("https://platform.kore.ai", "US"),
    ("https://de-platform.kore.ai", "Germany"),
    ("https://jp-platform.kore.ai", "Japan"),
    ("https://bots.kore.ai", "US, older tenants"),
)

ENV_PROFILE = "KORE_PROFILE"
ENV_HOST = "KORE_HOST"
ENV_ACCOUNT_ID = "KORE_ACCOUNT_ID"
ENV_CLIENT_ID = "KORE_CLIENT_ID"
ENV_CLIENT_SECRET = "KORE_CLIENT_SECRET"
ENV_APP_ID = "KORE_APP_ID"
ENV_MAX_RPM = "KORE_MAX_RPM"
ENV_REGION = "KORE_REGION"
ENV_PROFILE_NAME = "env"  # the name of a profile made wholly from the environment


class ConfigError(Exception):
    """The configuration file or environment is unusable; the message says how to fix it."""


@dataclass
class Stream:
    id: str
    name: str = ""
    last_used: float = 0.0

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass
class Profile:
    name: str
    host: str = ""
    account_id: str = ""
    client_id: str = ""
    app_id: str = ""  # the campaign endpoints' `iid`; empty means "the stream id"
    streams: list[Stream] = field(default_factory=list)
    max_rpm: int | None = None
    ca_bundle: str = ""
    region: str = ""  # ISO code (US, IN, ...): where numbers written without a country code are
    # `color`: a colour for the title bar (a name or #rrggbb), so a production profile is never
    # taken for a test one; empty: the theme's.
    color: str = ""

    def missing(self) -> list[str]:
        """Names of the settings still needed to connect (the secret aside)."""
        return [label for label, value in (("host", self.host), ("account id", self.account_id),
                                           ("client id", self.client_id)) if not value]

    def streams_by_recent_use(self) -> list[Stream]:
        return sorted(self.streams, key=lambda s: -s.last_used)

    def touch_stream(self, stream_id: str, name: str = "") -> Stream:
        """Mark a stream as just used, adding it when new."""
        for stream in self.streams:
            if stream.id == stream_id:
                stream.last_used = time.time()
                return stream
        stream = Stream(stream_id, name, time.time())
        self.streams.append(stream)
        return stream


@dataclass
class Config:
    profiles: dict[str, Profile] = field(default_factory=dict)
    default_profile: str = ""
    cache: bool = True  # keep fetched rows in the local cache (`cache = false` turns it off)
    path: Path | None = None
    # `[keymap]`: binding id -> keys ("browser.filter" = "ctrl+f"), for every profile; the app
    # checks the ids and keys (kore_tui.ui.keys) and says what it cannot use.
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str = ""  # the app's theme (Textual's name, picked in the command palette); empty: the default
    export_dir: str = ""  # where the app's exports go; empty: the current directory


def config_dir() -> Path:
    return platformdirs.user_config_path(APP_NAME)


def config_path() -> Path:
    return config_dir() / "config.toml"


def load_config(path: Path | None = None) -> Config:
    """Read the config file; a missing file is an empty config."""
    path = path or config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config(path=path)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    profiles: dict[str, Profile] = {}
    for name, item in (raw.get("profiles") or {}).items():
        if isinstance(item, Mapping):
            profiles[name] = _profile_from_toml(name, item)
    cache = raw.get("cache", True)
    theme, export_dir = raw.get("theme", ""), raw.get("export_dir", "")
    return Config(profiles=profiles, default_profile=str(raw.get("default_profile", "")),
                  cache=cache if isinstance(cache, bool) else True, keymap=_keymap_from_toml(raw.get("keymap")),
                  theme=theme if isinstance(theme, str) else "",
                  export_dir=export_dir if isinstance(export_dir, str) else "", path=path)


def _keymap_from_toml(table: Any, prefix: str = "") -> dict[str, str]:
    """The `[keymap]` table as id -> keys. An id written without quotes (`browser.filter = ...`)
    is a dotted key in TOML, a table in a table: joined again. A value that is not a string is
    kept as its text, so the app can name it as a key it cannot use (a number stays the digit
    key it most likely means)."""
    if not isinstance(table, Mapping):
        return {}
    keymap: dict[str, str] = {}
    for name, keys in table.items():
        binding_id = f"{prefix}{name}"
        if isinstance(keys, Mapping):
            keymap.update(_keymap_from_toml(keys, f"{binding_id}."))
        else:
            keymap[binding_id] = keys if isinstance(keys, str) else str(keys)
    return keymap


def save_config(config: Config, path: Path | None = None) -> Path:
    """Write atomically (temp file + rename), readable by the owner only."""
    path = path or config.path or config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    doc: dict[str, Any] = {"default_profile": config.default_profile, "cache": config.cache, "profiles": {}}
    for name, profile in config.profiles.items():
        doc["profiles"][name] = _profile_to_toml(profile)
    if config.theme:
        doc["theme"] = config.theme
    if config.export_dir:
        doc["export_dir"] = config.export_dir
    if config.keymap:
        doc["keymap"] = dict(config.keymap)
    text = tomli_w.dumps(doc)
    fd, tmp = tempfile.mkstemp(prefix=".config-", suffix=".toml", dir=path.parent)
    try:
        os.fchmod(fd, stat.S_IRUSR | stat.S_IWUSR)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    config.path = path
    return path


def exposure_warning(path: Path | None = None, *others: Path) -> str | None:
    """A sentence when the config dir or file (or another of ``others`` or its dir) can be read
    by other users, else None."""
    path = path or config_path()
    targets = dict.fromkeys(t for p in (path, *others) for t in (p.parent, p))
    for target in targets:
        try:
            mode = target.stat().st_mode
        except OSError:
            continue
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            return (f"{target} is readable by other users (mode {stat.S_IMODE(mode):o}); "
                    f"run: chmod go-rwx {target}")
    return None


def _profile_from_toml(name: str, item: Mapping[str, Any]) -> Profile:
    streams = []
    for s in item.get("streams") or []:
        if isinstance(s, Mapping) and s.get("id"):
            streams.append(Stream(str(s["id"]), str(s.get("name", "")), float(s.get("last_used", 0) or 0)))
    max_rpm = item.get("max_rpm")
    return Profile(
        name=name,
        host=str(item.get("host", "")),
        account_id=str(item.get("account_id", "")),
        client_id=str(item.get("client_id", "")),
        app_id=str(item.get("app_id", "")),
        streams=streams,
        max_rpm=int(max_rpm) if isinstance(max_rpm, int) else None,
        ca_bundle=str(item.get("ca_bundle", "")),
        region=str(item.get("region", "")),
        color=str(item.get("color", "")),
    )


def _profile_to_toml(profile: Profile) -> dict[str, Any]:
    out: dict[str, Any] = {
        "host": profile.host,
        "account_id": profile.account_id,
        "client_id": profile.client_id,
        "app_id": profile.app_id,
        "streams": [{"id": s.id, "name": s.name, "last_used": s.last_used} for s in profile.streams],
    }
    if profile.max_rpm is not None:
        out["max_rpm"] = profile.max_rpm
    if profile.ca_bundle:
        out["ca_bundle"] = profile.ca_bundle
    if profile.region:
        out["region"] = profile.region
    if profile.color:
        out["color"] = profile.color
    return out


def select_profile(config: Config, name: str | None = None, env: Mapping[str, str] | None = None) -> Profile | None:
    """The profile to use, with environment overrides applied; None when nothing is configured.

    Order: the name given, else ``KORE_PROFILE``, else the config's default, else the only one.
    With ``KORE_HOST``, ``KORE_ACCOUNT_ID`` and ``KORE_CLIENT_ID`` set, a profile is made from
    the environment when the file has none.
    """
    env = os.environ if env is None else env
    wanted = name or env.get(ENV_PROFILE) or config.default_profile
    if wanted and wanted in config.profiles:
        base = config.profiles[wanted]
    elif name or env.get(ENV_PROFILE):
        if not _env_complete(env):
            known = ", ".join(sorted(config.profiles)) or "none"
            raise ConfigError(f"no profile named {wanted!r} (profiles: {known}); run `kore-tui login --profile {wanted}`")
        base = Profile(name=wanted or ENV_PROFILE_NAME)
    elif len(config.profiles) == 1:
        base = next(iter(config.profiles.values()))
    elif config.profiles and not _env_complete(env):
        return next(iter(config.profiles.values()))
    elif _env_complete(env):
        base = Profile(name=ENV_PROFILE_NAME)
    else:
        return None
    return apply_env(base, env)


def _env_complete(env: Mapping[str, str]) -> bool:
    return all(env.get(k) for k in (ENV_HOST, ENV_ACCOUNT_ID, ENV_CLIENT_ID))


def apply_env(profile: Profile, env: Mapping[str, str]) -> Profile:
    """A copy of ``profile`` with the KORE_* variables that are set taking precedence."""
    changes: dict[str, Any] = {}
    for var, attr in ((ENV_HOST, "host"), (ENV_ACCOUNT_ID, "account_id"),
                      (ENV_CLIENT_ID, "client_id"), (ENV_APP_ID, "app_id"), (ENV_REGION, "region")):
        if env.get(var):
            changes[attr] = env[var]
    if env.get(ENV_MAX_RPM):
        changes["max_rpm"] = parse_max_rpm(env[ENV_MAX_RPM], ENV_MAX_RPM)
    return replace(profile, streams=list(profile.streams), **changes)


def parse_max_rpm(value: str, source: str = "--max-rpm") -> int:
    try:
        rpm = int(value)
    except ValueError:
        raise ConfigError(f"{source} must be a whole number of requests per minute (0 = off), not {value!r}") from None
    if rpm < 0:
        raise ConfigError(f"{source} must be 0 or more")
    return rpm
