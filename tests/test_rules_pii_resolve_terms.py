"""The record terms that the PII scan's resolve step computes for many records at once
(``_ScanState._prepare_terms``: the rows of each record found by index arithmetic, the role
gate searched once, Python only for the records whose texts hold evidence) must be each
record's own ``record_terms``, whatever the records' order, sizes and evidence."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine
from curate.rules.pii.resolve import _ScanState
from curate.rules.pii.terms import NO_TERMS, record_terms

_TEXTS = [
    "Hi Anna, your order shipped.",
    'This Agreement is made by KENNETH TURPIN ("Turpin") and Acme Corp.',
    None,
    "Binding upon Turpin and the Company.",
    "",
    "The Contractor shall deliver.",
    "Thanks, Bob",
    "Apple Inc. will ship it",
]


@pytest.mark.parametrize("run_terms", [(), ("Contractor",)])
@pytest.mark.parametrize("pack", ["default", "contracts"])
def test_terms_prepared_at_once_are_each_records_own(pack: str, run_terms: tuple[str, ...]) -> None:
    rules = load_rule_pack(pack).pii.model_copy(update={"terms": list(run_terms)})
    engine = PiiEngine(rules)
    texts = pl.Series(_TEXTS, dtype=pl.Utf8)
    groups = np.array([3, 1, 3, 1, 0, 2, 0, 4])  # a record's texts apart, out of order
    state = _ScanState(engine, groups, False, texts)
    state._prepare_terms([4, 1])  # some first, then the rest with one already known
    state._prepare_terms([0, 1, 2, 3, 4])
    for g in range(5):
        text = "\n".join(t for t, k in zip(_TEXTS, groups.tolist(), strict=True) if k == g and t)
        want = record_terms(text, engine.words, engine.role_kinds)
        got = state.terms[g]
        if not run_terms and got is NO_TERMS:  # no evidence: no terms, as record_terms says
            assert want == NO_TERMS or not (want.roles or want.spread), (g, want)
        else:
            assert got == want, g
    if not run_terms:  # both kinds of record were there: with evidence and without
        assert {state.terms[g] is NO_TERMS for g in range(5)} == {True, False}


def test_names_of_records_without_terms_are_checked_once_per_engine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Before a record's context names spread, those its record uses as roles are dropped
    (``is_term``). In a record without role evidence (most) the answer depends on the name
    alone: kept per engine, it is not worked out again for every record and batch (on bench
    tickets the names' spread cost 2.7 us per ticket, 1.4 with it kept)."""
    from curate.rules.pii import resolve

    engine = PiiEngine(load_rule_pack("default").pii)
    texts = pl.Series(["Hi Laura Rossi,", "Laura will call.", "Hi Laura Rossi,", "Laura is back."])
    groups = np.array([0, 0, 1, 1])
    first = engine.scan(texts, groups, keep_values=False).placeholders().to_list()
    assert first == ["Hi [PERSON],", "[PERSON] will call."] * 1 + [
        "Hi [PERSON],",
        "[PERSON] is back.",
    ]
    calls: list[str] = []
    real = resolve.is_term

    def spy(value: str, *args: object) -> bool:
        calls.append(value)
        return real(value, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(resolve, "is_term", spy)
    again = engine.scan(texts, groups, keep_values=False).placeholders().to_list()
    assert again == first
    assert calls == []
