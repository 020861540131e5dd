"""Quality filters as Polars expressions over whole columns.

Each rule is checked per text *segment*: every text field, and the turns of one side joined
together (so a thread's short "ok thanks" turn is judged as part of the whole user side,
which is what a chat example looks like). A record fails a rule when any segment does; it
is filtered by the first rule it fails, in ``QUALITY_RULES`` order, then custom filters.
"""

from __future__ import annotations

import polars as pl

from curate.rules.pack import FilterRule, QualityRules

URL = r"\b(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)\S+"
SYMBOL_RUNS = r"[\p{L}\p{N}\s.,;:!?'\"()\[\]’‘“”/&%$€£@+=-]+"  # removed: what is left are symbols
TURN_SIDES = ("user", "assistant", "context")
ROLE_SIDE = {"user": "user", "assistant": "assistant", "system": "context"}

Check = tuple[pl.Expr, pl.Expr]  # (fails, detail)


def segment_columns(df: pl.DataFrame, text_fields: dict[str, str]) -> dict[str, str]:
    """Segment column -> side: the text fields, plus ``__turns_<side>`` when turns exist."""
    segs = {c: side for c, side in text_fields.items() if c in df.columns}
    if "turns" in df.columns:
        segs.update({f"__turns_{side}": side for side in TURN_SIDES})
    return segs


def with_turn_segments(df: pl.DataFrame) -> pl.DataFrame:
    """Add one column per side holding that side's turn contents joined by newlines."""
    if "turns" not in df.columns:
        return df
    el = pl.element().struct
    cols = []
    for side in TURN_SIDES:
        roles = [r for r, s in ROLE_SIDE.items() if s == side]
        cols.append(
            pl.col("turns")
            .list.eval(el.field("content").filter(el.field("role").is_in(roles)))
            .list.join("\n")
            .alias(f"__turns_{side}")
        )
    return df.with_columns(cols)


def _fmt(template: str, *args: pl.Expr | str | float | int) -> pl.Expr:
    return pl.format(template, *[a if isinstance(a, pl.Expr) else pl.lit(str(a)) for a in args])


def segment_metrics(name: str, q: QualityRules) -> dict[str, pl.Expr]:
    """Metric columns of one segment, computed once (regex runs, not per-character matches)."""
    t = pl.col(name).fill_null("")
    m = {
        "chars": t.str.len_chars(),
        "words": t.str.count_matches(r"\S+"),
        "nonspace": t.str.replace_all(r"\s+", "").str.len_chars(),
        "letters": t.str.replace_all(r"[^\p{L}]+", "").str.len_chars(),
        "symbols": t.str.replace_all(SYMBOL_RUNS, "").str.len_chars(),
        "url_chars": t.str.extract_all(URL)
        .list.eval(pl.element().str.len_chars())
        .list.sum()
        .fill_null(0),
        "n_lines": pl.lit(0),
        "dup_lines": pl.lit(0.0),
    }
    if "max_repeated_line_fraction" in q.enabled():
        lines = t.str.split("\n").list.eval(
            pl.element().str.strip_chars().filter(pl.element() != "")
        )
        n_lines = lines.list.len()
        m["dup_lines"] = (
            pl.when(n_lines >= 3).then(1 - lines.list.n_unique() / n_lines).otherwise(0.0)
        )
    return {f"{name}__{k}": v for k, v in m.items()}


def repeated_ngrams(texts: pl.Series, n: int, min_words: int, threshold: float) -> pl.Series:
    """Fraction of duplicate word n-grams, computed only where it could exceed ``threshold``.

    A duplicate n-gram starts at a repeated word, so (repeated words) / (n-grams) bounds it
    from above; most texts are ruled out by that cheap bound before any n-gram is built.
    """
    words = texts.fill_null("").str.to_lowercase().str.extract_all(r"\w+")
    n_words = words.list.len()
    n_grams = (n_words - n + 1).clip(lower_bound=0)
    bound = (n_words - words.list.n_unique()) / n_grams.clip(lower_bound=1)
    todo = ((n_grams >= max(2 * n, min_words)) & (bound > threshold)).fill_null(False)
    out = pl.Series("dup", [0.0] * len(texts), pl.Float64)
    idx = todo.arg_true()
    if len(idx):
        grams = words.gather(idx).list.eval(
            pl.concat_str([pl.element().shift(-k) for k in range(n)], separator=" ").drop_nulls()
        )
        out = out.scatter(idx, (1 - grams.list.n_unique() / grams.list.len()).fill_null(0.0))
    return out


