"""A census name right after its brand names a product, not a person (issue 18, precision):
curate/rules/pii/products.py. The sentences are written here in the class the support tweets
showed (a device or app named by maker and model), not copied from any labelled sample."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine

DEFAULT = PiiEngine(load_rule_pack("default").pii)


def redact(text: str) -> str:
    return str(DEFAULT.scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize(
    "text",
    [
        "my Panasonic Viera keeps losing the picture",  # a maker no census name, then a model
        "Open Adobe Bridge and drag the files in",  # a brand of not_person.toml
        "the Toshiba Tecra will not boot",
        "the new Huawei Mate is out of stock",
    ],
)
def test_a_census_name_after_a_brand_is_a_product(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Hi Sarah, is your Panasonic working?", "Hi [PERSON], is your Panasonic working?"),
        # a brand that is a given name or surname too opens a person's name
        ("Thanks Wells Smith for the help", "Thanks Wells [PERSON] for the help"),
        ("Samsung support: ask for Sarah Jones", "Samsung support: ask for [PERSON]"),
    ],
)
def test_names_near_a_brand_stay_names(text: str, want: str) -> None:
    assert redact(text) == want


def redact_record(texts: list[str]) -> list[str]:
    """One record's turns scanned together, as ingest does (the record's evidence counts)."""
    scan = DEFAULT.scan(pl.Series(texts), np.zeros(len(texts), dtype=np.int64))
    return [str(t) for t in scan.placeholders().to_list()]


@pytest.mark.parametrize(
    "turns",
    [
        [
            "Editing on a tablet. Where are you, @AdobePremiere Rush?",
            "Hi, give the Rush team a note.",
        ],
        ["I exported it and Rush took it fine", "Which version of Premiere Rush do you run?"],
        ["why is Cloud down again? @creativecloud", "Sorry, Cloud sync is slow today."],
    ],
)
def test_a_products_last_word_alone_where_the_record_names_the_product(turns: list[str]) -> None:
    assert redact_record(turns) == turns


def test_a_products_last_word_stays_a_name_without_its_maker_or_after_a_title() -> None:
    assert redact_record(["My friend Rush says hi"]) == ["My friend [PERSON] says hi"]
    assert redact_record(["Hi Mr. Rush, sure", "About Premiere Rush"])[0] == "Hi Mr. [PERSON], sure"
