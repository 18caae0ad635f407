"""Server and config text is data: make it inert for a terminal, a JSON reader or an encoder.

Everything the server sends (names, phone numbers, ids, raw JSON) and everything a config file
holds may carry control characters or escape sequences (``ESC [31m``, OSC 52 clipboard writes,
``CSI`` as the single byte U+009B), bidi controls that reorder what is shown ("Trojan Source"),
or lone surrogates that no encoder accepts. This module has no Textual and no Rich: the CLI, the
exporters and the UI all clean text with it.

* :func:`clean`: one line of text for a terminal; each control becomes a visible U+FFFD.
* :func:`printable_only`: the printable characters alone (what a phone number copied should be).
* :func:`json_text`: JSON whose every non-printable character is a ``\\u`` escape: still valid
  JSON that reads back to the same data, and safe to show raw.
"""

from __future__ import annotations

import json
import re
from typing import Any

REPLACEMENT = "\ufffd"

# Whitespace-like controls become a space (one value stays one line, columns stay aligned).
_SPACES = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"
BIDI_CONTROLS = "\u061c\u200e\u200f" + "".join(map(chr, (*range(0x202A, 0x202F), *range(0x2066, 0x206A))))

_TABLE: dict[int, str] = {code: REPLACEMENT for code in range(0x20)}
_TABLE.update({code: REPLACEMENT for code in range(0x7F, 0xA0)})  # DEL and the C1 set
_TABLE.update({ord(ch): " " for ch in _SPACES})
_TABLE.update({ord(ch): REPLACEMENT for ch in BIDI_CONTROLS})

# JSON may carry lone surrogates ("\ud800"); they cannot be encoded for the terminal or a file.
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean(value: object) -> str:
    """``value`` as one line with every control character replaced; None becomes ``""``.

    The result has the same length as the input (one character in, one out), so callers may
    slice before cleaning. Zero-width characters are left alone: they cannot make a terminal act.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    if value.isprintable():  # the common case: nothing to do, and no copy made
        return value
    return _SURROGATES.sub(REPLACEMENT, value.translate(_TABLE))


def printable_only(value: str) -> str:
    """``value`` without its non-printable characters (controls, bidi, surrogates, odd spaces)."""
    if value.isprintable():
        return value
    return "".join(ch for ch in value if ch.isprintable())


def _escape(ch: str) -> str:
    code = ord(ch)
    if code > 0xFFFF:  # JSON escapes outside the BMP as a UTF-16 surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def escape_unprintable(text: str) -> str:
    """JSON text with every non-printable character but the line break as a ``\\u`` escape.

    Inside JSON such characters can only sit in strings, where an escape means the same.
    """
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() or ch == "\n" else _escape(ch) for ch in text)


def json_text(value: Any, *, indent: int | None = None) -> str:
    """``json.dumps`` that is safe to print: non-ASCII text stays readable, controls, bidi
    and lone surrogates are escaped, and the text reads back to the same value."""
    return escape_unprintable(json.dumps(value, ensure_ascii=False, indent=indent))
