"""The streaming pass of export: per batch of kept records, render (on the engine), count
tokens and fit the budget, convert, validate and serialize.

Lines go to a spill file without their split (splits need every record's keys, so they are
assigned after the pass), per-record outcomes to a partial table; ``Collected`` keeps only a
few numbers per exported example and a few short columns per record. The cyclic GC is paused
over the batch's small objects; without a token budget the tokenizer counts a batch on a
second thread (it runs without the GIL) while this one serializes it.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import json
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.errors import StageError
from curate.export.formats import convert, validate_batch
from curate.export.kept import KeptBatches
from curate.export.outcomes import OUTCOME_SCHEMA, batch_outcomes
from curate.export.render import Example, Renderer, Skipped

if TYPE_CHECKING:
    from curate.engine.base import Engine

ProgressFn = Callable[[str, int, int], None]
TOKEN_BATCH = 8192
VALIDATE_BATCH = 4096
DIGEST_SIZE = 16  # bytes of an example's digest (_digests): a collision is out of reach
SPLIT_KEY_SCHEMA = {
    "row": pl.Int64,
    "record_id": pl.Utf8,
    "cluster_id": pl.Utf8,
    "group": pl.Utf8,
    "stratum": pl.Utf8,
    "source_file": pl.Utf8,  # for source_splits
    "split_value": pl.Utf8,  # the split_field's value
}


class Collected:
    """What the streaming pass keeps for the whole export: a few numbers per exported example
    (its record's row, chars, tokens) and a few short columns per record that made one (the
    split keys). Everything else of a batch is written out and dropped."""

    def __init__(self) -> None:
        self.rows = array("q")  # per exported example, in output order: its record's row
        self.chars = array("q")
        self.tokens = array("q")
        self.user = array("q")
        self.assistant = array("q")
        self.over_tokens: list[int] = []  # examples dropped as over_length
        self.split_keys: list[pl.DataFrame] = []
        self.tasks: dict[str, int] = {}
        # per exported example, in output order: the digest of its line without metadata
        # (DIGEST_SIZE bytes each) and its task's index in task_names, to find copies afterwards
        self.digests = bytearray()
        self.task_of = array("H")
        self.task_names: list[str] = []
        self.outcomes: Counter[str] = Counter()
        self.reasons: Counter[str] = Counter()
        self.trimmed = 0  # examples shortened (a strategy other than 'drop')
        self.fits: Counter[str] = Counter()  # records exported after a strategy shortened them
        self.over_examples = 0
        self.n_rows = 0  # kept records seen

    def split_key_frame(self) -> pl.DataFrame:
        schema = SPLIT_KEY_SCHEMA
        if not self.split_keys:
            return pl.DataFrame(schema=schema)
        return pl.concat(self.split_keys).cast(schema)  # type: ignore[arg-type]


def numpy_of(values: array[int]) -> npt.NDArray[np.int64]:
    return np.frombuffer(values, np.int64) if len(values) else np.empty(0, np.int64)


def rendered_batches(
    engine: Engine, renderer: Renderer, batches: Iterable[pl.DataFrame]
) -> Iterator[tuple[pl.DataFrame, list[Example], Skipped]]:
    """Each batch with its examples and skipped records, in order: ``renderer`` mapped over the
    batches by the engine (here, or several ahead on Ray workers), paired back with the batch it
    was given (``map_ordered`` answers in input order)."""
    given: collections.deque[pl.DataFrame] = collections.deque()

    def feed() -> Iterator[pl.DataFrame]:
        for df in batches:
            given.append(df)
            yield df

    for examples, skipped in engine.map_ordered(renderer, feed()):
        yield given.popleft(), examples, skipped


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """A batch makes hundreds of thousands of small dicts and lists, all freed by reference
    counting; the cyclic collector's passes over them cost a third of the render time. Paused
    for the pass; the caller collects the young generations once per batch."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def first_pass(
    source: KeptBatches,
    batches: Iterator[tuple[pl.DataFrame, list[Example], Skipped]],
    spill_path: Path,
    partial_path: Path,
    *,
    tok: Any,
    fmt: str,
    completion_style: str,
    metadata: bool,
    max_tokens: int | None,
    strat_field: str | None,
    timings: dict[str, float],
    progress: ProgressFn | None,
    over_length: str = "drop",
    split_field: str | None = None,
) -> Collected:
    """Per rendered batch: count tokens and fit the budget, convert, validate and serialize;
    lines go to ``spill_path`` (without their split), per-record outcomes (without theirs) to
    ``partial_path``; the rest is summed up in the returned Collected."""
    import pyarrow.parquet as pq

    got = Collected()
    writer: Any = None
    offset = 0
    # Without a budget the counts change no line, so a batch's examples are counted on a
    # second thread (the tokenizer runs without the GIL) while this one
    # converts and serializes them: that Python work hides behind the tokenizer's.
    counter = (
        ThreadPoolExecutor(1, thread_name_prefix="curate-count")
        if tok is not None and max_tokens is None
        else None
    )
    try:
        with _gc_paused(), open(spill_path, "wb", buffering=1 << 20) as spill:
            while True:
                gc.collect(1)
                # 1. renders
                t = time.perf_counter()
                item = next(batches, None)
                if item is None:
                    break
                df, examples, skipped = item
                made = list(dict.fromkeys(e.row for e in examples))
                got.split_keys.append(_split_keys(df, made, offset, strat_field, split_field))
                timings["render"] += time.perf_counter() - t
                if progress:
                    progress("render", source.read, source.total)

                # 2. tokens and budget
                t = time.perf_counter()
                job = None
                if counter is not None:  # counted while this thread serializes (see above)
                    job = counter.submit(_measure, tok, examples)
                    counts: list[Any] = []
                    keep = [True] * len(examples)
                    notes: list[str | None] = [None] * len(examples)
                else:
                    counts, keep, notes = _count_tokens(examples, tok, max_tokens, got, over_length)
                timings["tokens"] += time.perf_counter() - t

                # 3. convert, validate, serialize
                t = time.perf_counter()
                lines = _serialize(df, examples, keep, offset, got, fmt, completion_style, metadata)
                if lines:
                    spill.write(b"\n".join(lines))
                    spill.write(b"\n")
                timings["write"] += time.perf_counter() - t
                if job is not None:
                    t = time.perf_counter()
                    counts = job.result()
                    timings["tokens"] += time.perf_counter() - t
                _record_counts(got, counts, keep)
                if progress and tok is not None:
                    progress("tokens", len(got.rows), len(got.rows))

                # 4. outcomes, split to come
                frame = batch_outcomes(df, examples, keep, counts, skipped, notes, max_tokens)
                _tally(got, frame)
                table = frame.to_arrow()
                if writer is None:
                    writer = pq.ParquetWriter(partial_path, table.schema, compression="none")
                writer.write_table(table)
                offset += df.height
    finally:
        if writer is not None:
            writer.close()
        if counter is not None:
            counter.shutdown(cancel_futures=True)
    got.n_rows = offset
    if writer is None:  # no kept records at all
        pl.DataFrame(schema=OUTCOME_SCHEMA).write_parquet(partial_path)
    return got


