"""Lists of known content, for insights (#17): every number with the truth about it."""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass
from typing import Any

from kore_tui.demo.data.dnc import dnc_contact
from kore_tui.demo.data.streams import STREAMS, DemoList, _iso

# -- lists of known content, for insights (#17) -----------------------------------------------------
#
# `cl-insights-a` and `cl-insights-b` are reachable by id on any demo stream but listed by none
# (the picker's lists stay as they were). Their numbers are chosen by kind, each with what
# libphonenumber says of it, so tests compare every insight with the truth: duplicates (one
# number written in several forms among them), invalid and impossible numbers, five countries,
# numbers written without a country code (dialable in region GB only), numbers of the sales
# directory and of its do-not-call list, and a second list sharing 25 numbers. Rows are shuffled
# (deterministically) so that any first page holds a bit of everything.

INSIGHTS_REGION = "GB"  # where the national forms below are numbers
INSIGHTS_FIRST_DAY = 63 * 86_400  # 2025-03-05: the first day a row of `cl-insights-a` was created
INSIGHTS_DAYS = 14  # rows were created over this many days


@dataclass(frozen=True)
class InsightsNumber:
    """One number of the insights lists and the truth about it."""

    key: str  # its E.164 form (national forms read in INSIGHTS_REGION), or its digits when impossible
    forms: tuple[str, ...]  # how its rows write it, in turn
    rows: int  # rows of `cl-insights-a` with it
    kind: str  # "valid", "invalid" or "impossible"
    region: str | None = None  # ISO code, when valid
    number_type: str = ""  # as kore_tui.phones names it, when valid
    reason: str = ""  # why it is impossible
    in_directory: bool = False  # a number of the sales directory
    in_dnc: bool = False  # on the sales do-not-call list
    in_second: bool = False  # also on `cl-insights-b`

    def national(self, form: str) -> bool:
        """Written without a country code (only INSIGHTS_REGION makes it a number)."""
        return self.kind != "impossible" and not form.startswith(("+", "00")) and "+" + digits(form) != self.key


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _insights_numbers() -> tuple[InsightsNumber, ...]:
    numbers: list[InsightsNumber] = []
    for n in range(40):  # United States, fixed line or mobile; three of them duplicated
        numbers.append(InsightsNumber(f"+1201555{n:04d}", (f"1201555{n:04d}",), {0: 5, 1: 4, 2: 3}.get(n, 1), "valid",
                                      "US", "fixed line or mobile", in_second=n < 15))
    for n in range(30):  # United Kingdom, mobile; the first in three forms (one national)
        forms: tuple[str, ...] = ((f"447400123{n:03d}", f"+44 7400 123{n:03d}", f"07400 123{n:03d}") if n == 0
                                  else (f"447400123{n:03d}",))
        numbers.append(InsightsNumber(f"+447400123{n:03d}", forms, len(forms), "valid", "GB", "mobile",
                                      in_second=n < 10))
    for n in range(20):  # United Kingdom, fixed line (London); the last ten written nationally only
        forms = ((f"44207946{n:04d}", f"020 7946 {n:04d}") if n == 1 else
                 (f"020 7946 {n:04d}",) if n >= 10 else (f"44207946{n:04d}",))
        numbers.append(InsightsNumber(f"+44207946{n:04d}", forms, len(forms), "valid", "GB", "fixed line"))
    for n in range(25):  # India, mobile
        numbers.append(InsightsNumber(f"+9198765{n:05d}", (f"9198765{n:05d}",), 2 if n == 0 else 1, "valid", "IN",
                                      "mobile"))
    for n in range(15):  # Germany, fixed line (Berlin)
        numbers.append(InsightsNumber(f"+49301234{n:04d}", (f"49301234{n:04d}",), 1, "valid", "DE", "fixed line"))
    for n in range(10):  # United States, toll free
        numbers.append(InsightsNumber(f"+1800555{n:04d}", (f"1800555{n:04d}",), 1, "valid", "US", "toll free"))
    sales = STREAMS[0]
    for index in range(0, 1000, 50):  # the sales directory's numbers: +1 555 is no area code (invalid)
        key = "+1555" + f"{index:07d}"
        numbers.append(InsightsNumber(key, (key[1:],), 2 if index == 0 else 1, "invalid", in_directory=True))
    for index in (6, 7, 8):  # the sales do-not-call list's own numbers (US toll free)
        phone = str(dnc_contact(sales, index)["phoneNumber"])
        numbers.append(InsightsNumber("+" + phone, (phone,), 1, "valid", "US", "toll free", in_dnc=True))
    for n in range(5):  # invalid, in no other view
        numbers.append(InsightsNumber(f"+1555{9_000_000 + n:07d}", (f"1555{9_000_000 + n:07d}",), 1, "invalid"))
    for form, reason, rows in (("+1 234", "too short", 2), ("+1 234 567 890 123 456", "too long", 1),
                               ("+44 12", "too short", 1), ("+999 1234", "invalid country code", 1)):
        numbers.append(InsightsNumber(digits(form), (form,), rows, "impossible", reason=reason))
    return tuple(numbers)


