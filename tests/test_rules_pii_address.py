"""Postal addresses whole (issue 18 item 2): the street, its unit, city, state and postcode in
one find. Half A of the presidio set showed "[ADDRESS], Springfield, IL [ZIP]" and blocks whose
unit, city and "Country 38524" lines stayed; these are its classes, not its texts."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine

DEFAULT = PiiEngine(load_rule_pack("default").pii)
CLINICAL = PiiEngine(load_rule_pack("clinical").pii)


def redact(engine: PiiEngine, text: str) -> str:
    return str(engine.scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I live at 123 Main St, Springfield, IL 62704 since May.", "I live at [ADDRESS] since May."),
        ("ship to 4 Elm Street Apt 5, Dover, DE today", "ship to [ADDRESS] today"),
        ("Sophie Lang\n3482 Via Franscini 71 Suite 838\n Tujetsch\n Switzerland 15755\nThanks",
         "[PERSON]\n[ADDRESS]\nThanks"),
        ("at 9554 62 Rue Gafsa Apt. 981\nToronto\n, ON\n 82269 ok", "at [ADDRESS] ok"),
        ("to 0375 Gerrit Achterberghove 137\nColorado Springs\n, CO\n 70079, and", "to [ADDRESS], and"),
        ("1737 Cheriton Dr Reuquen Extensions\n Apt. 724\n Hibberdene\n South Africa 68793",
         "[ADDRESS]"),
    ],
)  # fmt: skip
def test_addresses_are_masked_whole(text: str, expected: str) -> None:
    assert redact(DEFAULT, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "It has 3 rooms. The Suite 5 is nice.",
        "We sold 3 Widgets today\nTotal\n 500",
        "45 X 2000 \n \nBS CL SAT 1000",  # a nursing note's lines, a blank line between
    ],
)
def test_numbers_and_lines_that_are_no_address(text: str) -> None:
    assert redact(CLINICAL, text) == text
    assert redact(DEFAULT, text) == text
