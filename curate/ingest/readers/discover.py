"""Which files are inputs: suffixes to formats, and paths, folders and globs expanded into a sorted file list."""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from pathlib import Path

from curate.errors import InputError

FORMATS: dict[str, str] = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".tab": "tsv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
}


COMPRESSIONS: dict[str, str] = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}


def file_format(path: str | os.PathLike[str]) -> tuple[str, str | None]:
    """(format, compression) from the file name, e.g. ``data.csv.gz`` → ``("csv", "gzip")``."""
    name = Path(path).name.lower()
    stem, ext = os.path.splitext(name)
    compression = COMPRESSIONS.get(ext)
    if compression:
        ext = os.path.splitext(stem)[1]
    fmt = FORMATS.get(ext)
    if fmt is None:
        supported = ", ".join(sorted(FORMATS))
        raise InputError(
            f"{path}: unsupported file type '{ext or name}'",
            hint=f"supported: {supported} (each optionally .gz or .zst)",
        )
    return fmt, compression


def _supported(path: Path) -> bool:
    try:
        file_format(path)
    except InputError:
        return False
    return True


def discover(paths: Sequence[str], warnings: list[str] | None = None) -> list[Path]:
    """Expand files, directories (recursively) and globs into a sorted, deduplicated file list.

    Hidden files and folders and files of unsupported types are skipped inside directories and
    globs; a file named explicitly must exist and have a supported type. A folder that cannot
    be listed and a dangling symbolic link add to ``warnings``; a file name that is not valid
    UTF-8 is an InputError.
    """
    from curate.ingest.input_walk import check_name, walk_dir

    found: dict[Path, Path] = {}
    notes: list[str] = [] if warnings is None else warnings

    def add(p: Path) -> None:
        check_name(p)
        found.setdefault(p.resolve(), p)

    for spec in paths:
        p = Path(spec)
        if p.is_file():
            file_format(p)
            add(p)
        elif p.is_dir():
            hits = [f for f in walk_dir(p, notes) if _supported(f)]
            if not hits:
                raise InputError(
                    f"{spec}: no supported files in this directory",
                    hint=f"supported: {', '.join(sorted(FORMATS))}",
                )
            for f in hits:
                add(f)
        elif glob.has_magic(spec):
            hits = [
                Path(m)
                for m in glob.glob(spec, recursive=True)
                if Path(m).is_file() and _supported(Path(m))
            ]
            if not hits:
                raise InputError(f"{spec}: no supported files match this pattern")
            for f in hits:
                add(f)
        elif p.exists():
            raise InputError(f"{spec}: not a regular file")
        else:
            raise InputError(f"{spec}: no such file or directory")
    return sorted(found.values(), key=lambda q: q.as_posix())


def source_name(path: str | os.PathLike[str]) -> str:
    """The path as ingest records it: relative to the working directory when inside it."""
    p = Path(path)
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return p.as_posix()
