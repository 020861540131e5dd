"""Forms the legal export of session 14 (read at 08:22) left broken or in clear, as classes:
two signatories or contacts of a two-column block on one line (the first find took the
second's label, and the second name stayed in clear), a signature's mark with a blank or a
title in it, Chinese names written surname first, a phone's groups with spaced dashes and a
slash, a section's number before a sentence's end taken as a street's number, a post box's
"PO" taken into the contact's name, and a postcode's end after a hyphen taken as a street's
number. Each string is shaped as the CUAD files write it once ingest has joined their blanks
(the names here are made up)."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine


def _redact(texts: list[str]) -> list[str]:
    engine = PiiEngine(load_rule_pack("contracts").pii)
    return [str(t) for t in engine.scan(pl.Series(texts)).placeholders().to_list()]


CASES = [
    # two contacts or signatories side by side, each after its own label
    (
        "New York, NY 10016 Attn: Lloyd Fresher Attn: Joel Primer With a copy to: With a copy to:",
        "Attn: [PERSON] Attn: [PERSON] With a copy to: With a copy to:",
    ),
    (
        "Fax: 514-844-1414 Attention: Pirkko Suomi Attention: Laurent Berner\n\nWith copy to: X",
        "Fax: [PHONE] Attention: [PERSON] Attention: [PERSON]\n\nWith copy to: X",
    ),
    (
        "By: /s/Joseph Marini By: Jim Stamp ------------------- ---------- President",
        "By: /s/[PERSON] By: [PERSON] ------------------- ---------- President",
    ),
    (
        "Signed by: Renato Covell Signed by: M. Castor Function: Attorney In Fact",
        "Signed by: [PERSON] Signed by: [PERSON] Function: Attorney In Fact",
    ),
    (
        "By: /s/ Christian Klaus By: /s/ Euan Thoms Print name: Christian Klaus Print name: Euan"
        " Thoms Title: CFO",
        "Print name: [PERSON] Print name: [PERSON] Title: CFO",
    ),
    # a third word before a colon is the next label, not the second name's
    (
        "By: /s/ E. Reyes By: /s/ Jefferson Gwynn Name: Emyr Reyes Name: Jefferson Gwynn Title: X",
        "By: /s/ [PERSON] By: /s/ [PERSON] Name: [PERSON] Name: [PERSON] Title: X",
    ),
    (
        "By: /s/ Subhas Praman Name: Subhas Praman Title: Managing Director",
        "By: /s/ [PERSON] Name: [PERSON] Title: Managing Director",
    ),
    # a row's surname that is an English word stays in the name; a common word after two
    # name words does not ("With a copy")
    (
        "PFS Funds By: /s/ Jeffrey R. Provence Print Name: Jeffrey R. Provence Title: Tr",
        "By: /s/ [PERSON] Print Name: [PERSON] Title: Tr",
    ),
    ("Name: S.C. Chen Name: David M. Sample -----", "Name: [PERSON] Name: [PERSON] -----"),
    # a signature's mark with a blank in it, or a title after it
    (
        "HOF VILLAGE, LLC By: /s / Brian Paris Name: David Baker Title: Chief Financial Officer",
        "HOF VILLAGE, LLC By: /s / [PERSON] Name: [PERSON] Title: Chief Financial Officer",
    ),
    ("/s/ Dr. R. Stephens\n\nCREMER GmbH", "/s/ Dr. [PERSON]\n\nCREMER GmbH"),
    (
        "HEMISPHERX BIOPHARMA, INC: S/ Chen Weiming S/ Thomas K. Equel\n\nDone",
        "S/ [PERSON] S/ [PERSON]\n\nDone",
    ),
    # surname first, in capitals or not
    (
        "By: /S/ CHEN MENGLU By: /S/ DEEPAK SWAMI ------\n\nName: CHEN MENGLU Name: DEEPAK SWAMI",
        "By: /S/ [PERSON] By: /S/ [PERSON] ------\n\nName: [PERSON] Name: [PERSON]",
    ),
    ("Building 1\n\nAttention: SUN Yidong\n\nService Provider: [•]", "Attention: [PERSON]\n\n"),
    # a phone's groups with blanks around a dash or a slash after its label
    (
        "Fax: 0049- 7351/54 - 4845 Phone: 0049- 7351/54 - 96145 33\n\nIf to XENCOR:",
        "Fax: [PHONE] Phone: [PHONE]\n\nIf to XENCOR:",
    ),
    # a section's number, then a heading's full stop before a title: no street
    (
        "his approval. 3.2 Exclusivity. Dr. Murry shall not directly assist in the development",
        "his approval. 3.2 Exclusivity. Dr. [PERSON] shall not directly assist",
    ),
    # a post box after a contact: "PO" is the box's
    (
        "VOTOCAST, Inc. Attn: Steve Raak PO Box 7302 Newport Beach, CA 92658 Phone: 310-259-1248",
        "Attn: [PERSON] PO Box [ADDRESS] Phone: [PHONE]",
    ),
    # a postcode's end after a hyphen, then the next column's town: not a street's number
    (
        "c/o Argo Medical Technologies, Inc Kitakyushu, Fukuoka, 806-0004 Marlborough, MA 01752\n",
        "Kitakyushu, Fukuoka, [PHONE] Marlborough, MA [ZIP]\n",
    ),
]


@pytest.mark.parametrize(("text", "want"), CASES)
def test_contract_rows_and_spans(text: str, want: str) -> None:
    assert want in _redact([text])[0]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # one name after its label stays as before; a company in capitals surname first is none
        ("Attn: Lloyd Fresher\n", "Attn: [PERSON]\n"),
        ("Name: CHEN INDUSTRIES\nTitle: CEO", "Name: CHEN INDUSTRIES\nTitle: CEO"),
        ("Attention: IBM Legal\n", "Attention: IBM Legal\n"),
        # a street's abbreviation with its full stop is still a street
        ("123 Mt. Vernon Rd., Boston, MA 02110", "[ADDRESS]"),
    ],
)
def test_contract_rows_keep(text: str, want: str) -> None:
    assert want in _redact([text])[0]
