"""Apply a rule pack to a frame of records: quality filters, language ID, PII redaction.

Every input row ends in exactly one of ``kept`` / ``filtered``; a filtered record carries the
name of the first rule it failed. Text fields and turn contents are redacted in both tables
(filtered records are stored in the workspace too, and must not keep PII there).

Cost shape (ingest calls this once per batch of up to 10,000 records): the quality metrics are
one Polars select; every text field and every turn is scanned for PII as ONE flat column (turns
are flattened and rebuilt through Arrow offsets, no explode/group_by round trip); fastText
(numpy, see ``curate.rules.fasttext_lid``) runs on a bounded prefix of each live record, on a
thread of its own, while Polars scans for PII. Every output of a record depends on that record
alone, so a batch of 2,000+ records is split into one part per core for the quality metrics
and the PII scan, each part on a long-lived thread (Polars runs one column's string functions
on one thread, and caches compiled regexes per thread); ``CURATE_RULES_THREADS`` sets the
number of parts. The quality rules, the PII passes, language ID and the examples' rescan each
have threads of their own, so that no thread needs more than the 32 regexes Polars keeps
compiled for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from curate.rules import _pool
from curate.rules.audit import _BASE, _MARK_SPLIT, align, audit_batch
from curate.rules.langid import detect_languages
from curate.rules.pack import RulePack, load_rule_pack
from curate.rules.pii import PiiEngine, Scan
from curate.rules.pii.scan import mask
from curate.rules.quality import arrow_ints, numpy_ints, quality_reasons

PII_DTYPE = pl.List(pl.Struct({"type": pl.Utf8, "count": pl.Int64}))
# Examples per rule and batch: as many as ingest's merge keeps in all (merge_stats), each the
# first records in input order, so rules.json is the same whatever the batch size.
N_EXAMPLES = 5
SNIPPET = 160


@dataclass
class RuleResult:
    """What the rules did: kept and filtered records, and per-rule counts for the report."""

    kept: pl.DataFrame
    filtered: pl.DataFrame
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Turns:
    """The turns column flattened: one row per turn, and how to put it back."""

    array: pa.LargeListArray
    values: pa.StructArray
    offsets: np.ndarray
    rows: np.ndarray
    content: pl.Series

    @classmethod
    def of(cls, col: pl.Series) -> _Turns:
        arr = col.to_arrow()
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if not isinstance(arr, pa.LargeListArray):
            arr = arr.cast(pa.large_list(arr.type.value_type))
        offsets = arrow_ints(arr.offsets, np.int64)
        values = arr.values.slice(offsets[0], offsets[-1] - offsets[0])
        offsets = offsets - offsets[0]
        fields = dict(zip([f.name for f in values.type], values.flatten(), strict=True))
        content = pl.Series("content", fields["content"]).cast(pl.Utf8)
        rows = np.repeat(np.arange(len(arr)), np.diff(offsets))
        return cls(arr, values, offsets, rows, content)

    def rebuild(self, content: pl.Series, dtype: pl.DataType) -> pl.Series:
        names = [f.name for f in self.values.type]
        children = [
            content.to_arrow() if name == "content" else child
            for name, child in zip(names, self.values.flatten(), strict=True)
        ]
        mask = self.values.is_null() if self.values.null_count else None
        struct = pa.StructArray.from_arrays(children, names=names, mask=mask)
        lists = pa.LargeListArray.from_arrays(
            numpy_ints(self.offsets, pa.int64()),
            struct,
            mask=self.array.is_null() if self.array.null_count else None,
        )
        return pl.Series("turns", lists).cast(dtype)


def _snippet(text: str, at: int) -> str:
    start = max(0, at - SNIPPET // 2)
    s = text[start : start + SNIPPET].replace("\n", " ")
    return ("…" if start else "") + s + ("…" if start + SNIPPET < len(text) else "")


def _language_text(df: pl.DataFrame, text_cols: list[str], limit: int) -> pl.Series:
    """Per record, the first ``limit`` characters of its fields and turns (one text)."""
    parts = [pl.col(c).cast(pl.Utf8).str.slice(0, limit) for c in text_cols]
    if "turns" in df.columns:
        el = pl.element().struct.field("content").str.slice(0, limit)
        parts.append(pl.col("turns").list.eval(el).list.join("\n"))
    if not parts:
        return pl.Series("text", [""] * df.height, pl.Utf8)
    joined = pl.concat_str(parts, separator="\n", ignore_nulls=True).str.slice(0, limit)
    return df.select(joined.fill_null("").alias("text"))["text"]


def _pii_column(per_rec: dict[str, np.ndarray], n: int) -> pl.Series:
    """List of (type, count) per record, types sorted, zero counts left out (built in Arrow)."""
    types = sorted(per_rec)
    counts = np.stack([per_rec[t] for t in types], axis=1) if types else np.zeros((n, 0), np.int64)
    rows, cols = np.nonzero(counts)
    offsets = np.concatenate([[0], np.cumsum(np.bincount(rows, minlength=n))]).astype(np.int64)
    struct = pa.StructArray.from_arrays(
        [
            pl.Series(types, dtype=pl.Utf8).to_arrow().take(numpy_ints(cols, pa.int64())),
            numpy_ints(counts[rows, cols], pa.int64()),
        ],
        names=["type", "count"],
    )
    return pl.Series(
        "pii", pa.LargeListArray.from_arrays(numpy_ints(offsets, pa.int64()), struct)
    ).cast(PII_DTYPE)


def _render(
    original: str, marked: str, types: list[str], type_: str, shown: str | None
) -> tuple[str, int] | None:
    """``Scan.render_at`` from a scan that kept no values: the values from aligning the marked
    text with the original (``audit.align``); None where the alignment does not fix every
    find's span (then the text is scanned again, keeping its values)."""
    parts = _MARK_SPLIT.split(marked)
    marks = parts[1::2]
    spans = align(original, parts[::2]) if shown is not None else [(0, 0)] * len(marks)
    if spans is None or None in spans:
        return None
    out, size, at = [parts[0]], len(parts[0]), None
    for i, (c, span) in enumerate(zip(marks, spans, strict=True)):
        t = types[ord(c) - _BASE]
        if at is None and t == type_:
            at = size
        s, e = span or (0, 0)
        piece = mask(original[s:e]) if t == shown else f"[{t.upper()}]"
        out += (piece, parts[2 * i + 2])
        size += len(piece) + len(parts[2 * i + 2])
    return "".join(out), at or 0


