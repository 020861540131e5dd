"""Channel furniture left in a tickets export, measured on the real support files (issue 19).

    .venv/bin/python -m bench.bench_tickets WORKSPACE [--realdata ../shared/realdata]

WORKSPACE is a workspace that ran ingest (and export, for the export figures) on
``realdata/support`` with the tickets schema. Prints, for the exported assistant turns: how
many open with an @handle, end in agent initials, or carry a dangling "1/2"; how many answers
have a help link replaced by [URL]; for the ingested records, turns holding messages of two
authors (checked against the raw files, independently of curate's assembly); and for every
input file, whether it was read by a layout or rejected as one file with a reason.
``figures()`` is what tests/test_tickets_realdata.py asserts on.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import polars as pl

HANDLE_OPEN = re.compile(r"^\s*\.?@\w")
INITIALS_END = re.compile(
    r"(?:^|[\s.!?)])(?:[\^*~]\s?(?:[A-Za-z]{1,15}|\[PERSON\])|[-/]\s?[A-Z]{1,3})\s*$"
)
DANGLING = re.compile(r"(?:^\s*[(\[]?[1-9]/[1-9]\b[)\]]?|\b[1-9]/[1-9][)\]]?\s*$)")
WORD = re.compile(r"[^\W\d_]{2,}")


def _export_turns(export: Path) -> list[dict[str, Any]]:
    out = []
    for name in ("train.jsonl", "val.jsonl", "test.jsonl"):
        path = export / name
        if path.exists():
            for line in path.read_text("utf-8").splitlines():
                out.extend(json.loads(line).get("messages", []))
    return out


def _raw_messages(support: Path) -> list[tuple[str, str]]:
    """(author, text) of every message of the raw IBM and twcs files (IBM's final answer, kept
    apart in agentURL, is the company's)."""
    out: list[tuple[str, str]] = []
    for f in sorted(support.glob("ibm_*.json")):
        for conv in json.loads(f.read_text("utf-8")):
            for item in conv["dialogContent"]:
                who = next((item[k] for k in ("client", "client1", "agent") if k in item), "?")
                out.append((str(who), item["message"]))
            final = (conv.get("agentURL") or {}).get("url_utterance")
            if final:
                out.append((conv["dialogHeader"]["company"], final))
    for f in sorted(support.glob("twcs_*.csv")):
        df = pl.read_csv(f, infer_schema_length=0, columns=["author_id", "text"])
        out.extend(zip(df["author_id"].to_list(), df["text"].to_list(), strict=True))
    return out


def _shingles(text: str, n: int = 3) -> set[str]:
    words = WORD.findall(text.lower())
    return {" ".join(words[i : i + n]) for i in range(max(len(words) - n + 1, 0))}


def multi_author_turns(records: pl.DataFrame, support: Path) -> int:
    """Turns holding two raw messages (most of each one's word 3-grams) of different authors.

    Independent of curate's assembly: it asks the raw files who wrote what."""
    messages = [(a, sh) for a, t in _raw_messages(support) if len(sh := _shingles(t)) >= 6]
    by_shingle: dict[str, list[int]] = defaultdict(list)
    for i, (_a, sh) in enumerate(messages):
        for g in sh:
            by_shingle[g].append(i)
    count = 0
    for turns in records["turns"].to_list():
        for t in turns or []:
            grams = _shingles(t["content"])
            hits: dict[int, int] = defaultdict(int)
            for g in grams:
                for i in by_shingle.get(g, ()):
                    hits[i] += 1
            authors = {messages[i][0] for i, h in hits.items() if h >= 0.8 * len(messages[i][1])}
            count += len(authors) > 1
    return count


def figures(workspace: Path, support: Path) -> dict[str, Any]:
    """The issue's figures for one workspace (see the module docstring)."""
    ingest = workspace / "ingest"
    records = pl.read_parquet(ingest / "records.parquet")
    rejects = pl.read_parquet(ingest / "rejects.parquet")
    stages = [json.loads(x) for x in (workspace / "stages.jsonl").read_text().splitlines()]
    ingest_log = next(s for s in reversed(stages) if s.get("stage") == "ingest")
    files = ingest_log.get("extra", {}).get("files") or {}
    export = workspace / "export"
    answers = [m["content"] for m in _export_turns(export) if m["role"] == "assistant"]
    no_layout = set(rejects.filter(pl.col("reason") == "no_layout")["source_file"].to_list())
    per_file = {}
    for f in sorted(support.glob("*.json")) + sorted(support.glob("*.csv")):
        name = str(f)
        info = next((v for k, v in files.items() if k.endswith(f.name)), None) if files else None
        layout = (info or {}).get("layout", "")
        per_file[f.name] = (
            f"rejected as a file ({layout})"
            if any(n.endswith(f.name) for n in no_layout)
            else f"read by layout {layout}"
            if layout
            else ("read" if records.filter(pl.col("source_file") == name).height else "?")
        )
    return {
        "assistant_turns": len(answers),
        "open_with_handle": sum(bool(HANDLE_OPEN.search(a)) for a in answers),
        "end_in_initials": sum(bool(INITIALS_END.search(a)) for a in answers),
        "dangling_continuation": sum(bool(DANGLING.search(a)) for a in answers),
        "help_link_replaced": sum("[URL]" in a for a in answers),
        "multi_author_turns": multi_author_turns(records, support),
        "files": per_file,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("workspace", type=Path)
    default = Path(__file__).resolve().parents[2] / "shared" / "realdata"
    ap.add_argument("--realdata", type=Path, default=default)
    args = ap.parse_args(argv)
    json.dump(figures(args.workspace, args.realdata / "support"), sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
