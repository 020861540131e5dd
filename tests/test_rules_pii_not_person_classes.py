"""Capitalised words in support chats that are no persons, by class (issue 18, precision; the
classes the session-13 support export showed, in sentences written here): a capitalised
word between an indefinite article and a lowercase word ("a Lotta stuff", "a Johnny cage skin"),
an airline's cabin or fare class ("Main Cabin fares"), and a product's last word alone where
the record names its maker ("single-click in Bridge" to @AdobeCare)."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import engine_for


def _redact(*turns: str) -> list[str]:
    engine = engine_for(load_rule_pack("default").pii)
    scan = engine.scan(pl.Series(turns), np.zeros(len(turns), dtype=np.int64), keep_values=True)
    return [str(t) for t in scan.redacted("placeholder", 0).to_list()]


@pytest.mark.parametrize(
    "text",
    [
        "I have a Lotta photos saved in that account",
        "all I got was a Johnny cage skin, not the bundle",
        "it came with a Walker stroller attachment",
    ],
)
def test_a_capitalised_word_between_an_article_and_a_lowercase_word_is_no_person(
    text: str,
) -> None:
    assert _redact(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "we do offer Main Cabin fares on that route",
        "I paid for Main Cabin and got moved",
        "is Premium Economy worth it?",
        "I booked Main cabin on that route",  # not_person.toml's thing word
    ],
)
def test_a_cabin_class_is_no_person(text: str) -> None:
    assert _redact(text) == [text]


def test_a_products_last_word_alone_in_a_record_to_its_maker() -> None:
    turns = ["@AdobeCare I need a double-click in Bridge to stop opening every file"]
    assert _redact(*turns) == turns


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (
            "I spoke with a nice agent, Sarah Lotta, yesterday",
            "I spoke with a nice agent, [PERSON], yesterday",
        ),
        ("Hi Johnny, thanks for the skin", "Hi [PERSON], thanks for the skin"),
        ("My friend Sarah says hi", "My friend [PERSON] says hi"),
    ],
)
def test_names_in_those_places_stay_names(text: str, want: str) -> None:
    assert _redact(text) == [want]
