"""The codebase domain measured on real repositories and on the fixture with planted secrets.

    python -m bench.bench_codebase REPO [REPO ...] [--work DIR] [--fixture sample_data/codebase]

For each repository folder (e.g. the unpacked sdists of click and httpx: ``pip download
--no-binary :all: --no-deps click httpx``), ingest with the ``codebase`` schema and ``code``
rules, dedupe and export, then print: files and their outcomes, records per kind, examples per
task, the share of documented functions and methods that became at least one example, the
secrets found per type (on code nobody planted anything in, every one is a false positive) and
the time per stage, and the same per source language (``per_language``: Python and the
tree-sitter languages, whose exported examples go to ``WORK/REPO/tree_sitter_examples.jsonl``
for reading). Real JS/TS/Go/Rust/Java nobody here wrote: ``npm pack lodash rxjs
cordova-android`` (unpacked ``package/``), Debian's ``golang-github-spf13-cobra-dev`` (Go under
/usr/share/gocode) and ``librust-anyhow-dev`` (Rust crates under /usr/share/cargo/registry).
With ``--fixture``, the fixture's planted secrets (``PLANTED`` below) are
checked one by one: found means its value is in no record and no exported example.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

# Every fake credential planted in sample_data/codebase (file, value). Found = gone everywhere.
PLANTED = [
    ("config/settings.toml", "Tr0ub4dorPass77"),
    ("config/settings.toml", "Vq7-mZ2x-Lp9w-Ke4r"),
    ("config/settings.toml", "AKIAZ3F7QWERTY5EXAMP"),
    ("config/settings.toml", "q8Fz1LmN3pQr5StUvWx7Yz9AbCdEfGhIjK2LmN4o"),
    ("config/settings.toml", "xoxb-2048-4096-Zx9Yw8Vu7Ts6Rq5Po4Nm"),
    ("config/production.env", "tk9f8e7d6c5b4a3e2d1"),
    ("config/production.env", "Mx82kLq0Rz"),
    ("config/production.env", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0aW55a3YifQ.c2lnbmF0dXJlLWZha2U"),
    (
        "deploy/deploy_key.pem",
        "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW",
    ),
    ("src/tinykv/store.py", "sk-proj-Qm7vT2xR9kL4pW8nZ3cY6bH1jF5dS0aEuGiO"),
    ("tests/test_store.py", "ghp_R4nd0mT0k3nV4lu3F0rT3st1ngAbCdEf1234"),
]
# Look-alikes the fixture holds on purpose: none may be redacted.
NOT_SECRETS = ["tinykv://user:pass@localhost:7070", "MAX_TOKENS=4096"]
SECRET_TYPES = {
    "private_key",
    "aws_access_key",
    "aws_secret_key",
    "github_token",
    "slack_token",
    "api_key",
    "jwt",
    "url_password",
    "password",
    "env_secret",
}


def run_repo(repo: Path, work: Path) -> dict[str, Any]:
    """Ingest, dedupe and export one repository; the measured figures."""
    import polars as pl

    from curate import dedupe, export, ingest

    ws = work / repo.name
    shutil.rmtree(ws, ignore_errors=True)
    times = {}
    t = time.perf_counter()
    ingest([str(repo)], schema="codebase", workspace=ws, rules="code")
    times["ingest"] = time.perf_counter() - t
    t = time.perf_counter()
    dedupe(ws, threshold=0.7)
    times["dedupe"] = time.perf_counter() - t
    t = time.perf_counter()
    export(ws, out=str(ws / "export"), metadata=True)
    times["export"] = time.perf_counter() - t

    records = pl.read_parquet(ws / "ingest" / "records.parquet")
    rejects = pl.read_parquet(ws / "ingest" / "rejects.parquet")
    filtered = pl.read_parquet(ws / "ingest" / "filtered.parquet")
    outcomes = pl.read_parquet(ws / "export" / "outcomes.parquet")
    examples_by_task: Counter[str] = Counter()
    exported_ids: set[str] = set()
    for split in ("train", "val", "test"):
        path = ws / "export" / f"{split}.jsonl"
        if path.exists():
            for line in path.open(encoding="utf-8"):
                row = json.loads(line)
                meta = row.get("metadata") or {}
                examples_by_task[str(meta.get("id", "?")).rsplit(":", 1)[-1]] += 1
                exported_ids.add(meta.get("record_id", ""))
    docs = records.filter(
        pl.col("kind").is_in(["function", "method"]) & pl.col("docstring").is_not_null()
    )
    got = outcomes.filter(pl.col("outcome") == "exported")["record_id"]
    documented_exported = docs.filter(pl.col("record_id").is_in(got.implode())).height
    per_language = _per_language(records, outcomes, ws)
    pii: Counter[str] = Counter()
    for cell in records["pii"].to_list() + filtered["pii"].to_list():
        for hit in cell or []:
            pii[hit["type"]] += hit["count"]
    return {
        "repo": repo.name,
        "files": int(records["source_file"].n_unique() + rejects["source_file"].n_unique()),
        "rejects": dict(Counter(rejects["reason"].to_list())),
        "filtered": dict(Counter(filtered["reason"].to_list())),
        "records_by_kind": dict(Counter(records["kind"].to_list())),
        "outcomes": dict(Counter(outcomes["outcome"].to_list())),
        "examples_by_task": dict(examples_by_task),
        "documented_defs": docs.height,
        "documented_defs_exported": documented_exported,
        "share_documented_exported": round(documented_exported / max(docs.height, 1), 3),
        "defs": records.filter(pl.col("kind").is_in(["function", "method"])).height,
        "pii_by_type": dict(pii),
        "secret_hits": {t: n for t, n in pii.items() if t in SECRET_TYPES},
        "per_language": per_language,
        "seconds": {k: round(v, 2) for k, v in times.items()},
        "workspace": str(ws),
    }


TREE_SITTER = ("javascript", "typescript", "go", "rust", "java")


def _per_language(records: Any, outcomes: Any, ws: Path) -> dict[str, Any]:
    """Per source language (tree-sitter ones and python): records per kind, functions and
    methods with a doc comment, and the share of those that became at least one example.
    Writes the exported examples of tree-sitter records to ``ws/tree_sitter_examples.jsonl``
    (one per line, with the record's language and qualname) for reading them."""
    import polars as pl

    exported = outcomes.filter(pl.col("outcome") == "exported")["record_id"].implode()
    out: dict[str, Any] = {}
    for lang in ("python", *TREE_SITTER):
        mine = records.filter(pl.col("code_language") == lang)
        if mine.height == 0:
            continue
        defs = mine.filter(pl.col("kind").is_in(["function", "method"]))
        documented = defs.filter(pl.col("docstring").is_not_null())
        got = documented.filter(pl.col("record_id").is_in(exported)).height
        out[lang] = {
            "files": mine["path"].n_unique(),
            "records_by_kind": dict(Counter(mine["kind"].to_list())),
            "defs": defs.height,
            "documented_defs": documented.height,
            "documented_defs_exported": got,
            "share_documented_exported": round(got / max(documented.height, 1), 3),
        }
    langs = dict(
        zip(records["record_id"].to_list(), records["code_language"].to_list(), strict=True)
    )
    quals = dict(zip(records["record_id"].to_list(), records["qualname"].to_list(), strict=True))
    with (ws / "tree_sitter_examples.jsonl").open("w", encoding="utf-8") as sink:
        for split in ("train", "val", "test"):
            path = ws / "export" / f"{split}.jsonl"
            for line in path.open(encoding="utf-8") if path.exists() else []:
                row = json.loads(line)
                rid = (row.get("metadata") or {}).get("record_id", "")
                if langs.get(rid) in TREE_SITTER:
                    row["language"], row["qualname"] = langs[rid], quals[rid]
                    sink.write(json.dumps(row, ensure_ascii=False) + "\n")
    return out


def check_planted(fixture: Path, work: Path) -> dict[str, Any]:
    """Each planted secret: found when its value is in no record and no exported example."""
    stats = run_repo(fixture, work)
    ws = Path(stats["workspace"])
    blob = (ws / "ingest" / "records.parquet").read_bytes()
    import polars as pl

    records = pl.read_parquet(ws / "ingest" / "records.parquet")
    text = "\n".join(
        str(v) for row in records.drop("pii").iter_rows() for v in row if isinstance(v, str)
    )
    exported = "".join(p.read_text("utf-8") for p in (ws / "export").glob("*.jsonl") if p.is_file())
    found = [v for _, v in PLANTED if v not in text and v not in exported]
    missed = [f"{f}: {v}" for f, v in PLANTED if v in text or v in exported]
    kept = [v for v in NOT_SECRETS if v in text]
    del blob
    return {
        **stats,
        "planted": len(PLANTED),
        "planted_found": len(found),
        "missed": missed,
        "look_alikes_kept": f"{len(kept)} of {len(NOT_SECRETS)}",
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("repos", nargs="*", type=Path)
    ap.add_argument("--work", type=Path, default=Path("/tmp/curate-bench-codebase"))
    ap.add_argument("--fixture", type=Path, default=None)
    args = ap.parse_args()
    out = [run_repo(r, args.work) for r in args.repos]
    if args.fixture is not None:
        out.append(check_planted(args.fixture, args.work))
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
