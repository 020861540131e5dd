"""Precision of redaction on placeholders traced back to their originals in the real exports
(issue 18 item 5): 150 CUAD and 150 IBM customer-care ``[PERSON]`` finds labelled person / not,
and 200 clinical finds (MTS-Dialog, ACI-Bench) labelled true PHI / not (measurements, eponyms,
drugs, brands). How they were drawn and labelled: tests/data/pii_labels/README.md.

The current engine runs on each labelled context alone (at most 200 characters, so names found
elsewhere in the record are not spread into it); a labelled string counts as redacted when a
find overlaps it. Precision is over the labelled strings the engine still redacts.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.audit import _MARK_RE, align
from curate.rules.pii import engine_for

LABELS = Path(__file__).parent / "data" / "pii_labels"


def _load(name: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in (LABELS / name).read_text("utf-8").splitlines()]


def redacted_as(items: list[dict[str, object]], pack: str) -> list[set[str]]:
    """Per item, the types of the finds that overlap its labelled string."""
    engine = engine_for(load_rule_pack(pack).pii)
    texts = pl.Series([str(x["context"]) for x in items])
    scan = engine.scan(texts, np.arange(len(items)), keep_values=False)
    out: list[set[str]] = []
    for x, text, marked in zip(items, texts.to_list(), scan.marked.to_list(), strict=True):
        start = int(str(x["offset"]))
        end = start + len(str(x["original"]))
        marks = _MARK_RE.findall(marked)
        spans = align(text, _MARK_RE.split(marked)) if marks else []
        out.append(
            {
                engine.types[ord(c) - 0xF0400]
                for c, span in zip(marks, spans or [None] * len(marks), strict=True)
                if span is None or (span[0] < end and start < span[1])
            }
        )
    return out


def precision(
    name: str, pack: str, wanted: str | None, good: str, min_hits: int | None = None
) -> tuple[float, int]:
    """Share of the still-redacted labelled strings whose label is ``good``; ``wanted``: the
    type that counts as redacted (None: any type). At least ``min_hits`` (default a third of
    the sample) must still be redacted, so a precision is never measured on next to nothing."""
    items = _load(name)
    hit = [
        x
        for x, types in zip(items, redacted_as(items, pack), strict=True)
        if (wanted in types if wanted else types)
    ]
    need = len(items) // 3 if min_hits is None else min_hits
    assert len(hit) >= need, f"only {len(hit)} of {len(items)} still redacted"
    return sum(x["label"] == good for x in hit) / len(hit), len(hit)


def test_labels_are_well_formed() -> None:
    for name, labels in (
        ("cuad.jsonl", {"person", "not_person"}),
        ("ibm.jsonl", {"person", "not_person"}),
        ("clinical.jsonl", {"phi", "not_phi"}),
    ):
        items = _load(name)
        assert len(items) == (200 if name == "clinical.jsonl" else 150)
        for x in items:
            context, original, offset = str(x["context"]), str(x["original"]), int(str(x["offset"]))
            assert len(context) <= 200 and x["label"] in labels, x["id"]
            assert context[offset : offset + len(original)] == original, x["id"]


@pytest.mark.parametrize(
    ("name", "pack"),
    [
        pytest.param(
            "cuad.jsonl",
            "default",
            marks=pytest.mark.xfail(
                strict=True,
                reason="measured 0.41 of 69 still-redacted CUAD [PERSON] are persons (0.41 of 70 "
                "before session 12; 0.38 of 76 "
                "before session 10's keep-as-text phrases, 0.30 of 96 before "
                "the record's role evidence, curate.rules.pii.terms; 0.27 of 106 at first): most are "
                "parties named alone ('Fox shall pay'), which a 200-character context cannot tell; "
                "see test_rules_pii_cuad_records.py for whole records",
            ),
        ),
        # 0.94 of 134 (0.86 of 146 before brand and product names, brands' account names,
        # CamelCase brands, towns with their state and places' last words left the names)
        ("ibm.jsonl", "default"),
    ],
)
def test_person_placeholders_are_persons(name: str, pack: str) -> None:
    got, n = precision(name, pack, "person", "person")
    assert got >= 0.90, f"{got:.2f} of {n} still-redacted [PERSON] are persons"


def test_clinical_redactions_are_phi() -> None:
    """Issue 21's target: at most 5% of the clinical placeholders are not PHI (3.95% of 177:
    'Mister', two drugs, a cigarette brand, two employers, an eponym; 6.1% before)."""
    got, n = precision("clinical.jsonl", "clinical", None, "phi")
    assert 1 - got <= 0.05, f"{1 - got:.3f} of {n} still-redacted finds are not PHI"


def test_contracts_pack_on_cuad_redacts_persons_only() -> None:
    """The pack sample_data/contracts.toml uses on CUAD: every [PERSON] it leaves is a person
    (signatories, notice contacts). It finds them only in signature and notice blocks and after a
    title, so it redacts about half of the sample's 30 persons: 15 of 15 (8 of 8 before
    signatures anywhere, "/s/ Michael Gladstone", and initials first, "Name: F. Joseph
    Backer")."""
    got, n = precision("cuad.jsonl", "contracts", "person", "person", min_hits=14)
    assert got >= 0.90, f"{got:.2f} of {n} still-redacted [PERSON] are persons"


def test_ibm_user_sample_is_well_formed() -> None:
    items = _load("ibm_user.jsonl")
    assert len(items) == 45 and len({x["id"] for x in items}) == 45
    for x in items:
        context, original, offset = str(x["context"]), str(x["original"]), int(str(x["offset"]))
        assert x["label"] in ("user", "not_user") and x["type"] == "user", x["id"]
        assert context[offset : offset + len(original)] == original, x["id"]


def test_user_placeholders_in_ibm() -> None:
    """Every [USER] of the default pack in the IBM customer-care files (45, drawn in session 12
    before its rules; a dev set: read while fixing, README.md): 13 are persons' accounts or
    game ids, 32 brands', products', shows' and offices' accounts. 13 of 38 still redacted are
    users (13 of 45 at the draw: a brand's account for one product or market, '@DropboxBusiness',
    '@googlechrome', and a listed product, '@PrimeVideo', are no users since); no user lost.
    Most brand accounts left ('@InDesign', '@Zelle', '@WWE') are on no list: only the run
    could tell (corpus.py, see README)."""
    items = _load("ibm_user.jsonl")
    got = redacted_as(items, "default")
    hit = [x for x, types in zip(items, got, strict=True) if "user" in types]
    users = sum(x["label"] == "user" for x in hit)
    assert users == sum(x["label"] == "user" for x in items), "a user's handle was kept"
    assert users / len(hit) >= 0.34, f"{users} of {len(hit)} still-redacted [USER] are users"
