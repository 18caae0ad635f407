"""Deterministic demo data, generated row by row on demand (a million-row list costs nothing).

Values are chosen to be awkward on purpose: names in several scripts, Rich markup, escape
sequences, very long strings, nulls, missing keys and extra fields, so that every screen and the
export meet them in ordinary use.

The package: ``streams`` (the account, its streams and lists, the hashing every row is made
with), ``edges`` (the edge-case and phone-format streams), ``contacts`` (directory and list
rows), ``dnc`` (the do-not-call list), ``campaigns`` (campaigns, their outcomes, list details)
and ``insights`` (lists of known content for insights). Every name is importable from here.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kore_tui.demo.data.campaigns import (
        BOT_OUTCOMES,
        CAMPAIGNS,
        DISPOSITIONS,
        DNC_STREAMS,
        DemoCampaign,
        any_list_contact,
        campaign_details,
        campaign_item,
        campaign_outcome,
        campaign_size,
        campaigns_of,
        contact_list_details,
        extra_campaigns_in_use,
        find_any_list,
        find_campaign,
        list_details,
    )
    from kore_tui.demo.data.contacts import directory_contact, directory_phone, find_list, find_stream, list_contact
    from kore_tui.demo.data.dnc import DNC_LIST, dnc_contact
    from kore_tui.demo.data.edges import (
        EDGE_STREAM,
        EDGE_VALUES,
        PHONE_NUMBERS,
        PHONES_STREAM,
        edge_directory_contact,
        edge_list_contact,
        phones_directory_contact,
        phones_list_contact,
    )
    from kore_tui.demo.data.insights import (
        INSIGHTS_DAYS,
        INSIGHTS_FIRST_DAY,
        INSIGHTS_LISTS,
        INSIGHTS_NO_NUMBER_ROWS,
        INSIGHTS_NUMBERS,
        INSIGHTS_REGION,
        INSIGHTS_SECOND_OWN,
        InsightsNumber,
        InsightsRow,
        digits,
        insights_contact,
        insights_rows,
    )
    from kore_tui.demo.data.streams import (
        ACCOUNT_ID,
        AWKWARD_TEXT,
        CITIES,
        CLIENT_ID,
        EPOCH,
        FIRST_NAMES,
        LAST_NAMES,
        NAMESPACE,
        SIZED_LIST,
        STATUSES,
        STREAMS,
        DemoList,
        DemoStream,
        hash_int,
    )
    from kore_tui.demo.data.streams import _digest as _digest
    from kore_tui.demo.data.streams import _hexid as _hexid
    from kore_tui.demo.data.streams import _iso as _iso
    from kore_tui.demo.data.streams import _uuid5 as _uuid5

# Each module loads when one of its names is first used: `--demo` paints its first frame before
# the server needs the campaigns, edges or insights.
_NAMES = {  # module: the names it gives
    "campaigns": (
        "BOT_OUTCOMES CAMPAIGNS DISPOSITIONS DNC_STREAMS DemoCampaign any_list_contact campaign_details "
        "campaign_item campaign_outcome campaign_size campaigns_of contact_list_details "
        "extra_campaigns_in_use find_any_list find_campaign list_details"
    ),
    "contacts": "directory_contact directory_phone find_list find_stream list_contact",
    "dnc": "DNC_LIST dnc_contact",
    "edges": (
        "EDGE_STREAM EDGE_VALUES PHONES_STREAM PHONE_NUMBERS edge_directory_contact edge_list_contact "
        "phones_directory_contact phones_list_contact"
    ),
    "insights": (
        "INSIGHTS_DAYS INSIGHTS_FIRST_DAY INSIGHTS_LISTS INSIGHTS_NO_NUMBER_ROWS INSIGHTS_NUMBERS "
        "INSIGHTS_REGION INSIGHTS_SECOND_OWN InsightsNumber InsightsRow digits insights_contact "
        "insights_rows"
    ),
    "streams": (
        "ACCOUNT_ID AWKWARD_TEXT CITIES CLIENT_ID DemoList DemoStream EPOCH FIRST_NAMES LAST_NAMES "
        "NAMESPACE SIZED_LIST STATUSES STREAMS _digest _hexid _iso _uuid5 hash_int"
    ),
}
_WHERE = {name: module for module, names in _NAMES.items() for name in names.split()}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ACCOUNT_ID",
    "AWKWARD_TEXT",
    "BOT_OUTCOMES",
    "CAMPAIGNS",
    "CITIES",
    "CLIENT_ID",
    "DISPOSITIONS",
    "DNC_LIST",
    "DNC_STREAMS",
    "EDGE_STREAM",
    "EDGE_VALUES",
    "EPOCH",
    "FIRST_NAMES",
    "INSIGHTS_DAYS",
    "INSIGHTS_FIRST_DAY",
    "INSIGHTS_LISTS",
    "INSIGHTS_NO_NUMBER_ROWS",
    "INSIGHTS_NUMBERS",
    "INSIGHTS_REGION",
    "INSIGHTS_SECOND_OWN",
    "LAST_NAMES",
    "NAMESPACE",
    "PHONES_STREAM",
    "PHONE_NUMBERS",
    "SIZED_LIST",
    "STATUSES",
    "STREAMS",
    "DemoCampaign",
    "DemoList",
    "DemoStream",
    "InsightsNumber",
    "InsightsRow",
    "any_list_contact",
    "campaign_details",
    "campaign_item",
    "campaign_outcome",
    "campaign_size",
    "campaigns_of",
    "contact_list_details",
    "digits",
    "directory_contact",
    "directory_phone",
    "dnc_contact",
    "edge_directory_contact",
    "edge_list_contact",
    "extra_campaigns_in_use",
    "find_any_list",
    "find_campaign",
    "find_list",
    "find_stream",
    "hash_int",
    "insights_contact",
    "insights_rows",
    "list_contact",
    "list_details",
    "phones_directory_contact",
    "phones_list_contact",
]