def _redaction_examples(
    engine: PiiEngine,
    flat: pl.Series,
    seg_counts: dict[str, np.ndarray],
    groups: np.ndarray,
    ids: pl.DataFrame,
    scan: Scan,
) -> dict[str, list[dict[str, Any]]]:
    """Up to N before/after snippets per type; "before" shows the found value masked.

    The examples are the first records (in batch order) with a find of the type, each shown
    at its first text with one: the batch's first N, so merged batches give the input's first
    N. A batch scanned without keeping values gives each example's values by alignment with
    the original text (``_render``); the few whose alignment is ambiguous are scanned again,
    keeping values (all texts of their records, so names found by context elsewhere in the
    record count the same). A rescan cost ~2.5 us per record of the batch: each pass's fixed
    cost, on ~50 records."""
    picks: dict[str, list[int]] = {}
    for t, c in seg_counts.items():
        segs = np.flatnonzero(c)
        # segments are field by field, then turns: np.unique orders by record and gives each
        # record's first segment in that order
        _, first = np.unique(groups[segs], return_index=True)
        picks[t] = segs[first[:N_EXAMPLES]].tolist()
    wanted = sorted({k for ks in picks.values() for k in ks})
    if not wanted:
        return {t: [] for t in seg_counts}
    rendered: dict[tuple[int, str, str | None], tuple[str, int]] = {}
    if scan.keep_values:
        for t, ks in picks.items():
            for k in ks:
                rendered[k, t, t] = scan.render_at(k, t, shown=t)
                rendered[k, t, None] = scan.render_at(k, t)
    else:
        types = list(engine.types)
        marked = scan.marked.gather(wanted).to_list()
        originals = flat.gather(wanted).to_list()
        text = {k: (o, m) for k, o, m in zip(wanted, originals, marked, strict=True)}
        for t, ks in picks.items():
            for k in ks:
                o, m = text[k]
                for shown in (t, None):
                    got = _render(o or "", m or "", types, t, shown)
                    if got is not None:
                        rendered[k, t, shown] = got
    again = sorted({k for t, ks in picks.items() for k in ks if (k, t, t) not in rendered})
    if again:
        docs = scan.groups  # (the texts the batch's scan took as one document's)
        sub = np.flatnonzero(np.isin(docs, np.unique(docs[again])))
        rescan = engine.scan(flat.gather(sub), docs[sub], keep_values=True)
        where = {int(k): i for i, k in enumerate(sub.tolist())}
        for t, ks in picks.items():
            for k in ks:
                if (k, t, t) not in rendered:
                    rendered[k, t, t] = rescan.render_at(where[k], t, shown=t)
                    rendered[k, t, None] = rescan.render_at(where[k], t)
    out: dict[str, list[dict[str, Any]]] = {}
    for t, ks in picks.items():
        out[t] = []
        for k in ks:
            before, at_b = rendered[k, t, t]
            after, at_a = rendered[k, t, None]
            row = int(groups[k])
            out[t].append(
                {
                    **ids.row(row, named=True),
                    "before": _snippet(before, at_b),
                    "after": _snippet(after, at_a),
                }
            )
    return out


