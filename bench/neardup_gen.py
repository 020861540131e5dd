"""Synthetic near-duplicate corpus with ground truth, for bench_dedupe.py and the dedupe tests.

Originals are 80-220 random words from a Zipf-weighted synthetic vocabulary (about 1 KB each);
a share of documents are copies of an earlier original with a few percent of the words
substituted, deleted or inserted (``near``), or verbatim (``exact``). ``source`` names the
original each document was made from, so recall can be checked against what was planted, and
exact Jaccard pairs can be computed on a sample.

    python bench/neardup_gen.py N OUT_WORKSPACE   # writes ingest/records.parquet + stage log
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import numpy as np
import polars as pl


def vocabulary(size: int, rng: np.random.Generator) -> list[str]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    lens = rng.integers(2, 10, size)
    words = {"".join(rng.choice(letters, n)) for n in lens}
    return sorted(words)


def generate(
    n_docs: int,
    *,
    near_fraction: float = 0.25,
    exact_fraction: float = 0.05,
    edit_range: tuple[float, float] = (0.0, 0.06),
    vocab_size: int = 30_000,
    seed: int = 0,
) -> pl.DataFrame:
    """Columns: doc (row number), text, source (row of the original), kind, edit_rate."""
    rng = np.random.default_rng(seed)
    vocab = np.array(vocabulary(vocab_size, rng), dtype=object)
    weights = 1.0 / np.arange(1, vocab.size + 1) ** 0.9
    weights /= weights.sum()
    kinds = rng.choice(
        ["orig", "near", "exact"],
        n_docs,
        p=[1 - near_fraction - exact_fraction, near_fraction, exact_fraction],
    )
    kinds[: min(n_docs, 10)] = "orig"
    lengths = rng.integers(80, 221, n_docs)
    pool = rng.choice(vocab.size, int(lengths.sum()) + 10_000, p=weights)
    texts: list[str] = []
    words_of: list[list[str]] = []
    source = np.arange(n_docs)
    rates = np.zeros(n_docs)
    origs: list[int] = []
    pos = 0
    for i in range(n_docs):
        if kinds[i] == "orig" or not origs:
            kinds[i] = "orig"
            w = list(vocab[pool[pos : pos + lengths[i]]])
            pos += lengths[i]
            origs.append(i)
        else:
            src = origs[int(rng.integers(len(origs)))]
            source[i] = src
            w = list(words_of[src])
            if kinds[i] == "near":
                rates[i] = rng.uniform(*edit_range)
                for _ in range(max(1, round(rates[i] * len(w)))):
                    op, at = rng.random(), int(rng.integers(len(w)))
                    new = vocab[pool[int(rng.integers(pool.size))]]
                    if op < 0.6:
                        w[at] = new
                    elif op < 0.8 and len(w) > 5:
                        del w[at]
                    else:
                        w.insert(at, new)
        words_of.append(w if kinds[i] == "orig" else [])
        texts.append(" ".join(w))
    return pl.DataFrame(
        {
            "doc": np.arange(n_docs),
            "text": texts,
            "source": source,
            "kind": kinds,
            "edit_rate": rates,
        }
    )


def records_frame(df: pl.DataFrame, source_file: str = "synthetic.jsonl") -> pl.DataFrame:
    """An ingest/records.parquet table (docs/workspace.md columns) for generated texts."""
    n = df.height
    rid = [hashlib.sha256(f"{source_file}\x00{i + 1}".encode()).hexdigest()[:16] for i in range(n)]
    chash = [hashlib.sha256(t.encode()).hexdigest() for t in df["text"]]
    return pl.DataFrame(
        {
            "record_id": rid,
            "source": [f"{source_file}:{i + 1}" for i in range(n)],
            "source_file": [source_file] * n,
            "source_line": pl.Series(np.arange(1, n + 1), dtype=pl.Int64),
            "n_rows": pl.Series(np.ones(n, np.int64), dtype=pl.Int64),
            "schema": ["synthetic"] * n,
            "layout": ["default"] * n,
            "group": rid,
            "body": df["text"],
            "turns": pl.Series(
                [[]] * n, dtype=pl.List(pl.Struct({"role": pl.String, "content": pl.String}))
            ),
            "text": df["text"],
            "content_hash": chash,
        }
    )


def write_workspace(df: pl.DataFrame, path: str | Path) -> Path:
    """Write ``df`` as the ingest output of a fresh workspace at ``path``."""
    from curate.workspace import StageResult, Workspace

    ws = Workspace(path).create()
    rec = records_frame(df)
    out = ws.write_table("ingest", "records", rec)
    ws.log_stage(
        StageResult(
            stage="ingest",
            workspace=str(ws.path),
            counts={"ingested": rec.height},
            outputs={"records": str(out)},
        )
    )
    return ws.path


if __name__ == "__main__":
    n, out = int(sys.argv[1]), sys.argv[2]
    frame = generate(n)
    print(write_workspace(frame, out), frame["kind"].value_counts().sort("kind"))
