"""The funnel shows every outcome, per file and per folder, and each row says it adds up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from curate.report import html, terminal
from curate.report.funnel import check_row, folders
from curate.report.tables import OUTCOMES

GOLDENS = sorted((Path(__file__).parent / "data" / "report").glob("*.json"))


def _load(p: Path) -> dict[str, Any]:
    return json.loads(p.read_text("utf-8"))


@pytest.mark.parametrize("golden", GOLDENS, ids=lambda p: p.stem)
def test_golden_funnels_sum_to_rows_read(golden: Path) -> None:
    f = _load(golden)
    assert f["funnel"], "a golden with an ingest has a per-file funnel"
    for r in f["funnel"]:
        total = sum(r[k] for k in OUTCOMES)
        assert total == r["rows_read"] == r["accounted"], r["source_file"]
        assert r["adds_up"] is True
    for r in f["funnel_folders"]:
        assert sum(r[k] for k in OUTCOMES) == r["rows_read"] and r["adds_up"] is True
    assert sum(r["rows_read"] for r in f["funnel_folders"]) == f["input_rows"]
    assert sum(f["outcomes"].values()) == f["input_rows"]


def _terminal(renderable: Any) -> str:
    c = Console(record=True, width=140, color_system=None)
    c.print(renderable)
    return c.export_text()


def test_file_funnel_shows_no_example_rows() -> None:
    """12 helpdesk rows made no example: the file's row must show them and add up to 210."""
    f = _load(Path(__file__).parent / "data" / "report" / "golden_sample_tickets.json")
    out = _terminal(terminal._funnel(f))
    line = next(x for x in out.splitlines() if "helpdesk_tickets" in x)
    assert "no-ex." in out and "sum" in out
    assert line.split()[-1] == "✓" and " 12 " in line
    page = html._funnel(f)
    assert "no-example" in page and page.count("✓") == 3  # two files and the total


def _many() -> dict[str, Any]:
    rows = []
    for i in range(30):
        folder = "notes/a" if i < 20 else "notes/b"
        r = {k: 0 for k in OUTCOMES} | {"source_file": f"{folder}/f{i:02d}.txt", "rows_read": 10}
        r |= {"exported": 10 - i % 4, "no_example": i % 4}
        rows.append(check_row(r))
    rows[25] = check_row(rows[25] | {"rows_read": 11})  # one file that does not add up
    out = {k: sum(r[k] for r in rows) for k in OUTCOMES}
    return {"funnel": rows, "funnel_folders": folders(rows), "outcomes": out, "input_rows": 301}


def test_many_files_are_grouped_by_folder_with_top_files() -> None:
    f = _many()
    assert [(r["folder"], r["files"], r["rows_read"]) for r in f["funnel_folders"]] == [
        ("notes/a", 20, 200),
        ("notes/b", 10, 101),
    ]
    assert f["funnel_folders"][1]["adds_up"] is False
    assert f["funnel_folders"][0]["top_dropped"][0] == {
        "source_file": "notes/a/f03.txt",
        "dropped": 3,
    }
    out = _terminal(terminal._funnel(f))
    assert "Funnel per folder (30 files" in out and "Top 10 of 30 files by dropped rows" in out
    assert sum("notes/a/f" in x for x in out.splitlines()) <= 10  # not every file
    assert "✗" in next(
        x for x in out.splitlines() if x.strip().startswith("│ notes/b ") or " notes/b " in x
    )
    page = html._funnel(f)
    assert page.count("<details>") == 2 and "notes/a/f19.txt" in page  # all files, expandable
