"""What the tables show (contacts, campaigns, a campaign's outcomes), and the order of fields in the detail pane."""

from __future__ import annotations

from kore_tui.api.models import (
    CAMPAIGN_CONTACT_FIELDS,
    CAMPAIGN_OUTCOME_FIELDS,
    DIRECTORY_CONTACT_FIELDS,
    CampaignContact,
    DirectoryContact,
)
from kore_tui.ui.widgets.lazy_table import Column


def _short_time(value: str | None) -> str | None:
    # ISO 8601 from the server: date and minutes are what a glance needs.
    return value[:16].replace("T", " ") if value and len(value) >= 16 and value[4:5] == "-" else value


# Each table fits 80 columns with no sideways scrolling; the detail pane shows every field.
LIST_COLUMNS: tuple[Column, ...] = (
    Column("Phone number", 16, lambda c: c.phone_number),
    Column("Created", 16, lambda c: _short_time(c.created_at)),
    Column("Contact id", 39, lambda c: c.id),
)

DIRECTORY_COLUMNS: tuple[Column, ...] = (
    Column("Name", 24, lambda c: c.display_name),
    Column("Phone number", 18, lambda c: c.phone_number),
    Column("Status", 8, lambda c: c.status),
    Column("Updated", 16, lambda c: _short_time(c.updated_at)),
)

# A campaign's per-number outcomes: the session id is cut here (the detail pane has it whole, y copies it).
# The first four sort (s, S): the cache keeps four sort values a row (kore_tui.cache.sort_values).
OUTCOME_COLUMNS: tuple[Column, ...] = (
    Column("Phone", 15, lambda o: o.phone_number),
    Column("Outcome", 9, lambda o: o.dialer_outcome or "pending"),
    Column("Tries", 5, lambda o: None if o.attempts is None else str(o.attempts)),
    Column("Bot status", 11, lambda o: o.bot_status),
    Column("Dispositions", 12, lambda o: ", ".join(o.dispositions)),
    Column("Session id", 14, lambda o: o.session_id),
)

# A stream's campaigns (rows are CampaignLinks): at 80 columns, name to lists; the rest beyond.
CAMPAIGN_COLUMNS: tuple[Column, ...] = (
    Column("Name", 20, lambda c: c.campaign.name or "(no name)"),
    Column("Status", 11, lambda c: c.campaign.status),
    Column("Type", 5, lambda c: c.campaign.kind),
    Column("Dialing", 11, lambda c: c.campaign.dialing_mode or c.campaign.format),
    Column("Pri", 3, lambda c: c.campaign.priority_text),
    Column("Lists", 16, lambda c: ", ".join(c.list_names)),
    Column("Do-not-call", 12, lambda c: ", ".join(ref.label for ref in c.dnc)),
    Column("Updated", 16, lambda c: _short_time(c.campaign.updated_at)),
)

# A list's table with its do-not-call marks (once the cache knows a do-not-call number).
DNC_COLUMN_WIDTH = 3

LIST_FIELD_ORDER = CAMPAIGN_CONTACT_FIELDS
CAMPAIGN_FIELD_ORDER = ("name", "status", "description")  # then every field as sent (voice and SMS differ)
OUTCOME_FIELD_ORDER = CAMPAIGN_OUTCOME_FIELDS
DIRECTORY_FIELD_ORDER = DIRECTORY_CONTACT_FIELDS

__all__ = ["DIRECTORY_COLUMNS", "LIST_COLUMNS", "CampaignContact", "DirectoryContact"]
