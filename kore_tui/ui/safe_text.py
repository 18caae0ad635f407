"""Server text is data: make it safe to put on a terminal (cleaning itself: :mod:`kore_tui.text`).

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

from rich.cells import cell_len, set_cell_size
from rich.text import Text

from kore_tui.text import REPLACEMENT, clean

__all__ = ["ELLIPSIS", "REPLACEMENT", "clean", "fit", "safe"]

ELLIPSIS = "…"


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