def _tally(got: Collected, frame: pl.DataFrame) -> None:
    """A batch's outcomes, and the reasons of those without an example, into the totals."""
    got.outcomes.update(dict(frame.group_by("outcome").len().iter_rows()))
    got.reasons.update(
        dict(
            frame.drop_nulls("reason")
            .filter(pl.col("outcome") == "no_example")
            .group_by("reason")
            .len()
            .iter_rows()
        )
    )


def _split_keys(
    df: pl.DataFrame,
    made: list[int],
    offset: int,
    strat_field: str | None,
    split_field: str | None = None,
) -> pl.DataFrame:
    """The columns splits need, for the batch's records that made an example, copied out
    (through Python lists) so that they do not pin the batch's Arrow buffers, which string
    views pointing into them would: measured, that kept 8x their size alive."""
    picked = df[made]
    null = [None] * len(made)

    def strings(name: str | None) -> list[Any]:
        if name is None or name not in picked.columns:
            return null
        return picked[name].cast(pl.Utf8).to_list()

    return pl.DataFrame(
        {
            "row": [offset + i for i in made],
            "record_id": strings("record_id"),
            "cluster_id": strings("cluster_id"),
            "group": strings("group"),
            "stratum": strings(strat_field),
            "source_file": strings("source_file"),
            "split_value": strings(split_field),
        },
        schema=SPLIT_KEY_SCHEMA,
    )


def _measure(tok: Any, examples: Sequence[Example]) -> list[Any]:
    try:
        return list(tok.measure([e.messages for e in examples]))
    except ValueError as exc:  # a chat template's raise_exception
        raise StageError(str(exc)) from exc


