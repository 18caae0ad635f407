"""Finding a stream or a list, and the rows of a stream's directory and of its lists."""

from __future__ import annotations

import random
import uuid
from typing import Any

from kore_tui.demo.data.edges import (
    EDGE_STREAM,
    PHONES_STREAM,
    edge_directory_contact,
    edge_list_contact,
    phones_directory_contact,
    phones_list_contact,
)
from kore_tui.demo.data.insights import INSIGHTS_LISTS, insights_contact
from kore_tui.demo.data.streams import (
    ACCOUNT_ID,
    CITIES,
    FIRST_NAMES,
    LAST_NAMES,
    NAMESPACE,
    SIZED_LIST,
    STATUSES,
    STREAMS,
    DemoList,
    DemoStream,
    _hexid,
    _iso,
    _make_awkward,
    _uuid5,
    hash_int,
)


def find_stream(stream_id: str) -> DemoStream | None:
    if stream_id == EDGE_STREAM.id:
        return EDGE_STREAM
    if stream_id == PHONES_STREAM.id:
        return PHONES_STREAM
    return next((s for s in STREAMS if s.id == stream_id), None)


def find_list(stream: DemoStream, list_id: str) -> DemoList | None:
    found = next((lst for lst in stream.lists if lst.id == list_id), None) or INSIGHTS_LISTS.get(list_id)
    if found is None and (m := SIZED_LIST.match(list_id)):
        found = DemoList(list_id, f"{int(m.group(1)):,} rows", int(m.group(1)))
    return found


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
