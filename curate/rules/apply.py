"""Apply a rule pack to a frame of records: quality filters, language ID, PII redaction.

Every input row ends in exactly one of ``kept`` / ``filtered``; a filtered record carries the
name of the first rule it failed. Text fields and turn contents are redacted in both tables
(filtered records are stored in the workspace too, and must not keep PII there).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from curate.rules.langid import detect_languages
from curate.rules.pack import RulePack, load_rule_pack
from curate.rules.pii import Detector, PiiEngine, Scan, expand, mask
from curate.rules.quality import quality_reasons

PII_DTYPE = pl.List(pl.Struct({"type": pl.Utf8, "count": pl.Int64}))
N_EXAMPLES = 3
SNIPPET = 160
_TMP = "__r_"


@dataclass
class RuleResult:
    """What the rules did: kept and filtered records, and per-rule counts for the report."""

    kept: pl.DataFrame
    filtered: pl.DataFrame
    stats: dict[str, Any] = field(default_factory=dict)


def _segments(df: pl.DataFrame, text_cols: list[str]) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Long frame (row, slot, text) of every text field, and the exploded turns (or None)."""
    parts = [
        df.select(
            pl.col(f"{_TMP}row"),
            pl.lit(i, pl.Int32).alias(f"{_TMP}slot"),
            pl.col(c).cast(pl.Utf8).alias(f"{_TMP}text"),
        )
        for i, c in enumerate(text_cols)
    ]
    turns = None
    if "turns" in df.columns:
        turns = (
            df.select(f"{_TMP}row", "turns")
            .explode("turns")
            .filter(pl.col("turns").is_not_null())
            .with_columns(pl.int_range(pl.len()).over(f"{_TMP}row").alias(f"{_TMP}turn"))
        )
        parts.append(
            turns.select(
                pl.col(f"{_TMP}row"),
                (pl.col(f"{_TMP}turn").cast(pl.Int32) + len(text_cols)).alias(f"{_TMP}slot"),
                pl.col("turns").struct.field("content").cast(pl.Utf8).alias(f"{_TMP}text"),
            )
        )
    long = (
        pl.concat(parts)
        if parts
        else pl.DataFrame(
            schema={f"{_TMP}row": pl.UInt32, f"{_TMP}slot": pl.Int32, f"{_TMP}text": pl.Utf8}
        )
    )
    return long.sort(f"{_TMP}row", f"{_TMP}slot"), turns


class _Numbering:
    """Per-record numbering: the same (type, value) always gets the same number."""

    def __init__(self, detectors: list[Detector]) -> None:
        self.detectors = detectors
        self.numbers: dict[tuple[str, str], int] = {}
        self.per_type: dict[str, int] = {}

    def __call__(self, i: int, value: str) -> str:
        t = self.detectors[i].type
        key = (t, value.strip().lower())
        if key not in self.numbers:
            self.per_type[t] = self.per_type.get(t, 0) + 1
            self.numbers[key] = self.per_type[t]
        return f"[{t.upper()}_{self.numbers[key]}]"


def _pseudonyms(long: pl.DataFrame, scan: Scan) -> list[str | None]:
    """Numbered placeholders, consistent across all text of a record (fields and turns)."""
    marked = scan.marked.to_list()
    out: list[str | None] = list(scan.placeholders().to_list())
    rows = long[f"{_TMP}row"].to_list()
    has = scan.marked.str.contains("[\ue000-\uf8ff]").fill_null(False).to_list()
    vals = [v.to_list() for v in scan.values]
    numbering = _Numbering(scan.detectors)
    current = -1
    for k, flag in enumerate(has):
        if rows[k] != current:
            current, numbering = rows[k], _Numbering(scan.detectors)
        if flag:
            out[k] = expand(marked[k] or "", _queues(vals, k), numbering)
    return out


