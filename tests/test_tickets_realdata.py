"""The tickets domain on the real support exports (issue 19's figures); skips without them.

The figures come from bench/bench_tickets.py, which checks the export against the raw files
(who wrote each message) independently of curate's own assembly.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from bench.bench_tickets import figures
from curate.export import export
from curate.ingest import ingest
from tests.conftest import realdata


@pytest.fixture(scope="module")
def support_ws(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    support = realdata("support")
    ws = tmp_path_factory.mktemp("real") / "ws"
    ingest([support], "tickets", ws)
    export(ws, out=ws / "export", val_fraction=0.1)
    return ws, support


@pytest.mark.slow
def test_no_channel_furniture_in_the_answers(support_ws: tuple[Path, Path]) -> None:
    got = figures(*support_ws)
    assert got["assistant_turns"] > 1000
    assert got["open_with_handle"] == 0
    assert got["end_in_initials"] == 0
    assert got["dangling_continuation"] == 0
    assert got["multi_author_turns"] == 0


@pytest.mark.slow
def test_every_file_read_or_rejected_as_a_file(support_ws: tuple[Path, Path]) -> None:
    files = figures(*support_ws)["files"]
    assert files["abcd_sample.json"] == "read by layout abcd_pairs"  # aborted the run before
    assert all(v.startswith(("read by layout", "rejected as a file")) for v in files.values())


@pytest.mark.slow
def test_real_drops_now_kept(support_ws: tuple[Path, Path]) -> None:
    """All 7 Japanese answers (mean word length) and the IBM help-link answers (URL ratio)."""
    ws, _ = support_ws
    filtered = pl.read_parquet(ws / "ingest" / "filtered.parquet")
    assert filtered.filter(pl.col("reason") == "max_mean_word_length").height == 0
    ibm = filtered.filter(pl.col("source_file").str.contains("ibm_twitter"))
    assert ibm.filter(pl.col("reason") == "max_url_ratio").height == 0
    records = pl.read_parquet(ws / "ingest" / "records.parquet")
    japanese = records.filter(pl.col("text").str.contains(r"\p{Hiragana}"))
    assert japanese.height >= 7


@pytest.mark.slow
def test_twitter_threads_name_their_brand(support_ws: tuple[Path, Path]) -> None:
    ws, _ = support_ws
    rows = [json.loads(x) for x in (ws / "export" / "train.jsonl").read_text().splitlines()]
    systems = [r["messages"][0]["content"] for r in rows if r["messages"][0]["role"] == "system"]
    assert systems and all(s.endswith(" for ") is False for s in systems)
    generic = [s for s in systems if " for " not in s]
    assert len(generic) <= len(systems) // 20  # nearly every thread names its company
    assert any(s.endswith("for Norton.") or s.endswith("for Apple.") for s in systems)


def test_out_of_the_office_in_a_dialogue_is_kept(tmp_path: Path) -> None:
    """ACI-Bench: the doctor's "you should be out of the office within an hour" was filtered
    as an out-of-office auto-reply."""
    src = realdata("clinical", "aci-bench_clinicalnlp_taskB_test1.csv")
    ingest([src], "clinical_notes", tmp_path / "ws", rules="clinical")
    records = pl.read_parquet(tmp_path / "ws" / "ingest" / "records.parquet")
    assert records.filter(pl.col("text").str.contains("out of the office within")).height == 1


@pytest.mark.slow
def test_help_links_survive_redaction(support_ws: tuple[Path, Path]) -> None:
    """Issue 18/19: 1,037 IBM/twcs answers had '[URL]' where their help link was, and kept
    links had 'cards' (web-archive timestamps) and 'phones' (article numbers) inside them."""
    ws, _ = support_ws
    assert figures(*support_ws)["help_link_replaced"] == 0
    text = (ws / "export" / "train.jsonl").read_text()
    assert "https://web.archive.org/web/[CARD]" not in text
    assert "https://support.hp.com" in text
