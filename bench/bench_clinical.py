"""Issue 21's figures on an exported clinical workspace (dialogue->note pairs).

    python -m bench.bench_clinical WORKSPACE EXPORT_DIR

The export must have been written with ``--metadata``. Prints, as JSON:

- ``cut_dialogues``: dialogue_to_note examples whose prompt lacks part of the record's dialogue
  (the dialogue was trimmed to fit a token budget); ``over_length``: records not exported
  because they do not fit (counted, not cut);
- ``published_test_rows`` / ``..._in_test``: records from the sources' published test sets
  (MTS-Dialog TestSet-1/2, ACI-Bench test1-3) and how many of them the export put in test;
  likewise for the validation sets;
- ``contaminated``: records dedupe marked contaminated (when it ran with ``--against``).
"""

from __future__ import annotations

import json
import sys
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import polars as pl

TEST_GLOBS = ("MTS-Dialog-TestSet-*", "aci-bench_*_test[0-9]*")
VAL_GLOBS = ("MTS-Dialog-ValidationSet*", "aci-bench_valid*")


def _matches(path: str | None, globs: tuple[str, ...]) -> bool:
    name = Path(path or "").name
    return any(fnmatchcase(name, g) for g in globs)


def figures(ws: Path, out: Path) -> dict[str, Any]:
    rec = pl.read_parquet(ws / "ingest" / "records.parquet").select(
        "record_id", "source_file", "dialogue"
    )
    dialogue = dict(zip(rec["record_id"], rec["dialogue"], strict=True))
    cut, pairs = 0, 0
    cut_ids = []
    for f in sorted(out.glob("*.jsonl")):
        for line in f.open(encoding="utf-8"):
            ex = json.loads(line)
            meta = ex["metadata"]
            if not meta["id"].endswith(":dialogue_to_note"):
                continue
            pairs += 1
            d = dialogue.get(meta["record_id"]) or ""
            user = next(m["content"] for m in ex["messages"] if m["role"] == "user")
            if d.strip() not in user:
                cut += 1
                cut_ids.append(meta["source"])
    oc = pl.read_parquet(ws / "export" / "outcomes.parquet").join(
        rec.select("record_id", "source_file"), on="record_id", how="left"
    )
    test = oc.filter(
        pl.col("source_file").map_elements(lambda p: _matches(p, TEST_GLOBS), pl.Boolean)
    )
    val = oc.filter(
        pl.col("source_file").map_elements(lambda p: _matches(p, VAL_GLOBS), pl.Boolean)
    )
    result: dict[str, Any] = {
        "dialogue_to_note_examples": pairs,
        "cut_dialogues": cut,
        "cut_examples": cut_ids[:5],
        "over_length": int((oc["outcome"] == "over_length").sum()),
        "exported": int((oc["outcome"] == "exported").sum()),
        "published_test_rows_exported": int((test["outcome"] == "exported").sum()),
        "published_test_rows_in_test": int((test["split"] == "test").sum()),
        "published_val_rows_exported": int((val["outcome"] == "exported").sum()),
        "published_val_rows_in_val": int((val["split"] == "val").sum()),
        "over_length_per_file": dict(
            oc.filter(pl.col("outcome") == "over_length")
            .group_by("source_file")
            .len()
            .with_columns(pl.col("source_file").map_elements(lambda p: Path(p).name, pl.Utf8))
            .iter_rows()
        ),
    }
    ded = ws / "dedupe" / "outcomes.parquet"
    if ded.exists():
        d = pl.read_parquet(ded)
        result["contaminated"] = int((d["outcome"] == "contaminated").sum())
    return result


if __name__ == "__main__":
    print(json.dumps(figures(Path(sys.argv[1]), Path(sys.argv[2])), indent=1))
