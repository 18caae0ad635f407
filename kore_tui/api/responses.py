"""Reading the platform's answers: its error message, Retry-After, a JSON body (surrogates, depth
and non-JSON bodies each a BadResponseError that says so), a transport failure as a sentence.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kore_tui.api.auth import TokenMinter, redact
from kore_tui.api.errors import BadResponseError
from kore_tui.api.models import scrub_surrogates

if TYPE_CHECKING:
    import httpx

# httpx is imported for the first request, not with this module: a command answered from the
# local cache (a warm `find`) never loads it, nor reads the CA store for a TLS context.


MAX_SERVER_MESSAGE = 300


def server_message(response: httpx.Response, minter: TokenMinter | None = None) -> str | None:
    """The server's own words: ``errors[].msg``, else ``message``/``error``; else None.

    JWT-shaped strings (and, given the ``minter``, the secret and its current token) are replaced
    by ``<redacted>``: a server may quote the token it refused.
    """
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    msg: str | None = None
    if isinstance(body, Mapping):
        errors = body.get("errors")
        if isinstance(errors, list):
            msgs = [str(e.get("msg")) for e in errors if isinstance(e, Mapping) and e.get("msg")]
            msg = "; ".join(msgs) or None
        if msg is None:
            for key in ("message", "error", "msg"):
                if isinstance(body.get(key), str) and body[key]:
                    msg = body[key]
                    break
    if msg:
        msg = minter.redact(msg) if minter is not None else redact(msg)
    if msg and len(msg) > MAX_SERVER_MESSAGE:
        msg = msg[:MAX_SERVER_MESSAGE] + "…"
    return msg


def retry_after_seconds(response: httpx.Response) -> float | None:
    """``Retry-After`` as seconds (delta or HTTP date), None when absent or unreadable."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        import email.utils  # (only a date-form Retry-After needs it: the email package is large)

        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _transport_reason(exc: httpx.TransportError) -> str:
    import httpx

    if isinstance(exc, httpx.ConnectError):
        text = str(exc)
        if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            return "TLS certificate could not be verified"
        return "could not connect to the server"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection was closed mid-answer"
    if isinstance(exc, httpx.ReadError):
        return "the connection was reset"
    return f"network error: {type(exc).__name__}"


def _json_body(response: httpx.Response, path: str) -> Any:
    content = response.content
    if not content.strip():
        raise BadResponseError(
            f"{response.status_code}: the server sent an empty answer ({path})",
            status=response.status_code,
            path=path,
        )
    try:
        return _loads(content)
    except UnicodeDecodeError:
        # Not UTF-8 throughout (say, one mis-encoded name): read it with the bad bytes as U+FFFD.
        decoded: str | None = content.decode("utf-8", errors="replace")
    except ValueError:
        decoded = None
    except RecursionError:
        raise _too_deep(response, path) from None
    if decoded is not None:
        try:
            return _loads(decoded)
        except ValueError:
            pass
        except RecursionError:
            raise _too_deep(response, path) from None
    raise _not_json(response, path)  # outside the handlers: no chained decoder error


# A `\uD800`-`\uDFFF` escape: JSON may encode a lone surrogate, which no encoder accepts later.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _loads(content: bytes | str) -> Any:
    """JSON with lone surrogates replaced by U+FFFD, so one odd row cannot sink a search or an
    export later (the cache, files and the terminal all need encodable text)."""
    body = json.loads(content)
    raw = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
    if _SURROGATE_ESCAPE.search(raw):
        body = scrub_surrogates(body)
    return body


def _too_deep(response: httpx.Response, path: str) -> BadResponseError:
    return BadResponseError(
        f"{response.status_code}: the server's answer is nested too deeply to read ({path})",
        status=response.status_code,
        path=path,
    )


def _not_json(response: httpx.Response, path: str) -> BadResponseError:
    content = response.content
    ctype = response.headers.get("content-type", "")
    what = "an HTML page instead of JSON" if "html" in ctype or content.lstrip()[:1] == b"<" else "invalid or truncated JSON"
    return BadResponseError(
        f"{response.status_code}: the server sent {what} ({path})",
        status=response.status_code,
        path=path,
    )
