"""Minting the platform's JWT (HS256, signed with the client secret).

The platform reads the claim ``appId`` (the client id). Each token carries a fresh ``jti`` since
apps may enforce one-time ids, and expires after at most an hour.
"""

from __future__ import annotations

import contextlib
import re
import threading
import time
import uuid
import warnings
from collections.abc import Callable, Iterator

# PyJWT (and the cryptography it loads) is imported where a token is minted: a command that
# sends no request (a warm `find`, `--help`) starts without it.

DEFAULT_TTL = 3600.0
# Renew this long before expiry so a token never expires in flight or on a slow link.
RENEW_MARGIN = 120.0

REDACTED = "<redacted>"  # no square brackets: the text may reach Rich markup
# A JWT or a part of one: base64url of '{"' (every JOSE header and claims set starts so), then the
# rest of the segment and up to two more dot-separated segments.
JWT_SHAPED = re.compile(r"eyJ[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*){0,2}")

_warnings_lock = threading.Lock()


@contextlib.contextmanager
def short_keys_allowed() -> Iterator[None]:
    """Silence PyJWT's ``InsecureKeyLengthWarning`` (HMAC keys under 32 bytes) for this block only.

    The platform issues the client secret: its length is not the user's choice, and the warning
    would break the CLI's one line on stderr. ``catch_warnings`` swaps process-wide state, so our
    own uses (the client here, the demo server's threads) take turns.
    """
    from jwt.warnings import InsecureKeyLengthWarning

    with _warnings_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore", InsecureKeyLengthWarning)
        yield


def redact(text: str, *secrets: str | None) -> str:
    """``text`` with each of ``secrets`` and anything shaped like a JWT replaced by ``<redacted>``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    return JWT_SHAPED.sub(REDACTED, text)


class TokenMinter:
    """Holds the secret and hands out a valid token, minting a new one shortly before expiry."""

    __slots__ = ("_clock", "_expires_at", "_secret", "_token", "client_id", "minted", "subject", "ttl")

    def __init__(
        self,
        client_id: str,
        secret: str,
        *,
        ttl: float = DEFAULT_TTL,
        subject: str = "kore-tui",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client_id = client_id
        self._secret = secret
        self.ttl = min(ttl, DEFAULT_TTL)
        self.subject = subject
        self._clock = clock
        self._token: str | None = None
        self._expires_at = 0.0
        self.minted = 0  # how many tokens were minted; tests and logs read it

    def __repr__(self) -> str:  # never show the secret or the token
        return f"TokenMinter(client_id={self.client_id!r})"

    def token(self) -> str:
        """The current token, minted anew when none is held or it is near expiry."""
        now = self._clock()
        if self._token is None or now >= self._expires_at - min(RENEW_MARGIN, self.ttl / 4):
            self._mint(now)
        assert self._token is not None
        return self._token

    def redact(self, text: str) -> str:
        """``text`` (e.g. a server's error message) without the secret, the token or any JWT."""
        return redact(text, self._secret, self._token)

    def invalidate(self) -> None:
        """Forget the token (the server refused it); the next :meth:`token` mints a fresh one."""
        self._token = None

    def _mint(self, now: float) -> None:
        import jwt

        issued = int(now)
        claims = {
            "appId": self.client_id,
            "sub": self.subject,
            "iat": issued,
            "exp": int(issued + self.ttl),
            "jti": uuid.uuid4().hex,
        }
        with short_keys_allowed():
            self._token = jwt.encode(claims, self._secret, algorithm="HS256")
        self._expires_at = issued + self.ttl
        self.minted += 1
