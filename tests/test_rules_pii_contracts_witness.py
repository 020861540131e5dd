"""Signatures the legal export of session 13 left in clear (read by its fresh-eyes reader):
a witness named after "Witness Name" without a colon, and "/s/" written with backslashes."""

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
        ("Witness Name Mercy Saula\n", "Witness Name [PERSON]\n"),
        ("WITNESS NAME Jane Roe, Port Vila", "WITNESS NAME [PERSON], Port Vila"),
        ("\\s\\ John Dick\n", "\\s\\ [PERSON]\n"),
        ("By: \\S\\ Janet M. Baker Title: Secretary", "By: \\S\\ [PERSON] Title: Secretary"),
    ],
)
def test_witnesses_and_backslashed_signatures(text: str, want: str) -> None:
    assert _redact([text]) == [want]


def test_a_witness_name_field_without_a_name_stays() -> None:
    texts = ["the Witness Name field is left blank", "Witness Names are listed in Exhibit A"]
    assert _redact(texts) == texts
