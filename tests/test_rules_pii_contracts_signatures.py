"""Signatories and notice contacts the contracts pack left in session 13's CUAD export (issue
18): a surname with a particle ("Andrea van Elsas"), letters beyond ASCII ("Julíana Mazza
Reîs", "Jean-François Huc", "Steven M. Rodé"), a middle initial without its full stop
("Timothy S Orr"), initials run together ("Bruno C.Z. Baptista", "N.D.A.M. Nooren", "Martin
A.Berns"), a given name written in two capitals ("RuoXian Qi"), a nickname in brackets, a
name run into its "Title:" label, and an "Attention:" name before a "Tel." label (the label
was taken into the name). Offices and clauses after the labels stay text."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine

CONTRACTS = PiiEngine(load_rule_pack("contracts").pii)


def redact(text: str) -> str:
    return str(CONTRACTS.scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "By: /s/ Andrea van Elsas Name: Andrea van Elsas Title: President",
            "By: /s/ [PERSON] Name: [PERSON] Title: President",
        ),
        ("Name: Hans van Leeuwen Title: Director", "Name: [PERSON] Title: Director"),
        (
            "/s/ Julíana Mazza Reîs Name: Julíana Mazza Reîs",
            "/s/ [PERSON] Name: [PERSON]",
        ),
        ("/s/ Jean-François Huc\nDate:", "/s/ [PERSON]\nDate:"),
        ("Name: Steven M. Rodé Title: Director", "Name: [PERSON] Title: Director"),
        ("/s/ Timothy S Orr Date: 1/26/2020", "/s/ [PERSON] Date: 1/26/2020"),
        ("/s/ Bruno C.Z. Baptista /s/", "/s/ [PERSON] /s/"),
        ("Name: N.D.A.M. Nooren Title: Manager", "Name: [PERSON] Title: Manager"),
        ("/s/ Martin A.Berns /s/", "/s/ [PERSON] /s/"),
        ("Name: RuoXian Qi\nTitle: CEO", "Name: [PERSON]\nTitle: CEO"),
        ("Name: Liang (Dean) Wang\nTitle: CEO", "Name: [PERSON]\nTitle: CEO"),
        ("Name: Christopher A. NealonTitle: President", "Name: [PERSON]Title: President"),
        ("Attention: Mark S. Weitz Tel. 612-555-1212", "Attention: [PERSON] Tel. [PHONE]"),
    ],
)
def test_signatories_and_contacts_are_found(text: str, want: str) -> None:
    assert redact(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "Attention: Chief Financial Officer",
        "Name: The Company shall not use the name",
        "Attention: General Counsel Tel. 612-",
    ],
)
def test_offices_and_clauses_after_the_labels_stay(text: str) -> None:
    out = redact(text)
    assert "[PERSON]" not in out, out


def test_a_middle_initial_takes_one_surname() -> None:
    """'John S. D'Orazio John S. D'Orazio, President': the name written again after its
    signature is not the first one's second surname."""
    out = redact("/s/ Jane Roe By /s/ John S. D'Orazio John S. D'Orazio, President")
    assert "Orazio" not in out and out.endswith(", President")
