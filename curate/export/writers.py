"""Export's files: the split JSONL files (or shards), manifest.json and dataset_info.json.

Lines spilled during the pass are routed, in order, to their split's file, each hashed as the
bytes go out. A previous export's split file that this one does not write is removed, but only
one curate wrote and that still has the SHA-256 its manifest recorded.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from curate.errors import UsageError
from curate.export.formats import OPTIONAL_COLUMNS, dataset_info
from curate.export.splits import SPLITS
from curate.workspace import atomic_path, sha256_file, write_json

ROUTE_CHUNK = 65_536  # spilled lines routed per step
DROPPED = len(SPLITS)  # ex_split code of an example not written (a copy of an earlier one)
SPLIT_FILE = re.compile(r"(?:train|val|test)(?:-\d{5})?\.jsonl")


class SplitWriter:
    """One split's JSONL output: a single file, or shards of ``shard_size`` examples named
    ``{split}-00000.jsonl`` in output order; SHA-256 is computed as the bytes go out."""

    def __init__(
        self, out_dir: Path, split: str, shard_size: int | None, stack: contextlib.ExitStack
    ) -> None:
        self.out_dir, self.split, self.shard_size, self.stack = out_dir, split, shard_size, stack
        self.files: list[dict[str, Any]] = []  # path, sha256, examples
        self.handle: Any = None
        self.hash: Any = None
        self.in_file = 0
        self.examples = 0
        self._next_file()

    def _next_file(self) -> None:
        self._close()
        if self.shard_size is None:
            name = f"{self.split}.jsonl"
        else:
            name = f"{self.split}-{len(self.files):05d}.jsonl"
        tmp = self.stack.enter_context(atomic_path(self.out_dir / name))
        self.handle = self.stack.enter_context(open(tmp, "wb", buffering=1 << 20))  # noqa: SIM115
        self.hash = hashlib.sha256()
        self.in_file = 0
        self.files.append({"path": name, "sha256": None, "examples": 0})

    def write_many(self, lines: list[bytes]) -> None:
        i = 0
        while i < len(lines):
            if self.shard_size is not None and self.in_file == self.shard_size:
                self._next_file()
            room = len(lines) - i
            if self.shard_size is not None:
                room = min(room, self.shard_size - self.in_file)
            blob = b"".join(lines[i : i + room])
            self.handle.write(blob)
            self.hash.update(blob)
            self.in_file += room
            self.examples += room
            i += room

    def _close(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.files[-1].update(sha256=self.hash.hexdigest(), examples=self.in_file)
            self.handle = None

    def close(self) -> list[dict[str, Any]]:
        self._close()
        return self.files


@contextlib.contextmanager
def scratch_file(folder: Path) -> Iterator[Path]:
    """A temporary file in ``folder`` (same disk as the output), always removed."""
    fd, name = tempfile.mkstemp(prefix=".curate-export.", suffix=".tmp", dir=folder)
    os.close(fd)
    path = Path(name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)


def route(
    spill_path: Path,
    ex_split: npt.NDArray[np.uint8],
    writers: dict[str, SplitWriter],
    metadata: bool,
) -> None:
    """Copy the spilled lines, in order, to their splits' files (adding the split to the
    metadata: the byte string pydantic-core writes for the whole object); lines coded DROPPED
    are skipped."""
    by_code = [writers.get(s) for s in SPLITS]
    tails = [f',"split":"{s}"}}}}\n'.encode() for s in (*SPLITS, "dropped")]
    with open(spill_path, "rb", buffering=1 << 20) as spill:
        for start in range(0, len(ex_split), ROUTE_CHUNK):
            buckets: list[list[bytes]] = [[] for _ in range(DROPPED + 1)]
            for code in ex_split[start : start + ROUTE_CHUNK].tolist():
                line = spill.readline()
                buckets[code].append(line[:-3] + tails[code] if metadata else line)
            for code, lines in enumerate(buckets[:DROPPED]):
                if lines:
                    writer = by_code[code]
                    assert writer is not None, f"{SPLITS[code]} assigned with fraction 0"
                    writer.write_many(lines)


def file_entries(
    names: dict[str, str],
    written: dict[str, list[dict[str, Any]]],
    per_split: dict[str, dict[str, int]],
    sharded: bool,
) -> dict[str, Any]:
    """The manifest's ``files``: per split its file and SHA-256, or its shards in order, with
    its example and record counts."""
    if not sharded:
        return {
            s: {"path": written[s][0]["path"], "sha256": written[s][0]["sha256"], **per_split[s]}
            for s in names
        }
    return {s: {"shards": written[s], **per_split[s]} for s in names}


def write_dataset_info(
    out_dir: Path,
    fmt: str,
    completion_style: str,
    names: dict[str, str],
    written: dict[str, list[dict[str, Any]]],
    sharded: bool,
) -> None:
    """LLaMA-Factory's dataset_info.json for the formats it reads (a stale one removed).

    Sharded, each shard is its own entry (``dataset: curate_train-00000,curate_train-00001``):
    LLaMA-Factory 0.9.5 joins ``file_name`` to its dataset_dir as one path (a list raises
    TypeError, checked by `make interop`) and reads a folder as all the files in it."""
    if not sharded:
        info_files = {s: names[s] for s in names}
    else:
        info_files = {f"{s}-{i:05d}": f["path"] for s in names for i, f in enumerate(written[s])}
    columns = None
    if fmt in ("sharegpt", "alpaca"):
        columns = {entry: keys_present(out_dir / name) for entry, name in info_files.items()}
    info = dataset_info(fmt, completion_style, info_files, columns)
    path = out_dir / "dataset_info.json"
    theirs = foreign_dataset_info(path)
    if info or theirs:
        write_json(theirs | info, path)
    elif path.is_file() and not path.is_symlink():  # only curate's entries were in it
        path.unlink()


def foreign_dataset_info(path: Path) -> dict[str, Any]:
    """The entries of an existing dataset_info.json that curate did not write (a LLaMA-Factory
    ``data/`` folder registers every dataset in one such file): kept when curate adds or
    drops its own ``curate_*`` entries, so exporting there never loses a user's registry. A file
    that is not a JSON object is refused rather than overwritten."""
    if not path.exists() and not path.is_symlink():
        return {}
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(
            f"{path}: not a dataset_info.json curate can add its entries to ({exc})",
            hint="move the file away, or choose another out folder",
            param="out",
        ) from exc
    if not isinstance(data, dict):
        raise UsageError(
            f"{path}: not a dataset_info.json curate can add its entries to (not a JSON object)",
            hint="move the file away, or choose another out folder",
            param="out",
        )
    return {k: v for k, v in data.items() if not str(k).startswith("curate_")}


def keys_present(path: Path, keys: tuple[str, ...] = OPTIONAL_COLUMNS) -> set[str]:
    """Which of ``keys`` some line of the JSONL file has as a key. ``"key":`` with bare quotes
    can only be a key: inside a JSON string a quote is escaped (``\\"``). Stops reading once
    all are found."""
    needles = {k: f'"{k}":'.encode() for k in keys}
    found: set[str] = set()
    tail = b""
    with open(path, "rb") as f:
        while len(found) < len(keys) and (chunk := f.read(1 << 20)):
            window = tail + chunk
            found.update(k for k, n in needles.items() if k not in found and n in window)
            tail = window[-16:]
    return found


def remove_stale(out_dir: Path, keep: set[str]) -> None:
    """A previous export's split file (or shard) that this one does not write would mislead
    a trainer. Only what curate itself wrote goes: the old manifest must be one curate wrote,
    and a file it lists is removed only if its name is a split file name curate writes (no
    folder, no ``..``), it is a plain file directly in ``out_dir`` and it still has the SHA-256
    that manifest recorded."""
    old = out_dir / "manifest.json"
    if old.is_symlink() or not old.is_file():
        return
    try:
        data = json.loads(old.read_text("utf-8"))
        if not _is_curate_manifest(data):
            return
        listed = [
            (f["path"], f["sha256"])
            for e in data["files"].values()
            for f in (e.get("shards") or [e])
        ]
    except (OSError, ValueError, AttributeError, KeyError, TypeError):
        return
    for name, digest in listed:
        if not isinstance(name, str) or name in keep or not SPLIT_FILE.fullmatch(name):
            continue
        path = out_dir / name
        if path.is_symlink() or not path.is_file() or sha256_file(path) != digest:
            continue
        path.unlink()


def _is_curate_manifest(data: Any) -> bool:
    """The keys only curate's export writes together (a trainer's own manifest.json has others)."""
    return (
        isinstance(data, dict)
        and {"curate_version", "files", "format", "examples"} <= data.keys()
        and isinstance(data["files"], dict)
    )
