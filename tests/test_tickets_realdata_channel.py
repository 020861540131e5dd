"""Support channel text on the real IBM and twcs files (session 14); skips without them.

twcs_random5000.csv is 5,000 tweets drawn at random from the ~2.8M of the Kaggle corpus, not
whole threads: only 4 of its replies have their parent in the file (3 customer -> agent, 1 agent
-> customer). So 3 examples is what it holds, and every other row must still be accounted for:
a lone customer tweet has no answer (filtered, assistant_nonempty), a lone agent tweet has no
question (no_example, no_answer), a reply numbered 2/2 without its 1/2 is rejected.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polars as pl
import pytest

from curate.export import export
from curate.ingest import ingest
from tests.conftest import realdata


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    support = realdata("support")
    files = [
        support / "ibm_twitter_customer_care_dev.json",
        support / "ibm_twitter_customer_care_test.json",
        support / "twcs_random5000.csv",
    ]
    ws = tmp_path_factory.mktemp("chan") / "ws"
    ingest(files, "tickets", ws, rules=None)
    export(ws, out=ws / "export", val_fraction=0.0)
    return ws


def _examples(ws: Path) -> list[dict[str, object]]:
    text = (ws / "export" / "train.jsonl").read_text("utf-8")
    return [json.loads(x) for x in text.splitlines()]


@pytest.mark.slow
def test_ibm_user_turns_lose_the_link_standin(ws: Path) -> None:
    users = [
        m["content"]
        for ex in _examples(ws)
        for m in ex["messages"]  # type: ignore[attr-defined]
        if m["role"] == "user"
    ]
    ending = [u for u in users if re.search(r"\blink\W*$", u)]
    assert len(users) > 900
    # 159 before; the two left are "Fix this link" and "If I do not open link"
    assert len(ending) <= 2, ending


@pytest.mark.slow
def test_ibm_subject_handles_stay_as_the_brand(ws: Path) -> None:
    users = [m["content"] for ex in _examples(ws) for m in ex["messages"]]  # type: ignore[attr-defined]
    assert any(u.startswith("eBay is allowing people to sell toilet paper") for u in users)
    assert not any(u.startswith("is allowing people to sell toilet paper") for u in users)


@pytest.mark.slow
def test_twcs_sample_gives_its_three_pairs_and_accounts_for_every_row(ws: Path) -> None:
    name = "twcs_random5000.csv"
    records = pl.read_parquet(ws / "ingest" / "records.parquet")
    records = records.filter(pl.col("source_file").str.ends_with(name))
    filtered = pl.read_parquet(ws / "ingest" / "filtered.parquet")
    filtered = filtered.filter(pl.col("source_file").str.ends_with(name))
    rejects = pl.read_parquet(ws / "ingest" / "rejects.parquet")
    rejects = rejects.filter(pl.col("source_file").str.ends_with(name))
    assert records["n_rows"].sum() + filtered["n_rows"].sum() + rejects["n_rows"].sum() == 5000
    assert set(filtered["reason"].unique()) <= {
        "assistant_nonempty",
        "max_symbol_ratio",
        "max_url_ratio",
    }
    assert set(rejects["reason"].unique()) <= {"continuation_missing", "empty_text"}
    outcomes = pl.read_parquet(ws / "export" / "outcomes.parquet").join(
        records.select("record_id", "n_rows"), on="record_id"
    )
    exported = outcomes.filter(pl.col("outcome") == "exported")
    assert exported.height == 3 and exported["n_rows"].to_list() == [2, 2, 2]
    rest = outcomes.filter(pl.col("outcome") != "exported")
    assert set(rest["reason"].unique()) <= {"no_answer", "exact", "near"}
