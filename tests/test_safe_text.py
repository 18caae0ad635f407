"""Server text is made inert before it reaches the terminal."""

from __future__ import annotations

import io

import pytest
from rich.console import Console

from kore_tui.ui.safe_text import REPLACEMENT, clean, safe


@pytest.mark.parametrize(
    "raw, expected",
    [
        (None, ""),
        ("", ""),
        ("+1 415 555 0100", "+1 415 555 0100"),
        ("Zoë 山田 😀", "Zoë 山田 😀"),
        ("[/]", "[/]"),  # markup is left as text: nobody parses it
        ("[red]x", "[red]x"),
        ("\x1b[31mred", f"{REPLACEMENT}[31mred"),
        ("\x1b]52;c;ZXZpbA==\x07", f"{REPLACEMENT}]52;c;ZXZpbA=={REPLACEMENT}"),
        ("a\rb", "a b"),
        ("a\nb\tc", "a b c"),
        ("a\r\nb", "a  b"),
        ("\x9b31m", f"{REPLACEMENT}31m"),  # C1 CSI
        ("\x00\x08\x7f", REPLACEMENT * 3),
        ("\x85", " "),  # NEL is a line break
        ("\u202eevil", "\ufffdevil"),  # bidi overrides would reorder (spoof) what is shown
        ("a\u2066b\u2069c", "a\ufffdb\ufffdc"),
        ("\ud800x", f"{REPLACEMENT}x"),  # a lone surrogate from JSON
    ],
)
def test_clean(raw: str | None, expected: str) -> None:
    assert clean(raw) == expected


def test_clean_keeps_length_so_callers_may_slice_first() -> None:
    raw = "a\x1b[0m\nb\x9b\ud800"
    assert len(clean(raw)) == len(raw)


def test_clean_has_no_control_characters_left() -> None:
    everything = "".join(chr(c) for c in range(0x0, 0x110)) + "\u2028\u2029"
    cleaned = clean(everything)
    assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in cleaned)


def test_non_strings_are_stringified() -> None:
    assert clean(42) == "42"  # type: ignore[arg-type]


def test_safe_is_plain_text_never_markup() -> None:
    text = safe("[bold red]boom[/] \x1b[2J")
    assert text.plain == f"[bold red]boom[/] {REPLACEMENT}[2J"
    assert text.spans == []
    console = Console(width=80, color_system=None, record=True, file=io.StringIO())
    console.print(text)
    exported = console.export_text()
    assert "[bold red]boom[/]" in exported and "\x1b" not in exported
