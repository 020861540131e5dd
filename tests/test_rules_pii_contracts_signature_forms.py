"""Signature-line forms the legal export of session 14 left in clear (issue 18), as classes:
a label in the middle of a line ("Clickstream Corp. By: Frank ..."), the Canadian "Per:",
a name in quotes or brackets after its label, a printed name under a signature rule or above
its office, names in capitals with initials, two contacts after one "Attention:", a deed's
"signed as a deed by", and the next field's label taken into the name ("Witness Name Mercy
Saula Address": the label stays text). Each string is shaped as the CUAD files write it (the
names here are made up)."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine


def _redact(texts: list[str]) -> list[str]:
    engine = PiiEngine(load_rule_pack("contracts").pii)
    return [str(t) for t in engine.scan(pl.Series(texts)).placeholders().to_list()]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "Witness Name Mercy Saula Address 2nd Floor, Transpacific House",
            "Witness Name [PERSON] Address 2nd Floor, Transpacific House",
        ),
        (
            'Signature "/s/ Hugo Rodriguez" Name: HUGO RODRIGUEZ Title: Legal Representative',
            'Signature "/s/ [PERSON]" Name: [PERSON] Title: Legal Representative',
        ),
        ("Schick, P.C., Attention: Eric Lusk).", "Schick, P.C., Attention: [PERSON])."),
        (
            "Clickstream Corp. By: Frank Magliano, CLIENT CEO Name: Title: CEO",
            "Clickstream Corp. By: [PERSON], CLIENT CEO Name: Title: CEO",
        ),
        (
            "ANTHEMIC, LLC VNUE, INC By: Alan Sarto By: /s/ Ana Smith Title: CEO",
            "ANTHEMIC, LLC VNUE, INC By: [PERSON] By: /s/ [PERSON] Title: CEO",
        ),
        ('Per: "Peter Wiggs" Per: "Michael Stund"', 'Per: "[PERSON]" Per: "[PERSON]"'),
        ("By: /s/ JAMES P.R. SAMSON By: /s/", "By: /s/ [PERSON] By: /s/"),
        (
            "Name: GEORGE KADIF                      Name: MARK S. BIESTER       ------",
            "Name: [PERSON]                      Name: [PERSON]       ------",
        ),
        ("Attn: LUCAS S. MICHAELS, ESQ.", "Attn: [PERSON], ESQ."),
        (
            "Attn: Scott A. Barsh Steven J. Willis email: x",
            "Attn: [PERSON] email: x",
        ),
        ("Attn: Mark Bertel and Julia Riegel\n", "Attn: [PERSON]\n"),
        ("P.C., U.S.A. Attn: Mark Bertel and Julia Riegel\n", "P.C., U.S.A. Attn: [PERSON]\n"),
        (
            "Watkins LLP Attention: Ann Roe and Josh Dubof E-mail: x",
            "Watkins LLP Attention: [PERSON] E-mail: x",
        ),
        ("S/ Thomas K. Equel\n", "S/ [PERSON]\n"),
        ("By: _ Stanley T. Weiss\n\nTitle: CEO", "By: _ [PERSON]\n\nTitle: CEO"),
        ("By: Name: _Michael Grimm ____", "By: Name: _[PERSON] ____"),
        (
            "By: ______________ Catherine K. Roch, President",
            "By: ______________ [PERSON], President",
        ),
        (
            "/s/ Steven D. Jaskol\n\nSteven D. Jaskol Director, Commercial Services",
            "/s/ [PERSON]\n\n[PERSON] Director, Commercial Services",
        ),
        (
            "---------------- Randall L. Herr, Sr. President & Chief Executive Officer",
            "---------------- [PERSON] President & Chief Executive Officer",
        ),
        (
            "Signed as a deed by Brett Hauman in the presence of:",
            "Signed as a deed by [PERSON] in the presence of:",
        ),
        ("Executed as a Deed by NIGEL CROCKER:\n", "Executed as a Deed by [PERSON]:\n"),
        (
            "Signed by: Renato Covel\nSigned by: M. Castor",
            "Signed by: [PERSON]\nSigned by: [PERSON]",
        ),
        (
            "Attention: General Counsel and Richard Hoff Email: x",
            "Attention: General Counsel and [PERSON] Email: x",
        ),
        (
            "By: /s/ James D. Beaty  James D. Beaty, CEO and President",
            "By: /s/ [PERSON]  [PERSON], CEO and President",
        ),
        (
            "Victoria Scot Associate Director, Regulatory",
            "[PERSON] Associate Director, Regulatory",
        ),
        (
            "Product Complaint   Victoria Scot Associate Director/Quality",
            "Product Complaint   [PERSON] Associate Director/Quality",
        ),
    ],
)
def test_signature_line_forms_are_redacted(text: str, want: str) -> None:
    assert _redact([text]) == [want]


@pytest.mark.parametrize(
    "text",
    [
        "CK RESIDENTIAL HOLDINGS, L.P. By: Bluerock Residential Growth REIT, Inc. Its: General",
        "8.1 By Commerce One. Commerce One shall indemnify",
        "Attention: General Counsel\n",
        "Attention: Chief Financial Officer and General Counsel\n",
        "---------------- Senior Vice President\n",
        "Signed by: Licensee\n",
        "the agreement executed by Fox Mobile Entertainment, Inc. on",
        "Per: annum rates apply",
        "ATTN: LEGAL DEPARTMENT\n",
        "By: Martin Midstream Partners L.P., Its Sole Member",
        "MARTIN OPERATING PARTNERSHIP L.P. By: Martin Operating GP LLC, Its General Partner",
        "FUEL SERVICE LLC By: Martin Resource Management Corporation, its Sole Member",
        "Office Automation Manager       Commercial",
    ],
)
def test_labels_before_offices_and_companies_stay(text: str) -> None:
    assert _redact([text]) == [text]


def test_the_office_line_detector_is_the_one_resolve_knows() -> None:
    """resolve.OFFICE_LINE names the printed-name-above-office detector by its context; the
    pack must keep it as written there, or "Office Automation Manager" becomes a name."""
    from curate.rules.pii.resolve import OFFICE_LINE

    assert any(c.before == OFFICE_LINE for c in load_rule_pack("contracts").pii.custom)
