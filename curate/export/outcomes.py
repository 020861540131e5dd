"""``export/outcomes.parquet``: one row per kept record, saying what became of it (exported,
with its split; over_length; no_example, with the reason) and what its examples counted.

Over the token budget nothing is cut silently: a record none of whose examples fit is
``over_length`` (reason ``max_tokens``, the detail naming each example's tokens against the
budget); an exported record shortened by an opt-in strategy carries the strategy as its
reason (``drop_turns``, ``trim``) and what was cut as its detail. ``split_origin`` says
whether an exported record's split was fixed by its source (``source``) or drawn (``drawn``).

Rows are made per batch during the pass (split null: it is assigned after), then streamed once
more to fill in the split and take off the examples dropped as copies.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.export.render import Example, Skipped
from curate.export.splits import SPLITS
from curate.workspace import ROW_GROUP_SIZE, atomic_path

OUTCOME_SCHEMA = {
    "record_id": pl.Utf8,
    "outcome": pl.Utf8,
    "split": pl.Utf8,
    "n_examples": pl.Int64,
    "tokens": pl.Int64,
    "user_tokens": pl.Int64,
    "assistant_tokens": pl.Int64,
    "chars": pl.Int64,
    "reason": pl.Utf8,
    "detail": pl.Utf8,
    "split_origin": pl.Utf8,
}
ORIGINS = (None, "drawn", "source")  # codes of write_outcomes' row_origin


def batch_outcomes(
    df: pl.DataFrame,
    examples: list[Example],
    keep: list[bool],
    counts: list[Any],
    skipped: Skipped,
    notes: list[str | None] | None = None,
    max_tokens: int | None = None,
) -> pl.DataFrame:
    """One row per record of a batch (split left null: it is assigned after the pass):
    exported records sum their exported examples' counts, over-length ones what their
    examples needed. ``notes`` (per example, from the token budget) become the detail."""
    n = df.height
    n_ex, made, chars = [0] * n, [0] * n, [0] * n
    for ex, k in zip(examples, keep, strict=True):
        made[ex.row] += 1
        if k:
            n_ex[ex.row] += 1
            chars[ex.row] += ex.chars
    tokens: list[int | None] = [None] * n
    user: list[int | None] = [None] * n
    asst: list[int | None] = [None] * n
    for ex, k, c in zip(examples, keep, counts, strict=True):
        r = ex.row
        if c is None or (not k and n_ex[r]):
            continue
        tokens[r] = (tokens[r] or 0) + c.total
        user[r] = (user[r] or 0) + c.user
        asst[r] = (asst[r] or 0) + c.assistant
    said: dict[int, list[str]] = {}
    for ex, note in zip(examples, notes or [], strict=False):
        if note:
            said.setdefault(ex.row, []).append(note)
    outcome: list[str] = []
    reason: list[str | None] = []
    detail: list[str | None] = []
    for r in range(n):
        if r in skipped:
            why, what = skipped[r]
            outcome.append("no_example")
            reason.append(why)
            detail.append(what)
        elif n_ex[r]:
            outcome.append("exported")
            fitted = [x.split(":", 1)[0] for x in said.get(r, ()) if not x.startswith("over")]
            reason.append(fitted[0] if fitted else None)
            detail.append("; ".join(said[r]) if r in said else None)
        else:
            outcome.append("over_length")
            reason.append("max_tokens")
            budget = f" of {max_tokens:,}" if max_tokens else ""
            detail.append(
                "; ".join(said[r]) if r in said else f"{made[r]} example(s) over the budget{budget}"
            )
    return pl.DataFrame(
        {
            "record_id": df["record_id"],
            "outcome": outcome,
            "split": [None] * n,
            "n_examples": n_ex,
            "tokens": tokens,
            "user_tokens": user,
            "assistant_tokens": asst,
            "chars": chars,
            "reason": reason,
            "detail": detail,
            "split_origin": [None] * n,
        },
        schema=OUTCOME_SCHEMA,
    )


def write_outcomes(
    partial_path: Path,
    row_split: npt.NDArray[np.uint8],
    target: Path,
    copies: pl.DataFrame | None = None,
    row_origin: npt.NDArray[np.uint8] | None = None,
) -> None:
    """The per-record outcomes table: the first pass's rows with their split (and, from
    ``row_origin``, whether the source fixed it: codes of ORIGINS) filled in,
    streamed a row group at a time, less the examples dropped as copies (``Copies.per_record``):
    a record left with none has no example, for reason ``duplicate_example``."""
    import pyarrow.parquet as pq

    schema = pl.DataFrame(schema=OUTCOME_SCHEMA).to_arrow().schema
    reader = pq.ParquetFile(partial_path)
    offset = 0
    with (
        atomic_path(target) as tmp,
        pq.ParquetWriter(
            tmp, schema, compression="zstd", compression_level=1, write_statistics=False
        ) as writer,
    ):
        for group in range(reader.num_row_groups):
            frame = pl.from_arrow(reader.read_row_group(group, use_threads=False))
            assert isinstance(frame, pl.DataFrame)
            codes = row_split[offset : offset + frame.height]
            origin_codes = (
                row_origin[offset : offset + frame.height]
                if row_origin is not None
                else np.ones(frame.height, np.uint8)
            )
            if copies is not None:
                frame = _less_copies(frame, copies, offset)
            offset += frame.height
            split = pl.Series("split", codes).replace_strict(
                dict(enumerate(SPLITS)), default=None, return_dtype=pl.Utf8
            )
            origin = pl.Series("split_origin", origin_codes).replace_strict(
                dict(enumerate(ORIGINS)), default=None, return_dtype=pl.Utf8
            )
            exported = pl.col("outcome") == "exported"
            frame = frame.with_columns(
                pl.when(exported).then(split).alias("split"),
                pl.when(exported).then(origin).alias("split_origin"),
            ).select(list(OUTCOME_SCHEMA))
            writer.write_table(frame.to_arrow().cast(schema), row_group_size=ROW_GROUP_SIZE)


def _less_copies(frame: pl.DataFrame, copies: pl.DataFrame, offset: int) -> pl.DataFrame:
    """Outcome rows (records ``offset`` on) without what their dropped copies counted."""
    mine = copies.filter(pl.col("row").is_between(offset, offset + frame.height - 1))
    if mine.height == 0:
        return frame
    got = frame.with_columns(
        pl.int_range(offset, offset + frame.height, dtype=pl.Int64).alias("row")
    )
    got = got.join(mine, on="row", how="left", maintain_order="left", suffix="_copies")
    n = pl.col("copies").fill_null(0)
    emptied = (n > 0) & (pl.col("n_examples") == n)

    def less(name: str) -> pl.Expr:
        left = pl.col(name) - pl.col(f"{name}_copies").fill_null(0)
        return pl.when(emptied).then(None).otherwise(left).alias(name)

    return got.with_columns(
        pl.when(emptied).then(pl.lit("no_example")).otherwise(pl.col("outcome")).alias("outcome"),
        pl.when(emptied)
        .then(pl.lit("duplicate_example"))
        .otherwise(pl.col("reason"))
        .alias("reason"),
        pl.when(emptied).then(pl.col("detail_copies")).otherwise(pl.col("detail")).alias("detail"),
        (pl.col("n_examples") - n).alias("n_examples"),
        (pl.col("chars") - pl.col("chars_copies").fill_null(0)).alias("chars"),
        less("tokens"),
        less("user_tokens"),
        less("assistant_tokens"),
    ).select(frame.columns)
