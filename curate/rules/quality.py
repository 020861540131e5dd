"""Quality filters: metrics for every text segment in one Polars select, checks in numpy.

Each rule is checked per text *segment*: every text field, and the turns of one side joined
together (so a thread's short "ok thanks" turn is judged as part of the whole user side,
which is what a chat example looks like). A record fails a rule when any segment does; it
is filtered by the first rule it fails, in ``QUALITY_RULES`` order, then custom filters.

Cost: counting characters with a regex pays per match, so the metrics come from a text with
its whitespace collapsed (one rare-match replace): its words are its pieces split at single
spaces (the same lists the n-gram rule hashes), its non-space characters its length minus
those spaces. Only letters-vs-the-rest and symbols
are counted with a regex. Line repetition is computed on the segments with 2+ newlines, n-gram
repetition exactly on every segment long enough for the rule (word hashes combined in numpy,
no per-segment Python), and the detail message only for records that fail.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from curate.rules.pack import FilterRule, QualityRules

URL = r"(?-u:\b)(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)\S+"
SYMBOL = r"[^\p{L}\p{N}\s.,;:!?'\"()\[\]’‘“”/&%$€£@+=-]"  # what is not text or punctuation
TURN_SIDES = ("user", "assistant", "context")
ROLE_SIDE = {"user": "user", "assistant": "assistant", "system": "context"}
_HASH_K = 0x9E3779B97F4A7C15


def _segments(df: pl.DataFrame, text_fields: dict[str, str]) -> tuple[pl.DataFrame, dict[str, str]]:
    """Segment columns (text fields, and one per side of the turns) and each one's side."""
    exprs = [pl.col(c).cast(pl.Utf8).fill_null("").alias(c) for c in text_fields if c in df.columns]
    sides = {c: s for c, s in text_fields.items() if c in df.columns}
    if "turns" in df.columns and df["turns"].list.len().fill_null(0).sum() > 0:
        el = pl.element().struct
        for side in TURN_SIDES:
            roles = [r for r, s in ROLE_SIDE.items() if s == side]
            exprs.append(
                pl.col("turns")
                .list.eval(el.field("content").filter(el.field("role").is_in(roles)))
                .list.join("\n")
                .fill_null("")
                .alias(f"__turns_{side}")
            )
            sides[f"__turns_{side}"] = side
    return (df.select(exprs) if exprs else pl.DataFrame()), sides


def _label(seg: str) -> str:
    return seg.removeprefix("__turns_") + (" turns" if seg.startswith("__turns_") else "")


def repeated_ngrams(words: pl.Series, n: int) -> np.ndarray:
    """Fraction of word n-grams that repeat an earlier one, per list of (lower-case) words.

    Vectorized over the whole column: each word hashed once (Polars), each n-gram hash a
    polynomial of its words' hashes (numpy, wrapping uint64), then the distinct n-grams of
    each list counted by Polars on a list column built from the same buffers."""
    arr = words.list.eval(pl.element().hash()).to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    offsets = np.asarray(arr.offsets, dtype=np.int64)
    values = arr.values.to_numpy(zero_copy_only=False).astype(np.uint64, copy=False)
    values = values[offsets[0] : offsets[-1]]
    offsets = offsets - offsets[0]
    lens = np.diff(offsets)
    size = len(values)
    grams = values * np.uint64(pow(_HASH_K, n - 1, 1 << 64))
    for k in range(1, n):
        grams[: size - k] += values[k:] * np.uint64(pow(_HASH_K, n - 1 - k, 1 << 64))
    n_grams = np.clip(lens - n + 1, 0, None)
    # each list's first n_grams positions (the others run into the next list)
    gram_offsets = np.concatenate([[0], np.cumsum(n_grams)])
    take = np.repeat(offsets[:-1] - gram_offsets[:-1], n_grams) + np.arange(gram_offsets[-1])
    lists = pa.LargeListArray.from_arrays(
        pa.array(gram_offsets, pa.int64()), pa.array(grams[take], pa.uint64())
    )
    distinct = pl.Series(lists).list.n_unique().to_numpy()
    return np.where(n_grams > 0, 1 - distinct / np.maximum(n_grams, 1), 0.0)


