"""Australian and British notes' x/7 and x/12 durations, by the record's evidence (issue 18;
CLIN13's proposal, session 13: 79 of the syngp500 GP notes' "5/7", "10/7", "6/12" were
[DATE]): a record that writes its dates day-first ("22/11/25") or weeks as x/52 keeps them as
text; one that writes its dates month-first keeps them as dates. The notes here are made up
in the shape of the GP notes."""

from __future__ import annotations

import numpy as np
import polars as pl

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine
from curate.rules.pii.durations import day_first


def _redact(texts: list[str], groups: list[int]) -> list[str]:
    engine = PiiEngine(load_rule_pack("clinical").pii)
    scan = engine.scan(pl.Series(texts), np.asarray(groups, dtype=np.int64))
    return [str(t) for t in scan.placeholders().to_list()]


def test_a_day_first_record_keeps_its_durations() -> None:
    texts = [
        "22/11/25\n\nC/O lower back pain 2/7\nSubacute dry cough 10/7 likely post viral",
        "Did 6/12 rivaroxaban then stopped. Seen 14/03/2024.",
        "Prev amoxil 7/7 ~6/52 ago, no real benefit",
    ]
    got = _redact(texts, [0, 1, 2])
    assert got[0] == "[DATE]\n\nC/O lower back pain 2/7\nSubacute dry cough 10/7 likely post viral"
    assert got[1] == "Did 6/12 rivaroxaban then stopped. Seen [DATE]."
    assert got[2] == texts[2]


def test_the_evidence_is_the_records_own() -> None:
    """A month-first record keeps its dates, and a day-first record beside it in the same
    batch changes nothing there."""
    texts = ["Seen 03/14/2024. Cough since 5/7 worse", "22/11/25 cough 5/7"]
    got = _redact(texts, [0, 1])
    assert got == ["Seen [DATE]. Cough since [DATE] worse", "[DATE] cough 5/7"]


def test_day_first() -> None:
    assert day_first("Review 22/12/25 telehealth")
    assert day_first("sleep diary (2/52)")
    assert not day_first("Seen 12/22/2025, and 3/4/25")
    assert not day_first("BP 130/52 and 1/52nd")
