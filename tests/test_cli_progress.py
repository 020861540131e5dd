"""Stage commands print one-line progress when their output is a log, not a terminal."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.cli._common import LogProgress
from tests.conftest import SAMPLE


def test_ingest_dedupe_and_export_print_progress_lines_in_a_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LogProgress, "EVERY_S", 0.0)  # a line at every update
    ws = str(tmp_path / "ws")
    res = CliRunner().invoke(
        main, ["ingest", str(SAMPLE / "tickets"), "--schema", "tickets", "-w", ws]
    )
    assert res.exit_code == 0, res.output
    lines = [x for x in res.stderr.splitlines() if x.startswith("ingest: ")]
    assert lines and lines[-1].endswith(", done")
    assert " rows, " in lines[0] and "rows/s" in lines[0]
    res = CliRunner().invoke(main, ["dedupe", "-w", ws])
    assert res.exit_code == 0, res.output
    lines = [x for x in res.stderr.splitlines() if x.startswith("dedupe")]
    assert lines == [
        "dedupe fingerprint: 0/297 records (0%), 0 records/s",
        lines[1],
        "dedupe: near-duplicates…",
        "dedupe: write…",
        lines[4],
    ]
    assert lines[1].startswith("dedupe fingerprint: 297/297 records (100%), ")
    assert lines[4].startswith("dedupe fingerprint: 297/297 ") and lines[4].endswith(", done")
    res = CliRunner().invoke(main, ["export", "-w", ws, "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert any(x.startswith("export ") and "items" in x for x in res.stderr.splitlines())
    quiet = CliRunner().invoke(
        main, ["ingest", str(SAMPLE / "tickets"), "--schema", "tickets", "-w", ws, "--json"]
    )
    assert not [x for x in quiet.stderr.splitlines() if x.startswith("ingest: ")]


def test_ingest_of_many_files_shows_those_that_lost_most_rows(tmp_path: Path) -> None:
    """A folder of 30 notes: 20 rows and a total line, not 30 rows before anything else."""
    from curate.cli import ingest_cmd

    notes = tmp_path / "notes"
    notes.mkdir()
    for i in range(30):
        (notes / f"n{i:02d}.csv").write_text(
            "Ticket Description,Resolution\n"
            + ("" if i != 7 else ",\n")  # n07 has one row that is rejected (no text)
            + f"My order {i} never arrived at all.,We sent a new one today.\n"
        )
    res = CliRunner().invoke(
        main, ["ingest", str(notes), "--schema", "tickets", "-w", str(tmp_path / "ws")]
    )
    assert res.exit_code == 0, res.output
    assert ingest_cmd.MAX_FILES_SHOWN == 20
    assert "n07.csv" in res.output  # it lost a row: shown
    assert "... 10 more files" in res.output
    assert "20 of 30 files shown" in " ".join(res.output.split())


def test_ingest_table_with_relative_and_absolute_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text("Ticket Description,Resolution\nMy order is late.,Sent.\n")
    res = CliRunner().invoke(
        main, ["ingest", "a.csv", str(tmp_path / "b.csv"), "--schema", "tickets", "-w", "ws"]
    )
    assert res.exit_code == 0, res.output
