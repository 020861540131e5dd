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
