"""Quality filters: metrics for every text segment from its bytes (numpy), checks in numpy.

Each rule is checked per text *segment*: every text field, and the turns of one side joined
together (so a thread's short "ok thanks" turn is judged as part of the whole user side,
which is what a chat example looks like). A record fails a rule when any segment does; it
is filtered by the first rule it fails, in ``QUALITY_RULES`` order, then custom filters.

Cost: the counts are about the text with its whitespace collapsed, and a regex that counts
characters pays per match. So all segments are scanned once as bytes: an ASCII row's words
are the runs between spaces (after a collapse only where it has other whitespace), its
letters the ASCII letters; only rows with other characters are counted by Unicode regexes.
The n-gram rule is counted exactly (Polars) only where a cheap lower bound of the distinct
n-grams cannot rule it out; line repetition only on segments with 2+ newlines, symbols and
URLs only where they can matter, and the detail message only for records that fail.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

import numpy as np
import polars as pl
import pyarrow as pa

from curate.rules.pack import FilterRule, QualityRules

URL = r"(?-u:\b)(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)\S+"
# Scripts written without spaces between words: each character counts as a word.
_UNSPACED_CHARS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}\p{Tibetan}"
UNSPACED = rf"[{_UNSPACED_CHARS}]"
UNSPACED_TOKEN = rf"[{_UNSPACED_CHARS}]|[^\s{_UNSPACED_CHARS}]+"
# Auto-reply phrases that are also ordinary words ("you should be out of the office within an
# hour", "we don't have an out of office option"): boilerplate only in an auto-reply's own form.
AUTO_REPLY_CONTEXT = frozenset({"out of office", "out of the office"})
_OOO = r"out\s+of\s+(?:the\s+)?office"
AUTO_REPLY = (
    r"(?i)\b(?:i\s+am|i'm|i’m|im|i\s+will\s+be|i'll\s+be|i’ll\s+be|we\s+are|we're|we’re)\s+"
    rf"(?:currently\s+|now\s+)?{_OOO}\b|^\s*(?:re:\s*|automatic\s+reply:\s*)?{_OOO}\b"
    rf"|\b{_OOO}\s+(?:auto|reply|until|from|returning)"
)
# On the assistant side a link is a reference the answer gives (a help article), one unit of
# the answer however long its address (web-archive links run past 100 characters): for the
# URL ratio and the mean word length each link there counts as at most this many characters.
ASSISTANT_LINK_CHARS = 20
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


def _auto_replies(col: pl.Series) -> np.ndarray:
    """``AUTO_REPLY`` per text, searched only in the texts that hold "office": every match
    does, in ASCII case variants only (no other character folds to o, f, i, c or e), and a
    search for one literal costs a third of the regex's on texts that lack it (most)."""
    found = np.zeros(len(col), np.bool_)
    maybe = col.str.contains("(?i)office").fill_null(False).arg_true()
    if len(maybe):
        hits = col.gather(maybe).str.contains(AUTO_REPLY).fill_null(False).to_numpy()
        found[maybe.to_numpy()] = hits
    return found


def _label(seg: str) -> str:
    return seg.removeprefix("__turns_") + (" turns" if seg.startswith("__turns_") else "")


def arrow_ints(arr: pa.Array, dtype: type[np.integer[Any]]) -> np.ndarray:
    """A null-free Arrow integer array as numpy, read from its buffer: pyarrow's own
    ``to_numpy`` imports pandas on first use (~0.25 s per process)."""
    data = np.frombuffer(arr.buffers()[1], dtype)
    return data[arr.offset : arr.offset + len(arr)]


def numpy_ints(values: np.ndarray, dtype: pa.DataType) -> pa.Array:
    """``values`` as an Arrow array of ``dtype`` (same width), from its buffer: ``pa.array``
    on a numpy array imports pandas on first use (~0.25 s per process)."""
    data = np.ascontiguousarray(values, dtype=dtype.to_pandas_dtype())
    return pa.Array.from_buffers(dtype, len(data), [None, pa.py_buffer(data)])


