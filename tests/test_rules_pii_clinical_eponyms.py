"""Eponyms, brands and shorthand the clinical pack took for names in real notes (issue 18,
session 12; read in its finds on MTSamples and the SynGP500 GP notes, and in the labelled sample
tests/data/pii_labels/clinical_fresh.jsonl). The sentences are written for this test. After a
title, or with a given name, the same words still name a person.
"""

from __future__ import annotations

import functools

import numpy as np
import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine, engine_for


@functools.cache
def _engine() -> PiiEngine:
    return engine_for(load_rule_pack("clinical").pii)


def _finds(text: str) -> list[tuple[str, str]]:
    scan = _engine().scan(pl.Series([text]), np.arange(1), keep_values=True)
    return [(text[a:b], t) for a, b, t in scan.spans(0)]


@pytest.mark.parametrize(
    "text",
    [
        "Known sarcoidosis, Graves dz, toxic adenoma post RAI.",
        "Likely toxic adenoma rather than Graves (TSH-R Ab neg).",
        "Known GORD + Barrett + EoE, last scope 2 yrs ago.",
        "Nil features c/w torsion or Fournier abscess.",
        "Epilepsy, ?Lennox-Gastaut spectrum per mum.",
        "A #15 Bard-Parker was then utilized to make the incision.",
        "A Weil-type osteotomy was made at the metatarsal.",
        "Brandt-Daroff exs taught, handout given.",
        "A vasculopathy such as Moya Moya, or fibromuscular dysplasia.",
        "At this point, curved Masterson was used to incorporate the ligament.",
        "Husband assists w meds Webster + calendar.",
        "Continue Augmentin Duo Forte to complete 7/7.",
        "Rx: Ferro-grad C 325 mg daily.",
        "Hx via daughter, pt limited Eng, keeps nodding.",
        "Settles with rest and paracetamol.",
        "Co-signed",
    ],
)
def test_eponyms_brands_and_shorthand_are_no_names(text: str) -> None:
    assert _finds(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Mr. Graves was seen today.", ["Graves"]),
        ("Seen by Dr. Barrett and Dr Webster.", ["Barrett", "Webster"]),
        ("Will see Dr. Masterson next week.", ["Masterson"]),
        ("Patient Tom Barrett was admitted.", ["Tom Barrett"]),
        ("Sarah Graves called her daughter.", ["Sarah Graves"]),
    ],
)
def test_the_same_words_after_a_title_or_given_name_are_names(text: str, names: list[str]) -> None:
    assert [v for v, t in _finds(text) if t == "person"] == names