def _metrics(
    segs: pl.DataFrame, q: QualityRules, phrases: list[str] | None = None
) -> dict[str, dict[str, np.ndarray]]:
    """Per segment: chars, words, non-space, letters, symbols, URL chars, repetition.

    Two selects: the whitespace-collapsed text first, then everything from it (one select
    with the collapsed text as a shared subexpression costs 2x: Polars recomputes it)."""
    norm_frame = segs.select(
        pl.col(c).str.replace_all(r"\s{2,}|[^\S ]", " ").str.strip_chars(" ") for c in segs.columns
    )
    exprs = []
    for c in segs.columns:
        t, norm = pl.col(c), pl.col(f"{c}|norm")
        exprs += [
            t.str.len_chars().alias(f"{c}|chars"),
            norm.str.len_chars().alias(f"{c}|norm_chars"),
            t.str.count_matches(r"[^\p{L}\s]").alias(f"{c}|nonletters"),
            # ASCII case folding as in contains_any(ascii_case_insensitive): no non-ASCII
            # letter folds to "w"; a regex of literals runs at memchr speed
            t.str.contains(r"://|(?i:www)\.").cast(pl.Int64).alias(f"{c}|has_url"),
            t.str.count_matches("\n", literal=True).alias(f"{c}|newlines"),
        ]
    both = pl.concat(
        [segs, norm_frame.rename({c: f"{c}|norm" for c in segs.columns})], how="horizontal"
    )
    frame = both.lazy().select(exprs).collect()
    out: dict[str, dict[str, np.ndarray]] = {}
    enabled = q.enabled()
    for c in segs.columns:
        m = {
            k.split("|", 1)[1]: frame[k].cast(pl.Int64).to_numpy()
            for k in frame.columns
            if k.startswith(f"{c}|")
        }
        # words: the collapsed text split at its single spaces (the lists serve the n-gram
        # rule too; counting the spaces with a regex costs as much as the split, per match);
        # non-space: its other characters
        tokens = norm_frame[c].str.to_lowercase().str.split(" ")
        words = tokens.list.len().cast(pl.Int64).to_numpy()
        m["words"] = np.where(m["norm_chars"] > 0, words, 0)
        m["nonspace"] = m["norm_chars"] - np.clip(m["words"] - 1, 0, None)
        m["letters"] = m["nonspace"] - m["nonletters"]
        # symbols are some of the non-letters: counted only where the non-letters alone pass
        # the symbol limit (elsewhere the rule cannot fail; the count stays 0)
        m["symbols"] = np.zeros(segs.height, np.int64)
        if "max_symbol_ratio" in enabled:
            ratio = m["nonletters"] / np.maximum(m["nonspace"], 1)
            maybe = np.flatnonzero(ratio > q.max_symbol_ratio)
            if len(maybe):
                some = segs[c].gather(maybe).str.count_matches(SYMBOL)
                m["symbols"][maybe] = some.cast(pl.Int64).to_numpy()
        m["url_chars"] = np.zeros(segs.height, np.int64)
        m["dup_lines"] = np.zeros(segs.height)
        m["dup_ngrams"] = np.zeros(segs.height)
        col = segs[c]
        if "max_url_ratio" in enabled and m["has_url"].any():
            idx = np.flatnonzero(m["has_url"])
            lens = col.gather(idx).str.extract_all(URL).list.eval(pl.element().str.len_chars())
            m["url_chars"][idx] = lens.list.sum().fill_null(0).to_numpy()
        if "max_repeated_line_fraction" in enabled and (m["newlines"] >= 2).any():
            idx = np.flatnonzero(m["newlines"] >= 2)
            lines = (
                col.gather(idx)
                .str.split("\n")
                .list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
            )
            n_lines = lines.list.len().to_numpy()
            uniq = lines.list.n_unique().to_numpy()
            m["dup_lines"][idx] = np.where(n_lines >= 3, 1 - uniq / np.maximum(n_lines, 1), 0.0)
        if "max_repeated_ngram_fraction" in enabled:
            # exact, on the segments long enough for the rule (short ones: 0)
            n = q.ngram_size
            grams = np.clip(m["words"] - n + 1, 0, None)
            todo = grams >= max(2 * n, q.min_words_for_ratios)
            if todo.any():
                idx = np.flatnonzero(todo)
                m["dup_ngrams"][idx] = repeated_ngrams(
                    tokens if todo.all() else tokens.gather(idx), n
                )
        if phrases:  # boilerplate, on the collapsed text (no second collapse)
            found = norm_frame[c].str.contains_any(phrases, ascii_case_insensitive=True)
            m["boilerplate"] = found.fill_null(False).to_numpy()
        out[c] = m
    return out