def _document_rows(base: pl.DataFrame) -> np.ndarray:
    """Each record's document in this batch, 0.. (records of one ``group`` share one; without
    groups each record is its own)."""
    if "group" not in base.columns or base["group"].null_count():
        return np.arange(base.height)
    _, codes = np.unique(base["group"].cast(pl.Utf8).to_numpy().astype(str), return_inverse=True)
    return codes.astype(np.int64)


def _documents(base: pl.DataFrame) -> np.ndarray | None:
    """One key per record for the audit's privacy floor, the same in every batch: its
    ``group`` (a contract's sections are one document), where ingest gave it one."""
    cols = [c for c in ("group", "record_id") if c in base.columns]
    if not cols:
        return None
    keys = base.select(pl.coalesce([pl.col(c).cast(pl.Utf8) for c in cols])).to_series()
    if keys.null_count():  # a record of no document: each its own, as without documents
        return None
    return keys.hash(seed=0).to_numpy().view(np.int64)


def apply_rules(
    records: pl.DataFrame,
    pack: RulePack | str | Path,
    text_fields: dict[str, str],
    *,
    langid_backend: str | None = None,
) -> RuleResult:
    """Filter, language-tag and redact ``records``; see the module docstring."""
    pack = pack if isinstance(pack, RulePack) else load_rule_pack(pack)
    with _pool.batch():  # batches at work at once share the cores (``_pool.threads``)
        return _apply_rules(records, pack, text_fields, langid_backend)


