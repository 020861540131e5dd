"""Precision of the clinical pack on real clinical text it was not built on (issue 18, session
12): 200 finds (person, date, phone, address) drawn at random (seed 18) from the pack's finds
on MTSamples, the MTS-Dialog validation and test sets, ACI-Bench's validation and test sets and
the SynGP500 Australian GP notes, labelled by one reader (helper CLIN) as PHI / not PHI with
the rules of tests/data/pii_labels/README.md. Before the fixes of session 12, 157 of 200 were
PHI (0.785); the 43 that were not: Australian durations ("pain 5/7", "med cert 2/7": days),
pain and power scores, eponyms ("Barrett", "Sweet", "Arnold-Chiari"), brands and a pathology
company, shorthand ("limited Eng", "Co-signed") and lower-case words after a title.

The file holds no text from SynGP500 (CC BY-NC-SA) or MTSamples (no licence stated): each
line says where its find is (file, row and field, or note; start and length) and the first 12
hex digits of its SHA-256; the test cuts the 200-character context again from
../shared/realdata and skips where that is absent. The finds were the engine's as of commit
442b444; the labels were read before any fix (and so became a dev set: its figure is no held-out
figure).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import json
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import engine_for

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata"
LABELS = Path(__file__).parent / "data" / "pii_labels" / "clinical_fresh.jsonl"
WIDTH = 200
# 0.787 of 197 still redacted at 3114af2 (before session 12); 0.816 of 190 with its fixes
# (eponyms and brands in the pack's not_names, "complete 7/7"); the floor is that less 0.01.
# Left: Australian durations ("pain 5/7", "med cert 2/7", 15 of the 35 not PHI), which a US
# note writes as dates ("admitted 9/7"): telling them apart needs the record's evidence
FLOOR = 0.806


def _items() -> list[dict[str, object]]:
    return [json.loads(line) for line in LABELS.read_text("utf-8").splitlines()]


@functools.cache
def _rows(file: str) -> list[dict[str, str]]:
    csv.field_size_limit(10**9)
    with (REALDATA / file).open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _text(x: dict[str, object]) -> str:
    file = str(x["file"])
    if file.endswith(".csv"):
        return _rows(file)[int(str(x["row"]))][str(x["field"])]
    return (REALDATA / file).read_text("utf-8")


def test_labels_are_well_formed() -> None:
    items = _items()
    assert len(items) == 200 and len({x["id"] for x in items}) == 200
    for x in items:
        assert x["label"] in {"phi", "not_phi"}, x["id"]
        assert x["type"] in {"person", "date", "phone", "address"}, x["id"]
        # text only from the CC BY 4.0 sets (MTS-Dialog, ACI-Bench)
        assert ("original" in x) == (
            "MTS-Dialog" in str(x["file"]) or "aci-bench" in str(x["file"])
        )


@pytest.mark.skipif(not (REALDATA / "clinical").is_dir(), reason="no ../shared/realdata")
def test_clinical_finds_on_real_notes_are_phi() -> None:
    """PHI among the labelled finds the pack still redacts, each in its context alone."""
    items = _items()
    contexts, where = [], []
    for x in items:
        text = _text(x)
        s, n = int(str(x["start"])), int(str(x["length"]))
        original = text[s : s + n]
        assert hashlib.sha256(original.encode()).hexdigest()[:12] == x["sha12"], x["id"]
        assert x.get("original", original) == original, x["id"]
        room = max(0, WIDTH - n)
        lo = max(0, s - room // 2)
        hi = min(len(text), lo + WIDTH)
        lo = max(0, min(lo, hi - WIDTH))
        contexts.append(text[lo:hi])
        where.append((s - lo, s - lo + n))
    engine = engine_for(load_rule_pack("clinical").pii)
    scan = engine.scan(pl.Series(contexts), np.arange(len(items)), keep_values=True)
    hit = [
        x
        for k, (x, (a, b)) in enumerate(zip(items, where, strict=True))
        if any(p0 < b and a < p1 for p0, p1, _t in scan.spans(k))
    ]
    assert len(hit) >= 150, f"only {len(hit)} of 200 still redacted"
    got = sum(x["label"] == "phi" for x in hit) / len(hit)
    assert got >= FLOOR, f"{got:.3f} of {len(hit)} still-redacted finds are PHI"
