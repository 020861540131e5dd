"""Walking an input folder without silence: what cannot be listed or followed is a warning.

``Path.rglob`` skips a folder it may not list and a dangling symbolic link without a word, so
rows could vanish while the report says every row was accounted for. This walk names them.
"""

from __future__ import annotations

import os
from pathlib import Path

from curate.errors import InputError

__all__ = ["check_name", "named_explicitly", "sha256_or_empty", "walk_dir"]


def walk_dir(base: Path, warnings: list[str]) -> list[Path]:
    """Every non-hidden entry under ``base`` that is a file (symbolic links to files
    included, linked folders not followed, as ``rglob`` does); a folder that cannot be listed
    and a link whose target is missing each add a warning naming the path."""

    def unlisted(err: OSError) -> None:
        where = err.filename if err.filename is not None else base
        warnings.append(f"{where}: folder skipped, cannot be listed ({err.strerror or err})")

    files: list[Path] = []
    for root, dirs, names in os.walk(base, onerror=unlisted):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for n in names:
            if n.startswith("."):
                continue
            p = Path(root, n)
            if p.is_file():
                files.append(p)
            elif p.is_symlink() and not p.exists():
                warnings.append(f"{p}: skipped, symbolic link to a missing file")
    return files


def check_name(path: Path) -> None:
    """A path curate can record: its name must be valid UTF-8 (workspace tables are UTF-8)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(path).decode("utf-8", "backslashreplace")
        raise InputError(
            f"{shown}: file name is not valid UTF-8",
            hint="rename the file (for example with convmv -f latin1 -t utf-8)",
        ) from None


def sha256_or_empty(path: Path) -> str:
    """The file's SHA-256, or "" when it cannot be read (it is then a ``unreadable_file``
    reject, and the stage log must still be written)."""
    from curate.workspace import sha256_file

    try:
        return sha256_file(path)
    except OSError:
        return ""


def named_explicitly(path: Path, specs: list[str]) -> bool:
    """Whether ``path`` was given as a file on the command line (not found in a folder or
    glob): such a file that cannot be read stops ingest with exit 2."""
    target = path.resolve()
    return any(Path(s).is_file() and Path(s).resolve() == target for s in specs)
