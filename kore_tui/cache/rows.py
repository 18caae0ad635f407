"""What a row is stored with: its casefolded search text, its phone digits and number, the
values its table's columns sort by. Pure functions of the row's JSON.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_NON_DIGITS = re.compile(r"\D+")


def digits_of(text: str) -> str:
    return _NON_DIGITS.sub("", text)


def phone_digits(raw: Mapping[str, Any]) -> str:
    """The digits of a row's phone numbers (campaign ``phoneNumber``, directory ``cellPhone``)."""
    found: list[str] = []
    value = raw.get("phoneNumber")
    if isinstance(value, (str, int)):
        found.append(digits_of(str(value)))
    cell = raw.get("cellPhone")
    if isinstance(cell, Mapping) and isinstance(cell.get("phoneNumber"), (str, int)):
        found.append(digits_of(str(cell["phoneNumber"])))
    return " ".join(d for d in found if d)


def primary_phone(raw: Mapping[str, Any]) -> str | None:
    """The row's phone number as stored: a list contact's ``phoneNumber``, a directory
    contact's ``cellPhone.phoneNumber``."""
    value = raw.get("phoneNumber")
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        cell = raw.get("cellPhone")
        value = cell.get("phoneNumber") if isinstance(cell, Mapping) else None
    return str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def _sortable(value: Any) -> Any:
    """A value as SQLite compares it for the sort: numbers as numbers, text casefolded, the
    rest (null, objects) as null, which sorts last."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        return value.casefold() if value else None
    return None


def sort_values(raw: Mapping[str, Any], directory: bool) -> tuple[Any, Any, Any, Any]:
    """What each column of the view's table sorts by, in the table's column order: a list's
    number, created, id; the directory's name, number, status, updated; a campaign's outcome
    (it has ``dialerOutcome``): number, outcome, attempts, bot status."""
    if "dialerOutcome" in raw:
        return (_sortable(raw.get("phoneNumber")), _sortable(raw.get("dialerOutcome")),
                _sortable(raw.get("numberOfAttemptsSoFar")), _sortable(raw.get("botOutboundStatus")))
    if directory:
        cell = raw.get("cellPhone")
        name = raw.get("fullName") or " ".join(
            str(raw[k]) for k in ("firstName", "lastName") if isinstance(raw.get(k), str) and raw.get(k)) or None
        number = cell.get("phoneNumber") if isinstance(cell, Mapping) else None
        return (_sortable(name), _sortable(number), _sortable(raw.get("status")), _sortable(raw.get("updatedAt")))
    return (_sortable(raw.get("phoneNumber")), _sortable(raw.get("createdAt")),
            _sortable(raw.get("_id", raw.get("id"))), None)


def search_text(raw: Mapping[str, Any]) -> str:
    """Every value of a row (nested ones too) as one casefolded string, for the filter."""
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif value is not None:
            parts.append(str(value))

    walk(raw)
    return "\x1f".join(parts).casefold()
