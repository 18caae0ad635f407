"""Server text is data: make it safe to put on a terminal.

Everything the server sends (names, phone numbers, ids, raw JSON) may hold control characters
or escape sequences (``ESC [31m``, OSC 52 clipboard writes, ``CSI`` as the single byte U+009B)
and Rich markup (``[red]``, ``[/]``). ``clean`` makes such text inert without hiding that it
was there: each control character becomes a visible U+FFFD, so ``"\\x1b[31m"`` shows as
``"�[31m"``; line breaks and tabs become a space so one value stays on one line. Markup needs no
escaping here because callers never parse it: ``safe`` builds a plain ``Text``.

Bidi embedding, override and isolate controls become U+FFFD too: they cannot make the terminal
act, but they reorder what it shows ("Trojan Source"), so an id or a number could be spoofed.
Zero-width characters are left alone.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, set_cell_size
from rich.text import Text

REPLACEMENT = "\ufffd"
ELLIPSIS = "…"

# Whitespace-like controls become a space (one value stays one line, columns stay aligned).
_SPACES = "\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029"

_TABLE: dict[int, str] = {code: REPLACEMENT for code in range(0x20)}
_TABLE.update({code: REPLACEMENT for code in range(0x7F, 0xA0)})  # DEL and the C1 set
_TABLE.update({ord(ch): " " for ch in _SPACES})
_TABLE.update({code: REPLACEMENT for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})  # bidi

# JSON may carry lone surrogates ("\ud800"); they cannot be encoded for the terminal.
_SURROGATES = re.compile("[\ud800-\udfff]")


def clean(value: str | None) -> str:
    """``value`` with every control character replaced; None becomes ``""``.

    The result has the same length as the input (one character in, one out), so callers may
    slice before cleaning.
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    if value.isprintable():  # the common case: nothing to do, and no copy made
        return value
    return _SURROGATES.sub(REPLACEMENT, value.translate(_TABLE))


def safe(value: str | None, style: str = "") -> Text:
    """A plain ``Text`` (never parsed as markup) of the cleaned ``value``."""
    return Text(clean(value), style=style, no_wrap=True, end="")


def fit(text: str, width: int) -> str:
    """``text`` padded or truncated (with an ellipsis) to exactly ``width`` cells.

    Wide characters (CJK, emoji) count as two cells; one cut in half becomes a space.
    """
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + ELLIPSIS
