"""Minting the platform's JWT (HS256, signed with the client secret).

The platform reads the claim ``appId`` (the client id). Each token carries a fresh ``jti`` since
apps may enforce one-time ids, and expires after at most an hour.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable

import jwt

DEFAULT_TTL = 3600.0
# Renew this long before expiry so a token never expires in flight or on a slow link.
RENEW_MARGIN = 120.0


class TokenMinter:
    """Holds the secret and hands out a valid token, minting a new one shortly before expiry."""

    __slots__ = ("client_id", "_secret", "ttl", "subject", "_clock", "_token", "_expires_at", "minted")

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

    def invalidate(self) -> None:
        """Forget the token (the server refused it); the next :meth:`token` mints a fresh one."""
        self._token = None

    def _mint(self, now: float) -> None:
        issued = int(now)
        claims = {
            "appId": self.client_id,
            "sub": self.subject,
            "iat": issued,
            "exp": int(issued + self.ttl),
            "jti": uuid.uuid4().hex,
        }
        self._token = jwt.encode(claims, self._secret, algorithm="HS256")
        self._expires_at = issued + self.ttl
        self.minted += 1
