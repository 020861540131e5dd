"""A synthetic workspace that follows docs/workspace.md exactly, for the report's tests and bench.

The report must be testable before (and independently of) the real stages, and the 1,000,000-record
benchmark needs a workspace far larger than any sample data. Everything here is seeded, so two
builds with the same arguments give byte-identical tables; the stage log gets fixed timestamps and
versions so a golden report does not change with the clock or the installed packages.
It lives in tests/, not in the package: it is a fixture, and the wheel has no use for it
(bench/bench_report.py imports it from here too).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from curate.workspace import StageResult, Workspace, write_json

_VOCAB = (
    "order refund account password login invoice charge card delivery package late missing "
    "broken screen battery update app crash error payment subscription cancel upgrade plan "
    "email address shipping tracking number support agent help please thanks issue problem "
    "customer service reply today tomorrow week month store online website checkout cart item "
    "size color return exchange warranty repair replace device phone laptop router network wifi "
    "slow fast price discount coupon code promo billing statement bank transfer receipt"
)
WORDS = tuple(_VOCAB.split(" "))
CATEGORIES = ("billing", "technical", "account", "refund", "shipping", "legal")
CATEGORY_P = (0.3, 0.3, 0.17, 0.12, 0.1, 0.01)
LANGS = ("en", "de", "fr", "es")
LANG_P = (0.85, 0.06, 0.05, 0.04)
PII_TYPES = ("email", "phone", "person", "credit_card")
# the redaction audit of rules.json (curate.rules.audit): a brand and a defined term taken for
# names, listed with counts; the rarer strings only counted
AUDIT: dict[str, Any] = {
    "min_records": 5,
    "top": 20,
    "types": {
        "email": {
            "strings": 41,
            "finds": 44,
            "top": [],
            "more_shown": 0,
            "hidden": {"strings": 41, "finds": 44},
            "contexts": [],
            "unaligned": 0,
        },
        "person": {
            "strings": 40,
            "finds": 90,
            "top": [
                {"value": "Apple", "records": 12, "finds": 14},
                {"value": "Stock", "records": 6, "finds": 9},
            ],
            "more_shown": 0,
            "hidden": {"strings": 38, "finds": 67},
            "contexts": [
                {
                    "value": "Apple",
                    "record_id": "0" * 16,
                    "source": "data/tickets.csv:9",
                    "before": "my Apple watch will not pair, write to [EMAIL]",
                    "after": "my [PERSON] watch will not pair, write to [EMAIL]",
                }
            ],
            "unaligned": 1,
        },
    },
}
FIXED_VERSIONS = {"curate": "0.1.0", "python": "3.11.0", "polars": "1.30.0"}
ALL_STAGES = ("ingest", "dedupe", "export", "train")

RECORD_SCHEMA: dict[str, Any] = {
    "record_id": pl.String,
    "source": pl.String,
    "source_file": pl.String,
    "source_line": pl.Int64,
    "n_rows": pl.Int64,
    "schema": pl.String,
    "layout": pl.String,
    "group": pl.String,
    "ticket_id": pl.String,
    "subject": pl.String,
    "body": pl.String,
    "resolution": pl.String,
    "category": pl.String,
    "priority": pl.String,
    "created_at": pl.Datetime("us", "UTC"),
    "turns": pl.List(pl.Struct({"role": pl.String, "content": pl.String})),
    "text": pl.String,
    "content_hash": pl.String,
    "language": pl.String,
    "language_score": pl.Float64,
    "pii": pl.List(pl.Struct({"type": pl.String, "count": pl.Int64})),
}


def record_id(source_file: str, locator: int | str) -> str:
    return hashlib.sha256(f"{source_file}\x00{locator}".encode()).hexdigest()[:16]


def _words(rng: np.random.Generator, n: int, k_lo: int, k_hi: int) -> list[str]:
    lens = rng.integers(k_lo, k_hi, size=n)
    idx = rng.integers(0, len(WORDS), size=int(lens.sum()))
    out, pos = [], 0
    for k in lens.tolist():
        out.append(" ".join(WORDS[j] for j in idx[pos : pos + k]))
        pos += k
    return out


def _edit(text: str, rng: np.random.Generator) -> str:
    """A near-duplicate: a few words replaced."""
    words = text.split()
    for _ in range(max(1, len(words) // 25)):
        words[int(rng.integers(0, len(words)))] = WORDS[int(rng.integers(0, len(WORDS)))]
    return " ".join(words)


def build(
    path: str | Path,
    n_records: int = 300,
    *,
    seed: int = 7,
    stages: Iterable[str] = ALL_STAGES,
    thread_fraction: float = 0.25,
) -> Workspace:
    """Write a workspace whose later stages are consistent with the earlier ones.

    About 8 % of input rows are rejected and 5 % filtered; of the records, about 6 % are
    duplicates, 1 % contaminated and 1 % over-length; the rest are exported 80/10/10.
    """
    stages = tuple(stages)
    rng = np.random.default_rng(seed)
    ws = Workspace(path).create()
    n_items = int(n_records / 0.87) + 1  # records + rejects + filtered
    is_thread = rng.random(n_items) < thread_fraction
    fate = rng.choice(3, size=n_items, p=(0.87, 0.08, 0.05))  # 0 record, 1 reject, 2 filtered
    bodies = _words(rng, n_items, 8, 60)
    answers = _words(rng, n_items, 6, 40)
    subjects = _words(rng, n_items, 2, 6)
    cats = rng.choice(len(CATEGORIES), size=n_items, p=CATEGORY_P)
    langs = rng.choice(len(LANGS), size=n_items, p=LANG_P)
    n_turns = rng.integers(2, 7, size=n_items)
    pii_pick = rng.random(n_items)
    near = rng.random(n_items)

    line = {"data/tickets.csv": 1, "data/messages.csv": 1}  # line 1 is the header
    rows_read = {"data/tickets.csv": 0, "data/messages.csv": 0}
    recs: dict[str, list[Any]] = {k: [] for k in RECORD_SCHEMA}
    rej: dict[str, list[Any]] = {
        k: []
        for k in (
            "record_id",
            "source",
            "source_file",
            "source_line",
            "n_rows",
            "reason",
            "message",
            "raw",
        )
    }
    filt_idx: list[int] = []
    filt_reason: list[tuple[str, str]] = []
    base_ts = 1_700_000_000_000_000
    for i in range(n_items):
        thread = bool(is_thread[i])
        sf = "data/messages.csv" if thread else "data/tickets.csv"
        n_rows = int(n_turns[i]) if thread else 1
        src_line = line[sf] + 1
        line[sf] += n_rows
        rows_read[sf] += n_rows
        if fate[i] == 1:
            reason = ("missing_required", "bad_type", "bad_csv_row", "empty_text")[i % 4]
            message = {
                "missing_required": "required field 'body' is missing",
                "bad_type": f"field 'created_at': cannot parse 'soon-{i}' as datetime",
                "bad_csv_row": "row has 3 fields, header has 7",
                "empty_text": "text is empty after normalization",
            }[reason]
            rej["record_id"].append(None if reason == "bad_csv_row" else record_id(sf, src_line))
            rej["source"].append(f"{sf}:{src_line}")
            rej["source_file"].append(sf)
            rej["source_line"].append(src_line)
            rej["n_rows"].append(n_rows)
            rej["reason"].append(reason)
            rej["message"].append(message)
            rej["raw"].append(
                f'T{i},"{subjects[i]}","{bodies[i][:80]}",mail me at user{i}@example.com'
            )
            continue
        body, answer, subject = bodies[i], answers[i], subjects[i]
        if near[i] < 0.04 and i > 10:  # near duplicate of an earlier item
            body, answer = _edit(bodies[i - 7], rng), answers[i - 7]
        elif near[i] < 0.06 and i > 10:  # exact duplicate
            body, answer, subject = bodies[i - 3], answers[i - 3], subjects[i - 3]
        turns = []
        if thread:
            for t in range(int(n_turns[i])):
                turns.append(
                    {
                        "role": "user" if t % 2 == 0 else "assistant",
                        "content": (body if t % 2 == 0 else answer),
                    }
                )
        pii: list[dict[str, Any]] = []
        if pii_pick[i] < 0.15:
            pii = [{"type": PII_TYPES[i % len(PII_TYPES)], "count": 1 + i % 2}]
            body = (
                body + " contact [EMAIL]" if pii[0]["type"] == "email" else body + " call [PHONE]"
            )
        rid = record_id(sf, src_line)
        text = f"{subject}\n\n{body}" + (
            "\n\n" + "\n".join(f"{t['role']}: {t['content']}" for t in turns)
            if thread
            else f"\n\n{answer}"
        )
        values = {
            "record_id": rid,
            "source": f"{sf}:{src_line}",
            "source_file": sf,
            "source_line": src_line,
            "n_rows": n_rows,
            "schema": "tickets",
            "layout": "message_rows" if thread else "ticket_rows",
            "group": f"T{i}",
            "ticket_id": f"T{i}",
            "subject": subject if i % 11 else None,
            "body": None if thread else body,
            "resolution": None if thread else (answer if i % 13 else None),
            "category": CATEGORIES[int(cats[i])] if i % 17 else None,
            "priority": ("low", "medium", "high")[i % 3],
            "created_at": base_ts + i * 60_000_000,
            "turns": turns,
            "text": text,
            "content_hash": hashlib.sha256(text.encode()).hexdigest(),
            "language": LANGS[int(langs[i])],
            "language_score": round(0.8 + (i % 20) / 100, 2),
            "pii": pii,
        }
        if fate[i] == 2:
            filt_idx.append(len(recs["record_id"]))
            filt_reason.append(
                [
                    ("min_words", "3 words < 5"),
                    ("language", "zh not in [en, de, fr, es]"),
                    ("pii_drop", "credit_card found"),
                ][i % 3]
            )
            if i % 3 == 1:
                values["language"] = "zh"
        for k, v in values.items():
            recs[k].append(v)

    all_recs = pl.DataFrame(recs, schema=RECORD_SCHEMA)
    is_filt = pl.Series("f", [False] * all_recs.height)
    if filt_idx:
        is_filt = is_filt.scatter(filt_idx, True)
    records = all_recs.filter(~is_filt)
    filtered = all_recs.filter(is_filt).with_columns(
        reason=pl.Series([r for r, _ in filt_reason], dtype=pl.String),
        detail=pl.Series([d for _, d in filt_reason], dtype=pl.String),
    )
    rejects = pl.DataFrame(
        rej, schema={k: (pl.Int64 if k in ("source_line", "n_rows") else pl.String) for k in rej}
    )

    def log(
        stage: str,
        counts: dict[str, int],
        reasons: dict[str, dict[str, int]],
        outputs: dict[str, Path],
        **kw: Any,
    ) -> None:
        ws.log_stage(
            StageResult(
                stage=stage,
                workspace=str(ws.path),
                counts=counts,
                reasons=reasons,
                outputs={k: str(v) for k, v in outputs.items()},
                **kw,
            )
        )

    def reason_counts(df: pl.DataFrame, col: str = "reason") -> dict[str, int]:
        return {str(r): int(n) for r, n in df.group_by(col).len().sort(col).iter_rows()}

    if "ingest" in stages:
        schema_src = Path(str(resources.files("curate") / "builtin" / "schemas" / "tickets.toml"))
        ws.stage_dir("ingest").mkdir(parents=True, exist_ok=True)
        (ws.stage_dir("ingest") / "schema.toml").write_text(schema_src.read_text("utf-8"), "utf-8")
        paths = {
            "records": ws.write_table("ingest", "records", records),
            "rejects": ws.write_table("ingest", "rejects", rejects),
            "filtered": ws.write_table("ingest", "filtered", filtered),
        }
        pii_rows = records.select("record_id", "pii").explode("pii").drop_nulls("pii").unnest("pii")
        pii_stats = {
            t: {"matches": int(g["count"].sum()), "records": int(g["record_id"].n_unique())}
            for (t,), g in sorted(pii_rows.group_by("type"), key=lambda kv: str(kv[0][0]))
        }
        rules: dict[str, Any] = {
            "pack": "default",
            "rules": {
                name: {
                    "filtered": int((filtered["reason"] == name).sum()),
                    "changed": 0,
                    "examples": [],
                }
                for name in ("min_words", "language", "pii_drop")
            },
            "pii": pii_stats,
            "languages": {
                str(k): int(v)
                for k, v in all_recs.group_by("language").len().sort("language").iter_rows()
            },
        }
        rules["rules"]["pii_email"] = {
            "filtered": 0,
            "changed": pii_stats.get("email", {}).get("records", 0),
            "examples": [
                {
                    "record_id": "0" * 16,
                    "source": "data/tickets.csv:5",
                    "before": "please write to jane.doe@example.com or call 555-123-4567",
                    "after": "please write to [EMAIL] or call [PHONE]",
                }
            ],
        }
        rules["audit"] = AUDIT  # what curate.rules.audit writes; strings that recur by design
        paths["rules"] = write_json(rules, ws.stage_dir("ingest") / "rules.json")
        log(
            "ingest",
            {"ingested": records.height, "rejected": rejects.height, "filtered": filtered.height},
            {"rejected": reason_counts(rejects), "filtered": reason_counts(filtered)},
            paths,
            config={"schema": "tickets", "rules": "default", "paths": sorted(rows_read)},
            inputs={f: "0" * 64 for f in sorted(rows_read)},
            timings={"read": 1.25, "validate": 0.5, "rules": 0.75},
            extra={"files": {f: {"rows_read": n} for f, n in sorted(rows_read.items())}},
        )

    kept_ids = records["record_id"]
    if "dedupe" in stages:
        first_by_hash: dict[str, str] = {}
        first_by_body: dict[str, str] = {}
        out_rows: list[dict[str, Any]] = []
        for r in records.select("record_id", "content_hash", "text", "source_line").iter_rows(
            named=True
        ):
            rid, h = r["record_id"], r["content_hash"]
            key = r["text"].split("\n\n")[-1][
                :40
            ]  # answer prefix: near-duplicates share the answer
            row: dict[str, Any] = {
                "record_id": rid,
                "outcome": "kept",
                "reason": None,
                "cluster_id": None,
                "kept_record_id": None,
                "similarity": None,
                "match": None,
            }
            if r["source_line"] % 97 == 0:
                row.update(
                    outcome="contaminated",
                    reason="ngram",
                    similarity=1.0,
                    match=f"eval/heldout.jsonl:{r['source_line'] % 50 + 1}",
                )
            elif h in first_by_hash:
                row.update(
                    outcome="duplicate",
                    reason="exact",
                    kept_record_id=first_by_hash[h],
                    similarity=1.0,
                )
            elif key in first_by_body:
                row.update(
                    outcome="duplicate",
                    reason="near",
                    kept_record_id=first_by_body[key],
                    similarity=0.9,
                )
            else:
                first_by_hash[h] = rid
                first_by_body[key] = rid
            out_rows.append(row)
        outcomes = pl.DataFrame(
            out_rows,
            schema={
                "record_id": pl.String,
                "outcome": pl.String,
                "reason": pl.String,
                "cluster_id": pl.String,
                "kept_record_id": pl.String,
                "similarity": pl.Float64,
                "match": pl.String,
            },
        )
        dup = outcomes.filter(pl.col("outcome") == "duplicate")
        cid = pl.concat_str(pl.lit("c"), pl.col("kept_record_id").str.slice(0, 8))
        members = pl.concat(
            [
                dup.select(
                    "record_id",
                    cid.alias("cluster_id"),
                    pl.lit(False).alias("is_kept"),
                    "similarity",
                ),
                dup.select(
                    pl.col("kept_record_id").alias("record_id"),
                    cid.alias("cluster_id"),
                    pl.lit(True).alias("is_kept"),
                    pl.lit(1.0).alias("similarity"),
                ).unique(),
            ]
        ).sort("cluster_id", "record_id")
        clusters = members.with_columns(size=pl.len().over("cluster_id").cast(pl.Int64))
        in_cluster = clusters.select("record_id", pl.col("cluster_id").alias("cid"))
        outcomes = (
            outcomes.join(in_cluster, on="record_id", how="left", maintain_order="left")
            .with_columns(cluster_id=pl.coalesce("cluster_id", "cid"))
            .drop("cid")
        )
        paths = {
            "outcomes": ws.write_table("dedupe", "outcomes", outcomes),
            "clusters": ws.write_table("dedupe", "clusters", clusters),
        }
        vc = reason_counts(outcomes, "outcome")
        log(
            "dedupe",
            vc,
            {
                o: reason_counts(outcomes.filter(pl.col("outcome") == o))
                for o in ("duplicate", "contaminated")
                if o in vc
            },
            paths,
            config={"threshold": 0.8, "num_perm": 128, "ngram": 5, "keep": "most-complete"},
            timings={"fingerprint": 0.5, "cluster": 0.25},
        )
        kept_ids = outcomes.filter(pl.col("outcome") == "kept")["record_id"]

    if "export" in stages:
        ex = records.filter(pl.col("record_id").is_in(kept_ids.implode())).select(
            "record_id", "text", "source_line", "turns"
        )
        chars = ex["text"].str.len_chars().cast(pl.Int64)
        tokens = (chars / 4).round().cast(pl.Int64) + 12
        bucket = ex["record_id"].str.slice(0, 2).str.to_integer(base=16) % 10
        split = pl.Series(
            np.where(bucket.to_numpy() < 8, "train", np.where(bucket.to_numpy() < 9, "val", "test"))
        )
        over = (ex["source_line"] % 89 == 0).to_numpy()
        export = pl.DataFrame(
            {
                "record_id": ex["record_id"],
                "outcome": np.where(over, "over_length", "exported"),
                "split": split,
                "n_examples": pl.Series(np.where(over, 0, 1), dtype=pl.Int64),
                "tokens": tokens,
                "user_tokens": (tokens * 0.55).round().cast(pl.Int64),
                "assistant_tokens": tokens - (tokens * 0.55).round().cast(pl.Int64) - 12,
                "chars": chars,
            }
        ).with_columns(split=pl.when(pl.col("outcome") == "exported").then("split"))
        exported = export.filter(pl.col("outcome") == "exported")
        stats = {
            s: {"examples": int(g.height), "tokens": int(g["tokens"].sum())}
            for (s,), g in sorted(exported.group_by("split"), key=lambda kv: str(kv[0][0]))
        }
        paths = {
            "outcomes": ws.write_table("export", "outcomes", export),
            "token_stats": write_json(
                {"tokenizer": "synthetic-bpe", "max_tokens": 2048, "splits": stats},
                ws.stage_dir("export") / "token_stats.json",
            ),
        }
        log(
            "export",
            reason_counts(export, "outcome"),
            {"over_length": {"max_tokens": int((export["outcome"] == "over_length").sum())}},
            paths,
            config={
                "format": "chat",
                "val_fraction": 0.1,
                "test_fraction": 0.1,
                "seed": 0,
                "max_tokens": 2048,
            },
            timings={"render": 0.5, "tokenize": 1.5},
        )

    if "train" in stages:
        out_dir = ws.stage_dir("train") / "adapter"
        out_dir.mkdir(parents=True, exist_ok=True)
        lines = []
        for step in range(1, 61):
            m: dict[str, Any] = {
                "step": step,
                "loss": round(2.6 * 0.985**step + 0.05 * ((step * 7) % 5) / 5, 4),
                "lr": round(2e-4 * (1 - step / 61), 8),
                "tokens_per_s": 117.0 + step % 3,
                "padding_fraction": 0.06,
            }
            if step % 10 == 0 or step == 1:
                m["eval_loss"] = round(2.7 * 0.99**step, 4)
            lines.append(json.dumps(m, sort_keys=True))
        (out_dir / "metrics.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
        log(
            "train",
            {"steps": 60},
            {},
            {"metrics": out_dir / "metrics.jsonl"},
            config={"model": "tiny-llama", "lr": 2e-4, "lora_r": 16, "epochs": 1},
            timings={"train": 512.0},
            extra={"out_dir": str(out_dir)},
        )

    _freeze_log(ws)
    return ws


def _freeze_log(ws: Workspace) -> None:
    """Fixed times and versions, so a golden report does not depend on the clock or the venv."""
    if not ws.log_path.exists():
        return
    out = []
    for n, line in enumerate(ws.log_path.read_text("utf-8").splitlines()):
        e = json.loads(line)
        e["finished_at"] = f"2025-01-01T00:0{n}:00+00:00"
        e["versions"] = dict(FIXED_VERSIONS)
        if e["stage"] == "train":
            e["extra"]["out_dir"] = "train/adapter"
        e["workspace"] = "synthetic"
        out.append(json.dumps(e, sort_keys=True) + "\n")
    ws.log_path.write_text("".join(out), "utf-8")
