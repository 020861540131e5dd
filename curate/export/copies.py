"""Examples written twice: an exported example whose line (but for its metadata) equals an
earlier one's, in output order, is dropped, so no split holds a copy and no copy straddles two
splits. Found after the pass by one sort over each example's 16-byte digest.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.export.collect import DIGEST_SIZE, Collected, numpy_of


@dataclass
class Copies:
    """Exported examples identical to an earlier one in output order (the same line but for
    its metadata), which export drops: so no two lines of an export are the same example, in
    one split or across splits."""

    mask: npt.NDArray[np.bool_]  # per exported example, in output order: a copy, not written
    per_record: pl.DataFrame | None  # row, copies, chars, tokens, user_/assistant_tokens, detail
    emptied: npt.NDArray[np.int64]  # rows of the records whose examples are all copies

    @property
    def count(self) -> int:
        return int(self.mask.sum())


def find_copies(got: Collected, keys: pl.DataFrame) -> Copies:
    """The later copies among the exported examples, by their digests (``_serialize``), each
    traced to the record of its first copy (``keys``: row -> record_id of every record that
    made an example). One sort over 16 bytes per example, after the pass."""
    n = len(got.rows)
    none = np.empty(0, np.int64)
    if n == 0:
        return Copies(np.zeros(0, np.bool_), None, none)
    digests = np.frombuffer(got.digests, dtype=f"V{DIGEST_SIZE}")
    _, first, inverse = np.unique(digests, return_index=True, return_inverse=True)
    first_of = first[inverse.reshape(-1)]  # first occurrences: np.unique sorts stably for them
    mask = first_of != np.arange(n)
    if not mask.any():
        return Copies(mask, None, none)
    at = np.flatnonzero(mask)
    ex_rows = numpy_of(got.rows)
    tokens, user, assistant = numpy_of(got.tokens), numpy_of(got.user), numpy_of(got.assistant)
    counted = len(tokens) == n

    def per_copy(values: npt.NDArray[np.int64]) -> pl.Series:
        return pl.Series(values[at] if counted else [None] * len(at), dtype=pl.Int64)

    task_of = np.frombuffer(got.task_of, np.uint16)
    names = keys.select(pl.col("row").alias("first_row"), "record_id")
    copies = (
        pl.DataFrame(
            {
                "row": ex_rows[at],
                "first_row": ex_rows[first_of[at]],
                "task": [got.task_names[i] for i in task_of[at].tolist()],
                "chars": numpy_of(got.chars)[at],
                "tokens": per_copy(tokens),
                "user_tokens": per_copy(user),
                "assistant_tokens": per_copy(assistant),
            }
        )
        .join(names, on="first_row", how="left", maintain_order="left")
        .group_by("row", maintain_order=True)
        .agg(
            pl.len().cast(pl.Int64).alias("copies"),
            pl.col("chars", "tokens", "user_tokens", "assistant_tokens").sum(),
            pl.format("{}: same example as record {}", "task", "record_id")
            .str.join("; ")
            .alias("detail"),
        )
    )
    for name in ("tokens", "user_tokens", "assistant_tokens"):
        if not counted:  # sum() of nulls is 0: without counts there is nothing to take off
            copies = copies.with_columns(pl.lit(None, pl.Int64).alias(name))
    rows, made = np.unique(ex_rows, return_counts=True)
    copied = copies["row"].to_numpy()
    emptied = copied[made[np.searchsorted(rows, copied)] == copies["copies"].to_numpy()]
    return Copies(mask, copies, emptied.astype(np.int64))


def take_off(got: Collected, copies: Copies) -> None:
    """The dropped copies out of the per-task counts; the records they emptied out of the
    exported ones, into those without an example, for reason duplicate_example."""
    task_of = np.frombuffer(got.task_of, np.uint16)[copies.mask]
    for i, n in enumerate(np.bincount(task_of, minlength=len(got.task_names)).tolist()):
        got.tasks[got.task_names[i]] -= n
    got.tasks = {name: n for name, n in got.tasks.items() if n}
    emptied = len(copies.emptied)
    if emptied:
        got.outcomes["exported"] -= emptied
        got.outcomes["no_example"] += emptied
        got.reasons["duplicate_example"] += emptied
        if not got.outcomes["exported"]:
            del got.outcomes["exported"]
