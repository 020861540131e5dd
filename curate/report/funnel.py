"""The funnel's rows, per file and per folder, each with its own sum check.

Every outcome is a column (``no_example`` and ``over_length`` too, or the percentages of a file
whose rows made no example are wrong), and every row says whether its outcomes add up to the rows
read. Folder inputs can hold hundreds of files, so the files are also grouped by folder, with the
files that lost the most rows listed first.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from curate.report.tables import OUTCOMES

# files in a folder listed by dropped rows (the HTML lists them all, expandable)
TOP_FILES = 5
# above this many files the terminal shows folders and the top files instead of every file
MANY_FILES = 20
DROPPED = tuple(k for k in OUTCOMES if k not in ("exported", "pending"))


def outcome_keys(f: dict[str, Any]) -> list[str]:
    """The outcome columns to show: every outcome any row (or the total) has, in OUTCOMES order;
    ``exported`` always."""
    rows = [*(f.get("funnel") or []), f.get("outcomes") or {}]
    return [k for k in OUTCOMES if k == "exported" or any(r.get(k) for r in rows)]


def dropped(r: dict[str, Any]) -> int:
    return sum(int(r.get(k) or 0) for k in DROPPED)


def check_row(r: dict[str, Any]) -> dict[str, Any]:
    """Add ``accounted`` (the sum of the outcomes) and ``adds_up`` (it equals ``rows_read``;
    None when the ingest log recorded no rows read for it)."""
    total = sum(int(r.get(k) or 0) for k in OUTCOMES)
    read = r.get("rows_read")
    return r | {"accounted": total, "adds_up": None if read is None else total == read}


def folder_of(path: str) -> str:
    parent = str(PurePosixPath(path.replace("\\", "/")).parent)
    return parent if parent not in ("", ".") else "."


def folders(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per folder: outcome sums, files, rows read and the files that dropped most."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault(folder_of(r["source_file"]), []).append(r)
    out = []
    for name in sorted(groups):
        g = groups[name]
        reads = [r.get("rows_read") for r in g]
        top = sorted(g, key=lambda r: (-dropped(r), r["source_file"]))
        row = {
            "folder": name,
            "files": len(g),
            "rows_read": None if any(x is None for x in reads) else sum(x or 0 for x in reads),
            **{k: sum(int(r.get(k) or 0) for r in g) for k in OUTCOMES},
            "top_dropped": [
                {"source_file": r["source_file"], "dropped": dropped(r)}
                for r in top[:TOP_FILES]
                if dropped(r)
            ],
        }
        out.append(check_row(row))
    return out


def top_files(rows: list[dict[str, Any]], n: int = 10) -> list[dict[str, Any]]:
    """The ``n`` files that lost the most rows (ties by name), only those that lost any."""
    return [r for r in sorted(rows, key=lambda r: (-dropped(r), r["source_file"])) if dropped(r)][
        :n
    ]


def overall_adds_up(f: dict[str, Any]) -> bool:
    return sum(int(v or 0) for v in (f.get("outcomes") or {}).values()) == f.get("input_rows")
