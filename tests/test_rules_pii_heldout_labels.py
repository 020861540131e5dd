"""Held-out precision of ``[PERSON]`` (issue 18 item 5): finds nobody tuned the rules on.

``ibm.jsonl`` (test_rules_pii_labels.py) is the sample whose product names went into the rule
packs' data lists, so its figure flatters the engine. Measured here, the same way:
- ``ibm_heldout.jsonl``: every IBM customer-care ``person`` find of the default pack that is not
  in ``ibm.jsonl`` (same source and original), labelled person / not.
- ``twcs.jsonl``: 150 finds in Customer Support on Twitter (``support/twcs_random5000.csv``),
  a corpus the packs were never tuned on. Its licence (CC BY-NC-SA, as described) does not let
  its text into this Apache-2.0 repository, so the file holds only where each find is (source,
  character offsets, a hash of the original) and its label; the contexts are rebuilt from the
  real data, and the test skips where that is absent.
How they were drawn and labelled: tests/data/pii_labels/README.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

import polars as pl
import pytest

from curate.ingest import ingest
from tests.conftest import REALDATA
from tests.test_rules_pii_labels import LABELS, precision, redacted_as

Item = dict[str, object]


def _labels(name: str) -> list[Item]:
    path = LABELS / name
    if not path.exists():
        pytest.skip(f"labelled sample not available: {path}")
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


@pytest.fixture(scope="module")
def twcs_items(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Item]]:
    """twcs.jsonl with each find's original and context cut from the raw records again (the
    file ingested with no rules, as sample.py scanned it)."""
    items = _labels("twcs.jsonl")
    src = REALDATA / "support" / "twcs_random5000.csv"
    if not src.exists():
        pytest.skip(f"real data not available: {src}")
    base = tmp_path_factory.mktemp("twcs")
    with pytest.MonkeyPatch.context() as mp:  # module scope: conftest's env fixture is not yet set
        mp.setenv("CURATE_CACHE", str(base / "cache"))
        mp.setenv("HF_HUB_OFFLINE", "1")
        ingest([src], "tickets", base / "ws", rules=None)
    df = pl.read_parquet(base / "ws" / "ingest" / "records.parquet")
    rows = {s.split("realdata/", 1)[-1]: i for i, s in enumerate(df["source"].to_list())}
    out: list[Item] = []
    for x in items:
        where, field = str(x["source"]).removesuffix(")").split(" (")
        row = rows[where]
        if field.startswith("turn "):
            text = str(df["turns"][row][int(field.removeprefix("turn "))]["content"])
        else:
            text = str(df[field][row])
        start, lo, hi = (int(str(x[k])) for k in ("start", "context_start", "context_end"))
        original = text[start : start + int(str(x["length"]))]
        out.append({**x, "original": original, "context": text[lo:hi], "offset": start - lo})
    yield out


def test_heldout_labels_are_well_formed() -> None:
    """Both files: known labels and fields; the IBM remainder shares no find with ibm.jsonl."""
    for name in ("ibm_heldout.jsonl", "twcs.jsonl"):
        items = _labels(name)
        assert len({x["id"] for x in items}) == len(items) == (137 if "ibm" in name else 150)
        assert {x["label"] for x in items} == {"person", "not_person"}
        assert {x["type"] for x in items} == {"person"}
    tuned = {(x["source"], x["original"]) for x in _labels("ibm.jsonl")}
    for x in _labels("ibm_heldout.jsonl"):
        context, original, offset = str(x["context"]), str(x["original"]), int(str(x["offset"]))
        assert len(context) <= 200 and context[offset : offset + len(original)] == original
        assert (x["source"], x["original"]) not in tuned, x["id"]
    for x in _labels("twcs.jsonl"):
        assert not {"original", "context"} & x.keys(), f"{x['id']}: no text of twcs in the repo"


def test_twcs_finds_are_where_the_labels_say(twcs_items: list[Item]) -> None:
    """The rebuilt originals are the labelled ones (the hash), so the real data and ingest's
    reading of it are what they were when the sample was labelled."""
    for x in twcs_items:
        digest = hashlib.sha256(str(x["original"]).encode()).hexdigest()[:12]
        assert digest == x["sha256"] and len(str(x["context"])) <= 200, x["id"]


def _share(items: list[Item], good: str) -> tuple[float, int]:
    hit = [
        x
        for x, types in zip(items, redacted_as(items, "default"), strict=True)
        if "person" in types
    ]
    assert len(hit) >= len(items) // 3, f"only {len(hit)} of {len(items)} still redacted"
    return sum(x["label"] == good for x in hit) / len(hit), len(hit)


@pytest.mark.xfail(
    strict=True,
    reason="measured 0.89 (120 of 135 still-redacted held-out IBM [PERSON] are persons; 15 "
    "not: apps, OS, titles and a game character such as Rush, Catalina, Orville; capitalised words)",
)
def test_ibm_heldout_person_placeholders_are_persons() -> None:
    _labels("ibm_heldout.jsonl")
    got, n = precision("ibm_heldout.jsonl", "default", "person", "person")
    assert got >= 0.90, f"{got:.2f} of {n} still-redacted held-out IBM [PERSON] are persons"


@pytest.mark.xfail(
    strict=True,
    reason="measured 0.89 (126 of 141 still-redacted twcs [PERSON] are persons; 0.85, 126 of "
    "148, without the town gazetteer of places.py; 0.84 of 150 before this session)",
)
def test_twcs_person_placeholders_are_persons(twcs_items: list[Item]) -> None:
    got, n = _share(twcs_items, "person")
    assert got >= 0.90, f"{got:.2f} of {n} still-redacted twcs [PERSON] are persons"
