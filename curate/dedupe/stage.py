"""The dedupe stage run in named steps: read the records, fingerprint them (on the engine),
group exact copies, mark contamination, find near-duplicates (LSH buckets and components on the
engine), then write the outcome and cluster tables (and the index).

Reads ``ingest/records.parquet`` in batches (memory stays bounded by the batch and a compact
per-record signature), and writes ``dedupe/outcomes.parquet`` (one row per record: kept,
duplicate or contaminated) and ``dedupe/clusters.parquet`` (members of every cluster with their
similarity to the kept record), as docs/workspace.md describes.

Order of work: records with the same content hash are one exact group, fingerprinted once;
groups are checked against the evaluation sets (``against``: a shared long word n-gram, or a
near-duplicate signature); the rest are bucketed by LSH bands, candidate pairs are confirmed by
their MinHash estimate (or exact Jaccard with ``verify``), and connected components become
clusters whose kept record follows the ``keep`` policy. With ``index`` the kept records'
signatures persist, so a later dataset is deduplicated against earlier ones.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.dedupe import minhash as mh
from curate.dedupe.clusters import assemble, keep_columns, keep_rank
from curate.dedupe.decontaminate import MIN_EVAL_WORDS, EvalSet, load_eval, mark_contaminated
from curate.dedupe.fingerprint import Fingerprinter
from curate.dedupe.index import index_params, load_index, save_index
from curate.dedupe.jaccard import SetTable, shingle_sets
from curate.dedupe.lsh import NodeSig, lsh_params
from curate.dedupe.options import DedupeOptions
from curate.dedupe.records import (
    HEX_KEY_COLUMNS,
    collect,
    fingerprint_text,
    first_rows,
    hex_key,
    read_keep_columns,
    release_free_memory,
    text_bytes,
)
from curate.engine.base import Engine
from curate.errors import WorkspaceError
from curate.workspace import StageResult, Workspace, sha256_file, stage_guard

KEEP_SETS_BYTES = 192 << 20  # shingle sets kept from fingerprinting (~270k 1 KB documents)
SET_BYTES_PER_TEXT_BYTE = 0.7  # a 4-byte shingle hash per word of ~6 bytes, and per-doc offsets
BORDERLINE_SIGMAS = 2.5  # estimates this close to the threshold are checked by exact Jaccard

Progress = Callable[[str, int, int], None]  # (phase, done, total)


@dataclass
class _Records:
    """The records file and the per-record facts read before fingerprinting."""

    path: Path
    lf: pl.LazyFrame
    schema: pl.Schema
    text: pl.Expr  # what is fingerprinted
    use_hash: bool  # exact groups come from content_hash (else from hashing the text)
    meta: pl.DataFrame  # record_id (and the exact key, when the index needs it)
    rep: npt.NDArray[np.int64] | None  # first row of each row's exact group, when known
    todo: npt.NDArray[np.int64]  # rows to fingerprint

    @property
    def n(self) -> int:
        return self.meta.height


@dataclass
class _Prints:
    """Fingerprints: row ``todo[i]`` has ``keys[i]`` and ``sigb[i]`` (``fp`` maps row -> i)."""

    keys: mh.U64
    sigb: npt.NDArray[np.uint8]
    fp: npt.NDArray[np.int64]
    length: npt.NDArray[np.int64]
    exact: pl.Series | None  # sha256 of each row's text, when there is no content hash
    hits: npt.NDArray[np.int64]  # rows sharing an n-gram with an evaluation item
    hit_items: npt.NDArray[np.int64]
    sets: SetTable | None


@dataclass
class _Near:
    """Near-duplicate components over the index entries (nodes < m) and clean representatives."""

    clean: npt.NDArray[np.int64]
    m: int
    label: npt.NDArray[np.int64]
    node_sig: NodeSig
    sets: SetTable | None
    n_pairs: int
    n_checked: int
    n_edges: int


@stage_guard("dedupe")  # lock, and refuse an ingest the log does not vouch for
def run_dedupe(
    workspace: Workspace,
    options: DedupeOptions,
    engine: Engine,
    progress: Progress | None = None,
) -> StageResult:
    """Mark every ingested record kept, duplicate or contaminated; write outcomes and clusters."""
    o, ws = options, workspace
    tell = progress or _silent
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    recs = _read_records(ws, o)
    timings["read"] = time.perf_counter() - t0
    bands, rows = lsh_params(o.threshold, o.num_perm)
    sh = mh.Shingler(ngram=o.ngram, char_ngrams=o.char_ngrams)

    t = time.perf_counter()
    ev = (
        load_eval(o.against, sh, o.contamination_ngram, o.num_perm, o.seed, bands, rows)
        if o.against
        else None
    )
    timings["load_against"] = time.perf_counter() - t
    params = index_params(o.num_perm, o.ngram, o.char_ngrams, o.fields, o.seed, bands, rows)
    index = _open_index(Path(o.index) if o.index else None, params, recs.meta)

    t = time.perf_counter()
    fingerprinter = Fingerprinter(
        str(recs.path),
        recs.text,
        sh,
        ev,
        o.num_perm,
        o.seed,
        bands,
        rows,
        o.batch_size,
        o.threads,
        need_exact=not recs.use_hash,
        # shingle sets for the exact Jaccard checks, kept if they fit (else texts are re-read)
        keep_sets=text_bytes(recs.path) * SET_BYTES_PER_TEXT_BYTE <= KEEP_SETS_BYTES,
    )
    prints = _fingerprint(recs, fingerprinter, engine, bands, tell)
    timings["fingerprint"] = time.perf_counter() - t
    # the input checksum (for the stage log) and the keep policy's columns are read on the side
    # while the single-threaded LSH and confirmation steps leave a core free
    background = ThreadPoolExecutor(2, thread_name_prefix="dedupe-read")
    checksum = background.submit(sha256_file, recs.path)
    keep_frame = background.submit(read_keep_columns, recs.lf, keep_columns(o.keep, recs.schema))
    background.shutdown(wait=False)  # both run to completion; nothing else is submitted

    t = time.perf_counter()
    rep, length = _exact_groups(recs, prints, keep_exact=o.index is not None, fields=o.fields)
    contaminated, reason_c = mark_contaminated(
        ev, rep, prints.keys, prints.sigb, prints.fp, prints.hits, prints.hit_items, o.threshold
    )
    timings["contamination"] = time.perf_counter() - t

    t = time.perf_counter()
    tell("near-duplicates", 0, 1)
    near = _near_duplicates(recs, o, engine, sh, prints, rep, contaminated, index, timings)
    timings["confirm"] = time.perf_counter() - t - timings["lsh"]
    tell("near-duplicates", 1, 1)

    t = time.perf_counter()
    tell("write", 0, 1)
    keep_cols_frame = keep_frame.result()
    rank = keep_rank(
        o.keep,
        recs.meta.select("record_id").hstack(keep_cols_frame)
        if keep_cols_frame is not None
        else recs.meta,
        length,
    )
    del keep_cols_frame, length
    outcomes, clusters, index_new = assemble(
        recs.meta,
        rank,
        rep,
        near.clean,
        near.m,
        near.label,
        near.node_sig,
        contaminated,
        reason_c,
        ev,
        prints.sigb[prints.fp[rep[contaminated >= 0]]],
        index[0] if index else None,
        o.verify,
        recs.lf,
        recs.text,
        sh,
        o.batch_size,
        o.threads,
        near.sets,
    )
    near.sets = None
    paths = {
        "outcomes": str(ws.write_table("dedupe", "outcomes", outcomes)),
        "clusters": str(ws.write_table("dedupe", "clusters", clusters)),
    }
    added = 0
    if o.index is not None and index is not None:
        added = _add_to_index(Path(o.index), params, ws, recs, prints, rep, index_new, index[3])
    timings["write"] = time.perf_counter() - t
    tell("write", 1, 1)
    timings["total"] = time.perf_counter() - t0
    return _result(
        ws,
        o,
        recs,
        ev,
        near,
        outcomes,
        clusters,
        paths,
        checksum,
        timings,
        bands,
        rows,
        index[0] if index else None,
        added,
    )


def _read_records(ws: Workspace, o: DedupeOptions) -> _Records:
    """Open the records file; read ids, and the exact groups when content hashes give them."""
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
    text = fingerprint_text(o.fields, schema, path)
    # per-record facts: id and exact-group key (the keep policy's columns come later); the
    # content hashes are kept as strings only for the persisted index, which stores them
    use_hash = not o.fields and "content_hash" in schema
    exact_col = pl.col("content_hash") if use_hash else pl.lit(None, pl.String)
    meta = collect(
        lf.select(
            "record_id",
            *(hex_key(exact_col) if use_hash else []),
            *([exact_col.alias("exact")] if o.index is not None else []),
        )
    )
    n = meta.height
    rep = None
    if use_hash:
        rep = first_rows(meta, lambda: collect(lf.select(exact_col.alias("exact")))["exact"])
        meta = meta.drop(HEX_KEY_COLUMNS)
        todo = np.flatnonzero(rep == np.arange(n))
    else:
        todo = np.arange(n)
    return _Records(path, lf, schema, text, use_hash, meta, rep, todo)


_Index = tuple[pl.DataFrame, mh.U64, npt.NDArray[np.uint8], pl.Series]


def _open_index(index: Path | None, params: dict[str, Any], meta: pl.DataFrame) -> _Index | None:
    """The persisted index's entries, band keys and signatures, without this workspace's own
    (a re-run must not match its earlier self), and every id it held (not to add them twice)."""
    if index is None:
        return None
    idx, idx_keys, idx_sig = load_index(index, params)
    known = idx["record_id"]
    own = idx["record_id"].is_in(meta["record_id"].implode()).to_numpy()
    if own.any():
        idx, idx_keys, idx_sig = idx.filter(~own), idx_keys[~own], idx_sig[~own]
    return idx, idx_keys, idx_sig, known


def _silent(phase: str, done: int, total: int) -> None:
    """No progress callback given."""


def _fingerprint(
    recs: _Records, fper: Fingerprinter, engine: Engine, bands: int, tell: Progress
) -> _Prints:
    """Fingerprint the first record of every exact group, slice by slice on the engine; exact
    copies cost no memory (they share their representative's row of ``keys`` and ``sigb``)."""
    n, todo = recs.n, recs.todo
    keys = np.empty((bands, todo.size), np.uint64).T  # band-major: LSH sorts whole columns
    sigb = np.empty((todo.size, fper.num_perm), np.uint8)
    fp = np.full(n, -1, np.int64)
    fp[todo] = np.arange(todo.size)
    exact_parts: list[pl.DataFrame] = []
    length = np.full(n, -1, np.int64)
    hit_doc, hit_item = [], []
    kept_sets: list[tuple[npt.NDArray[np.int64], mh.ShingleSets]] | None = (
        [] if fper.keep_sets else None
    )
    kept_bytes, done = 0, 0
    tell("fingerprint", 0, int(todo.size))
    for got in engine.map_ordered(fper, fper.slices(todo)):
        for b in got:
            done += len(b.rows)
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
        tell("fingerprint", done, int(todo.size))
    sets = SetTable.from_batches(kept_sets) if kept_sets is not None else None
    del kept_sets
    release_free_memory()
    exact = None
    if not recs.use_hash:
        exact = (
            pl.concat(exact_parts).sort("row")["exact"]
            if exact_parts
            else pl.Series("exact", [], dtype=pl.String)
        )
    return _Prints(
        keys,
        sigb,
        fp,
        length,
        exact,
        np.concatenate(hit_doc) if hit_doc else np.empty(0, np.int64),
        np.concatenate(hit_item) if hit_item else np.empty(0, np.int64),
        sets,
    )


def _exact_groups(
    recs: _Records, prints: _Prints, *, keep_exact: bool, fields: list[str] | None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Each row's exact-group representative (from the text hashes if not known before), and
    each row's length in characters (exact copies have their representative's)."""
    rep = recs.rep
    if rep is None:
        exact = prints.exact
        assert exact is not None
        rep = first_rows(exact.to_frame().select(hex_key(pl.col("exact"))), lambda: exact)
        if keep_exact:
            recs.meta = recs.meta.with_columns(exact=exact)
        prints.exact = None
    if not fields:  # the whole record is fingerprinted, so its length was measured
        return rep, prints.length[rep]
    length = np.concatenate(
        [
            c.to_series().to_numpy()
            for c in recs.lf.select(pl.col("text").str.len_chars().cast(pl.Int64)).collect_batches(
                chunk_size=1 << 16
            )
        ]
        or [prints.length[:0]]
    )
    return rep, length


def _near_duplicates(
    recs: _Records,
    o: DedupeOptions,
    engine: Engine,
    sh: mh.Shingler,
    prints: _Prints,
    rep: npt.NDArray[np.int64],
    contaminated: npt.NDArray[np.int64],
    index: _Index | None,
    timings: dict[str, float],
) -> _Near:
    """Candidate pairs among clean group representatives (after the index's entries) from the
    engine's LSH buckets, confirmed by estimate or exact Jaccard, joined into components."""
    t = time.perf_counter()
    keys, fp, todo = prints.keys, prints.fp, recs.todo
    reps = np.flatnonzero(rep == np.arange(recs.n))
    clean = reps[contaminated[reps] < 0]
    clean_fp = fp[clean]
    idx, idx_keys, idx_sig = (index[0], index[1], index[2]) if index else (None, None, None)
    m = 0 if idx is None else idx.height
    own_keys = keys if clean.size == todo.size else keys[clean_fp]  # usually all: no copy
    node_keys = own_keys if idx_keys is None else np.concatenate([idx_keys, own_keys])
    node_sig = NodeSig(prints.sigb, clean_fp, idx_sig)
    pairs = engine.candidate_pairs(node_keys)
    del node_keys, own_keys
    if o.index is None:
        prints.keys = keys[:0]  # only the index needs band keys from here on
    del keys
    pairs = pairs[pairs[:, 1] >= m]  # two index entries are never merged
    timings["lsh"] = time.perf_counter() - t
    sims = node_sig.estimate(pairs)
    # exact Jaccard for every pair (verify) or only where the estimate is too close to call
    margin = (
        1.0
        if o.verify
        else BORDERLINE_SIGMAS * float(np.sqrt(o.threshold * (1 - o.threshold) / o.num_perm))
    )
    check = np.flatnonzero((np.abs(sims - o.threshold) < margin) & (pairs[:, 0] >= m))
    sets = prints.sets
    prints.sets = None
    if check.size:
        ra, rb = clean[pairs[check, 0] - m], clean[pairs[check, 1] - m]
        if sets is None:
            sets = shingle_sets(
                recs.lf, recs.text, sh, np.concatenate([ra, rb]), o.batch_size, o.threads
            )
        sims[check] = sets.jaccard(ra, rb, threads=o.threads)
    edges = pairs[sims >= o.threshold]
    if idx is not None and m:  # exact copies of indexed records
        pos = pl.DataFrame(
            {"exact": recs.meta["exact"].gather(clean), "node": np.arange(m, m + clean.size)}
        ).join(
            idx.select("exact", pl.int_range(pl.len()).alias("inode")).unique(
                "exact", keep="first"
            ),
            on="exact",
            how="inner",
        )
        if pos.height:
            edges = np.concatenate([edges, pos.select("inode", "node").to_numpy().astype(np.int64)])
    label = engine.components(m + clean.size, edges)
    near = _Near(
        clean, m, label, node_sig, sets, int(pairs.shape[0]), int(check.size), int(edges.shape[0])
    )
    del pairs, sims
    release_free_memory()
    return near


def _add_to_index(
    index: Path,
    params: dict[str, Any],
    ws: Workspace,
    recs: _Records,
    prints: _Prints,
    rep: npt.NDArray[np.int64],
    index_new: npt.NDArray[np.int64],
    known: pl.Series,
) -> int:
    """Add this run's kept records that the index does not hold yet; how many were added."""
    meta = recs.meta
    new_rows = index_new[~meta["record_id"].gather(index_new).is_in(known.implode()).to_numpy()]
    entries = meta.select(pl.col("record_id", "exact").gather(new_rows)).with_columns(
        source=pl.lit(str(recs.path))
    )
    at = prints.fp[rep[new_rows]]
    return save_index(index, params, ws, entries, prints.keys[at], prints.sigb[at])


def _result(
    ws: Workspace,
    o: DedupeOptions,
    recs: _Records,
    ev: EvalSet | None,
    near: _Near,
    outcomes: pl.DataFrame,
    clusters: pl.DataFrame,
    paths: dict[str, str],
    checksum: Future[str],
    timings: dict[str, float],
    bands: int,
    rows: int,
    idx: pl.DataFrame | None,
    added: int,
) -> StageResult:
    """The stage's log entry (counts, reasons, config, inputs, timings), logged and returned."""
    counts = {o_: 0 for o_ in ("kept", "duplicate", "contaminated")}
    counts.update(dict(outcomes.group_by("outcome").len().iter_rows()))
    reasons: dict[str, dict[str, int]] = {}
    for out, r, c in (
        outcomes.filter(pl.col("reason").is_not_null())
        .group_by("outcome", "reason")
        .len()
        .sort("outcome", "reason")
        .iter_rows()
    ):
        reasons.setdefault(out, {})[r] = c
    inputs = {"records": checksum.result()}
    for p in o.against:
        inputs[str(p)] = sha256_file(p)
    warnings = []
    if ev is not None and ev.short:
        warnings.append(
            f"{ev.short} evaluation items have fewer than "
            f"{min(MIN_EVAL_WORDS, o.contamination_ngram)} words and were checked by signature "
            "only"
        )
    result = StageResult(
        stage="dedupe",
        workspace=str(ws.path),
        counts=counts,
        reasons=reasons,
        outputs=paths,
        config={
            "threshold": o.threshold,
            "num_perm": o.num_perm,
            "ngram": o.ngram,
            "char_ngrams": o.char_ngrams,
            "fields": o.fields,
            "keep": o.keep,
            "verify": o.verify,
            "against": [str(p) for p in o.against],
            "contamination_ngram": o.contamination_ngram,
            "index": str(o.index) if o.index else None,
            "seed": o.seed,
            "bands": bands,
            "rows": rows,
        },
        inputs=inputs,
        timings={k: round(v, 4) for k, v in timings.items()},
        warnings=warnings,
        extra={
            "clusters": int(clusters["cluster_id"].n_unique()) if clusters.height else 0,
            "records_in_clusters": clusters.height,
            "candidate_pairs": near.n_pairs,
            "exact_checked_pairs": near.n_checked,
            "confirmed_pairs": near.n_edges,
            "fingerprinted": int(recs.todo.size),
            "index_matched": int(outcomes["kept_record_id"].is_in(idx["record_id"].implode()).sum())
            if idx is not None and idx.height
            else 0,
            "index_added": added,
            "evaluation_items": len(ev.locators) if ev else 0,
        },
    )
    ws.log_stage(result)
    return result
