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
from pathlib import Path

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


def _rebuild(name: str, base: Path) -> list[Item]:
    """A twcs label file with each find's original and context cut from the raw records
    again (the file ingested with no rules, as sample.py scanned it)."""
    items = _labels(name)
    src = REALDATA / "support" / "twcs_random5000.csv"
    if not src.exists():
        pytest.skip(f"real data not available: {src}")
    ws = base / "ws"
    if not (ws / "ingest" / "records.parquet").exists():
        with pytest.MonkeyPatch.context() as mp:  # module scope: conftest's env fixture unset
            mp.setenv("CURATE_CACHE", str(base / "cache"))
            mp.setenv("HF_HUB_OFFLINE", "1")
            ingest([src], "tickets", ws, rules=None)
    df = pl.read_parquet(ws / "ingest" / "records.parquet")
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
    return out


@pytest.fixture(scope="module")
def twcs_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("twcs")


@pytest.fixture(scope="module")
def twcs_items(twcs_base: Path) -> list[Item]:
    return _rebuild("twcs.jsonl", twcs_base)


@pytest.fixture(scope="module")
def twcs_fresh_items(twcs_base: Path) -> list[Item]:
    return _rebuild("twcs_fresh.jsonl", twcs_base)


@pytest.fixture(scope="module")
def twcs_fresh2_items(twcs_base: Path) -> list[Item]:
    return _rebuild("twcs_fresh2.jsonl", twcs_base)


def test_heldout_labels_are_well_formed() -> None:
    """Both files: known labels and fields; the IBM remainder shares no find with ibm.jsonl."""
    sizes = {
        "ibm_heldout": 137,
        "twcs": 150,
        "twcs_fresh": 149,
        "twcs_fresh2": 111,
    }  # twcsf-007: README
    for stem, size in sizes.items():
        items = _labels(f"{stem}.jsonl")
        assert len({x["id"] for x in items}) == len(items) == size
        assert {x["label"] for x in items} == {"person", "not_person"}
        assert {x["type"] for x in items} == {"person"}
    tuned = {(x["source"], x["original"]) for x in _labels("ibm.jsonl")}
    for x in _labels("ibm_heldout.jsonl"):
        context, original, offset = str(x["context"]), str(x["original"]), int(str(x["offset"]))
        assert len(context) <= 200 and context[offset : offset + len(original)] == original
        assert (x["source"], x["original"]) not in tuned, x["id"]
    for name in ("twcs.jsonl", "twcs_fresh.jsonl", "twcs_fresh2.jsonl"):
        for x in _labels(name):
            assert not {"original", "context"} & x.keys(), f"{x['id']}: no twcs text in the repo"
    # the fresh sample shares no find with twcs.jsonl, and its rows are those nobody tuned on
    # (odd rows; the even rows' finds were read to find classes to fix)
    old = {(x["source"], x["start"]) for x in _labels("twcs.jsonl")}
    for x in _labels("twcs_fresh.jsonl"):
        assert (x["source"], x["start"]) not in old, x["id"]
        assert int(str(x["source"]).split(":")[1].split()[0]) % 2 == 1, x["id"]
    # the second fresh sample: the odd rows' finds in neither earlier sample
    seen = old | {(x["source"], x["start"]) for x in _labels("twcs_fresh.jsonl")}
    for x in _labels("twcs_fresh2.jsonl"):
        assert (x["source"], x["start"]) not in seen, x["id"]
        assert int(str(x["source"]).split(":")[1].split()[0]) % 2 == 1, x["id"]


def test_twcs_finds_are_where_the_labels_say(
    twcs_items: list[Item], twcs_fresh_items: list[Item], twcs_fresh2_items: list[Item]
) -> None:
    """The rebuilt originals are the labelled ones (the hash), so the real data and ingest's
    reading of it are what they were when the sample was labelled."""
    for x in [*twcs_items, *twcs_fresh_items, *twcs_fresh2_items]:
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


def test_ibm_heldout_person_placeholders_are_persons() -> None:
    """0.916 (120 of 131) with session 11's support classes (not_person.py, products.py,
    terms.py: none read in these labels); 0.902 (120 of 133) with not_person.py's OS releases,
    employers, tiers and product nouns
    (0.896, 120 of 134, before; 0.89, 120 of 135, before products.py and places.PREFIXES).
    The classes were named by reading other support text, not these labels' failures."""
    _labels("ibm_heldout.jsonl")
    got, n = precision("ibm_heldout.jsonl", "default", "person", "person")
    assert got >= 0.90, f"{got:.2f} of {n} still-redacted held-out IBM [PERSON] are persons"


def test_twcs_person_placeholders_are_persons(twcs_items: list[Item]) -> None:
    """0.920 (126 of 137) with session 11's support classes; 0.906 (126 of 139) with
    not_person.py's tiers and OS releases; 0.900 (126 of 140) with
    products.py and places.PREFIXES (0.894, 126 of 141, before;
    0.85 without the town gazetteer; 0.84 of 150 before session 10). No longer fully held out:
    the classes fixed since were known from reading other support tweets, but nobody looked at
    which of these labels fail."""
    got, n = _share(twcs_items, "person")
    assert got >= 0.90, f"{got:.2f} of {n} still-redacted twcs [PERSON] are persons"


def test_fresh_twcs_person_placeholders_are_persons(twcs_fresh_items: list[Item]) -> None:
    """twcs_fresh.jsonl: 150 finds (seed 1810) from the twcs rows nobody read (odd rows, none
    in twcs.jsonl), drawn and labelled before session 10's fixes (README.md). A dev set since
    session 11, whose support classes were read in it: 0.906 (125 of 138) with not_person.py's
    voice assistants and TV services, TV series before a season's word, tiers after a verb,
    Santa and Christmas wishes, macOS releases alone, fare types (0.845, 125 of 148, before;
    0.83 of 150 at the draw). twcs_fresh2.jsonl is the held-out one."""
    got, n = _share(twcs_fresh_items, "person")
    assert got >= 0.90, f"{got:.2f} of {n} still-redacted fresh twcs [PERSON] are persons"


def test_fresh2_twcs_person_placeholders_are_persons(twcs_fresh2_items: list[Item]) -> None:
    """twcs_fresh2.jsonl: every default-pack find (111) in the twcs rows nobody read (odd rows)
    that is in neither twcs.jsonl nor twcs_fresh.jsonl, drawn with the engine of commit 6120d84
    and labelled before any rule was changed on session 11 (README.md): 0.90 (100 of 111) at
    the draw; 0.917 (100 of 109) measured once at the end of session 11, no person lost; 0.926
    (100 of 108) measured once at the end of round 2 (the same with and without SUPPORT2's
    round-2 classes: the gain is the other helpers' name rules). The two
    gone were of classes read in the dev data too (Christmas wishes in the Kaggle tickets, a
    macOS release alone in the twcs Kaggle sample), but their reader had labelled these."""
    got, n = _share(twcs_fresh2_items, "person")
    assert got >= 0.90, f"{got:.2f} of {n} still-redacted fresh twcs [PERSON] are persons"
