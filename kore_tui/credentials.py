"""The client secret: in the OS keyring (service ``kore-tui``) or ``KORE_CLIENT_SECRET``.

Never written to a file by this program, nor by the keyring: backends that keep passwords in a
file (keyrings.alt's ``PlaintextKeyring``/``EncryptedKeyring``, anything from ``keyrings.alt``)
or that keyring itself ranks as not recommended (priority under 1) are refused, and a chainer
uses only its safe backends. When no keyring works (a headless server with keyring's ``fail``
backend, a locked collection, D-Bus errors), callers get :class:`KeyringUnavailable` with the
ways out, and may hold the secret for this session only (:func:`hold_for_session`).

``KORE_CLIENT_SECRET`` is taken out of ``os.environ`` when first read (child processes do not
inherit it) and kept in memory for the rest of the process.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, TypeVar

from kore_tui.config import ENV_CLIENT_SECRET

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

# keyring (and its backends: D-Bus, importlib metadata) is imported when the keyring is first
# asked: a command that needs no secret from it, or finds it in the environment, starts without it.

T = TypeVar("T")

SERVICE = "kore-tui"
WAYS_OUT = (
    "use a Secret Service (gnome-keyring with an unlocked login collection, or KWallet), the macOS "
    f"Keychain or the Windows Credential Locker; or set {ENV_CLIENT_SECRET} in the environment; "
    "or keep the secret for this session only (the profile form's \"Use for this session only\")"
)
# Backends from these packages keep passwords in files (plain, or encrypted with a key nearby).
FILE_BACKEND_PACKAGES = ("keyrings.alt",)

_session: dict[str, str] = {}
_from_env: str | None = None  # KORE_CLIENT_SECRET, once taken out of os.environ


class KeyringUnavailable(Exception):
    """No usable keyring. The message names the backend's complaint and the ways out."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"No usable OS keyring ({reason}). To keep the secret, {WAYS_OUT}.")
        self.reason = reason


def _refusal(backend: KeyringBackend) -> str | None:
    """Why ``backend`` may not hold the secret, or None when it may."""
    from keyring.backends.fail import Keyring as FailKeyring

    kind = type(backend)
    name = f"{kind.__module__}.{kind.__name__}"
    if isinstance(backend, FailKeyring):
        return "no keyring backend is available"
    if any(c.__module__.startswith(FILE_BACKEND_PACKAGES) for c in kind.__mro__) or hasattr(kind, "file_path"):
        return f"{name} would write the secret to a file"
    try:
        priority = float(kind.priority)
    except Exception:  # a backend that cannot run here says so through its priority
        return f"{name} cannot run here"
    if priority < 1:
        return f"{name} is not a secure keyring (priority {priority:g})"
    return None


def _backends() -> list[KeyringBackend]:
    """The keyring backends allowed to hold the secret, best first; raises when there is none."""
    import keyring
    from keyring.backends.chainer import ChainerBackend

    backend = keyring.get_keyring()
    if isinstance(backend, ChainerBackend):
        chain = list(backend.backends)
        allowed = [b for b in chain if _refusal(b) is None]
        if not allowed:
            reasons = "; ".join(dict.fromkeys(r for b in chain if (r := _refusal(b))))
            raise KeyringUnavailable(reasons or "no keyring backend is available")
        return allowed
    if reason := _refusal(backend):
        raise KeyringUnavailable(reason)
    return [backend]


def _get(profile: str) -> str | None:
    for backend in _backends():
        if (secret := backend.get_password(SERVICE, profile)) is not None:
            return secret
    return None


def _first(action: str, *args: str) -> None:
    """Call ``action`` on the first allowed backend that implements it (as keyring's chainer does)."""
    import keyring.errors

    for backend in _backends():
        try:
            getattr(backend, action)(SERVICE, *args)
            return
        except NotImplementedError:
            continue
    raise keyring.errors.NoKeyringError(f"no allowed keyring backend can {action.replace('_', ' ')}")


def _guard(action: Callable[[], T]) -> T:
    import keyring.errors

    try:
        return action()
    except KeyringUnavailable:
        raise
    except keyring.errors.NoKeyringError as exc:
        raise KeyringUnavailable("no keyring backend is available") from exc
    except keyring.errors.KeyringLocked as exc:
        raise KeyringUnavailable("the keyring is locked") from exc
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(f"{type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # D-Bus and backend errors come in many types
        raise KeyringUnavailable(f"{type(exc).__name__}") from exc


def backend_name() -> str:
    import keyring

    backend = keyring.get_keyring()
    return f"{type(backend).__module__}.{type(backend).__name__}"


def environment_secret(env: Mapping[str, str] | None = None) -> str | None:
    """``KORE_CLIENT_SECRET``: from ``env`` when given (left as it is), else from ``os.environ``,
    out of which it is taken on first read and then kept in memory for the rest of the process."""
    global _from_env
    if env is not None:
        return env.get(ENV_CLIENT_SECRET) or None
    if value := os.environ.pop(ENV_CLIENT_SECRET, None):
        _from_env = value  # set again (a test, a script): the newer value wins
    return _from_env


def forget_held_secrets() -> None:
    """Drop every secret held in memory (the environment's and the session's); for tests."""
    global _from_env
    _from_env = None
    _session.clear()


def load_secret(profile: str, env: Mapping[str, str] | None = None) -> str | None:
    """The secret for ``profile``: the environment first, then this session, then the keyring.

    Raises :class:`KeyringUnavailable` only when the keyring had to be asked and could not answer.
    """
    if secret := environment_secret(env):
        return secret
    if profile in _session:
        return _session[profile]
    return _guard(lambda: _get(profile))


def store_secret(profile: str, secret: str) -> None:
    _guard(lambda: _first("set_password", profile, secret))
    _session.pop(profile, None)


def delete_secret(profile: str) -> bool:
    """Remove the stored secret; False when there was none."""
    _session.pop(profile, None)
    try:
        _guard(lambda: _first("delete_password", profile))
    except KeyringUnavailable as exc:
        import keyring.errors

        if isinstance(exc.__cause__, keyring.errors.PasswordDeleteError):
            return False
        raise
    return True


def hold_for_session(profile: str, secret: str) -> None:
    """Keep the secret in memory for this process only (when no keyring works)."""
    _session[profile] = secret
