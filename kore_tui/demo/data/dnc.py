"""The do-not-call list: numbers of other lists and numbers of its own."""

from __future__ import annotations

from typing import Any

from kore_tui.demo.data.edges import EDGE_STREAM
from kore_tui.demo.data.streams import DemoList, DemoStream, _iso, _uuid5, hash_int

DNC_LIST = DemoList("cl-demo-dnc", "Do not call", 12, "Numbers that asked not to be called")


def dnc_contact(stream: DemoStream, index: int) -> dict[str, Any]:
    """The do-not-call list: numbers of other lists (row 3 of `cl-demo-seven`, which both of its
    campaigns dialed; rows of the 1k and 100k lists), the rest numbers of its own."""
    if stream is EDGE_STREAM:
        source: tuple[DemoList, int] | None = (EDGE_STREAM.lists[0], index % EDGE_STREAM.lists[0].size)
    else:
        picks = {0: ("cl-demo-seven", 3), 1: ("cl-demo-1k", 10), 2: ("cl-demo-1k", 11), 3: ("cl-demo-1k", 800),
                 4: ("cl-demo-100k", 1), 5: ("cl-demo-1k", 4)}
        pick = picks.get(index)
        found = _find_list(stream, pick[0]) if pick else None
        source = (found, pick[1]) if found is not None and pick is not None else None
    if source is not None:
        phone = _list_contact(stream, source[0], source[1]).get("phoneNumber")
    else:
        phone = f"1888{hash_int('dnc', index) % 10**7:07d}"
    return {"_id": "cc-" + _uuid5(f"{DNC_LIST.id}:{stream.id}:{index}"), "createdAt": _iso(index * 97),
            "updatedAt": _iso(index * 97 + 5), "phoneNumber": phone}


# Imported when called, not at the top: the insights lists hold numbers of this list (made when
# they are imported, from rows of its own), and the list rows (contacts) include theirs.
def _find_list(stream: DemoStream, list_id: str) -> DemoList | None:
    from kore_tui.demo.data.contacts import find_list

    return find_list(stream, list_id)


def _list_contact(stream: DemoStream, lst: DemoList, index: int) -> dict[str, Any]:
    from kore_tui.demo.data.contacts import list_contact

    return list_contact(stream, lst, index)
