"""The client secret: in the OS keyring (service ``kore-tui``) or ``KORE_CLIENT_SECRET``.

Never written to a file by this program. When no keyring works (a headless server with keyring's
``fail`` backend, a locked collection, D-Bus errors), callers get :class:`KeyringUnavailable`
with the ways out, and may hold the secret for this session only (:func:`hold_for_session`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import keyring
import keyring.errors

from kore_tui.config import ENV_CLIENT_SECRET

SERVICE = "kore-tui"
WAYS_OUT = (
    f"set {ENV_CLIENT_SECRET} in the environment, or install a keyring backend "
    "(e.g. gnome-keyring with an unlocked login collection, or the keyrings.alt package)"
)

_session: dict[str, str] = {}


class KeyringUnavailable(Exception):
    """No usable keyring. The message names the backend's complaint and the ways out."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"No usable OS keyring ({reason}). To keep the secret, {WAYS_OUT}.")
        self.reason = reason


def _guard(action):  # type: ignore[no-untyped-def]
    try:
        return action()
    except keyring.errors.NoKeyringError as exc:
        raise KeyringUnavailable("no keyring backend is available") from exc
    except keyring.errors.KeyringLocked as exc:
        raise KeyringUnavailable("the keyring is locked") from exc
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"{type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # D-Bus and backend errors come in many types
        raise KeyringUnavailable(f"{type(exc).__name__}") from exc


def backend_name() -> str:
    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def load_secret(profile: str, env: Mapping[str, str] | None = None) -> str | None:
    """The secret for ``profile``: the environment first, then this session, then the keyring.

    Raises :class:`KeyringUnavailable` only when the keyring had to be asked and could not answer.
    """
    env = os.environ if env is None else env
    if env.get(ENV_CLIENT_SECRET):
        return env[ENV_CLIENT_SECRET]
    if profile in _session:
        return _session[profile]
    return _guard(lambda: keyring.get_password(SERVICE, profile))


def store_secret(profile: str, secret: str) -> None:
    _guard(lambda: keyring.set_password(SERVICE, profile, secret))
    _session.pop(profile, None)


def delete_secret(profile: str) -> bool:
    """Remove the stored secret; False when there was none."""
    _session.pop(profile, None)
    try:
        _guard(lambda: keyring.delete_password(SERVICE, profile))
    except KeyringUnavailable as exc:
        if isinstance(exc.__cause__, keyring.errors.PasswordDeleteError):
            return False
        raise
    return True


def hold_for_session(profile: str, secret: str) -> None:
    """Keep the secret in memory for this process only (when no keyring works)."""
    _session[profile] = secret
