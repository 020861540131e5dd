"""Clinical words that are census surnames or look like names, in the clinical pack's
``not_names`` (issue 18 precision: eponymous tests and dressings named alone were [PERSON] in
the clinical run's finds, and "Prev", short for previous, 91 times in GP notes); after a title
they still name a person. Sentences written for this test."""

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


def _persons(text: str) -> list[str]:
    scan = _engine().scan(pl.Series([text]), np.arange(1), keep_values=True)
    return [text[a:b] for a, b, t in scan.spans(0) if t == "person"]


@pytest.mark.parametrize(
    "text",
    [
        "Scrotal Kling was applied and the patient went to recovery.",
        "Fluorescein uptake, Seidel negative.",
        "Jobe mildly painful, power preserved.",
        "Prev smoker, quit 10 years ago.",
        "Prev sertraline 50mg with good effect.",
        "IBD (Crohns documented in the chart).",
    ],
)
def test_clinical_terms_are_no_persons(text: str) -> None:
    assert _persons(text) == []


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Seen by Dr. Kling yesterday.", "Kling"),
        ("Dr Seidel reviewed the patient.", "Seidel"),
    ],
)
def test_after_a_title_they_name_a_person(text: str, name: str) -> None:
    assert name in " ".join(_persons(text))
