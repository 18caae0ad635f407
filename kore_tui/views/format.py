"""Words and numbers as both the app and the CLI say them."""

from __future__ import annotations


def age(seconds: float) -> str:
    """'3 days ago' style; future times (clock skew) say 'from now'."""
    ahead = seconds < 0
    seconds = abs(seconds)
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            text = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"{text} from now" if ahead else f"{text} ago"
    return "just now"


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 row', '2 rows', '1,000 rows'."""
    return f"{count:,} {noun if count == 1 else (nouns or noun + 's')}"
