"""Typed, tolerant models of the platform's answers.

The server is trusted for nothing but its shape: every field may be missing, null, or of another
type, and unknown fields are kept in ``raw``. Parsing either returns a model or raises
:class:`~kore_tui.api.errors.BadResponseError` with a sentence saying what was wrong.

The package: ``values`` (tolerant reading of one value: text, numbers, flags, surrogates, depth,
references),
``contacts`` (contact rows, contact lists, a page of any rows and its parser) and ``campaigns``
(API v2, read-only: campaigns, their status and outcomes, a list's details). Every name is
importable from here.
"""

from __future__ import annotations

from kore_tui.api.models.campaigns import (
    CAMPAIGN_KINDS,
    CAMPAIGN_OUTCOME_FIELDS,
    CAMPAIGN_STATUSES,
    MAX_OUTCOME_LIMIT,
    Campaign,
    CampaignOutcome,
    CampaignStatus,
    ContactListDetails,
    envelope_data,
    parse_campaign,
    parse_campaign_status,
    parse_campaigns_page,
    parse_list_details,
    parse_outcome_page,
)
from kore_tui.api.models.contacts import (
    CAMPAIGN_CONTACT_FIELDS,
    DIRECTORY_CONTACT_FIELDS,
    CampaignContact,
    ContactList,
    DirectoryContact,
    Page,
    T,
    parse_contact_lists,
    parse_page,
)
from kore_tui.api.models.values import (
    MAX_DEPTH,
    REPLACEMENT,
    TOO_DEEP,
    CampaignRef,
    bool_or_none,
    campaign_refs,
    int_or_none,
    limit_depth,
    scrub_surrogates,
    text_or_none,
)

__all__ = [
    "CAMPAIGN_CONTACT_FIELDS",
    "CAMPAIGN_KINDS",
    "CAMPAIGN_OUTCOME_FIELDS",
    "CAMPAIGN_STATUSES",
    "DIRECTORY_CONTACT_FIELDS",
    "MAX_DEPTH",
    "MAX_OUTCOME_LIMIT",
    "REPLACEMENT",
    "TOO_DEEP",
    "Campaign",
    "CampaignContact",
    "CampaignOutcome",
    "CampaignRef",
    "CampaignStatus",
    "ContactList",
    "ContactListDetails",
    "DirectoryContact",
    "Page",
    "T",
    "bool_or_none",
    "campaign_refs",
    "envelope_data",
    "int_or_none",
    "limit_depth",
    "parse_campaign",
    "parse_campaign_status",
    "parse_campaigns_page",
    "parse_contact_lists",
    "parse_list_details",
    "parse_outcome_page",
    "parse_page",
    "scrub_surrogates",
    "text_or_none",
]