def _count_tokens(
    examples: list[Example],
    tok: Any,
    max_tokens: int | None,
    got: Collected,
    over_length: str = "drop",
) -> tuple[list[Any], list[bool], list[str | None]]:
    """Exact counts per example. One over the budget is, by ``over_length``: not kept
    ('drop': nothing is ever cut, the record is over_length), or shortened by dropping earlier
    exchanges ('drop_turns') and cutting the last user message ('trim'), never the answer.
    Per example, a note of what happened: ``"over_length: ..."``, ``"<strategy>: ..."`` or None."""
    counts: list[Any] = [None] * len(examples)
    keep = [True] * len(examples)
    notes: list[str | None] = [None] * len(examples)
    if tok is None:
        return counts, keep, notes
    for start in range(0, len(examples), TOKEN_BATCH):
        chunk = examples[start : start + TOKEN_BATCH]
        measured = _measure(tok, chunk)
        for j, (ex, c) in enumerate(zip(chunk, measured, strict=True)):
            k = start + j
            counts[k] = c
            if max_tokens is None or c.total <= max_tokens:
                continue
            fitted = None
            if over_length != "drop":
                fitted, c2 = tok.fit(ex.messages, max_tokens, cut_user=over_length == "trim")
            if fitted is None:
                keep[k] = False
                got.over_examples += 1
                got.over_tokens.append(c.total)
                notes[k] = (
                    f"over_length: {ex.task} needs {c.total:,} tokens "
                    f"(user {c.user:,}, assistant {c.assistant:,}) > {max_tokens:,}"
                )
            else:
                notes[k] = (
                    f"{over_length}: {ex.task} {c.total:,} -> {c2.total:,} tokens "
                    f"(user {c.user:,} -> {c2.user:,}; "
                    f"{_messages_dropped(ex.messages, fitted)} message(s) dropped)"
                )
                ex.messages, counts[k], ex.chars = fitted, c2, c2.chars
                got.trimmed += 1
    return counts, keep, notes


def _messages_dropped(before: list[Any], after: list[Any]) -> int:
    return len(before) - len(after)


def _record_counts(got: Collected, counts: list[Any], keep: list[bool]) -> None:
    """The exported examples' counts, in output order, for the token statistics."""
    for c, k in zip(counts, keep, strict=True):
        if k and c is not None:
            got.tokens.append(c.total)
            got.user.append(c.user)
            got.assistant.append(c.assistant)


def _serialize(
    df: pl.DataFrame,
    examples: list[Example],
    keep: list[bool],
    offset: int,
    got: Collected,
    fmt: str,
    style: str,
    metadata: bool,
) -> list[bytes]:
    """The JSONL lines of a batch's kept examples, validated by the format's rules; with
    metadata, each line stops before the metadata's last key (split), which `_route` adds."""
    from pydantic_core import to_json as dumps  # Rust: 3x faster than json.dumps, UTF-8 as is

    if metadata:
        ids = df["record_id"].to_list()
        sources = df["source"].to_list()
        clusters = df["cluster_id"].to_list()
    lines: list[bytes] = []
    bare: list[bytes] = lines if not metadata else []  # the lines without their metadata
    batch: list[dict[str, Any]] = []
    rows, chars, task_of = got.rows, got.chars, got.task_of
    code = {name: i for i, name in enumerate(got.task_names)}
    for k, ex in enumerate(examples):
        if not keep[k]:
            continue
        obj = convert(ex.messages, fmt, style)
        line = dumps(obj)
        if metadata:
            bare.append(line)
            meta = {
                "record_id": ids[ex.row],
                "id": f"{ids[ex.row]}:{ex.task}",
                "source": sources[ex.row],
                "cluster_id": clusters[ex.row],
            }
            obj["metadata"] = meta
            line = line[:-1] + b',"metadata":' + dumps(meta) + b"}"  # what dumps(obj) gives
            meta["split"] = "train"  # for validation: a string, like the real one
        lines.append(line)
        batch.append(obj)
        rows.append(offset + ex.row)
        chars.append(ex.chars)
        got.tasks[ex.task] = got.tasks.get(ex.task, 0) + 1
        if ex.task not in code:
            code[ex.task] = len(got.task_names)
            got.task_names.append(ex.task)
        task_of.append(code[ex.task])
    got.digests += _digests(bare)
    for start in range(0, len(batch), VALIDATE_BATCH):
        _validate(batch[start : start + VALIDATE_BATCH], fmt, style)
    return lines


def _digests(lines: list[bytes]) -> bytes:
    """DIGEST_SIZE bytes per line, equal for equal lines: two seeded 64-bit hashes, which
    Polars computes for the batch in Rust (4x faster than hashlib's SHA-256 per line). Only
    compared within one export, so that they differ between Polars versions does not matter."""
    if not lines:
        return b""
    series = pl.Series(lines, dtype=pl.Binary)
    pair = [series.hash(seed=seed).to_numpy() for seed in (1, 2)]
    return np.column_stack(pair).astype(np.uint64).tobytes()


def _validate(batch: list[dict[str, Any]], fmt: str, style: str) -> None:
    from pydantic import ValidationError

    if not batch:
        return
    try:
        validate_batch(batch, fmt, style)
    except ValidationError as exc:
        first = exc.errors()[0]
        index = first["loc"][0] if first["loc"] else 0
        raise StageError(
            f"an exported example fails the {fmt} model: "
            f"{'.'.join(str(x) for x in first['loc'])}: {first['msg']} "
            f"(example {json.dumps(batch[int(index)])[:300]})"
        ) from exc