INSIGHTS_NUMBERS = _insights_numbers()
INSIGHTS_NO_NUMBER_ROWS = 2  # rows of `cl-insights-a` without a number (a null, or no key at all)
INSIGHTS_SECOND_OWN = 35  # numbers of `cl-insights-b` on no other list


@dataclass(frozen=True)
class InsightsRow:
    phone: str | None  # None: the row has no number
    number: InsightsNumber | None
    created_day: int  # days after INSIGHTS_FIRST_DAY
    updated_day: int
    status: str | None


@functools.lru_cache(maxsize=2)
def insights_rows(list_id: str) -> tuple[InsightsRow, ...]:
    """Every row of an insights list, in list order, with the truth about its number."""
    if list_id == "cl-insights-b":
        phones: list[tuple[str | None, InsightsNumber | None]] = [
            (number.forms[0], number) for number in INSIGHTS_NUMBERS if number.in_second]
        phones += [(f"1617555{n:04d}", None) for n in range(INSIGHTS_SECOND_OWN)]
    else:
        phones = [(number.forms[i % len(number.forms)], number) for number in INSIGHTS_NUMBERS
                  for i in range(number.rows)]
        phones += [(None, None)] * INSIGHTS_NO_NUMBER_ROWS
    random.Random(list_id).shuffle(phones)
    size = len(phones)
    statuses = ("new", "dialed", "failed", "dialed", None)
    return tuple(InsightsRow(phone, number, i * i * INSIGHTS_DAYS // size**2, i * i * INSIGHTS_DAYS // size**2 + i % 4,
                             statuses[i % len(statuses)]) for i, (phone, number) in enumerate(phones))


INSIGHTS_LISTS = {
    "cl-insights-a": DemoList("cl-insights-a", "Insights sample", len(insights_rows("cl-insights-a")),
                              "Known duplicates, invalid numbers, countries and overlaps"),
    "cl-insights-b": DemoList("cl-insights-b", "Insights second list", len(insights_rows("cl-insights-b")),
                              "Shares 25 numbers with the sample"),
}


def insights_contact(list_id: str, index: int) -> dict[str, Any]:
    row = insights_rows(list_id)[index]
    contact: dict[str, Any] = {
        "_id": f"{list_id}-{index}",
        "createdAt": _iso(INSIGHTS_FIRST_DAY + row.created_day * 86_400 + index * 7),
        "updatedAt": _iso(INSIGHTS_FIRST_DAY + row.updated_day * 86_400 + index * 7 + 60),
    }
    if row.phone is not None or index % 2:  # a row without a number has a null, or no key at all
        contact["phoneNumber"] = row.phone
    if row.status is not None:
        contact["status"] = row.status
    return contact
