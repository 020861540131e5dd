"""A signatory's surname that is also the head of a firm's name in the same record is not
spread as a person (issue 18; CUAD's Moelis agreement: "Mr. Moelis" made every "Moelis" of
"Moelis & Company", "Moelis Holdings", "the Moelis Entities" [PERSON], 251 times, none left).
The signatory's full name and the titled find stay redacted; a surname no firm is named after
still spreads. The names here are made up."""

from __future__ import annotations

import numpy as np
import polars as pl

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine


def _redact_record(texts: list[str]) -> list[str]:
    engine = PiiEngine(load_rule_pack("contracts").pii)
    groups = np.zeros(len(texts), dtype=np.int64)  # one record
    return [str(t) for t in engine.scan(pl.Series(texts), groups).placeholders().to_list()]


def test_a_surname_heading_a_firm_is_not_spread() -> None:
    texts = [
        'This Agreement is among Holm Holdings LP ("Holm Holdings"), Holm & Company and SMBC.',
        '"KH" means Mr. Holm and any entity he controls.',
        "Holm Holdings shall notify the Holm Entities of any offer.",
        "By:\nName: Kenneth D. Holm\nTitle: Chief Executive Officer",
    ]
    got = _redact_record(texts)
    assert got[0] == texts[0]
    assert got[1] == '"KH" means Mr. [PERSON] and any entity he controls.'
    assert got[2] == texts[2]
    assert got[3] == "By:\nName: [PERSON]\nTitle: Chief Executive Officer"


def test_a_firm_named_with_a_legal_form_or_head_noun_counts() -> None:
    for firm in ("Holm LLC", "Holm Group", "the Holm Foundation", "Holm, Inc."):
        texts = [f"Mr. Holm pays {firm}.", "Holm shall pay the fee."]
        assert _redact_record(texts) == ["Mr. [PERSON] pays " + firm + ".", texts[1]]


def test_a_surname_no_firm_is_named_after_still_spreads() -> None:
    texts = ["Mr. Holm pays Acme Holdings LLC.", "Holm shall pay the fee."]
    assert _redact_record(texts) == [
        "Mr. [PERSON] pays Acme Holdings LLC.",
        "[PERSON] shall pay the fee.",
    ]


def test_a_firm_named_with_the_full_name_or_and_the_company_is_no_head() -> None:
    """'David Holm Enterprises, Inc.' is the endorser's own company (CUAD's Duval agreement:
    "Duval" alone is the golfer), and 'by Holm and Company' is Holm and the party defined as
    the "Company": the surname still spreads."""
    texts = [
        'Pay by check to the order of "David Holm Enterprises, Inc." (the fee) to Mr. Holm.',
        "Company shall promote Holm, in styles approved by Holm and Company.",
    ]
    assert _redact_record(texts)[1] == (
        "Company shall promote [PERSON], in styles approved by [PERSON] and Company."
    )


def test_a_surname_defined_as_the_persons_term_still_spreads() -> None:
    """'JAMES W. NANTZ III ("Nantz")' beside "Nantz Communications, Inc." (CUAD): "Nantz"
    alone is the person the agreement defines."""
    texts = [
        'Holm Communications, Inc. and JAMES W. HOLM III ("Holm") agree as follows.',
        "Holm shall appear at four events.",
    ]
    assert _redact_record(texts)[1] == "[PERSON] shall appear at four events."
