"""Where and as whom to connect: the Connection, the host (https, or plain http to loopback only),
ids as URL path segments, values as request headers. Checked before any I/O.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from kore_tui.api.errors import ClientRequestError, InsecureURLError


@dataclass(frozen=True, slots=True)
class Connection:
    """Where and as whom to connect. The secret is deliberately not part of it."""

    host: str
    account_id: str
    client_id: str
    app_id: str | None = None  # the `iid` header; defaults to the stream id
    max_rpm: int = 60  # 0 turns pacing off
    timeout: float = 30.0
    ca_bundle: str | None = None
    max_retries: int = 4
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    rate_window: float = 60.0
    # A directory for the budget file shared by every process of the account; None: this process
    # paces alone. The caller decides where (kore_tui.session: the user state dir).
    budget_dir: str | None = None


def normalize_host(host: str) -> str:
    """``platform.kore.ai`` -> ``https://platform.kore.ai``; refuse http:// unless loopback."""
    host = host.strip()
    if not host.rstrip("/"):
        raise InsecureURLError("no host is configured")
    if "://" not in host:
        host = "https://" + host
    parts = urlsplit(host.rstrip("/") if not host.endswith("://") else host)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InsecureURLError(f"not an http(s) URL: {host}")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InsecureURLError(
            f"refusing plain http:// to {parts.hostname}: only loopback hosts may skip TLS; use https://"
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def is_loopback(hostname: str) -> bool:
    if hostname.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(hostname.strip("[]")).is_loopback
    except ValueError:
        return False


MAX_ID_LENGTH = 1_000  # ids are a few dozen characters; a longer one is a mistake, not an id


def segment(value: str, what: str = "id") -> str:
    """An id as one URL path segment: ``/``, ``?``, ``#`` and friends cannot change the path."""
    if not value:
        raise ClientRequestError(f"no {what} given")
    if len(value) > MAX_ID_LENGTH:
        raise ClientRequestError(f"the {what} is {len(value):,} characters long: not an id")
    quoted = quote(value, safe="")
    if quoted in (".", ".."):
        # A bare dot segment would be resolved away (RFC 3986 normalization) and change the path.
        quoted = quoted.replace(".", "%2E")
    return quoted


def header_value(value: str, what: str) -> str:
    """``value`` for a request header: printable ASCII only, or a ClientRequestError that says so
    (else the HTTP library fails deep inside with an encoding error)."""
    if not (value.isascii() and value.isprintable()):
        raise ClientRequestError(f"the {what} holds characters that a request header cannot carry: {value!r}")
    return value