def segment_checks(name: str, q: QualityRules) -> dict[str, Check]:
    """Per-rule (fails, detail) for one segment, over the metric columns; empty never fails."""
    t = pl.col(name).fill_null("")

    def col(k: str) -> pl.Expr:
        return pl.col(f"{name}__{k}")

    label = name.removeprefix("__turns_") + (" turns" if name.startswith("__turns_") else "")
    chars, words, nonspace = col("chars"), col("words"), col("nonspace")
    present = nonspace > 0
    ratios_apply = present & (words >= q.min_words_for_ratios)
    safe = pl.when(nonspace > 0).then(nonspace).otherwise(1)
    alpha = col("letters") / safe
    symbol = col("symbols") / safe
    url = col("url_chars") / safe
    mean_len = nonspace / pl.when(words > 0).then(words).otherwise(1)
    dup_lines, dup_grams = col("dup_lines"), col("dup_ngrams")
    n = q.ngram_size
    phrases = [p.lower() for p in q.phrases()]
    lowered = t.str.to_lowercase()
    r2 = lambda e: e.round(2)  # noqa: E731
    checks: dict[str, Check] = {
        "min_chars": (
            present & (chars < q.min_chars),
            _fmt("{}: {} chars < {}", label, chars, q.min_chars),
        ),
        "max_chars": (chars > q.max_chars, _fmt("{}: {} chars > {}", label, chars, q.max_chars)),
        "min_words": (
            present & (words < q.min_words),
            _fmt("{}: {} words < {}", label, words, q.min_words),
        ),
        "max_words": (words > q.max_words, _fmt("{}: {} words > {}", label, words, q.max_words)),
        "min_mean_word_length": (
            ratios_apply & (mean_len < q.min_mean_word_length),
            _fmt("{}: mean word length {} < {}", label, r2(mean_len), q.min_mean_word_length),
        ),
        "max_mean_word_length": (
            ratios_apply & (mean_len > q.max_mean_word_length),
            _fmt("{}: mean word length {} > {}", label, r2(mean_len), q.max_mean_word_length),
        ),
        "min_alpha_ratio": (
            ratios_apply & (alpha < q.min_alpha_ratio),
            _fmt("{}: alphabetic ratio {} < {}", label, r2(alpha), q.min_alpha_ratio),
        ),
        "max_symbol_ratio": (
            ratios_apply & (symbol > q.max_symbol_ratio),
            _fmt("{}: symbol ratio {} > {}", label, r2(symbol), q.max_symbol_ratio),
        ),
        "max_url_ratio": (
            present & (url > q.max_url_ratio),
            _fmt("{}: URL ratio {} > {}", label, r2(url), q.max_url_ratio),
        ),
        "max_repeated_line_fraction": (
            dup_lines > q.max_repeated_line_fraction,
            _fmt("{}: repeated lines {} > {}", label, r2(dup_lines), q.max_repeated_line_fraction),
        ),
        "max_repeated_ngram_fraction": (
            dup_grams > q.max_repeated_ngram_fraction,
            _fmt(
                "{}: repeated {}-grams {} > {}",
                label,
                n,
                r2(dup_grams),
                q.max_repeated_ngram_fraction,
            ),
        ),
    }
    if phrases:
        checks["boilerplate"] = (
            lowered.str.contains_any(phrases),
            _fmt(
                "{}: boilerplate '{}'",
                label,
                lowered.str.extract(f"({'|'.join(_esc(p) for p in phrases)})", 1),
            ),
        )
    checks["placeholders"] = (
        t.str.contains(q.placeholder_pattern),
        _fmt("{}: unfilled placeholder {}", label, t.str.extract(f"({q.placeholder_pattern})", 1)),
    )
    return checks


def _esc(phrase: str) -> str:
    import re

    return re.escape(phrase)


