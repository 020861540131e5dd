"""Evidence from the whole run (issue 18 item 1): a census surname that recurs alone across
many records is no person there; counted over every record before any is redacted, so a
record's output does not depend on the batch size."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from curate.ingest import ingest
from curate.rules import load_rule_pack
from curate.rules.pii.corpus import CorpusCounts, with_corpus_not_names

# a census surname, no given name, no common word, on no list of things: a stand-in for
# "Apple" (which not_person.toml lists already)
BRAND = "Brehm"


def _pack(tmp_path: Path, min_records: int) -> Path:
    default = load_rule_pack("default")
    path = tmp_path / f"corpus{min_records}.toml"
    types = ", ".join(f'"{t}"' for t in default.pii.types)
    path.write_text(
        f'name = "corpus"\n[pii]\ntypes = [{types}]\n'
        f"corpus_min_records = {min_records}\ncorpus_min_share = 0.0\n"
    )
    return path


def _tickets(tmp_path: Path) -> Path:
    rows = [
        (f"t{i}", f"The {BRAND} Pay wallet crashed again on step {i}.", "Please update it.")
        for i in range(6)
    ]
    rows += [
        ("p1", "Mr. Whitcombe called about his refund.", "Thanks Whitcombe, done."),
        ("p2", f"Dr. {BRAND} signed the form.", "Noted."),
    ]
    path = tmp_path / "tickets.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Ticket ID", "Ticket Description", "Resolution"])
        w.writerows(rows)
    return path


def _records(ws: Path) -> dict[str, str]:
    df = pl.read_parquet(ws / "ingest" / "records.parquet")
    return dict(zip(df["ticket_id"].cast(pl.Utf8), df["text"], strict=True))


def test_counts_records_not_occurrences() -> None:
    counts = CorpusCounts()
    frame = pl.DataFrame({"a": [f"{BRAND} {BRAND} x", f"{BRAND} Pay", "Smith"], "b": ["", "", ""]})
    counts.add(frame, ["a", "b"])
    assert counts.records == 3 and counts.counts[BRAND] == 2
    assert counts.frequent(2, 0.0) == [BRAND] and counts.frequent(3, 0.0) == []
    assert counts.frequent(1, 0.9) == []  # 2 of 3 records is below a 0.9 share
    assert "John" not in counts.candidates  # a given name is a person wherever it recurs


def test_pack_gains_the_frequent_names_as_not_names() -> None:
    pack = load_rule_pack("default")
    pack = pack.model_copy(
        update={"pii": pack.pii.model_copy(update={"corpus_min_records": 2, "corpus_min_share": 0})}
    )
    counts = CorpusCounts()
    counts.add(pl.DataFrame({"a": [f"{BRAND} Pay"] * 3}), ["a"])
    assert with_corpus_not_names(pack, counts).pii.not_names[-1] == BRAND
    assert with_corpus_not_names(pack, CorpusCounts()) is pack


@pytest.mark.parametrize("batch_size", [1, 3, 100])
def test_ingest_keeps_a_recurring_brand_whatever_the_batch_size(
    tmp_path: Path, batch_size: int
) -> None:
    src = _tickets(tmp_path)
    on = _pack(tmp_path, 4)
    ingest([src], "tickets", tmp_path / "on", rules=str(on), batch_size=batch_size)
    ingest([src], "tickets", tmp_path / "off", rules=str(_pack(tmp_path, 0)), batch_size=100)
    got, off = _records(tmp_path / "on"), _records(tmp_path / "off")
    assert f"The {BRAND} Pay wallet" in got["t0"] and f"{BRAND} Pay" not in off["t0"]
    assert "[PERSON]" in got["p2"] and BRAND not in got["p2"]  # after a title: a person
    assert "Whitcombe" not in got["p1"]
    if batch_size != 100:  # the same bytes as with one batch
        ingest([src], "tickets", tmp_path / "one", rules=str(on), batch_size=100)
        assert got == _records(tmp_path / "one")
