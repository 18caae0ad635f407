"""What the two contact tables show, and the order of fields in the detail pane."""

from __future__ import annotations

from kore_tui.api.models import CAMPAIGN_CONTACT_FIELDS, DIRECTORY_CONTACT_FIELDS, CampaignContact, DirectoryContact
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

LIST_FIELD_ORDER = CAMPAIGN_CONTACT_FIELDS
DIRECTORY_FIELD_ORDER = DIRECTORY_CONTACT_FIELDS

__all__ = ["CampaignContact", "DirectoryContact", "LIST_COLUMNS", "DIRECTORY_COLUMNS"]
