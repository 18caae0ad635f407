"""Campaigns below the UI: a stream's campaigns and the lists each dials, one campaign's page
(settings, status, lists, per-number outcomes), and the join "why was this number called?":
for a phone number, the campaigns whose lists hold it, the number's outcome in each, and the
do-not-call lists that name it.

The platform links the two sides loosely: a campaign names its lists by *name*
(``contactLists``) while a list names its campaigns by *id* (``campaignInUse``). A campaign's
lists are the lists naming its id, plus those whose name it gives (a list renamed since, or a
``campaignInUse`` that lags, still links). Its do-not-call list (``dncLists``) comes with an id
on voice campaigns and by name only on SMS ones; a name is resolved through the stream's lists
and the other campaigns' references.

Everything here that answers for a number reads the cache only (no request): the phone lookup
(:mod:`kore_tui.lookup`) fetches what is missing first, the detail pane shows what is cached.
No Textual here.

The package: ``links`` (a stream's campaigns and their lists, one campaign's page), ``numbers``
(the join: a number in the campaigns, the do-not-call marks) and ``outcomes`` (for the app: a
detail pane's campaigns, fetching what a number lacks). Every name is
importable from here.
"""

from __future__ import annotations

from kore_tui.views.campaigns.links import (
    OUTCOME_FIELDS,
    OUTCOME_SORT_COLUMNS,
    CampaignLinks,
    CampaignModel,
    CampaignsModel,
    OutcomesModel,
    campaign_columns,
    campaign_to_json,
    campaigns_with_lists,
    link_campaigns,
    outcome_lines,
    settings_lines,
)
from kore_tui.views.campaigns.numbers import (
    DIALED,
    NOT_DIALED,
    PENDING,
    UNKNOWN,
    DncMark,
    NumberCampaigns,
    NumberInCampaign,
    campaigns_of_number_cached,
    describe_dnc,
    describe_in_campaign,
    dnc_list_ids,
    dnc_marks,
    number_in_campaign,
    number_lines,
    related_campaigns,
    unresolved_dnc,
)
from kore_tui.views.campaigns.outcomes import (
    DNC_MARK_MAX_ROWS,
    NumberFetch,
    campaign_section,
    dnc_numbers_cached,
    fetch_number,
    is_dnc,
    number_campaign_section,
    plan_number_fetch,
)

__all__ = [
    "DIALED",
    "DNC_MARK_MAX_ROWS",
    "NOT_DIALED",
    "OUTCOME_FIELDS",
    "OUTCOME_SORT_COLUMNS",
    "PENDING",
    "UNKNOWN",
    "CampaignLinks",
    "CampaignModel",
    "CampaignsModel",
    "DncMark",
    "NumberCampaigns",
    "NumberFetch",
    "NumberInCampaign",
    "OutcomesModel",
    "campaign_columns",
    "campaign_section",
    "campaign_to_json",
    "campaigns_of_number_cached",
    "campaigns_with_lists",
    "describe_dnc",
    "describe_in_campaign",
    "dnc_list_ids",
    "dnc_marks",
    "dnc_numbers_cached",
    "fetch_number",
    "is_dnc",
    "link_campaigns",
    "number_campaign_section",
    "number_in_campaign",
    "number_lines",
    "outcome_lines",
    "plan_number_fetch",
    "related_campaigns",
    "settings_lines",
    "unresolved_dnc",
]
