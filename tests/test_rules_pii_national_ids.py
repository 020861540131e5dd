"""Other countries' identity numbers and passports (national_ids.py): a signature block of a
CUAD contract left "Pasaporte No. BA386341" and "C.C. No. 79.432.773" in clear (read in
session 13's legal export); look-alikes of the short words stay text."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine


def _redact(pack: str, texts: list[str]) -> list[str]:
    engine = PiiEngine(load_rule_pack(pack).pii)
    return [str(t) for t in engine.scan(pl.Series(texts)).placeholders().to_list()]


FOUND = [
    (
        "Title: Legal Representative  Pasaporte No. BA386341  Title: Pipelines Manager",
        "Title: Legal Representative  Pasaporte No. [SSN]  Title: Pipelines Manager",
    ),
    ("C.C. No. 79.432.773 de Bogotá D.C.", "C.C. No. [SSN] de Bogotá D.C."),
    ("Legal Representative  C.C. No. 3.093.980", "Legal Representative  C.C. No. [SSN]"),
    ("Passport No: X1234567 has expired", "Passport No: [SSN] has expired"),
    ("my DNI 12345678Z", "my DNI [SSN]"),
    ("Aadhaar: 1234 5678 9012", "Aadhaar: [SSN]"),
    ("RUT: 12.345.678-9", "RUT: [SSN]"),
    ("Cédula de ciudadanía 1.020.345.678", "Cédula de ciudadanía [SSN]"),
    ("NIE: X-1234567-L", "NIE: [SSN]"),
]
KEPT = [
    "cc 12345678",  # a copy line's "cc" without a number sign
    "contrary to Section 9-08-06, N.D.C.C., without",  # a state code's abbreviation
    "AARP passport, www.travelocity.com",
    "Passport 2019 edition",  # a year after the word
    "the pan 123456 degrees",
]


@pytest.mark.parametrize("pack", ["default", "contracts", "clinical", "strict"])
def test_identity_numbers_by_the_word_before_them(pack: str) -> None:
    texts = [t for t, _ in FOUND]
    assert _redact(pack, texts) == [want for _, want in FOUND]


def test_look_alikes_stay_text() -> None:
    assert _redact("contracts", KEPT) == KEPT
