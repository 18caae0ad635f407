"""Campaigns: which lists each dials, their outcomes, and the lists' details that name them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kore_tui.demo.data.contacts import find_list, list_contact
from kore_tui.demo.data.dnc import DNC_LIST, dnc_contact
from kore_tui.demo.data.edges import EDGE_STREAM, EDGE_VALUES
from kore_tui.demo.data.streams import ACCOUNT_ID, AWKWARD_TEXT, STREAMS, DemoList, DemoStream, _hexid, _iso, hash_int


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
