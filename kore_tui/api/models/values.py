"""Reading one value of an answer tolerantly: text, integers and flags of any type or null,
lone surrogates replaced, values nested too deeply flattened; references to a campaign or a list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


def text_or_none(value: Any) -> str | None:
    """A field as text: strings as they are, scalars stringified, containers as compact JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def int_or_none(value: Any) -> int | None:
    """An integer field, accepting numeric strings; anything else (bools, floats with a fraction,
    garbage) is None so that one odd total does not sink a page."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def bool_or_none(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int):
        return bool(value)
    return None


_SURROGATES = re.compile("[\ud800-\udfff]")
REPLACEMENT = "\ufffd"
MAX_DEPTH = 32  # rows are a few levels deep; deeper values are flattened (see `limit_depth`)
TOO_DEEP = "(nested too deeply to show)"


def scrub_surrogates(value: Any) -> Any:
    """``value`` (parsed JSON) with lone surrogates in strings, keys included, as U+FFFD."""
    if isinstance(value, str):
        return _SURROGATES.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {scrub_surrogates(k): scrub_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_surrogates(v) for v in value]
    return value


def _depth_exceeds(value: Any, limit: int) -> bool:
    """True when the container ``value`` nests containers more than ``limit`` levels below it
    (the recursion is bounded by ``limit``: a hostile value cannot exhaust the stack here)."""
    if limit <= 0:
        return True
    for item in value.values() if type(value) is dict else value:
        kind = type(item)
        if (kind is dict or kind is list) and _depth_exceeds(item, limit - 1):
            return True
    return False


def limit_depth(row: Mapping[str, Any], limit: int = MAX_DEPTH) -> Mapping[str, Any]:
    """``row`` with each field nested deeper than ``limit`` replaced by a note: every later
    step (the cache, the filter, the exports, the detail pane) may then walk it recursively."""
    for value in row.values():
        kind = type(value)
        if (kind is dict or kind is list) and _depth_exceeds(value, limit):
            break
    else:
        return row
    return {k: TOO_DEEP if type(v) in (dict, list) and _depth_exceeds(v, limit) else v for k, v in row.items()}


def _type_name(value: Any) -> str:
    names: dict[type, str] = {dict: "an object", list: "a list", str: "a string"}
    return "null" if value is None else names.get(type(value), type(value).__name__)


@dataclass(frozen=True, slots=True)
class CampaignRef:
    """A campaign or a list named by another object: an id, a name, or both (either may be missing)."""

    id: str | None
    name: str | None

    @property
    def label(self) -> str:
        return self.name or self.id or "?"


def campaign_refs(value: Any) -> tuple[CampaignRef, ...]:
    """``{id, name}`` objects, a single one, or bare strings (read as ids) as refs."""
    items = value if isinstance(value, list) else [value] if isinstance(value, Mapping) else []
    refs: list[CampaignRef] = []
    for item in items:
        if isinstance(item, Mapping):
            ref = CampaignRef(text_or_none(item.get("id", item.get("_id"))) or None,
                              text_or_none(item.get("name")) or None)
        elif isinstance(item, (str, int)) and not isinstance(item, bool):
            ref = CampaignRef(str(item) or None, None)
        else:
            continue
        if ref.id or ref.name:
            refs.append(ref)
    return tuple(refs)
