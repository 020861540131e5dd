"""The persisted dedupe index (``index``): kept records' band keys and signatures from earlier
runs, so a later dataset is deduplicated against them. Its parameters must match the run's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.dedupe import minhash as mh
from curate.errors import UsageError
from curate.workspace import Workspace, atomic_path, write_json

INDEX_FORMAT = 1


def index_params(
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


def load_index(
    d: Path, params: dict[str, Any]
) -> tuple[pl.DataFrame, mh.U64, npt.NDArray[np.uint8]]:
    meta_path = d / "index.json"
    empty = pl.DataFrame(schema={"record_id": pl.String, "exact": pl.String, "source": pl.String})
    if not meta_path.exists():
        if d.exists() and any(d.iterdir()):
            raise UsageError(
                f"index: {d} is not empty and holds no curate dedupe index", param="index"
            )
        return (
            empty,
            np.empty((0, params["bands"]), np.uint64),
            np.empty((0, params["num_perm"]), np.uint8),
        )
    try:
        meta = json.loads(meta_path.read_text("utf-8"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"index: {meta_path} is corrupt ({exc.msg})", param="index") from exc
    for k, v in params.items():
        if meta.get("params", {}).get(k) != v:
            raise UsageError(
                f"index: {d} was built with {k}={meta.get('params', {}).get(k)!r}, this run uses {k}={v!r}",
                hint="use the same dedupe settings as the index, or a new index directory",
                param="index",
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


def save_index(
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
