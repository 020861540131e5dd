"""The redaction audit's fast paths give what its plain path gives (issue 18 speed work).

``audit_batch`` cuts texts with one find in Polars (all types in one frame) when apply_rules
passes the scan's counts, and aligns the others in Python; without counts every text is
aligned in Python. Each batch's documents travel flat (``docs_flat``/``docs_len``), which
``merge_audits`` turns back into lists. These tests pin that each shortcut changes nothing.
"""

from __future__ import annotations

import json

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.rules import load_rule_pack
from curate.rules.audit import align, audit_batch, merge_audits
from curate.rules.pii import engine_for, spans

TEXTS = [
    "Call 555-201-3344 after 5pm.",  # one find
    "Write to ana@example.com today.",  # one find, another type
    "Maria Lopez at maria@example.org, or 555-201-3344.",  # several
    "Paid on March 3, 2021, 555-201-3344.",  # several, one span ambiguous
    "Café Zoë: call 555-201-3344 ☎",  # one find, text beyond ASCII
    "no finds here",
    "ünïcode but no finds",
    None,
    "Dr. Smith saw Mrs. Jones on 2021-03-04; call 555-201-3344 or a@b.org.",
    "Email ana@example.com",  # the find ends the text
    "ana@example.com",  # the find is the text
]


def _scan(texts: pl.Series, keep_values: bool = False):  # type: ignore[no-untyped-def]
    engine = engine_for(load_rule_pack("default").pii)
    return engine.scan(texts, np.arange(len(texts)), keep_values=keep_values)


def _truth(texts: pl.Series) -> dict[tuple[str, str], int]:
    """(type, value) -> finds, from a scan that keeps its values (the reference)."""
    keep = _scan(texts, keep_values=True)
    out: dict[tuple[str, str], int] = {}
    for k, t in enumerate(keep.marked.to_list()):
        for s, e, typ in spans(t or "", keep.engine.types):
            key = (typ, (texts[k] or "")[s:e].strip())
            out[key] = out.get(key, 0) + 1
    return out


def test_single_finds_cut_in_polars_match_the_python_alignment_and_the_values() -> None:
    """With the scan's counts (texts of one find cut in Polars, every type at once) the audit
    is the one without counts (all aligned in Python), and both hold the values a scan
    keeping them reports; the ambiguous find is counted as unaligned in both."""
    texts = pl.Series(TEXTS)
    scan = _scan(texts)
    counts = scan.counts()
    assert sum(int((c == 1).sum()) for c in counts.values()) >= 4  # the Polars path runs
    groups = np.arange(len(texts))
    fast = audit_batch(scan, texts, groups, lambda r: {"record_id": str(r)}, counts)
    slow = audit_batch(scan, texts, groups, lambda r: {"record_id": str(r)})
    assert fast == slow
    found = dict(zip(zip(fast["type"], fast["value"], strict=True), fast["finds"], strict=True))
    truth = _truth(texts)
    ambiguous = sum(fast["unaligned"].values())
    assert ambiguous >= 1 and sum(truth.values()) == sum(found.values()) + ambiguous
    assert all(truth[key] >= n for key, n in found.items())
    assert ("phone", "555-201-3344") in found and ("email", "ana@example.com") in found


def test_a_single_find_whose_text_does_not_fit_is_unaligned_not_guessed() -> None:
    """A text of one find whose original does not start and end as the marked text does
    (the marked text is not of this original) gives no string, only an unaligned count."""
    originals = pl.Series(["Call 555-201-3344 after 5pm.", "Write to ana@example.com today."])
    scan = _scan(originals)
    other = pl.Series(["Ring 555-201-3344 after 5pm.", "Write to ana@example.com now."])
    groups = np.arange(2)
    got = audit_batch(scan, other, groups, lambda r: {}, scan.counts())
    assert got["value"] == [] and got["unaligned"] == {"phone": 1, "email": 1}
    assert got == audit_batch(scan, other, groups, lambda r: {})


def test_flat_documents_merge_as_the_lists_they_stand_for() -> None:
    """Each batch's documents are flat (``docs_flat`` with ``docs_len``) and JSON-able; merged,
    they count as the per-string lists did: shown from MIN_RECORDS distinct documents."""
    texts = pl.Series([f"Call Maria Lopez on 555-201-33{i:02d}." for i in range(6)])
    scan = _scan(texts)
    groups = np.arange(len(texts))
    docs = np.array([11, 11, 12, 13, 14, 15], np.int64)  # five documents, six records
    part = audit_batch(scan, texts, groups, lambda r: {"record_id": str(r)}, scan.counts(), docs)
    json.dumps(part)
    assert sum(part["docs_len"]) == len(part["docs_flat"])
    as_lists = {k: v for k, v in part.items() if k not in ("docs_flat", "docs_len")}
    at, as_lists["docs"] = 0, []
    for n in part["docs_len"]:
        as_lists["docs"].append(part["docs_flat"][at : at + n])
        at += n
    for floor in (5, 6):
        assert merge_audits([part, part], floor) == merge_audits([as_lists, as_lists], floor)
    person = merge_audits([part])["types"]["person"]
    assert [x["value"] for x in person["top"]] == ["Maria Lopez"]  # 5 documents: shown
    assert merge_audits([part], 6)["types"]["person"]["top"] == []  # not 6


def _every_alignment(original: str, pieces: list[str]) -> list[list[tuple[int, int]]]:
    """Every way to read ``original`` as pieces[0] v1 pieces[1] v2 ... pieces[-1], each
    value one character or more: the spans of the values (brute force)."""
    out: list[list[tuple[int, int]]] = []

    def walk(i: int, at: int, spans: list[tuple[int, int]]) -> None:
        if i == len(pieces) - 1:
            end = len(original) - len(pieces[-1])
            if end >= at + 1 and original.endswith(pieces[-1]):
                out.append([*spans, (at, end)])
            return
        p = pieces[i]
        for q in range(at + 1, len(original) - len(p) + 1):
            if original.startswith(p, q):
                walk(i + 1, q + len(p), [*spans, (at, q)])

    if original.startswith(pieces[0]):
        walk(1, len(pieces[0]), [])
    return out


@given(
    st.lists(st.text("ab ", max_size=3), min_size=3, max_size=4),
    st.lists(st.text("ab", min_size=1, max_size=3), min_size=3, max_size=3),
)
@settings(max_examples=400, deadline=None)
def test_align_fixes_a_span_exactly_when_every_alignment_agrees(
    pieces: list[str], values: list[str]
) -> None:
    """``align`` (two finds take a path of their own) against every alignment: None where
    the pieces fit no way; else a find's span where all alignments agree, None where not."""
    original = "".join(p + v for p, v in zip(pieces, values, strict=False)) + pieces[-1]
    every = _every_alignment(original, pieces)
    got = align(original, pieces)
    assert every  # the values put back are one alignment
    want = [spans[0] if len(set(spans)) == 1 else None for spans in zip(*every, strict=True)]
    assert got == want, (original, pieces)
    assert align(original + "x", [*pieces[:-1], pieces[-1] + "y"]) is None  # does not fit
