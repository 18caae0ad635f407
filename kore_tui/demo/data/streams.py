"""The demo account: its streams and their lists, awkward values, and the hashing every row is
made with (deterministic, and cheaper than uuid5 and datetime).
"""

from __future__ import annotations

import functools
import hashlib
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

ACCOUNT_ID = "demo-account"
CLIENT_ID = "cs-demo-kore-tui"
NAMESPACE = uuid.UUID("6b1f0c52-8a5e-4f0e-9d43-4f3a4c1d2e00")
EPOCH = 1_735_689_600  # 2025-01-01T00:00:00Z

FIRST_NAMES = [
    "Ana", "Jürgen", "Søren", "Олена", "Дмитрий", "李娜", "王芳", "さくら", "محمد", "फ़ातिमा",
    "Nguyễn", "Zoë", "José", "Ólafur", "Αλέξανδρος", "Kofi", "Ngozi", "Siobhán", "Mateus", "Aiko",
    "John", "Priya", "Chloé", "Łukasz", "Hana", "Omar", "Ingrid", "Tomás", "Yusuf", "Mei",
]
LAST_NAMES = [
    "Silva", "Müller", "Kowalski", "Шевченко", "Иванов", "张", "佐藤", "الحسن", "शर्मा", "Trần",
    "O'Brien", "Núñez", "Andersson", "Παπαδόπουλος", "Mensah", "Okafor", "Doe", "Rossi", "Kim",
    "García", "Dubois", "Nowak", "Yılmaz", "Novák", "Costa", "Haddad", "Lindqvist", "Ng", "Patel",
]
STATUSES = ["ACTIVE", "ACTIVE", "ACTIVE", "INACTIVE", "BLOCKED"]
CITIES = ["Orlando", "Hyderabad", "München", "São Paulo", "東京", "Kraków", "Lagos", "Reykjavík"]

# Values that break naive terminal apps. Each is used as-is by some rows.
AWKWARD_TEXT = [
    "[/]",
    "[red]x",
    "[bold]not bold[/bold]",
    "\x1b[31mred\x1b[0m",
    "\x1b]52;c;cHduZWQ=\x07clipboard",
    "line1\nline2\r\tend",
    "\u202eevil-rtl",
    "x" * 5000,
    "  spaced  ",
    "🙂 emoji 👩🏽‍💻",
]


@dataclass(frozen=True)
class DemoList:
    id: str
    name: str
    size: int
    description: str = ""
    status: str = "Ready"
    hostile: bool = False  # every row awkward


@dataclass(frozen=True)
class DemoStream:
    id: str
    name: str
    directory_size: int
    lists: tuple[DemoList, ...] = field(default=())


STREAMS: tuple[DemoStream, ...] = (
    DemoStream(
        "st-demo-sales",
        "Sales (demo)",
        1_237,
        (
            DemoList("cl-demo-1k", "Spring callbacks", 1_000, "Customers who asked for a call"),
            DemoList("cl-demo-100k", "Win-back", 100_000, "Lapsed customers"),
            DemoList("cl-demo-250k", "Renewals 2026", 250_000, "Annual renewal reminders"),
            DemoList("cl-demo-1m", "National survey", 1_000_000, "A million numbers"),
            DemoList("cl-demo-seven", "VIP follow-up", 7, "Seven people"),
            DemoList("cl-demo-one", "Single test number", 1),
            DemoList("cl-demo-empty", "Empty list", 0, status="Draft"),
            DemoList("cl-demo-hostile", "[red]Hostile[/] \x1b[31mlist\x1b[0m [/]", 25, "[b]markup[/b]", hostile=True),
        ),
    ),
    DemoStream(
        "st-demo-support",
        "Support (demo)",
        7,
        (DemoList("cl-demo-support", "Callback queue", 42, "Missed calls to return"),),
    ),
    DemoStream("st-demo-empty", "Empty stream (demo)", 0),
)

# `cl-size-N` names a list of N rows on any demo stream: tests pick exact sizes with it.
SIZED_LIST = re.compile(r"^cl-size-(\d{1,8})$")


# The server makes every row it serves (100 per page, in the app's own process in --demo):
# the helpers below give the values uuid5 and datetime would, at a third of the cost.
_NAMESPACE_SHA1 = hashlib.sha1(NAMESPACE.bytes)


def _digest(name: str) -> bytes:
    """The SHA-1 a version-5 UUID of ``name`` (in NAMESPACE) is made from."""
    sha1 = _NAMESPACE_SHA1.copy()
    sha1.update(name.encode("utf-8"))
    return sha1.digest()


def _uuid5(name: str) -> str:
    """``str(uuid.uuid5(NAMESPACE, name))``."""
    raw = bytearray(_digest(name)[:16])
    raw[6] = (raw[6] & 0x0F) | 0x50  # version 5
    raw[8] = (raw[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _iso(seconds: int) -> str:
    t = time.gmtime(EPOCH + seconds)
    return (f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}."
            f"{seconds % 1000:03d}Z")


def _hexid(*parts: object) -> str:
    return _uuid5(":".join(map(str, parts))).replace("-", "")[:24]


@functools.lru_cache(maxsize=256)  # mostly a list's own id, asked for on every row
def hash_int(*parts: object) -> int:
    # The first 6 bytes of the UUID: untouched by its version and variant bits.
    return int.from_bytes(_digest(":".join(map(str, parts)))[:6], "big")


def _make_awkward(contact: dict[str, Any], which: int, fields: tuple[str, ...]) -> None:
    """Turn one field odd: markup, escapes, long text, null, missing, extra fields, wrong type."""
    kind = which % (len(AWKWARD_TEXT) + 4)
    target = fields[which % len(fields)]
    if kind < len(AWKWARD_TEXT):
        contact[target] = AWKWARD_TEXT[kind]
    elif kind == len(AWKWARD_TEXT):
        contact[target] = None
    elif kind == len(AWKWARD_TEXT) + 1:
        contact.pop(target, None)
    elif kind == len(AWKWARD_TEXT) + 2:
        contact["customFields"] = {"tier": "[gold]", "score": 7, "tags": ["a", "\x1b[5mblink"]}
    else:
        contact[target] = 12345  # a number where text was expected