def repeated_ngrams(words: pl.Series, n: int) -> np.ndarray:
    """Fraction of word n-grams that repeat an earlier one, per list of (lower-case) words.

    Vectorized over the whole column: each word hashed once (Polars), each n-gram hash a
    polynomial of its words' hashes (numpy, wrapping uint64), then the distinct n-grams of
    each list counted by Polars on a list column built from the same buffers."""
    arr = words.list.eval(pl.element().hash()).to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if not isinstance(arr, pa.LargeListArray):
        arr = arr.cast(pa.large_list(arr.type.value_type))
    offsets = arrow_ints(arr.offsets, np.int64)
    values = arrow_ints(arr.values, np.uint64)
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
        numpy_ints(gram_offsets, pa.int64()), numpy_ints(grams[take], pa.uint64())
    )
    distinct = pl.Series(lists).list.n_unique().to_numpy()
    return np.where(n_grams > 0, 1 - distinct / np.maximum(n_grams, 1), 0.0)


def _text_bytes(col: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """A string column's UTF-8 bytes and each row's offsets into them (from 0)."""
    arr = col.to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], np.int64)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(bufs[2], np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return data[offsets[0] : offsets[-1]], offsets - offsets[0]


def _row_counts(positions: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """How many of the (sorted) byte positions fall in each row."""
    return np.diff(np.searchsorted(positions, offsets)).astype(np.int64)


class _Bytes(NamedTuple):
    """A text column's bytes, scanned once: its spaces and its other non-letters."""

    data: np.ndarray
    offsets: np.ndarray
    spaces_at: np.ndarray  # positions of the spaces (0x20)
    spaces: np.ndarray  # per row
    odd_at: np.ndarray  # positions of the bytes neither an ASCII letter nor a space
    nonletters: np.ndarray  # per row: those bytes (an ASCII text's [^\p{L}\s] if collapsed)


def _scan(col: pl.Series) -> _Bytes:
    """Spaces and non-letter bytes of every row, by byte masks (numpy, in place: each fresh
    array costs page faults as well as its pass) instead of per-match regex counting."""
    data, offsets = _text_bytes(col)
    is_space = data == 32
    spaces_at = np.flatnonzero(is_space)
    folded = data | 0x20
    folded -= 97  # ASCII letters are now 0..25 (uint8 wraps below 'a')
    odd = np.greater_equal(folded, 26, out=folded.view(np.bool_))
    np.greater(odd, is_space, out=odd)  # and not a space
    odd_at = np.flatnonzero(odd)
    return _Bytes(
        data,
        offsets,
        spaces_at,
        _row_counts(spaces_at, offsets),
        odd_at,
        _row_counts(odd_at, offsets),
    )


def _ngram_lower_bound(scan: _Bytes, n: int, rows: np.ndarray | None = None) -> np.ndarray:
    """Per collapsed ASCII row (of ``rows``, default all): at most its number of distinct
    (lower-case) word n-grams.

    Such a row's words are the runs between its single spaces. Each n-gram that lies
    between two spaces gets a signature from its words' lengths and first bytes (0x20 bit
    set: ASCII case folded), so equal n-grams have equal signatures; the buckets these fill
    in a table of the row's own are at most its distinct n-grams. A row's last n signatures
    run past its end: up to n buckets too many, taken off. Only the rows asked for get a
    table (the others' signatures fall into one shared bucket table that is not counted):
    most rows of a batch are short fields whose tables cost as much as the long ones'."""
    data, spaces_at, spaces = scan.data, scan.spaces_at, scan.spaces
    everything = len(spaces)
    rows = np.arange(everything) if rows is None else np.asarray(rows, np.int64)
    filled = np.zeros(len(rows), np.int64)
    if len(spaces_at) <= n or not len(rows):
        return filled
    word = np.empty(len(spaces_at) - 1, np.uint32)
    np.subtract(spaces_at[1:], spaces_at[:-1], out=word, casting="unsafe")  # length + 1
    word *= np.uint32(0x9E3779B1)
    first = data[1:].take(spaces_at[:-1])
    first |= 0x20
    word += first
    count = len(word) - n + 1
    sig = word[:count] * np.uint32(0x85EBCA6B)
    for k in range(1, n):
        sig ^= word[k : count + k]
        sig *= np.uint32(0xC2B2AE35)
    first_space = np.zeros(everything + 1, np.int64)
    np.cumsum(spaces, out=first_space[1:])
    # buckets per row: twice the n-grams of most rows asked for, at most 2**10 (a longer
    # row's bound saturates: it is counted exactly); tables of at most 2**24 bytes, block by
    # block of the rows asked for
    asked = spaces[rows]
    typical = int(np.partition(asked, int(len(rows) * 0.9))[int(len(rows) * 0.9)])
    bits = min((max(2 * typical, 64) - 1).bit_length(), 10)
    block = ((1 << 24) >> bits) - 1
    for r0 in range(0, len(rows), block):
        r1 = min(len(rows), r0 + block)
        lo, hi = int(rows[r0]), int(rows[r1 - 1]) + 1  # the rows spanned, asked for or not
        s0, s1 = first_space[lo], min(first_space[hi], count)
        if s1 <= s0:
            continue
        table_of = np.full(hi - lo, r1 - r0, np.int64)  # not asked for: the last table
        table_of[rows[r0:r1] - lo] = np.arange(r1 - r0)
        slot = np.repeat(table_of << bits, spaces[lo:hi])[: s1 - s0]
        slot += sig[s0:s1] >> np.uint32(32 - bits)
        table = np.zeros((r1 - r0 + 1) << bits, np.uint8)
        table[slot] = 1
        # bytes of 0/1 summed per row: 8-byte lanes (each <= 2**7), then the lanes
        lanes = table.view(np.uint64).reshape(r1 - r0 + 1, -1)[:-1].sum(axis=1, dtype=np.uint64)
        low = np.uint64(0x00FF00FF00FF00FF)
        lanes = (lanes & low) + ((lanes >> np.uint64(8)) & low)
        lanes = (lanes * np.uint64(0x0001000100010001)) >> np.uint64(48)
        filled[r0:r1] = lanes.astype(np.int64)
    return np.maximum(filled - n, 0)


def _collapse(col: pl.Series) -> pl.Series:
    """Whitespace runs as one space, none at either end: the text the counts are about."""
    return col.str.replace_all(r"\s{2,}|[^\S ]", " ").str.strip_chars(" ")


def _contains_phrases(ascii_text: pl.Series, phrases: list[str]) -> np.ndarray:
    """``contains_any(phrases, ascii_case_insensitive=True)`` for ASCII texts: on them
    lower-casing is ASCII case folding and the phrases are lower case, so a plain
    alternation finds the same in the lower-cased text (faster than the folding automaton)."""
    lowered = ascii_text.str.to_lowercase()
    if sum(len(p) for p in phrases) > 20_000:  # keep the regex small
        found = lowered.str.contains_any(phrases)
    else:
        found = lowered.str.contains("|".join(pl.escape_regex(p) for p in phrases))
    return found.fill_null(False).to_numpy()


def _metrics(
    segs: pl.DataFrame,
    q: QualityRules,
    phrases: list[str] | None = None,
    sides: dict[str, str] | None = None,
) -> dict[str, dict[str, np.ndarray]]:
    """Per segment: chars, words, non-space, letters, symbols, URL chars, repetition.

    All segments at once, as bytes (numpy). An ASCII row is collapsed (Polars) unless it
    already is its collapsed text, then counted by byte: its words are the runs between
    spaces, its letters the ASCII letters, and its n-grams are counted only where a cheap
    bound (``_ngram_lower_bound``) cannot rule the rule out. Rows with other characters are
    measured as their text asks: Unicode regexes, n-grams exact."""
    enabled = q.enabled()
    height = segs.height
    text = pl.concat([segs[c] for c in segs.columns]) if segs.width > 1 else segs.to_series()
    raw = _scan(text)
    data, offsets, odd_at = raw.data, raw.offsets, raw.odd_at
    size = np.diff(offsets)
    odd = data[odd_at]
    wide = _row_counts(odd_at[odd >= 0x80], offsets) > 0
    newlines = _row_counts(odd_at[odd == 10], offsets)
    # plain: printable ASCII with single spaces only inside, i.e. its own collapsed text
    plain = _row_counts(odd_at[(odd - 32) >= 96], offsets) == 0  # 0x20-0x7F (uint8 wraps)
    doubled = raw.spaces_at[1:][np.diff(raw.spaces_at) == 1]
    plain[np.searchsorted(offsets, doubled, side="right") - 1] = False
    filled = np.flatnonzero(size > 0)
    edge = (data[offsets[filled]] == 32) | (data[offsets[filled + 1] - 1] == 32)
    plain[filled[edge]] = False

    chars = size.copy()
    words = np.where(size > 0, raw.spaces + 1, 0)
    nonspace = size - raw.spaces
    nonletters = raw.nonletters.copy()
    boiler = np.zeros(len(size), np.bool_)
    # (rows, their collapsed texts, their scan) for the byte-counted ones
    ascii_parts: list[tuple[np.ndarray, pl.Series, _Bytes]] = []
    plain_rows = np.flatnonzero(plain)
    ascii_parts.append((plain_rows, text.gather(plain_rows), raw))
    spaced = np.flatnonzero(~plain & ~wide)
    if len(spaced):
        norm = _collapse(text.gather(spaced))
        scan = _scan(norm)
        norm_size = np.diff(scan.offsets)
        words[spaced] = np.where(norm_size > 0, scan.spaces + 1, 0)
        nonspace[spaced] = norm_size - scan.spaces
        nonletters[spaced] = scan.nonletters
        ascii_parts.append((spaced, norm, scan))
    wide_rows = np.flatnonzero(wide)
    norm_wide: pl.Series | None = None
    if len(wide_rows):
        sub = text.gather(wide_rows)
        norm_wide = _collapse(sub)
        norm_chars = norm_wide.str.len_chars().cast(pl.Int64).to_numpy()
        wide_data, wide_offsets = _text_bytes(norm_wide)
        spaces_in = _row_counts(np.flatnonzero(wide_data == 32), wide_offsets)
        chars[wide_rows] = sub.str.len_chars().cast(pl.Int64).to_numpy()
        nonletters[wide_rows] = sub.str.count_matches(r"[^\p{L}\s]").cast(pl.Int64).to_numpy()
        words[wide_rows] = np.where(norm_chars > 0, spaces_in + 1, 0)
        # scripts written without spaces (Chinese, Japanese, Thai...): each of their characters
        # is a word, so a Japanese answer is not one 60-letter "word"
        unspaced = norm_wide.str.contains(UNSPACED).fill_null(False).to_numpy()
        if unspaced.any():
            at = np.flatnonzero(unspaced)
            tokens = norm_wide.gather(at).str.count_matches(UNSPACED_TOKEN)
            words[wide_rows[at]] = tokens.cast(pl.Int64).to_numpy()
        nonspace[wide_rows] = norm_chars - spaces_in
        if phrases:
            found = norm_wide.str.contains_any(phrases, ascii_case_insensitive=True)
            boiler[wide_rows] = found.fill_null(False).to_numpy()
    if phrases:
        for rows, norm, _ in ascii_parts:
            boiler[rows] = _contains_phrases(norm, phrases)

    dup = np.zeros(len(size))
    if "max_repeated_ngram_fraction" in enabled:
        n = q.ngram_size
        grams = np.clip(words - n + 1, 0, None)
        need = grams >= max(2 * n, q.min_words_for_ratios)
        exact_parts: list[tuple[np.ndarray, pl.Series]] = []
        for rows, norm, scan in ascii_parts:
            local = np.flatnonzero(need[rows])
            if not len(local):
                continue
            # rows of the scan: the plain rows are rows of the whole text
            at = rows[local] if scan is raw else local
            lower = _ngram_lower_bound(scan, n, at)
            # repeated <= n-grams - distinct, and the float steps are monotonic: a bound at
            # or under the limit means the exact fraction is too (it is left at 0)
            bound = 1 - lower / np.maximum(grams[rows[local]], 1)
            local = local[bound > q.max_repeated_ngram_fraction]
            if len(local):
                exact_parts.append((rows[local], norm.gather(local)))
        if norm_wide is not None:
            local = np.flatnonzero(need[wide_rows])
            if len(local):
                exact_parts.append((wide_rows[local], norm_wide.gather(local)))
        if exact_parts:
            tokens = pl.concat([s for _, s in exact_parts]).str.to_lowercase().str.split(" ")
            dup[np.concatenate([r for r, _ in exact_parts])] = repeated_ngrams(tokens, n)

    # ASCII case folding as in contains_any(ascii_case_insensitive): no non-ASCII letter
    # folds to "w"; a regex of literals runs at memchr speed
    has_url = text.str.contains(r"://|(?i:www)\.").fill_null(False).to_numpy()
    out: dict[str, dict[str, np.ndarray]] = {}
    for i, c in enumerate(segs.columns):
        part = slice(i * height, (i + 1) * height)
        m = {
            "chars": chars[part],
            "words": words[part],
            "nonspace": nonspace[part],
            "nonletters": nonletters[part],
            "dup_ngrams": dup[part],
        }
        m["letters"] = m["nonspace"] - m["nonletters"]
        # symbols are some of the non-letters: counted only where the non-letters alone pass
        # the symbol limit (elsewhere the rule cannot fail; the count stays 0)
        m["symbols"] = np.zeros(height, np.int64)
        col = segs[c]
        if "max_symbol_ratio" in enabled:
            ratio = m["nonletters"] / np.maximum(m["nonspace"], 1)
            maybe = np.flatnonzero(ratio > q.max_symbol_ratio)
            if len(maybe):
                some = col.gather(maybe).str.count_matches(SYMBOL)
                m["symbols"][maybe] = some.cast(pl.Int64).to_numpy()
        m["url_chars"] = np.zeros(height, np.int64)
        m["dup_lines"] = np.zeros(height)
        m["link_excess"] = np.zeros(height, np.int64)
        link_rules = {"max_url_ratio", "max_mean_word_length"} & set(enabled)
        if link_rules and has_url[part].any():
            idx = np.flatnonzero(has_url[part])
            lens = col.gather(idx).str.extract_all(URL).list.eval(pl.element().str.len_chars())
            if (sides or {}).get(c) == "assistant":
                cap = ASSISTANT_LINK_CHARS
                capped = lens.list.eval(pl.element().clip(upper_bound=cap)).list.sum()
                total = lens.list.sum().fill_null(0).to_numpy()
                m["url_chars"][idx] = capped.fill_null(0).to_numpy()
                m["link_excess"][idx] = total - m["url_chars"][idx]
            elif "max_url_ratio" in enabled:
                m["url_chars"][idx] = lens.list.sum().fill_null(0).to_numpy()
        if "max_repeated_line_fraction" in enabled and (newlines[part] >= 2).any():
            idx = np.flatnonzero(newlines[part] >= 2)
            lines = (
                col.gather(idx)
                .str.split("\n")
                .list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
            )
            n_lines = lines.list.len().to_numpy()
            uniq = lines.list.n_unique().to_numpy()
            m["dup_lines"][idx] = np.where(n_lines >= 3, 1 - uniq / np.maximum(n_lines, 1), 0.0)
        if phrases:
            m["boilerplate"] = boiler[part]
        out[c] = m
    return out


def _segment_fails(m: dict[str, np.ndarray], q: QualityRules) -> dict[str, np.ndarray]:
    chars, words, nonspace = m["chars"], m["words"], m["nonspace"]
    present = nonspace > 0
    ratios = present & (words >= q.min_words_for_ratios)
    safe = np.maximum(nonspace, 1)
    # assistant links count as at most ASSISTANT_LINK_CHARS (see there)
    linked = np.maximum(nonspace - m.get("link_excess", 0), 1)
    mean_len = linked / np.maximum(words, 1)
    return {
        "min_chars": present & (chars < q.min_chars),
        "max_chars": chars > q.max_chars,
        "min_words": present & (words < q.min_words),
        "max_words": words > q.max_words,
        "min_mean_word_length": ratios & (mean_len < q.min_mean_word_length),
        "max_mean_word_length": ratios & (mean_len > q.max_mean_word_length),
        "min_alpha_ratio": ratios & (m["letters"] / safe < q.min_alpha_ratio),
        "max_symbol_ratio": ratios & (m["symbols"] / safe > q.max_symbol_ratio),
        "max_url_ratio": present & (m["url_chars"] / linked > q.max_url_ratio),
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
        linked = max(int(m["nonspace"][k] - m["link_excess"][k]), 1)
        value = r2(linked / max(int(m["words"][k]), 1))
        return f"{label}: mean word length {value} {op} {getattr(q, rule)}"
    what = {
        "min_alpha_ratio": ("alphabetic ratio", m["letters"][k] / safe, "<"),
        "max_symbol_ratio": ("symbol ratio", m["symbols"][k] / safe, ">"),
        "max_url_ratio": (
            "URL ratio",
            m["url_chars"][k] / max(int(m["nonspace"][k] - m["link_excess"][k]), 1),
            ">",
        ),
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
    in_context = [p for p in phrases if p in AUTO_REPLY_CONTEXT]
    phrases = [p for p in phrases if p not in AUTO_REPLY_CONTEXT]
    # the collapsed text of the metrics is also stripped: the same finds for phrases that do
    # not start or end with a space
    in_metrics = "boilerplate" in enabled and all(p == p.strip() for p in phrases)
    metrics = _metrics(segs, q, phrases if in_metrics else None, sides) if segs.width else {}
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
    if "boilerplate" in enabled and in_context:
        for c in segs.columns:
            found = _auto_replies(segs[c])
            before = per_seg.setdefault(c, {}).get("boilerplate")
            per_seg[c]["boilerplate"] = found if before is None else (before | found)
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
