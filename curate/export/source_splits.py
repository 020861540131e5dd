"""Splits a source published: a record from a published test set stays in test.

Datasets ship their own train/validation/test files (MTS-Dialog's TestSet-1/2, ACI-Bench's
test1-3); mixing those rows into train makes a model incomparable with published results. A
record's split is fixed by its source file (``GLOB=SPLIT`` rules: the export option
``source_splits``, else the schema's) or by a field whose value names the split
(``split_field``). Records with no fixed split are drawn by the fractions as before
(curate.export.splits); the outcome table says which were which (``split_origin``).
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase
from pathlib import PurePath

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.errors import UsageError
from curate.export.splits import SPLITS

FREE = -1  # no split fixed by the source: drawn
# what a split column may say, lowercased and stripped
SPLIT_WORDS = {
    "train": 0,
    "training": 0,
    "val": 1,
    "valid": 1,
    "validation": 1,
    "dev": 1,
    "test": 2,
    "testing": 2,
}


def parse_source_splits(rules: Sequence[str]) -> list[tuple[str, int]]:
    """``GLOB=SPLIT`` entries as (glob, split code); ``none`` alone means no rule. A malformed
    entry is a UsageError naming ``source_splits``."""
    out = []
    for rule in rules:
        if rule.strip().lower() == "none":
            continue
        glob, sep, split = rule.rpartition("=")
        glob, split = glob.strip(), split.strip().lower()
        if not sep or not glob or split not in SPLITS:
            raise UsageError(
                f"source_splits {rule!r}: expected GLOB=SPLIT with SPLIT one of "
                f"{', '.join(SPLITS)}",
                hint="e.g. '*TestSet*=test' or '*_valid.csv=val'",
                param="source_splits",
            )
        out.append((glob, SPLITS.index(split)))
    return out


def file_split(rules: Sequence[tuple[str, int]], path: str | None) -> int:
    """The split code the first matching rule gives ``path`` (its name or its whole path)."""
    if not path:
        return FREE
    name = PurePath(path).name
    for glob, code in rules:
        if fnmatchcase(name, glob) or fnmatchcase(path, glob):
            return code
    return FREE


def fixed_codes(
    files: pl.Series | None,
    values: pl.Series | None,
    rules: Sequence[tuple[str, int]],
) -> npt.NDArray[np.int8] | None:
    """Per record, the split its source fixes (FREE: none), from its file (the rules, matched
    once per distinct file) and its split field's value (which wins where it names one); None
    when no record has one."""
    n = len(files) if files is not None else len(values) if values is not None else 0
    out = np.full(n, FREE, np.int8)
    if files is not None and rules:
        per_file = {f: file_split(rules, f) for f in files.unique().to_list()}
        out = (
            files.replace_strict(per_file, default=FREE, return_dtype=pl.Int8)
            .fill_null(FREE)
            .to_numpy()
            .astype(np.int8)
        )
    if values is not None:
        words = values.cast(pl.Utf8).str.strip_chars().str.to_lowercase()
        named = words.replace_strict(SPLIT_WORDS, default=FREE, return_dtype=pl.Int8)
        named_np = named.fill_null(FREE).to_numpy().astype(np.int8)
        out = np.where(named_np >= 0, named_np, out).astype(np.int8)
    return out if (out >= 0).any() else None