def _segment_fails(m: dict[str, np.ndarray], q: QualityRules) -> dict[str, np.ndarray]:
    chars, words, nonspace = m["chars"], m["words"], m["nonspace"]
    present = nonspace > 0
    ratios = present & (words >= q.min_words_for_ratios)
    safe = np.maximum(nonspace, 1)
    mean_len = nonspace / np.maximum(words, 1)
    return {
        "min_chars": present & (chars < q.min_chars),
        "max_chars": chars > q.max_chars,
        "min_words": present & (words < q.min_words),
        "max_words": words > q.max_words,
        "min_mean_word_length": ratios & (mean_len < q.min_mean_word_length),
        "max_mean_word_length": ratios & (mean_len > q.max_mean_word_length),
        "min_alpha_ratio": ratios & (m["letters"] / safe < q.min_alpha_ratio),
        "max_symbol_ratio": ratios & (m["symbols"] / safe > q.max_symbol_ratio),
        "max_url_ratio": present & (m["url_chars"] / safe > q.max_url_ratio),
        "max_repeated_line_fraction": m["dup_lines"] > q.max_repeated_line_fraction,
        "max_repeated_ngram_fraction": m["dup_ngrams"] > q.max_repeated_ngram_fraction,
    }


def _detail(rule: str, seg: str, k: int, m: dict[str, np.ndarray], q: QualityRules) -> str:
    """The message for one failing segment: what was measured against which threshold."""
    label = _label(seg)
    safe = max(int(m["nonspace"][k]), 1)

    def r2(x: float) -> float:
        return round(float(x), 2)

    value: Any
    if rule in ("min_chars", "max_chars"):
        op, value, unit = ("<" if rule == "min_chars" else ">"), int(m["chars"][k]), "chars"
        return f"{label}: {value} {unit} {op} {getattr(q, rule)}"
    if rule in ("min_words", "max_words"):
        op, value = ("<" if rule == "min_words" else ">"), int(m["words"][k])
        return f"{label}: {value} words {op} {getattr(q, rule)}"
    if rule.endswith("mean_word_length"):
        op = "<" if rule.startswith("min") else ">"
        value = r2(m["nonspace"][k] / max(int(m["words"][k]), 1))
        return f"{label}: mean word length {value} {op} {getattr(q, rule)}"
    what = {
        "min_alpha_ratio": ("alphabetic ratio", m["letters"][k] / safe, "<"),
        "max_symbol_ratio": ("symbol ratio", m["symbols"][k] / safe, ">"),
        "max_url_ratio": ("URL ratio", m["url_chars"][k] / safe, ">"),
        "max_repeated_line_fraction": ("repeated lines", m["dup_lines"][k], ">"),
        "max_repeated_ngram_fraction": (f"repeated {q.ngram_size}-grams", m["dup_ngrams"][k], ">"),
    }
    name, value, op = what[rule]
    return f"{label}: {name} {r2(value)} {op} {getattr(q, rule)}"