def _snippet(text: str, at: int) -> str:
    start = max(0, at - SNIPPET // 2)
    s = text[start : start + SNIPPET].replace("\n", " ")
    return ("…" if start else "") + s + ("…" if start + SNIPPET < len(text) else "")


def _queues(vals: list[list[list[str] | None]], k: int) -> dict[int, list[str]]:
    return {i: list(v[k] or []) for i, v in enumerate(vals)}


def _masking(detectors: list[Detector], shown: str | None) -> Callable[[int, str], str]:
    """Render markers as ``[TYPE]``, except values of type ``shown``, which are masked."""

    def render(i: int, value: str) -> str:
        kind = detectors[i].type
        return mask(value) if kind == shown else f"[{kind.upper()}]"

    return render


def _redaction_examples(
    long: pl.DataFrame, engine: PiiEngine, scan: Scan, types: list[str], ids: pl.DataFrame
) -> dict[str, list[dict[str, Any]]]:
    """Up to N before/after snippets per type; "before" shows the found value masked."""
    out: dict[str, list[dict[str, Any]]] = {}
    for t in types:
        cls = scan.markers(t)
        if not cls:
            continue
        hit = scan.marked.str.contains(cls).fill_null(False)
        picked = (
            long.filter(hit)
            .unique(f"{_TMP}row", keep="first", maintain_order=True)
            .head(N_EXAMPLES)
        )
        if picked.is_empty():
            continue
        sub = engine.scan(picked[f"{_TMP}text"], keep_values=True, detectors=scan.detectors)
        vals = [v.to_list() for v in sub.values]
        examples = []
        for k, row in enumerate(picked[f"{_TMP}row"].to_list()):
            marked = sub.marked[k] or ""
            first = re.search(sub.markers(t) or "(?!)", marked)
            if first is None:
                continue
            before = expand(marked, _queues(vals, k), _masking(scan.detectors, t))
            after = expand(marked, _queues(vals, k), _masking(scan.detectors, None))
            pos = first.start()
            examples.append(
                {
                    **ids.row(row, named=True),
                    "before": _snippet(before, pos),
                    "after": _snippet(after, pos),
                }
            )
        out[t] = examples
    return out


def apply_rules(
    records: pl.DataFrame,
    pack: RulePack | str | Path,
    text_fields: dict[str, str],
    *,
    langid_backend: str | None = None,
) -> RuleResult:
    """Filter, language-tag and redact ``records``; see the module docstring."""
    pack = pack if isinstance(pack, RulePack) else load_rule_pack(pack)
    text_cols = [c for c in text_fields if c in records.columns]
    base = records.drop([c for c in ("language", "language_score", "pii") if c in records.columns])
    df = base.with_row_index(f"{_TMP}row")
    n = df.height

    # 1. quality and custom filters, on the raw text
    reasons = quality_reasons(base, pack.quality, pack.filters, text_fields)
    reason = reasons["reason"]
    detail = reasons["detail"]

    # 2. language, on the records still in play
    long, turns = _segments(df, text_cols)
    joined = long.group_by(f"{_TMP}row", maintain_order=True).agg(
        pl.col(f"{_TMP}text").drop_nulls().str.join("\n")
    )
    full = (
        df.select(f"{_TMP}row")
        .join(joined, on=f"{_TMP}row", how="left")[f"{_TMP}text"]
        .fill_null("")
    )
    lang_cfg = pack.language
    live = reason.is_null()
    live_idx = live.arg_true()
    detected = detect_languages(
        full.gather(live_idx),
        langid_backend or lang_cfg.backend,
        min_score=lang_cfg.min_score,
        min_letters=lang_cfg.min_letters,
        max_chars=lang_cfg.max_chars,
    )
    language = pl.Series("language", [None] * n, pl.Utf8).scatter(live_idx, detected["language"])
    score = pl.Series("language_score", [None] * n, pl.Float64).scatter(
        live_idx, detected["language_score"]
    )
    if lang_cfg.allow:
        allowed = language.is_in(lang_cfg.allow) | (
            (language == "unknown") & lang_cfg.allow_unknown
        )
        lang_fail = live & ~allowed.fill_null(True)
        reason = pl.select(
            pl.when(lang_fail).then(pl.lit("language")).otherwise(reason)
        ).to_series()
        msg = pl.format(
            "detected {} ({}); allowed: {}",
            language,
            score.fill_null(0),
            pl.lit(", ".join(lang_cfg.allow)),
        )
        detail = pl.select(pl.when(lang_fail).then(msg).otherwise(detail)).to_series()

    # 3. PII, on every record (filtered ones are stored too)
    engine = PiiEngine(pack.pii)
    pseudo = pack.pii.style == "pseudonym"
    scan = engine.scan(long[f"{_TMP}text"], keep_values=pseudo)
    redacted = pl.Series(_pseudonyms(long, scan), dtype=pl.Utf8) if pseudo else scan.placeholders()
    counts = scan.counts(engine.types)
    per_rec = (
        long.select(f"{_TMP}row")
        .with_columns([c.alias(t) for t, c in counts.items()])
        .group_by(f"{_TMP}row")
        .agg([pl.col(t).sum() for t in engine.types])
    )
    per_rec = df.select(f"{_TMP}row").join(per_rec, on=f"{_TMP}row", how="left").fill_null(0)
    if engine.types:
        pii_col = per_rec.select(
            pl.concat_list(
                [
                    pl.struct(pl.lit(t).alias("type"), pl.col(t).cast(pl.Int64).alias("count"))
                    for t in sorted(engine.types)
                ]
            )
            .list.eval(pl.element().filter(pl.element().struct.field("count") > 0))
            .cast(PII_DTYPE)
            .alias("pii")
        )["pii"]
    else:
        pii_col = pl.Series("pii", [[] for _ in range(n)], PII_DTYPE)
    any_pii = per_rec.select(pl.sum_horizontal(engine.types) > 0 if engine.types else pl.lit(False))
    if pack.pii.style == "drop":
        drop = reason.is_null() & any_pii.to_series().fill_null(False)
        summary = pii_col.list.eval(
            pl.format(
                "{}×{}", pl.element().struct.field("type"), pl.element().struct.field("count")
            )
        ).list.join(", ")
        reason = pl.select(pl.when(drop).then(pl.lit("pii_drop")).otherwise(reason)).to_series()
        detail = pl.select(
            pl.when(drop).then(pl.format("contains PII: {}", summary)).otherwise(detail)
        ).to_series()

    # 4. write redacted text back into the columns and turns
    long = long.with_columns(redacted.alias(f"{_TMP}red"))
    out = df
    for i, c in enumerate(text_cols):
        col = long.filter(pl.col(f"{_TMP}slot") == i)[f"{_TMP}red"]
        out = out.with_columns(
            col.cast(records.schema[c]).alias(c) if records.schema[c] == pl.Utf8 else col.alias(c)
        )
    if turns is not None and turns.height:
        red_turns = long.filter(pl.col(f"{_TMP}slot") >= len(text_cols))[f"{_TMP}red"]
        rebuilt = (
            turns.with_columns(pl.col("turns").struct.with_fields(red_turns.alias("content")))
            .group_by(f"{_TMP}row", maintain_order=True)
            .agg(pl.col("turns"))
        )
        out = (
            out.join(rebuilt.rename({"turns": f"{_TMP}turns"}), on=f"{_TMP}row", how="left")
            .with_columns(
                pl.coalesce(f"{_TMP}turns", "turns").cast(records.schema["turns"]).alias("turns")
            )
            .drop(f"{_TMP}turns")
        )
    out = out.with_columns(language, score, pii_col)
    flagged = out.with_columns(reason.alias("reason"), detail.alias("detail"))
    kept = flagged.filter(pl.col("reason").is_null()).drop("reason", "detail", f"{_TMP}row")
    filtered = flagged.filter(pl.col("reason").is_not_null()).drop(f"{_TMP}row")

    # 5. stats for ingest/rules.json
    id_cols = [c for c in ("record_id", "source") if c in records.columns]
    ids = (
        df.select([pl.col(c).cast(pl.Utf8) for c in id_cols])
        if id_cols
        else df.select(pl.col(f"{_TMP}row").cast(pl.Utf8).alias("record_id"))
    )
    reason_counts = dict(reason.value_counts().drop_nulls().iter_rows())
    red_text = long.group_by(f"{_TMP}row", maintain_order=True).agg(
        pl.col(f"{_TMP}red").drop_nulls().str.join("\n")
    )
    red_full = (
        df.select(f"{_TMP}row")
        .join(red_text, on=f"{_TMP}row", how="left")[f"{_TMP}red"]
        .fill_null("")
    )
    rules: dict[str, Any] = {}
    for name in pack.rule_names():
        entry: dict[str, Any] = {
            "filtered": int(reason_counts.get(name, 0)),
            "changed": 0,
            "examples": [],
        }
        if entry["filtered"]:
            rows = (reason == name).arg_true().head(N_EXAMPLES).to_list()
            entry["examples"] = [
                {
                    **ids.row(r, named=True),
                    "before": _snippet(red_full[r], 0),
                    "after": None,
                    "detail": detail[r],
                }
                for r in rows
            ]
        rules[name] = entry
    examples = _redaction_examples(long, engine, scan, engine.types, ids)
    pii_stats = {}
    for t in engine.types:
        rec_n = int((per_rec[t] > 0).sum())
        pii_stats[t] = {"matches": int(per_rec[t].sum()), "records": rec_n}
        rules[f"redact_{t}"]["changed"] = rec_n
        rules[f"redact_{t}"]["examples"] = examples.get(t, [])
    languages = dict(
        sorted(language.drop_nulls().value_counts().iter_rows(), key=lambda kv: (-kv[1], kv[0]))
    )
    stats = {
        "pack": pack.name,
        "pack_path": pack.source_path,
        "language_backend": langid_backend or lang_cfg.backend,
        "redaction": pack.pii.style,
        "records": n,
        "kept": kept.height,
        "filtered": filtered.height,
        "rules": rules,
        "pii": pii_stats,
        "languages": {k: int(v) for k, v in languages.items()},
    }
    return RuleResult(kept=kept, filtered=filtered, stats=stats)


__all__ = ["RuleResult", "apply_rules"]
