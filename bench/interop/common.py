"""Shared by the `make interop` checkers (stdlib only: each runs in a tool's own venv)."""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("bench/out/interop")


def cases() -> dict[str, Any]:
    return json.loads((OUT / "cases.json").read_text("utf-8"))


def export_dir(case: str) -> Path:
    return OUT / "exports" / case


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def files(case: str) -> Iterator[tuple[str, str, Path, list[dict[str, Any]]]]:
    """(split, file name, path, expected rows) of every file of a case."""
    for split, names in cases()[case]["files"].items():
        for name in names:
            yield split, name, export_dir(case) / name, read_jsonl(OUT / "expected" / case / name)


def trained_runs(decode: Callable[[list[int]], str], ids: list[int], mask: list[bool]) -> list[str]:
    """Decoded text of each run of consecutive trained tokens."""
    runs: list[list[int]] = []
    for i, t in enumerate(mask):
        if t and (i == 0 or not mask[i - 1]):
            runs.append([])
        if t:
            runs[-1].append(ids[i])
    return [decode(r) for r in runs]


class Results:
    """One row per (tool, case): pass, fail or n/a with what was checked or what broke."""

    def __init__(self, tool: str) -> None:
        self.tool, self.rows = tool, []  # type: ignore[var-annotated]

    def run(self, case: str, check: Callable[[], str]) -> None:
        try:
            detail = check()
            status = "n/a" if detail.startswith("n/a") else "pass"
        except Exception as exc:  # a tool's own error is a result, recorded with its message
            status = "fail"
            detail = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
            traceback.print_exc()
        self.rows.append({"tool": self.tool, "case": case, "status": status, "detail": detail})
        print(f"[{self.tool}] {case}: {status} — {detail}", flush=True)

    def save(self) -> None:
        folder = OUT / "results"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{self.tool}.json").write_text(json.dumps(self.rows, indent=2) + "\n", "utf-8")


def same(got: Any, want: Any, what: str) -> None:
    if got != want:
        raise AssertionError(f"{what}: got {str(got)[:200]!r}, want {str(want)[:200]!r}")