def quality_reasons(
    df: pl.DataFrame, q: QualityRules, filters: list[FilterRule], text_fields: dict[str, str]
) -> pl.DataFrame:
    """Frame of (reason, detail) per input row: the first failing rule, or nulls."""
    n = df.height
    segs, sides = _segments(df, text_fields)
    enabled = q.enabled()
    phrases = [p.lower() for p in q.phrases()]
    # the collapsed text of the metrics is also stripped: the same finds for phrases that do
    # not start or end with a space
    in_metrics = "boilerplate" in enabled and all(p == p.strip() for p in phrases)
    metrics = _metrics(segs, q, phrases if in_metrics else None) if segs.width else {}
    # (rule, per-segment fails or None for a record rule, record-level fails)
    checks: list[tuple[str, dict[str, np.ndarray], np.ndarray]] = []
    per_seg = {c: _segment_fails(m, q) for c, m in metrics.items()}
    extra: dict[str, pl.Expr] = {}
    for c in segs.columns:
        if in_metrics and phrases:
            per_seg[c]["boilerplate"] = metrics[c]["boilerplate"]
        elif "boilerplate" in enabled and phrases:
            norm = pl.col(c).str.replace_all(r"\s{2,}|[^\S ]", " ")
            extra[f"{c}|boilerplate"] = norm.str.contains_any(phrases, ascii_case_insensitive=True)
        if "placeholders" in enabled:
            extra[f"{c}|placeholders"] = pl.col(c).str.contains(q.placeholder_pattern)
        for f in filters:
            if sides[c] in f.sides:
                extra[f"{c}|{f.name}"] = pl.col(c).str.contains(f.pattern)
    if extra:
        flags = segs.lazy().select([e.alias(k) for k, e in extra.items()]).collect()
        for k in flags.columns:
            c, rule = k.split("|", 1)
            per_seg[c][rule] = flags[k].fill_null(False).to_numpy()
    record = _record_checks(df, segs, sides, text_fields, metrics)
    for rule in [*enabled, *(f.name for f in filters)]:
        if rule in record:
            checks.append((rule, {}, record[rule]))
            continue
        parts = {c: f[rule] for c, f in per_seg.items() if rule in f}
        if parts:
            checks.append((rule, parts, np.logical_or.reduce(list(parts.values()))))
    reason: list[str | None] = [None] * n
    detail: list[str | None] = [None] * n
    if checks:
        fails = np.stack([f for _, _, f in checks])
        first = np.argmax(fails, axis=0)
        for row in np.flatnonzero(fails.any(axis=0)).tolist():
            rule, parts, _ = checks[first[row]]
            reason[row] = rule
            detail[row] = _record_detail(rule, parts, row, metrics, segs, q, filters)
    return pl.DataFrame(
        {"reason": reason, "detail": detail}, schema={"reason": pl.Utf8, "detail": pl.Utf8}
    )


def _record_detail(
    rule: str,
    parts: dict[str, np.ndarray],
    k: int,
    metrics: dict[str, dict[str, np.ndarray]],
    segs: pl.DataFrame,
    q: QualityRules,
    filters: list[FilterRule],
) -> str:
    if rule == "assistant_nonempty":
        return "assistant side is empty"
    if rule == "assistant_not_copy":
        return "assistant side repeats the user side"
    seg = next(c for c, f in parts.items() if f[k])
    text = segs[seg][k] or ""
    if rule == "boilerplate":
        alt = "|".join(re.escape(p.lower()) for p in q.phrases())
        found = re.search(alt, re.sub(r"\s{2,}|[^\S ]", " ", text.lower()))
        return f"{_label(seg)}: boilerplate '{found.group() if found else ''}'"
    if rule == "placeholders":
        hit = pl.Series([text]).str.extract(f"({q.placeholder_pattern})", 1)[0]
        return f"{_label(seg)}: unfilled placeholder {hit}"
    custom = next((f for f in filters if f.name == rule), None)
    if custom is not None:
        return f"{seg.removeprefix('__')}: matches {custom.pattern}"
    return _detail(rule, seg, k, metrics[seg], q)


def _record_checks(
    df: pl.DataFrame,
    segs: pl.DataFrame,
    sides: dict[str, str],
    text_fields: dict[str, str],
    metrics: dict[str, dict[str, np.ndarray]],
) -> dict[str, np.ndarray]:
    """Rules on a whole record: the assistant side exists and is not a copy of the user side.

    Sides are compared lower-cased with whitespace collapsed; only records whose sides have
    the same collapsed length (known from the metrics) are compared at all."""
    n = df.height
    has_field = any(s == "assistant" for c, s in text_fields.items() if c in df.columns)
    has_turns = (
        df["turns"].list.len().fill_null(0).to_numpy() > 0
        if "turns" in df.columns
        else np.zeros(n, bool)
    )
    applies = has_turns | has_field

    def length(side: str) -> np.ndarray:
        total, pieces = np.zeros(n, np.int64), np.zeros(n, np.int64)
        for c, s in sides.items():
            if s == side:
                m = metrics[c]
                present = m["nonspace"] > 0
                total += np.where(present, m["nonspace"] + m["words"] - 1, 0)
                pieces += present
        return total + np.maximum(pieces - 1, 0)

    a_len, u_len = length("assistant"), length("user")
    copy = np.zeros(n, bool)
    for k in np.flatnonzero((a_len > 0) & (a_len == u_len)).tolist():
        a, u = (
            " ".join(
                " ".join((segs[c][k] or "").split()).lower()
                for c, s in sides.items()
                if s == side and (segs[c][k] or "").strip()
            )
            for side in ("assistant", "user")
        )
        copy[k] = a == u
    return {"assistant_nonempty": applies & (a_len == 0), "assistant_not_copy": copy}