def _apply_rules(
    records: pl.DataFrame,
    pack: RulePack,
    text_fields: dict[str, str],
    langid_backend: str | None,
) -> RuleResult:
    text_cols = [c for c in text_fields if c in records.columns]
    base = records.drop([c for c in ("language", "language_score", "pii") if c in records.columns])
    n = base.height
    lang_cfg = pack.language
    backend = langid_backend or lang_cfg.backend

    # 1. quality and custom filters, on the raw text (records split over the cores), on
    # threads of their own: Polars keeps 32 compiled regexes per thread, and the PII passes'
    # and the quality rules' together are more (each batch would compile them all again)
    parts = _pool.split_rows(np.arange(n), _pool.threads())
    quality_pool = _pool.pool("quality", _pool.cores())
    jobs = [
        quality_pool.submit(
            quality_reasons,
            base.slice(int(rows[0]), len(rows)) if len(parts) > 1 else base,
            pack.quality,
            pack.filters,
            text_fields,
        )
        for rows in parts
    ]
    done = [job.result() for job in jobs]
    reasons = done[0] if len(done) == 1 else pl.concat(done)
    reason, detail = reasons["reason"], reasons["detail"]
    live = reason.is_null()
    live_idx = live.arg_true()

    # 2. language of the records still in play, on a thread of its own while Polars scans for
    # PII (numpy and Polars let go of the GIL); a long-lived one, so its regexes stay compiled
    lang_text = _language_text(base, text_cols, lang_cfg.max_chars).gather(live_idx)
    lang_job = _pool.pool("langid", 1).submit(
        detect_languages,
        lang_text,
        backend,
        min_score=lang_cfg.min_score,
        min_letters=lang_cfg.min_letters,
        max_chars=lang_cfg.max_chars,
    )

    # 3. PII on every record (filtered ones are stored too): all texts as one column
    turns = _Turns.of(base["turns"]) if "turns" in base.columns else None
    segs = [base[c].cast(pl.Utf8) for c in text_cols]
    groups_l = [np.arange(n)] * len(text_cols)
    if turns is not None:
        segs.append(turns.content)
        groups_l.append(turns.rows)
    flat = pl.concat(segs) if segs else pl.Series([], dtype=pl.Utf8)
    groups = np.concatenate(groups_l) if groups_l else np.zeros(0, np.int64)
    from curate.rules.pii.run_accounts import engine_for_run  # who answers, run-wide

    engine = engine_for_run(pack.pii)
    # pseudonym and surrogate replace each value by one that stands for it: they need them
    keep_values = pack.pii.style in ("pseudonym", "surrogate")
    # the scan's unit is the document (a record's group: one contract's sections): a name
    # found by context in one section is redacted where the others name it alone, and one
    # person keeps one pseudonym or stand-in across them ('KENNETH TURPIN ("Turpin")' in the
    # preamble, "binding upon Turpin" in section 10: CUAD, session 12)
    doc_groups = _document_rows(base)[groups]
    if _pool.threads() > 1 and len(flat) >= _pool.MIN_PARALLEL_ROWS:
        scan = engine.scan(flat, doc_groups, keep_values=keep_values)  # parts on the rules pool
    else:  # one part, on the rules pool all the same: there its passes' regexes stay compiled
        rules_pool = _pool.pool("rules", _pool.cores())
        job = rules_pool.submit(
            engine.scan, flat, doc_groups, keep_values=keep_values, parallel=False
        )
        scan = job.result()
    redacted = scan.redacted(pack.pii.style, pack.pii.seed)
    seg_counts = scan.counts()
    per_rec = {
        t: np.bincount(groups, weights=c, minlength=n).astype(np.int64)
        for t, c in seg_counts.items()
    }
    detected = lang_job.result()

    language = pl.Series("language", [None] * n, pl.Utf8).scatter(live_idx, detected["language"])
    score = pl.Series("language_score", [None] * n, pl.Float64).scatter(
        live_idx, detected["language_score"]
    )
    if lang_cfg.allow:
        allowed = language.is_in(lang_cfg.allow) | (
            (language == "unknown") & lang_cfg.allow_unknown
        )
        lang_fail = live & ~allowed.fill_null(True)
        msg = pl.format(
            "detected {} ({}); allowed: {}",
            language,
            score.fill_null(0),
            pl.lit(", ".join(lang_cfg.allow)),
        )
        reason, detail = pl.select(
            pl.when(lang_fail).then(pl.lit("language")).otherwise(reason).alias("r"),
            pl.when(lang_fail).then(msg).otherwise(detail).alias("d"),
        ).get_columns()

    pii_col = _pii_column(per_rec, n)
    if pack.pii.style == "drop" and per_rec:
        any_pii = pl.Series(np.sum(list(per_rec.values()), axis=0) > 0)
        drop = reason.is_null() & any_pii
        summary = pii_col.list.eval(
            pl.format(
                "{}×{}", pl.element().struct.field("type"), pl.element().struct.field("count")
            )
        ).list.join(", ")
        reason, detail = pl.select(
            pl.when(drop).then(pl.lit("pii_drop")).otherwise(reason).alias("r"),
            pl.when(drop).then(pl.format("contains PII: {}", summary)).otherwise(detail).alias("d"),
        ).get_columns()

    # 4. write redacted text back into the columns and turns
    cols = []
    for i, c in enumerate(text_cols):
        col = redacted.slice(i * n, n).alias(c)
        cols.append(col if base.schema[c] == pl.Utf8 else col.cast(base.schema[c]))
    if turns is not None:
        content = redacted.slice(len(text_cols) * n, len(turns.content))
        cols.append(turns.rebuild(content, base.schema["turns"]))
    out = base.with_columns(cols).with_columns(language, score, pii_col)
    flagged = out.with_columns(reason.alias("reason"), detail.alias("detail"))
    keep = reason.is_null()
    kept = flagged.filter(keep).drop("reason", "detail")
    filtered = flagged.filter(~keep)

    # 5. stats for ingest/rules.json
    id_cols = [c for c in ("record_id", "source") if c in records.columns]
    ids = (
        base.select([pl.col(c).cast(pl.Utf8) for c in id_cols])
        if id_cols
        else pl.DataFrame({"record_id": [str(i) for i in range(n)]})
    )
    seg_rows: dict[int, list[int]] = {}
    reason_counts = dict(reason.value_counts().drop_nulls().iter_rows())
    rules: dict[str, Any] = {}
    for name in pack.rule_names():
        entry: dict[str, Any] = {
            "filtered": int(reason_counts.get(name, 0)),
            "changed": 0,
            "examples": [],
        }
        if entry["filtered"]:
            rows = (reason == name).arg_true().head(N_EXAMPLES).to_list()
            if not seg_rows:
                for k, g in enumerate(groups.tolist()):
                    seg_rows.setdefault(g, []).append(k)
            entry["examples"] = [
                {
                    **ids.row(r, named=True),
                    "before": _snippet(
                        "\n".join(x for k in seg_rows.get(r, []) if (x := redacted[k])), 0
                    ),
                    "after": None,
                    "detail": detail[r],
                }
                for r in rows
            ]
        rules[name] = entry
    # on a thread of its own: its scan keeps the values, with regexes of its own, which would
    # push the other passes' out of a shared thread's cache (32 per thread)
    examples = (
        _pool.pool("examples", 1)
        .submit(_redaction_examples, engine, flat, seg_counts, groups, ids, scan)
        .result()
    )
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
        "language_backend": backend,
        "redaction": pack.pii.style,
        "records": n,
        "kept": kept.height,
        "filtered": filtered.height,
        "rules": rules,
        "pii": pii_stats,
        "languages": {k: int(v) for k, v in languages.items()},
        # every redacted string of this batch: merged and cut down to what may be shown by
        # curate.rules.audit.finish_rule_stats before rules.json is written
        "_audit": audit_batch(
            scan, flat, groups, lambda r: ids.row(r, named=True), seg_counts, _documents(base)
        ),
    }
    return RuleResult(kept=kept, filtered=filtered, stats=stats)


__all__ = ["RuleResult", "apply_rules"]
