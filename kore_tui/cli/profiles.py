"""The commands of the local set-up: ``profiles``, ``login``, ``logout`` (the secret in the OS
keyring) and ``keys`` (the app's key bindings)."""

from __future__ import annotations

import sys

from kore_tui.cli.common import EXIT_ERROR, EXIT_OK, CliError, Options
from kore_tui.text import clean


def cmd_keys() -> int:
    """Every key binding of the app, one line each sorted by id: id, keys, description."""
    from kore_tui.config import load_config
    from kore_tui.ui.keys import all_bindings, check_keymap  # Textual loads only for this command

    keymap = load_config().keymap
    for problem in check_keymap(keymap)[1]:
        print(f"kore-tui: warning: keymap in config.toml: {clean(problem)} (the default keys are listed)",
              file=sys.stderr)
    rows = [tuple(clean(value) for value in row) for row in all_bindings(keymap)]
    id_width = max(len(row[0]) for row in rows)
    keys_width = max(len(row[1]) for row in rows)
    for binding_id, keys, description in rows:
        print(f"{binding_id:<{id_width}}  {keys:<{keys_width}}  {description}".rstrip())
    return EXIT_OK


def cmd_profiles(names_only: bool = False) -> int:
    from kore_tui.config import load_config

    config = load_config()
    if names_only:  # for shell completion: nothing else, and nothing at all when there are none
        for name in config.profiles:
            print(clean(name))
        return EXIT_OK
    if not config.profiles:
        print("no profiles; run `kore-tui login`")
        return EXIT_OK
    for name, profile in config.profiles.items():
        mark = "*" if name == config.default_profile else " "
        print(clean(f"{mark} {name}: {profile.host}  account {profile.account_id}  client {profile.client_id}  "
                    f"streams {', '.join(s.id for s in profile.streams) or '-'}"))
    return EXIT_OK


def cmd_login(options: Options) -> int:
    import getpass

    from kore_tui.config import KNOWN_HOSTS, Profile, load_config, save_config
    from kore_tui.credentials import KeyringUnavailable, store_secret

    if not sys.stdin.isatty():
        raise CliError("login asks questions: run it in a terminal")
    config = load_config()
    name = options.profile or config.default_profile or "default"
    profile = config.profiles.get(name) or Profile(name=name)
    print(f"Profile {clean(name)!r}. Known hosts: " + ", ".join(f"{h} ({where})" for h, where in KNOWN_HOSTS))
    profile.host = _ask("Host", profile.host or KNOWN_HOSTS[0][0])
    profile.account_id = _ask("Account id", profile.account_id)
    profile.client_id = _ask("Client id", profile.client_id)
    profile.app_id = _ask("App id (iid; empty = the stream id)", profile.app_id, required=False)
    streams = _ask("Stream ids, comma-separated", ",".join(s.id for s in profile.streams), required=False)
    for stream_id in filter(None, (s.strip() for s in streams.split(","))):
        profile.touch_stream(stream_id)
    secret = getpass.getpass("Client secret (not shown): ")
    config.profiles[name] = profile
    config.default_profile = config.default_profile or name
    path = save_config(config)
    print(f"saved profile {clean(name)!r} to {clean(str(path))}")
    if secret:
        try:
            store_secret(name, secret)
            print("secret stored in the OS keyring")
        except KeyringUnavailable as exc:
            print(f"kore-tui: {exc}", file=sys.stderr)
            return EXIT_ERROR
    return EXIT_OK


def _ask(label: str, current: str, required: bool = True) -> str:
    while True:
        answer = input(f"{label} [{clean(current)}]: ").strip() if current else input(f"{label}: ").strip()
        value = answer or current
        if value or not required:
            return value
        print(f"{label} is required")


def cmd_logout(options: Options) -> int:
    from kore_tui.config import load_config

    config = load_config()
    if not options.profile and not config.profiles:
        # Nothing was ever saved: no secret to remove, and no reason to wake the keyring.
        print("no profile is configured: there is no secret to remove")
        return EXIT_OK
    from kore_tui.credentials import delete_secret

    name = options.profile or config.default_profile or "default"
    removed = delete_secret(name)
    print(clean(f"removed the secret of profile {name!r}" if removed else f"profile {name!r} had no stored secret"))
    return EXIT_OK