def _norm(e: pl.Expr) -> pl.Expr:
    return e.str.to_lowercase().str.replace_all(r"\s+", " ").str.strip_chars()


def record_checks(segs: dict[str, str], has_turns: pl.Expr) -> dict[str, Check]:
    """Rules on a whole record: the assistant side exists and is not a copy of the user side."""
    by_side = {
        s: [pl.col(c).fill_null("") for c, side in segs.items() if side == s] for s in TURN_SIDES
    }
    user = pl.concat_str(by_side["user"], separator="\n") if by_side["user"] else pl.lit("")
    asst = (
        pl.concat_str(by_side["assistant"], separator="\n") if by_side["assistant"] else pl.lit("")
    )
    has_asst_field = any(
        side == "assistant" and not c.startswith("__turns_") for c, side in segs.items()
    )
    applies = pl.lit(has_asst_field) | has_turns
    a, u = _norm(asst), _norm(user)
    return {
        "assistant_nonempty": (applies & (a == ""), pl.lit("assistant side is empty")),
        "assistant_not_copy": (
            (a != "") & (a == u),
            pl.lit("assistant side repeats the user side"),
        ),
    }


def quality_reasons(
    df: pl.DataFrame, q: QualityRules, filters: list[FilterRule], text_fields: dict[str, str]
) -> pl.DataFrame:
    """Frame of (reason, detail) per input row: the first failing rule, or nulls."""
    df = with_turn_segments(df)
    segs = segment_columns(df, text_fields)
    has_turns = pl.col("turns").list.len() > 0 if "turns" in df.columns else pl.lit(False)
    metrics: dict[str, pl.Expr] = {}
    for c in segs:
        metrics.update(segment_metrics(c, q))
    df = df.lazy().with_columns([e.alias(k) for k, e in metrics.items()]).collect()
    for c in segs:
        dup = (
            repeated_ngrams(
                df[c], q.ngram_size, q.min_words_for_ratios, q.max_repeated_ngram_fraction
            )
            if "max_repeated_ngram_fraction" in q.enabled()
            else pl.Series([0.0] * df.height)
        )
        df = df.with_columns(dup.alias(f"{c}__dup_ngrams"))
    per_seg = {c: segment_checks(c, q) for c in segs}
    rec = record_checks(segs, has_turns)
    ordered: list[tuple[str, pl.Expr, pl.Expr]] = []
    for rule in q.enabled():
        if rule in rec:
            ordered.append((rule, *rec[rule]))
            continue
        parts = [per_seg[c][rule] for c in segs if rule in per_seg[c]]
        if not parts:
            continue
        fails = pl.any_horizontal([f.fill_null(False) for f, _ in parts])
        detail = pl.coalesce([pl.when(f.fill_null(False)).then(d) for f, d in parts])
        ordered.append((rule, fails, detail))
    for f in filters:
        cols = [c for c, side in segs.items() if side in f.sides]
        if not cols:
            continue
        hits = [pl.col(c).fill_null("").str.contains(f.pattern) for c in cols]
        detail = pl.coalesce(
            [
                pl.when(h).then(_fmt("{}: matches {}", c.removeprefix("__"), f.pattern))
                for c, h in zip(cols, hits, strict=True)
            ]
        )
        ordered.append((f.name, pl.any_horizontal(hits), detail))
    if not ordered:
        return pl.DataFrame(
            {"reason": [None] * df.height, "detail": [None] * df.height},
            schema={"reason": pl.Utf8, "detail": pl.Utf8},
        )
    lf = df.lazy().with_columns(
        [e.alias(f"__fail{i}") for i, (_, e, _) in enumerate(ordered)]
        + [pl.lit(None, pl.Utf8).alias("__none")]
    )
    reason: pl.Expr = pl.lit(None, pl.Utf8)
    detail_e: pl.Expr = pl.lit(None, pl.Utf8)
    for i, (rule, _, detail) in reversed(list(enumerate(ordered))):
        fails = pl.col(f"__fail{i}").fill_null(False)
        reason = pl.when(fails).then(pl.lit(rule)).otherwise(reason)
        detail_e = pl.when(fails).then(detail.cast(pl.Utf8)).otherwise(detail_e)
    return lf.select(reason.alias("reason"), detail_e.alias("detail")).collect()
