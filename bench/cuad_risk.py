"""Measure the contracts export of a CUAD run (issue 20): leaks between splits, the risk task's
labels, section headings and the contracts dropped for lack of sections.

    python bench/cuad_risk.py WORKSPACE [EXPORT_DIR]

WORKSPACE has been through ingest, dedupe and export (EXPORT_DIR defaults to WORKSPACE/export,
where ``outcomes.parquet`` maps each record to its split). Prints one JSON object.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import polars as pl

MIN_LEAK_CHARS = 150
# A heading that is only a number part: "12.", "ARTICLE IV", "Section 8116"
BARE = re.compile(r"^(?:(?:ARTICLE|SECTION)\s+)?[\dIVXLC]+(?:\.\d+)*\.?$", re.I)


def _squash(text: str) -> str:
    return " ".join(text.split())


def measure(workspace: Path, export_dir: Path | None = None) -> dict[str, Any]:
    """The figures, from the workspace's tables (no JSONL parsing)."""
    from curate.schema import load_workspace_schema

    schema = load_workspace_schema(workspace)
    export_dir = export_dir or workspace / "export"
    records = pl.read_parquet(workspace / "ingest" / "records.parquet")
    rejects = pl.read_parquet(workspace / "ingest" / "rejects.parquet")
    outcomes = pl.read_parquet(export_dir / "outcomes.parquet")
    exported = records.join(
        outcomes.filter(pl.col("outcome") == "exported").select("record_id", "split"),
        on="record_id",
    )
    return {
        "leak": leak(exported),
        "risk": risk_labels(exported, schema),
        "headings": headings(exported),
        "no_sections": sorted(
            Path(s).name for s in rejects.filter(pl.col("reason") == "no_sections")["source_file"]
        ),
        "rejects": dict(Counter(rejects["reason"].to_list())),
        "groups_per_contract": groups_per_contract(records),
    }


def leak(exported: pl.DataFrame) -> dict[str, int]:
    """Distinct val/test clause texts (>= 150 characters) found verbatim in a train record."""
    train = "\x00".join(
        _squash(t) for t in exported.filter(pl.col("split") == "train")["clause_text"] if t
    )
    held = {
        _squash(t)
        for t in exported.filter(
            pl.col("split").is_in(["val", "test"]) & (pl.col("layout") == "cuad_wide")
        )["clause_text"]
        if t and len(_squash(t)) >= MIN_LEAK_CHARS
    }
    return {"held_out_clauses": len(held), "found_in_train": sum(1 for t in held if t in train)}


def risk_labels(exported: pl.DataFrame, schema: Any) -> dict[str, Any]:
    """Per risk category, per layout: examples naming it (positive) and not (negative)."""
    spec = schema.labels
    if spec is None or spec.field not in exported.columns:
        return {}
    out: dict[str, Any] = {}
    for layout in exported["layout"].unique().sort().to_list():
        answers = exported.filter((pl.col("layout") == layout) & pl.col(spec.field).is_not_null())[
            spec.field
        ].to_list()
        if not answers:
            continue
        named = [
            {n.strip() for line in a.splitlines() for n in line.split(": ")[0].split("; ")}
            for a in answers
        ]
        per = {
            name: {"pos": sum(name in n for n in named), "neg": sum(name not in n for n in named)}
            for name in spec.categories.values()
        }
        out[layout] = {
            "examples": len(answers),
            "none": sum(1 for a in answers if a == spec.none_answer),
            "categories": per,
        }
    return out


def headings(exported: pl.DataFrame) -> dict[str, Any]:
    titles = [t for t in exported["section_title"].to_list() if t]
    bare = [t for t in titles if BARE.match(t.strip())]
    return {"targets": len(titles), "bare_numbers": len(bare), "examples": bare[:10]}


def groups_per_contract(records: pl.DataFrame) -> dict[str, int]:
    """Contracts whose records sit in more than one leak group (should be none)."""
    from curate.ingest.layouts.labels import file_key

    keys = records.select(
        pl.col("contract").map_elements(file_key, return_dtype=pl.String).alias("k"), "group"
    )
    per = keys.group_by("k").agg(pl.col("group").n_unique().alias("n"))
    return {"contracts": per.height, "split_over_groups": per.filter(pl.col("n") > 1).height}


if __name__ == "__main__":
    ws = Path(sys.argv[1])
    exp = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    print(json.dumps(measure(ws, exp), indent=1))
