"""The dedupe stage: exact and MinHash-LSH near-duplicates, clusters, decontamination.

Reads ``ingest/records.parquet`` in batches (memory stays bounded by the batch and a compact
per-record signature), and writes ``dedupe/outcomes.parquet`` (one row per record: kept,
duplicate or contaminated) and ``dedupe/clusters.parquet`` (members of every cluster with their
similarity to the kept record), as docs/workspace.md describes.

Order of work: records with the same content hash are one exact group, fingerprinted once;
groups are checked against the evaluation sets (``--against``: a shared long word n-gram, or a
near-duplicate signature); the rest are bucketed by LSH bands, candidate pairs are confirmed by
their MinHash estimate (or exact Jaccard with ``verify``), and connected components become
clusters whose kept record follows the ``keep`` policy. With ``index_dir`` the kept records'
signatures persist, so a later dataset is deduplicated against earlier ones.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import polars as pl

from curate import minhash as mh
from curate.errors import InputError, UsageError, WorkspaceError
from curate.workspace import (
    ROW_GROUP_SIZE,
    StageResult,
    Workspace,
    atomic_path,
    sha256_file,
    stage_guard,
    write_json,
)

KEEP_POLICIES = ("most-complete", "longest", "first", "newest")
# columns every record has; the rest are the schema's field columns ("completeness")
BASE_COLUMNS = frozenset(
    (
        "record_id",
        "source",
        "source_file",
        "source_line",
        "n_rows",
        "schema",
        "layout",
        "group",
        "turns",
        "text",
        "content_hash",
        "language",
        "language_score",
        "pii",
    )
)
KEEP_SETS_BYTES = 192 << 20  # shingle sets kept from fingerprinting (~270k 1 KB documents)
SET_BYTES_PER_TEXT_BYTE = 0.7  # a 4-byte shingle hash per word of ~6 bytes, and per-doc offsets
BORDERLINE_SIGMAS = 2.5  # estimates this close to the threshold are checked by exact Jaccard
MIN_EVAL_WORDS = 8  # shorter evaluation items are too generic for an n-gram match
INDEX_FORMAT = 1
OUTCOMES = ("kept", "duplicate", "contaminated")
REASONS = ("exact", "near", "ngram", "signature")
OUTCOME_SCHEMA: dict[str, pl.DataType] = {
    "record_id": pl.String(),
    "outcome": pl.String(),
    "reason": pl.String(),
    "cluster_id": pl.String(),
    "kept_record_id": pl.String(),
    "similarity": pl.Float64(),
    "match": pl.String(),
    "match_text": pl.String(),
}


@dataclass
class _Batch:
    """What one batch of fingerprinted records contributes."""

    rows: npt.NDArray[np.int64]
    keys: mh.U64
    sigb: npt.NDArray[np.uint8]
    exact: list[str] | None = None
    hits: npt.NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))
    hit_items: npt.NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))
    lengths: npt.NDArray[np.int64] | None = None  # characters of each fingerprinted text
    sets: mh.ShingleSets | None = None  # shingle hashes, for exact Jaccard without a re-read


@dataclass
class _Eval:
    """Evaluation items: where they are, their n-gram hashes and their signatures."""

    locators: list[str]
    texts: list[str]
    gram_lengths: list[int]
    gram_hashes: dict[int, tuple[mh.U64, npt.NDArray[np.int64]]]  # length -> (sorted, item)
    keys: mh.U64
    sigb: npt.NDArray[np.uint8]
    short: int


def _release_free_memory() -> None:
    """Hand freed heap memory back to the OS (glibc's ``malloc_trim``; elsewhere a no-op).

    The fingerprinting and confirmation threads free many batch-sized arrays that glibc keeps
    in per-thread arenas; trimming after those steps lowers the peak of the steps that follow
    (by ~130 MB at a million records).
    """
    global _malloc_trim
    if _malloc_trim is None:
        try:
            import ctypes

            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Any = None


def _text_bytes(path: Path) -> int:
    """Uncompressed size of the records' ``text`` column, from the Parquet footer alone."""
    import pyarrow.parquet as pq

    md = pq.read_metadata(path)
    return sum(
        rg.column(c).total_uncompressed_size
        for rg in (md.row_group(i) for i in range(md.num_row_groups))
        for c in range(rg.num_columns)
        if rg.column(c).path_in_schema == "text"
    )


def _collect(lf: pl.LazyFrame) -> pl.DataFrame:
    """Collect in streamed chunks, so only the selected (small) columns are ever held whole."""
    parts = list(lf.collect_batches(chunk_size=1 << 16))
    return pl.concat(parts) if parts else lf.collect()


def _read_keep_columns(lf: pl.LazyFrame, keep_cols: list[pl.Expr]) -> pl.DataFrame | None:
    """The keep policy's per-record columns (completeness, timestamp), or None if it needs none."""
    return _collect(lf.select(keep_cols)) if keep_cols else None


_HEX_KEY_COLUMNS = ["_k0", "_k1", "_hex"]


def _hex_key(col: pl.Expr) -> list[pl.Expr]:
    """The first 128 bits of a hex content hash as two uint64 columns, and whether it is hex.

    Exact groups are then found by sorting integers (``_first_of_keys``) instead of hashing a
    million 64-character strings, and the strings need not stay in memory.
    """
    col = col.cast(pl.String)
    half = [
        col.str.slice(16 * i, 16).str.to_integer(base=16, dtype=pl.UInt64, strict=False)
        for i in (0, 1)
    ]
    return [
        half[0].fill_null(0).alias("_k0"),
        half[1].fill_null(0).alias("_k1"),
        (col.str.contains("^[0-9a-f]{32}") | col.is_null()).alias("_hex"),
    ]


def _first_rows(keys: pl.DataFrame, strings: Callable[[], pl.Series]) -> npt.NDArray[np.int64]:
    """Row number of the first record with the same exact key, for every record.

    ``keys`` holds ``_hex_key``'s columns; when some key is not hex, the ``strings`` are
    grouped instead.
    """
    if keys["_hex"].all():
        return _first_of_keys(keys["_k0"].to_numpy(), keys["_k1"].to_numpy())
    return _group_first(strings().to_frame("exact"))


def _first_of_keys(k0: npt.NDArray[np.uint64], k1: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    """Row number of the first row with the same (k0, k1), for every row.

    One fast unstable sort on k0 finds the rows whose k0 repeats (exact copies, usually few);
    only those are sorted again by (k0, k1, row).
    """
    n = k0.size
    rep = np.arange(n, dtype=np.int64)
    if n < 2:
        return rep
    order = np.argsort(k0)
    s = k0[order]
    repeat = s[1:] == s[:-1]
    if not repeat.any():
        return rep
    shared = np.zeros(n, bool)
    shared[1:] |= repeat
    shared[:-1] |= repeat
    rows = np.sort(order[shared])
    rows = rows[np.lexsort((k1[rows], k0[rows]))]  # stable: rows ascend within a key
    a, b = k0[rows], k1[rows]
    new = np.ones(rows.size, bool)
    new[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    rep[rows] = rows[new][np.cumsum(new) - 1]
    return rep


def _group_first(meta: pl.DataFrame) -> npt.NDArray[np.int64]:
    """Row number of the first record with the same exact key, for every record."""
    return (
        meta.with_row_index("i")
        .select(pl.col("i").min().over("exact"))["i"]
        .to_numpy()
        .astype(np.int64)
    )


def _check_options(
    threshold: float,
    num_perm: int,
    ngram: int,
    char_ngrams: int | None,
    keep: str,
    contamination_ngram: int,
) -> None:
    if not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise UsageError(f"--threshold must be in (0, 1], got {threshold}")
    if not isinstance(num_perm, int) or not 8 <= num_perm <= 4096:
        raise UsageError(
            f"--num-perm must be an integer from 8 to 4096 so it can be divided into LSH bands, got {num_perm}"
        )
    if ngram < 1:
        raise UsageError(f"--ngram must be at least 1, got {ngram}")
    if char_ngrams is not None and char_ngrams < 1:
        raise UsageError(f"--char-ngrams must be at least 1, got {char_ngrams}")
    if keep not in KEEP_POLICIES:
        raise UsageError(f"--keep must be one of {', '.join(KEEP_POLICIES)}, got '{keep}'")
    if contamination_ngram < 1:
        raise UsageError(f"--contamination-ngram must be at least 1, got {contamination_ngram}")


def _text_expr(fields: list[str] | None, schema: pl.Schema, path: Path) -> pl.Expr:
    """The fingerprinted text: the whole record (``text``) or the chosen fields joined."""
    if not fields:
        if "text" not in schema:
            raise WorkspaceError(f"{path}: column 'text' is missing", hint="re-run `curate ingest`")
        return pl.col("text").fill_null("")
    parts = []
    for f in fields:
        if f not in schema:
            names = ", ".join(
                c for c in schema.names() if c not in BASE_COLUMNS - {"text", "turns"}
            )
            raise UsageError(f"--fields: column '{f}' is not in {path.name}; columns are: {names}")
        dt = schema[f]
        if f == "turns" or (isinstance(dt, pl.List) and isinstance(dt.inner, pl.Struct)):
            e = (
                pl.col(f)
                .list.eval(
                    pl.concat_str(
                        pl.element().struct.field("role"),
                        pl.lit(": "),
                        pl.element().struct.field("content"),
                    )
                )
                .list.join("\n")
            )
        elif isinstance(dt, pl.List):
            e = pl.col(f).cast(pl.List(pl.String)).list.join(" ")
        else:
            e = pl.col(f).cast(pl.String)
        parts.append(e.fill_null(""))
    return pl.concat_str(parts, separator="\n\n")


def _keep_columns(keep: str, schema: pl.Schema) -> list[pl.Expr]:
    """Per-record columns the keep policy sorts on besides length (which fingerprinting measures)."""
    if keep in ("first", "longest"):
        return []
    fields = [c for c in schema.names() if c not in BASE_COLUMNS and c != "created_at"]
    filled = [
        (pl.col(c).list.len() > 0)
        if isinstance(schema[c], pl.List)
        else (pl.col(c).cast(pl.String).str.len_bytes() > 0)
        if schema[c] == pl.String
        else pl.col(c).is_not_null()
        for c in fields
    ]
    complete = (
        pl.sum_horizontal([f.fill_null(False).cast(pl.Int64) for f in filled])
        if filled
        else pl.repeat(0, pl.len(), dtype=pl.Int64)
    )
    if keep == "most-complete":
        return [complete.alias("complete")]
    return [pl.col(_timestamp_column(schema)).alias("ts"), complete.alias("complete")]


def _rank(keep: str, meta: pl.DataFrame, length: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Position of every record in keep-policy order (0 = the one to keep)."""
    n = meta.height
    if keep == "first":
        return np.arange(n, dtype=np.int64)
    by = {
        "longest": ["len", "record_id"],
        "most-complete": ["complete", "len", "record_id"],
        "newest": ["ts", "complete", "len", "record_id"],
    }[keep]
    order = meta.with_columns(len=length, row=pl.int_range(pl.len(), dtype=pl.Int64)).sort(
        by, descending=[c != "record_id" for c in by], nulls_last=True, maintain_order=True
    )["row"]
    rank = np.empty(n, np.int64)
    rank[order.to_numpy()] = np.arange(n)
    return rank


def _timestamp_column(schema: pl.Schema) -> str:
    if isinstance(schema.get("created_at"), pl.Datetime):
        return "created_at"
    raise UsageError(
        "--keep newest needs a 'created_at' datetime column in the records, and they have none",
        hint="use --keep most-complete, longest or first, or map a created_at field in the schema",
    )


# -- evaluation sets -----------------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def read_eval_items(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """(``file:line``, text) for every item of a JSONL/JSON/CSV/TSV/Parquet evaluation set.

    An item's text is all its string values joined, so question, choices and answer all count.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"--against: {p} does not exist or is not a file")
    name = p.name.lower()
    items: list[tuple[str, str]] = []
    try:
        if name.endswith((".jsonl", ".ndjson")):
            with p.open(encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if line.strip():
                        try:
                            obj = json.loads(line)
                        except json.JSONDecodeError as exc:
                            raise InputError(f"{p}:{n}: not valid JSON ({exc.msg})") from exc
                        items.append((f"{p}:{n}", "\n".join(_strings(obj))))
        elif name.endswith(".json"):
            try:
                data = json.loads(p.read_text("utf-8"))
            except json.JSONDecodeError as exc:
                raise InputError(f"{p}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
            rows = data if isinstance(data, list) else [data]
            items = [(f"{p}:{i}", "\n".join(_strings(o))) for i, o in enumerate(rows, 1)]
        elif name.endswith((".csv", ".tsv")):
            with p.open(encoding="utf-8", newline="") as f:
                reader = csv.reader(f, delimiter="\t" if name.endswith(".tsv") else ",")
                header_end = 0
                for n, row in enumerate(reader):
                    start = header_end + 1
                    header_end = reader.line_num
                    if n and any(c.strip() for c in row):
                        items.append((f"{p}:{start}", "\n".join(c for c in row if c)))
        elif name.endswith(".parquet"):
            df = pl.read_parquet(p)
            cols = [c for c, t in df.schema.items() if t == pl.String]
            if not cols:
                raise InputError(f"--against: {p} has no text columns")
            texts = df.select(
                pl.concat_str([pl.col(c) for c in cols], separator="\n", ignore_nulls=True)
            )
            items = [(f"{p}:{i}", t or "") for i, t in enumerate(texts.to_series(), 1)]
        else:
            raise UsageError(f"--against: {p} is not JSONL, JSON, CSV, TSV or Parquet")
    except UnicodeDecodeError as exc:
        raise InputError(f"--against: {p} is not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"--against: cannot read {p}: {exc}") from exc
    return items


def _load_eval(
    paths: Sequence[str | os.PathLike[str]],
    sh: mh.Shingler,
    n: int,
    num_perm: int,
    seed: int,
    bands: int,
    rows: int,
) -> _Eval | None:
    items = [it for p in paths for it in read_eval_items(p)]
    if not items:
        return None
    locs, texts = [i[0] for i in items], [i[1] for i in items]
    enc = mh.encode(texts)
    doc, h = sh.shingles(enc)
    sig = mh.signatures(doc, h, enc.n, num_perm, seed)
    lengths = sorted({n, *range(min(MIN_EVAL_WORDS, n), n)})
    grams: dict[int, tuple[mh.U64, npt.NDArray[np.int64]]] = {}
    _, _, counts = mh._tokens(enc)
    for length in lengths:
        d, g = sh.word_ngrams(enc, n, min_words=length, raw_fallback=False)
        sel = np.minimum(counts[d], n) == length
        if sel.any():
            gs, ds = g[sel], d[sel]
            by_item = np.argsort(ds, kind="stable")
            order = by_item[np.argsort(gs[by_item], kind="stable")]  # by gram, then lowest item
            grams[length] = (gs[order], ds[order])
    return _Eval(
        locs,
        texts,
        sorted(grams),
        grams,
        mh.band_keys(sig, bands, rows),
        sig.astype(np.uint8),
        int((counts < min(MIN_EVAL_WORDS, n)).sum()),
    )


def _ngram_hits(
    ev: _Eval, sh: mh.Shingler, enc: mh.Encoded
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(doc, item) for docs sharing an n-gram with an evaluation item (lowest item per doc)."""
    docs, its = [], []
    for length in ev.gram_lengths:
        table, item = ev.gram_hashes[length]
        d, g = sh.word_ngrams(enc, length, min_words=length, raw_fallback=False)
        pos = np.minimum(np.searchsorted(table, g), table.size - 1)
        ok = table[pos] == g
        docs.append(d[ok])
        its.append(item[pos[ok]])
    d, i = np.concatenate(docs), np.concatenate(its)
    if not d.size:
        return d, i
    order = np.argsort(d * (int(i.max()) + 1) + i, kind="stable")
    d, i = d[order], i[order]
    first = np.ones(d.size, bool)
    first[1:] = d[1:] != d[:-1]
    return d[first], i[first]


# -- persisted index -----------------------------------------------------------------------


def _index_params(
    num_perm: int,
    ngram: int,
    char_ngrams: int | None,
    fields: list[str] | None,
    seed: int,
    bands: int,
    rows: int,
) -> dict[str, Any]:
    return {
        "format": INDEX_FORMAT,
        "num_perm": num_perm,
        "ngram": ngram,
        "char_ngrams": char_ngrams,
        "fields": fields,
        "seed": seed,
        "bands": bands,
        "rows": rows,
    }


def _load_index(
    d: Path, params: dict[str, Any]
) -> tuple[pl.DataFrame, mh.U64, npt.NDArray[np.uint8]]:
    meta_path = d / "index.json"
    empty = pl.DataFrame(schema={"record_id": pl.String, "exact": pl.String, "source": pl.String})
    if not meta_path.exists():
        if d.exists() and any(d.iterdir()):
            raise UsageError(f"--index: {d} is not empty and holds no curate dedupe index")
        return (
            empty,
            np.empty((0, params["bands"]), np.uint64),
            np.empty((0, params["num_perm"]), np.uint8),
        )
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"--index: {meta_path} is corrupt ({exc.msg})") from exc
    for k, v in params.items():
        if meta.get("params", {}).get(k) != v:
            raise UsageError(
                f"--index: {d} was built with {k}={meta.get('params', {}).get(k)!r}, this run uses {k}={v!r}",
                hint="use the same dedupe settings as the index, or a new --index directory",
            )
    frames, keys, sigs = [], [], []
    for seg in meta.get("segments", []):
        frames.append(pl.read_parquet(d / f"{seg}.parquet"))
        keys.append(np.load(d / f"{seg}.keys.npy"))
        sigs.append(np.load(d / f"{seg}.sig.npy"))
    if not frames:
        return (
            empty,
            np.empty((0, params["bands"]), np.uint64),
            np.empty((0, params["num_perm"]), np.uint8),
        )
    return pl.concat(frames), np.concatenate(keys), np.concatenate(sigs)


def _save_index(
    d: Path,
    params: dict[str, Any],
    ws: Workspace,
    new: pl.DataFrame,
    keys: mh.U64,
    sigb: npt.NDArray[np.uint8],
) -> int:
    d.mkdir(parents=True, exist_ok=True)
    meta_path = d / "index.json"
    meta: dict[str, Any] = (
        json.loads(meta_path.read_text("utf-8"))
        if meta_path.exists()
        else {"params": params, "segments": []}
    )
    if new.height == 0:
        write_json(meta, meta_path)
        return 0
    seg = f"seg-{len(meta['segments']) + 1:05d}"
    for suffix, arr in (("keys", keys), ("sig", sigb)):
        with atomic_path(d / f"{seg}.{suffix}.npy") as tmp, open(tmp, "wb") as f:
            np.save(f, arr)
    with atomic_path(d / f"{seg}.parquet") as tmp:
        new.with_columns(workspace=pl.lit(str(ws.path))).write_parquet(tmp)
    meta["segments"].append(seg)
    write_json(meta, meta_path)
    return new.height


# -- the stage ------------------------------------------------------------------------------


@stage_guard("dedupe")  # lock, and refuse an ingest the log does not vouch for
def dedupe(
    workspace: str | os.PathLike[str] | Workspace,
    *,
    threshold: float = 0.8,
    num_perm: int = 128,
    ngram: int = 5,
    char_ngrams: int | None = None,
    fields: list[str] | None = None,
    keep: str = "most-complete",
    verify: bool = False,
    against: Sequence[str | os.PathLike[str]] = (),
    contamination_ngram: int = 13,
    index_dir: str | os.PathLike[str] | None = None,
    seed: int = 1,
    batch_size: int = 2048,
    threads: int | None = None,
) -> StageResult:
    """Mark every ingested record kept, duplicate or contaminated; write outcomes and clusters."""
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    _check_options(threshold, num_perm, ngram, char_ngrams, keep, contamination_ngram)
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    ws.require("ingest")
    path = ws.table_path("ingest", "records")
    if not path.exists():
        raise WorkspaceError(
            f"workspace {ws.path} has no ingest output ({path.name} missing)",
            hint=f"run `curate ingest PATH... --schema NAME -w {ws.path}` first",
        )
    lf = pl.scan_parquet(path)
    schema = lf.collect_schema()
    for col in ("record_id", "text"):
        if col not in schema:
            raise WorkspaceError(
                f"{path}: column '{col}' is missing", hint="re-run `curate ingest`"
            )
    text_expr = _text_expr(fields, schema, path)
    keep_cols = _keep_columns(keep, schema)
    bands, rows = mh.lsh_params(threshold, num_perm)
    sh = mh.Shingler(ngram=ngram, char_ngrams=char_ngrams)

    # per-record facts: id and exact-group key (the keep policy's columns come later); the
    # content hashes are kept as strings only for the persisted index, which stores them
    use_hash = not fields and "content_hash" in schema
    keep_exact = index_dir is not None
    exact_col = pl.col("content_hash") if use_hash else pl.lit(None, pl.String)
    meta = _collect(
        lf.select(
            "record_id",
            *(_hex_key(exact_col) if use_hash else []),
            *([exact_col.alias("exact")] if keep_exact else []),
        )
    )
    n = meta.height
    if use_hash:
        rep = _first_rows(meta, lambda: _collect(lf.select(exact_col.alias("exact")))["exact"])
        meta = meta.drop(_HEX_KEY_COLUMNS)
        todo = np.flatnonzero(rep == np.arange(n))
    else:
        todo = np.arange(n)
    timings["read"] = time.perf_counter() - t0

    t = time.perf_counter()
    ev = (
        _load_eval(against, sh, contamination_ngram, num_perm, seed, bands, rows)
        if against
        else None
    )
    timings["load_against"] = time.perf_counter() - t
    params = _index_params(num_perm, ngram, char_ngrams, fields, seed, bands, rows)
    index_path = Path(index_dir) if index_dir is not None else None
    known = pl.Series([], dtype=pl.String)
    if index_path is not None:
        idx, idx_keys, idx_sig = _load_index(index_path, params)
        known = idx["record_id"]
        own = idx["record_id"].is_in(meta["record_id"].implode()).to_numpy()
        if own.any():  # re-running a workspace must not match its own earlier entries
            idx, idx_keys, idx_sig = idx.filter(~own), idx_keys[~own], idx_sig[~own]
    else:
        idx, idx_keys, idx_sig = None, None, None

    # fingerprint the first record of every exact group, in batches on a thread pool; row
    # todo[i] has keys[i] and sigb[i] (fp maps a row to i), so exact copies cost no memory
    t = time.perf_counter()
    keys = np.empty((bands, todo.size), np.uint64).T  # band-major: LSH sorts whole columns
    sigb = np.empty((todo.size, num_perm), np.uint8)
    fp = np.full(n, -1, np.int64)
    fp[todo] = np.arange(todo.size)
    exact_parts: list[pl.DataFrame] = []
    length = np.full(n, -1, np.int64)
    hit_doc, hit_item = [], []
    # shingle sets for the exact Jaccard checks, kept if they fit (else the texts are re-read)
    fits = _text_bytes(path) * SET_BYTES_PER_TEXT_BYTE <= KEEP_SETS_BYTES
    kept_sets: list[tuple[npt.NDArray[np.int64], mh.ShingleSets]] | None = [] if fits else None
    kept_bytes = 0
    for b in _fingerprint(
        lf,
        text_expr,
        todo,
        sh,
        ev,
        num_perm,
        seed,
        bands,
        rows,
        batch_size,
        threads,
        need_exact=not use_hash,
    ):
        at = fp[b.rows]
        keys[at] = b.keys
        sigb[at] = b.sigb
        if b.lengths is not None:
            length[b.rows] = b.lengths
        if b.exact is not None:
            exact_parts.append(
                pl.DataFrame({"row": b.rows, "exact": pl.Series(b.exact, dtype=pl.String)})
            )
        hit_doc.append(b.rows[b.hits])
        hit_item.append(b.hit_items)
        if kept_sets is not None and b.sets is not None:
            kept_bytes += b.sets.values.nbytes + b.sets.start.nbytes * 3
            kept_sets.append((b.rows, b.sets))
        if b.sets is None or kept_bytes > KEEP_SETS_BYTES:
            kept_sets = None
    sets = _Sets.from_batches(kept_sets) if kept_sets is not None else None
    del kept_sets
    _release_free_memory()
    timings["fingerprint"] = time.perf_counter() - t
    # the input checksum (for the stage log) and the keep policy's columns are read on the side
    # while the single-threaded LSH and confirmation steps leave a core free
    background = ThreadPoolExecutor(2, thread_name_prefix="dedupe-read")
    checksum = background.submit(sha256_file, path)
    keep_frame = background.submit(_read_keep_columns, lf, keep_cols)
    background.shutdown(wait=False)  # both run to completion; nothing else is submitted
    t = time.perf_counter()
    if not use_hash:
        exact = (
            pl.concat(exact_parts).sort("row")["exact"]
            if exact_parts
            else pl.Series("exact", [], dtype=pl.String)
        )
        rep = _first_rows(exact.to_frame().select(_hex_key(pl.col("exact"))), lambda: exact)
        if keep_exact:
            meta = meta.with_columns(exact=exact)
        del exact, exact_parts
    reps = np.flatnonzero(rep == np.arange(n))
    if fields or (length[reps] < 0).any():  # whole-record length, or a drop-in that did not measure
        length = np.concatenate(
            [
                c.to_series().to_numpy()
                for c in lf.select(pl.col("text").str.len_chars().cast(pl.Int64)).collect_batches(
                    chunk_size=1 << 16
                )
            ]
            or [length[:0]]
        )
    else:
        length = length[rep]  # exact copies have their representative's length
    hits = np.concatenate(hit_doc) if hit_doc else np.empty(0, np.int64)
    items = np.concatenate(hit_item) if hit_item else np.empty(0, np.int64)

    # contamination: n-gram hits, then near-duplicate signatures of evaluation items
    contaminated = np.full(n, -1, np.int64)
    reason_c = np.zeros(n, np.int8)  # 1: shared n-gram, 2: near-duplicate signature
    contaminated[hits] = items
    reason_c[hits] = 1
    if ev is not None:
        sig_pairs = _cross_pairs(keys[fp[reps]], ev.keys)
        if sig_pairs.size:
            est = estimate_low_bits(sigb[fp[reps[sig_pairs[:, 0]]]], ev.sigb[sig_pairs[:, 1]])
            sp = sig_pairs[est >= threshold]
            fresh = contaminated[reps[sp[:, 0]]] < 0
            contaminated[reps[sp[fresh, 0]]] = sp[fresh, 1]
            reason_c[reps[sp[fresh, 0]]] = 2
        # every copy of a contaminated record is contaminated
        contaminated = contaminated[rep]
        reason_c = reason_c[rep]
    timings["contamination"] = time.perf_counter() - t

    # near-duplicates among clean group representatives (+ the persisted index, first)
    t = time.perf_counter()
    clean = reps[contaminated[reps] < 0]
    clean_fp = fp[clean]
    m = 0 if idx is None else idx.height
    own_keys = keys if clean.size == todo.size else keys[clean_fp]  # usually all of them: no copy
    node_keys = own_keys if idx_keys is None else np.concatenate([idx_keys, own_keys])
    node_sig = _NodeSig(sigb, clean_fp, idx_sig)
    pairs = mh.candidate_pairs(node_keys)
    del node_keys, own_keys
    if index_path is None:
        keys = keys[:0]  # only the index needs band keys from here on
    pairs = pairs[pairs[:, 1] >= m]  # two index entries are never merged
    timings["lsh"] = time.perf_counter() - t
    t = time.perf_counter()
    sims = node_sig.estimate(pairs)
    # exact Jaccard for every pair (verify) or only where the estimate is too close to call
    margin = (
        1.0
        if verify
        else BORDERLINE_SIGMAS * float(np.sqrt(threshold * (1 - threshold) / num_perm))
    )
    check = np.flatnonzero((np.abs(sims - threshold) < margin) & (pairs[:, 0] >= m))
    if check.size:
        ra, rb = clean[pairs[check, 0] - m], clean[pairs[check, 1] - m]
        if sets is None:
            sets = _shingle_sets(lf, text_expr, sh, np.concatenate([ra, rb]), batch_size, threads)
        sims[check] = sets.jaccard(ra, rb, threads=threads)
    edges = pairs[sims >= threshold]
    if idx is not None and m:  # exact copies of indexed records
        pos = pl.DataFrame(
            {"exact": meta["exact"].gather(clean), "node": np.arange(m, m + clean.size)}
        ).join(
            idx.select("exact", pl.int_range(pl.len()).alias("inode")).unique(
                "exact", keep="first"
            ),
            on="exact",
            how="inner",
        )
        if pos.height:
            edges = np.concatenate([edges, pos.select("inode", "node").to_numpy().astype(np.int64)])
    label = mh.components(m + clean.size, edges)
    n_pairs = int(pairs.shape[0])
    del pairs, sims
    _release_free_memory()
    timings["confirm"] = time.perf_counter() - t

    t = time.perf_counter()
    keep_cols_frame = keep_frame.result()
    rank = _rank(
        keep,
        meta.select("record_id").hstack(keep_cols_frame) if keep_cols_frame is not None else meta,
        length,
    )
    del keep_cols_frame, length

    outcomes, clusters, index_new = _assemble(
        meta,
        rank,
        rep,
        clean,
        m,
        label,
        node_sig,
        contaminated,
        reason_c,
        ev,
        sigb[fp[rep[contaminated >= 0]]],
        idx,
        verify,
        lf,
        text_expr,
        sh,
        batch_size,
        threads,
        sets,
    )
    del sets
    paths = {
        "outcomes": str(ws.write_table("dedupe", "outcomes", outcomes)),
        "clusters": str(ws.write_table("dedupe", "clusters", clusters)),
    }
    added = 0
    if index_path is not None:
        new_rows = index_new[~meta["record_id"].gather(index_new).is_in(known.implode()).to_numpy()]
        entries = meta.select(pl.col("record_id", "exact").gather(new_rows)).with_columns(
            source=pl.lit(str(path))
        )
        at = fp[rep[new_rows]]
        added = _save_index(index_path, params, ws, entries, keys[at], sigb[at])
    timings["write"] = time.perf_counter() - t
    timings["total"] = time.perf_counter() - t0

    counts = {o: 0 for o in ("kept", "duplicate", "contaminated")}
    counts.update(dict(outcomes.group_by("outcome").len().iter_rows()))
    reasons: dict[str, dict[str, int]] = {}
    for o, r, c in (
        outcomes.filter(pl.col("reason").is_not_null())
        .group_by("outcome", "reason")
        .len()
        .sort("outcome", "reason")
        .iter_rows()
    ):
        reasons.setdefault(o, {})[r] = c
    inputs = {"records": checksum.result()}
    for p in against:
        inputs[str(p)] = sha256_file(p)
    warnings = []
    if ev is not None and ev.short:
        warnings.append(
            f"{ev.short} evaluation items have fewer than {min(MIN_EVAL_WORDS, contamination_ngram)} "
            "words and were checked by signature only"
        )
    result = StageResult(
        stage="dedupe",
        workspace=str(ws.path),
        counts=counts,
        reasons=reasons,
        outputs=paths,
        config={
            "threshold": threshold,
            "num_perm": num_perm,
            "ngram": ngram,
            "char_ngrams": char_ngrams,
            "fields": fields,
            "keep": keep,
            "verify": verify,
            "against": [str(p) for p in against],
            "contamination_ngram": contamination_ngram,
            "index": str(index_path) if index_path else None,
            "seed": seed,
            "bands": bands,
            "rows": rows,
        },
        inputs=inputs,
        timings={k: round(v, 4) for k, v in timings.items()},
        warnings=warnings,
        extra={
            "clusters": int(clusters["cluster_id"].n_unique()) if clusters.height else 0,
            "records_in_clusters": clusters.height,
            "candidate_pairs": n_pairs,
            "exact_checked_pairs": int(check.size),
            "confirmed_pairs": int(edges.shape[0]),
            "fingerprinted": int(todo.size),
            "index_matched": int(outcomes["kept_record_id"].is_in(idx["record_id"].implode()).sum())
            if idx is not None and idx.height
            else 0,
            "index_added": added,
            "evaluation_items": len(ev.locators) if ev else 0,
        },
    )
    ws.log_stage(result)
    return result


def _fingerprint(
    lf: pl.LazyFrame,
    text_expr: pl.Expr,
    todo: npt.NDArray[np.int64],
    sh: mh.Shingler,
    ev: _Eval | None,
    num_perm: int,
    seed: int,
    bands: int,
    rows: int,
    batch_size: int,
    threads: int | None,
    *,
    need_exact: bool,
) -> Iterable[_Batch]:
    """Signatures and band keys (and n-gram hits on evaluation items) for the ``todo`` rows."""

    def work(texts: pl.Series, rows_: npt.NDArray[np.int64]) -> _Batch:
        enc = mh.encode(texts)
        sig, sets = sh.signatures_and_sets(enc, num_perm, seed)
        b = _Batch(rows_, mh.band_keys(sig, bands, rows), sig.astype(np.uint8), sets=sets)
        b.lengths = texts.str.len_chars().to_numpy().astype(np.int64)
        if need_exact:
            b.exact = [hashlib.sha256(x.encode("utf-8")).hexdigest() for x in texts.to_list()]
        if ev is not None:
            b.hits, b.hit_items = _ngram_hits(ev, sh, enc)
        return b

    yield from _in_order(
        lambda item: work(*item), _read_rows(lf, text_expr, todo, batch_size), threads
    )


_T = TypeVar("_T")
_R = TypeVar("_R")


def _in_order(fn: Callable[[_T], _R], items: Iterable[_T], threads: int | None) -> Iterator[_R]:
    """``map(fn, items)`` on a thread pool (numpy and Polars release the GIL), results in order.

    At most ``workers + 1`` items are in flight, so memory stays bounded by a few batches.
    """
    workers = threads or min(2, os.cpu_count() or 1)
    if workers <= 1:
        yield from map(fn, items)
        return
    pending: deque[Future[_R]] = deque()
    with ThreadPoolExecutor(workers) as pool:
        for item in items:
            pending.append(pool.submit(fn, item))
            while len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _read_rows(
    lf: pl.LazyFrame, text_expr: pl.Expr, rows: npt.NDArray[np.int64], batch_size: int
) -> Iterator[tuple[pl.Series, npt.NDArray[np.int64]]]:
    """(texts, row numbers) for the wanted rows (sorted), in batches of at most batch_size.

    The file is read one row group at a time, on demand (a slice of the scan), and groups
    without a wanted row are skipped. Not ``collect_batches``: its engine decodes ahead of a
    slower consumer without bound (hundreds of MB of text at a million records).
    """
    if not rows.size:
        return
    buf_t: list[pl.Series] = []
    buf_r: list[npt.NDArray[np.int64]] = []
    have = 0
    chunk_size = max(batch_size, ROW_GROUP_SIZE)  # decoding whole row groups is cheapest
    for off in range(int(rows[0]) // chunk_size * chunk_size, int(rows[-1]) + 1, chunk_size):
        lo, hi = np.searchsorted(rows, [off, off + chunk_size])
        if hi == lo:
            continue
        texts = lf.slice(off, chunk_size).select(text_expr.alias("t")).collect()["t"]
        if hi - lo < texts.len():
            texts = texts.gather(rows[lo:hi] - off)
        buf_t.append(texts)
        buf_r.append(rows[lo:hi])
        have += hi - lo
        while have >= batch_size:
            texts = buf_t[0] if len(buf_t) == 1 else pl.concat(buf_t, rechunk=False)
            got = buf_r[0] if len(buf_r) == 1 else np.concatenate(buf_r)
            yield texts.slice(0, batch_size), got[:batch_size]
            buf_t, buf_r = [texts.slice(batch_size)], [got[batch_size:]]
            have -= batch_size
    if have:
        yield pl.concat(buf_t, rechunk=False), np.concatenate(buf_r)


def _cross_pairs(keys_a: mh.U64, keys_b: mh.U64) -> npt.NDArray[np.int64]:
    """Unique (i, j) with row i of ``keys_a`` and row j of ``keys_b`` sharing a band key."""
    found = []
    for band in range(keys_b.shape[1]):
        order = np.argsort(keys_b[:, band], kind="stable")
        sk = keys_b[order, band]
        pos = np.minimum(np.searchsorted(sk, keys_a[:, band]), sk.size - 1)
        hit = np.flatnonzero(sk[pos] == keys_a[:, band])
        found.append(np.stack([hit, order[pos[hit]]], 1))
    pairs = np.concatenate(found).astype(np.int64) if found else np.empty((0, 2), np.int64)
    return np.unique(pairs, axis=0) if pairs.size else pairs


@dataclass
class _NodeSig:
    """Signatures of the LSH nodes: index entries first, then clean rows, without copying."""

    sigb: npt.NDArray[np.uint8]
    clean: npt.NDArray[np.int64]
    idx_sig: npt.NDArray[np.uint8] | None

    def rows(self, nodes: npt.NDArray[np.int64]) -> npt.NDArray[np.uint8]:
        m = 0 if self.idx_sig is None else self.idx_sig.shape[0]
        out = self.sigb[self.clean[np.maximum(nodes - m, 0)]]
        if m and (nodes < m).any():
            assert self.idx_sig is not None
            out[nodes < m] = self.idx_sig[nodes[nodes < m]]
        return out

    def estimate(self, pairs: npt.NDArray[np.int64], chunk: int = 65536) -> npt.NDArray[np.float64]:
        out = np.empty(pairs.shape[0], np.float64)
        for i in range(0, pairs.shape[0], chunk):
            p = pairs[i : i + chunk]
            out[i : i + chunk] = estimate_low_bits(self.rows(p[:, 0]), self.rows(p[:, 1]))
        return out


def estimate_low_bits(
    a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8]
) -> npt.NDArray[np.float64]:
    """Jaccard estimate from the low 8 bits of two signatures (b-bit minwise hashing).

    Keeping 8 of 32 bits quarters the memory per record; unequal values then agree by chance
    with probability 1/256, which this corrects for.
    """
    p = (a == b).mean(axis=1)
    return np.clip((p - 1 / 256) / (1 - 1 / 256), 0.0, 1.0)


@dataclass
class _Sets:
    """Shingle hashes (top 32 bits) of some rows, kept as the per-batch arrays they came in.

    Row ``rows[k]``'s values are ``parts[part[k]][start[k] : start[k] + length[k]]``. Nothing
    is concatenated, so holding them never takes twice their size. A row's values may repeat
    (they are not deduplicated per row): ``jaccard`` counts distinct values.
    """

    rows: npt.NDArray[np.int64]
    part: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    length: npt.NDArray[np.int64]
    parts: list[npt.NDArray[np.uint32]]

    @classmethod
    def from_batches(cls, batches: Sequence[tuple[npt.NDArray[np.int64], mh.ShingleSets]]) -> _Sets:
        """One table from per-batch (rows, sets)."""
        if not batches:
            empty = np.empty(0, np.int64)
            return cls(empty, empty, empty, empty, [])
        rows = np.concatenate([r for r, _ in batches])
        part = np.repeat(np.arange(len(batches)), [r.size for r, _ in batches])
        start = np.concatenate([s.start for _, s in batches])
        length = np.concatenate([s.length for _, s in batches])
        order = np.argsort(rows, kind="stable")
        return cls(
            rows[order], part[order], start[order], length[order], [s.values for _, s in batches]
        )

    def jaccard(
        self,
        a: npt.NDArray[np.int64],
        b: npt.NDArray[np.int64],
        chunk: int = 1 << 12,
        threads: int | None = None,
    ) -> npt.NDArray[np.float64]:
        """Exact Jaccard of rows a[i] and b[i], vectorized over chunks of pairs (on threads)."""
        ka, kb = np.searchsorted(self.rows, a), np.searchsorted(self.rows, b)
        starts = range(0, a.size, chunk)
        parts = _in_order(
            lambda s: self._jaccard(ka[s : s + chunk], kb[s : s + chunk]), starts, threads
        )
        return np.concatenate([np.empty(0, np.float64), *parts])

    def _jaccard(
        self, ka: npt.NDArray[np.int64], kb: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float64]:
        """Jaccard of table rows ka[i] and kb[i].

        Every value becomes the key (pair, value, side); after one sort, distinct keys count
        |A| + |B|, and adjacent keys differing only in the side bit count |A & B|. The order
        in which values are gathered does not matter, so they are gathered batch by batch.
        """
        segs = np.concatenate([ka, kb])
        npair = ka.size
        tag = np.arange(npair, dtype=np.uint64) << np.uint64(33)
        tag = np.concatenate([tag, tag | np.uint64(1)])
        by_part = np.argsort(self.part[segs], kind="stable")
        segs, tag = segs[by_part], tag[by_part]
        seg_part = self.part[segs]
        bounds = np.flatnonzero(np.diff(seg_part)) + 1
        keys = []
        for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, segs.size], strict=True):
            start, length = self.start[segs[lo:hi]], self.length[segs[lo:hi]]
            total = int(length.sum())
            idx = np.repeat(start - (np.cumsum(length) - length), length) + np.arange(total)
            k = self.parts[seg_part[lo]][idx].astype(np.uint64)
            k <<= np.uint64(1)
            k |= np.repeat(tag[lo:hi], length)
            keys.append(k)
        key = np.concatenate(keys) if keys else np.empty(0, np.uint64)
        key.sort()
        pair = (key >> np.uint64(33)).astype(np.int64)
        distinct = np.ones(key.size, bool)
        np.not_equal(key[1:], key[:-1], out=distinct[1:])
        sizes = np.bincount(pair[distinct], minlength=npair)  # |A| + |B|
        # a value on both sides sorts as (pair, value, 0) right before (pair, value, 1)
        both = np.flatnonzero((key[1:] ^ key[:-1]) == np.uint64(1))
        inter = np.bincount(pair[both], minlength=npair)
        union = sizes - inter
        return np.where(union > 0, inter / np.maximum(union, 1), 1.0)


def _shingle_sets(
    lf: pl.LazyFrame,
    text_expr: pl.Expr,
    sh: mh.Shingler,
    rows: npt.NDArray[np.int64],
    batch_size: int,
    threads: int | None = None,
) -> _Sets:
    """Shingle sets of the wanted rows (for exact Jaccard), from a second read of their text."""
    want = np.unique(rows)

    def work(item: tuple[pl.Series, npt.NDArray[np.int64]]) -> tuple[Any, mh.ShingleSets]:
        texts, got = item
        doc, h = sh.shingles(mh.encode(texts))
        return got, mh.ShingleSets.group(doc, h, texts.len())

    return _Sets.from_batches(
        list(_in_order(work, _read_rows(lf, text_expr, want, batch_size), threads))
    )


def pair_jaccard(
    sets: dict[int, mh.U64], a: Sequence[int], b: Sequence[int]
) -> npt.NDArray[np.float64]:
    """Exact Jaccard of the shingle sets of each (a[i], b[i]) pair (dict form, for callers/tests)."""
    rows = np.array(sorted(sets), np.int64)
    vals = [sets[int(r)] for r in rows]
    doc = np.repeat(np.arange(rows.size), [v.size for v in vals])
    h = np.concatenate(vals) if vals else np.empty(0, np.uint64)
    table = _Sets.from_batches([(rows, mh.ShingleSets.group(doc, h, rows.size))])
    return table.jaccard(np.asarray(a, np.int64), np.asarray(b, np.int64))


def _take(values: pl.Series, at: npt.NDArray[np.int64]) -> pl.Series:
    """``values[at]``, null where ``at`` is negative (a Polars gather: no Python objects)."""
    i = pl.Series("i", at, dtype=pl.Int64)
    return values.gather(i.to_frame().select(pl.when(pl.col("i") >= 0).then(pl.col("i")))["i"])


def _assemble(
    meta: pl.DataFrame,
    rank: npt.NDArray[np.int64],
    rep: npt.NDArray[np.int64],
    clean: npt.NDArray[np.int64],
    m: int,
    label: npt.NDArray[np.int64],
    node_sig: _NodeSig,
    contaminated: npt.NDArray[np.int64],
    reason_c: npt.NDArray[np.int8],
    ev: _Eval | None,
    bad_sigb: npt.NDArray[np.uint8],
    idx: pl.DataFrame | None,
    verify: bool,
    lf: pl.LazyFrame,
    text_expr: pl.Expr,
    sh: mh.Shingler,
    batch_size: int,
    threads: int | None,
    sets: _Sets | None,
) -> tuple[pl.DataFrame, pl.DataFrame, npt.NDArray[np.int64]]:
    """Outcomes and cluster tables from components; also the rows to add to the index.

    ``bad_sigb`` holds the signatures of the contaminated rows, in row order; ``sets`` the
    shingle sets of the rows checked so far (read again if a row is missing). Per-row values
    are numpy codes and positions until the end, where Polars gathers the strings, so a
    million records never become a million Python objects.
    """
    n = meta.height
    node_of_rep = np.full(n, -1, np.int64)
    node_of_rep[clean] = np.arange(m, m + clean.size)
    node = node_of_rep[rep]
    is_clean = contaminated < 0
    comp = np.where(is_clean, label[np.maximum(node, 0)], -1)
    frame = pl.DataFrame({"row": np.arange(n), "comp": comp, "rank": rank})
    stats = (
        frame.filter(pl.col("comp") >= 0)
        .group_by("comp")
        .agg(pl.len().alias("size"), pl.col("row").sort_by("rank").first().alias("best"))
    )
    del frame
    stats = stats.filter((pl.col("size") >= 2) | (pl.col("comp") < m))
    comp_size = np.zeros(m + clean.size, np.int64)
    comp_best = np.full(m + clean.size, -1, np.int64)
    comp_size[stats["comp"].to_numpy()] = stats["size"].to_numpy()
    comp_best[stats["comp"].to_numpy()] = stats["best"].to_numpy()
    in_cluster = np.flatnonzero(is_clean & (comp_size[np.maximum(comp, 0)] > 0) & (comp >= 0))
    c = comp[in_cluster]
    from_index = c < m
    kept_row = np.where(from_index, -1, comp_best[c])
    ids = meta["record_id"]
    # the kept record is a row here, or an earlier run's entry in the index (position n + c)
    kept_at = np.where(from_index, n + c, kept_row)
    if idx is not None and m:
        kept_id = pl.concat([ids, idx["record_id"]], rechunk=False).gather(kept_at)
    else:
        kept_id = ids.gather(kept_at)
    is_kept = kept_row == in_cluster
    # an exact copy of the kept record: the same exact group here, the same hash in the index
    same = np.zeros(in_cluster.size, bool)
    here = np.flatnonzero(~from_index)
    same[here] = rep[in_cluster[here]] == rep[kept_row[here]]
    if idx is not None and from_index.any():  # with an index, meta keeps the content hashes
        there = np.flatnonzero(from_index)
        same[there] = (
            meta["exact"]
            .gather(in_cluster[there])
            .eq_missing(idx["exact"].cast(pl.String).gather(c[there]))
            .to_numpy()
        )
    kept_node = np.where(from_index, c, node[np.maximum(kept_row, 0)])
    sim = np.ones(in_cluster.size, np.float64)
    near = np.flatnonzero(~same & ~is_kept)
    if near.size:
        sim[near] = node_sig.estimate(np.stack([node[in_cluster[near]], kept_node[near]], 1))
        if verify:
            ws_pairs = near[~from_index[near]]
            if ws_pairs.size:
                a, b = rep[in_cluster[ws_pairs]], rep[kept_row[ws_pairs]]
                if sets is None or not np.isin(np.concatenate([a, b]), sets.rows).all():
                    sets = _shingle_sets(
                        lf, text_expr, sh, np.concatenate([a, b]), batch_size, threads
                    )
                sim[ws_pairs] = sets.jaccard(a, b, threads=threads)
    cluster_id = "c" + kept_id

    outcome = np.zeros(n, np.int8)  # index into OUTCOMES
    reason = np.full(n, -1, np.int8)  # index into REASONS
    cluster_at = np.full(n, -1, np.int64)
    kept_id_at = np.full(n, -1, np.int64)
    similarity = np.full(n, np.nan)
    match_at = np.full(n, -1, np.int64)
    cluster_at[in_cluster] = np.arange(in_cluster.size)
    dup = np.flatnonzero(~is_kept)
    outcome[in_cluster[dup]] = 1
    reason[in_cluster[dup]] = np.where(same[dup], 0, 1)
    kept_id_at[in_cluster[dup]] = dup
    similarity[in_cluster[dup]] = sim[dup]
    bad = np.flatnonzero(~is_clean)
    if bad.size and ev is not None:
        item = contaminated[bad]
        outcome[bad] = 2
        reason[bad] = reason_c[bad] + 1  # ngram, signature follow exact, near in REASONS
        similarity[bad] = estimate_low_bits(bad_sigb, ev.sigb[item])
        match_at[bad] = item
    if ev is not None:
        match = _take(pl.Series(ev.locators, dtype=pl.String), match_at)
        match_text = _take(pl.Series(ev.texts, dtype=pl.String).str.slice(0, 300), match_at)
    else:
        match = match_text = pl.repeat(None, n, dtype=pl.String, eager=True)
    outcomes = pl.DataFrame(
        {
            "record_id": ids,
            "outcome": _take(pl.Series(OUTCOMES), outcome.astype(np.int64)),
            "reason": _take(pl.Series(REASONS), reason.astype(np.int64)),
            "cluster_id": _take(cluster_id, cluster_at),
            "kept_record_id": _take(kept_id, kept_id_at),
            "similarity": pl.Series(similarity).fill_nan(None),
            "match": match,
            "match_text": match_text,
        },
        schema=OUTCOME_SCHEMA,
    )
    sizes = np.bincount(np.unique(c, return_inverse=True)[1]) if c.size else np.empty(0, np.int64)
    clusters = pl.DataFrame(
        {
            "cluster_id": cluster_id,
            "record_id": ids.gather(in_cluster),
            "is_kept": is_kept,
            "similarity": sim,
            "size": (sizes[np.unique(c, return_inverse=True)[1]] if c.size else sizes).astype(
                np.int64
            ),
        },
        schema={
            "cluster_id": pl.String,
            "record_id": pl.String,
            "is_kept": pl.Boolean,
            "similarity": pl.Float64,
            "size": pl.Int64,
        },
    ).sort(
        ["size", "cluster_id", "is_kept", "similarity", "record_id"],
        descending=[True, False, True, True, False],
    )
    index_rows = np.flatnonzero(outcome == 0)
    return outcomes, clusters, index_rows


def largest_clusters(
    workspace: str | os.PathLike[str] | Workspace, n: int, members: int = 5
) -> list[dict[str, Any]]:
    """The ``n`` largest clusters of the last dedupe run: kept record and members, with texts."""
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    ws.require("dedupe")
    cl = ws.read_table("dedupe", "clusters")
    ded = ws.read_table("dedupe", "outcomes").select("record_id", "reason", "kept_record_id")
    top = (
        cl.group_by("cluster_id")
        .agg(pl.col("size").first())
        .sort(["size", "cluster_id"], descending=[True, False])
        .head(n)
    )
    rows = cl.join(top.select("cluster_id"), on="cluster_id").join(ded, on="record_id", how="left")
    ids = pl.concat([rows["record_id"], rows["kept_record_id"].drop_nulls()]).unique().implode()
    rec = (
        ws.read_table("ingest", "records", lazy=True)
        .select("record_id", "source", "text")
        .filter(pl.col("record_id").is_in(ids))
        .collect()
    )
    text = dict(zip(rec["record_id"], rec["text"], strict=True))
    source = dict(zip(rec["record_id"], rec["source"], strict=True))
    out = []
    for cid, size in top.iter_rows():
        g = rows.filter(pl.col("cluster_id") == cid).sort(
            ["is_kept", "similarity", "record_id"], descending=[True, True, False]
        )
        kept = g.filter(pl.col("is_kept"))
        kid = kept["record_id"][0] if kept.height else g["kept_record_id"][0]
        others = g.filter(~pl.col("is_kept")).head(members)
        out.append(
            {
                "cluster_id": cid,
                "size": int(size),
                "kept": {
                    "record_id": kid,
                    "source": source.get(kid, "persisted index"),
                    "text": text.get(kid, ""),
                },
                "members": [
                    {
                        "record_id": r["record_id"],
                        "source": source.get(r["record_id"]),
                        "reason": r["reason"],
                        "similarity": r["similarity"],
                        "text": text.get(r["record_id"], ""),
                    }
                    for r in others.iter_rows(named=True)
                ],
            }
        )
    return out
