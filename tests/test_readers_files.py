"""Issue 17 items 9 and 10 (file level): odd names, unreadable files and folders.

We run as root in CI, where chmod 000 does not stop reads, so unreadable paths are simulated
by making ``os.scandir`` / ``open`` raise PermissionError for that path: the tests prove what
curate does with the OS error, not that the OS raises it.
"""

from __future__ import annotations

import builtins
import gzip
import json
import os
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.ingest import ingest


def rec(i: int) -> str:
    return json.dumps({"description": f"printer {i} is jammed", "answer": f"open tray {i}"})


def folder(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.jsonl").write_text(rec(1) + "\n" + rec(2) + "\n")
    return d


def test_non_utf8_file_name_exits_2_naming_it(tmp_path: Path) -> None:
    d = folder(tmp_path)
    bad = os.path.join(os.fsencode(d), b"caf\xe9.jsonl")
    with open(bad, "wb") as fh:
        fh.write(rec(3).encode() + b"\n")
    res = CliRunner().invoke(
        main, ["ingest", str(d), "--schema", "tickets", "-w", str(tmp_path / "ws")]
    )
    assert res.exit_code == 2, res.output
    assert res.stderr.splitlines()[0] == f"Error: {d}/caf\\xe9.jsonl: file name is not valid UTF-8"
    assert "unexpected" not in res.output


def test_corrupt_gz_in_a_folder_is_one_reject_the_rest_is_read(tmp_path: Path) -> None:
    d = folder(tmp_path)
    (d / "b.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage that is not deflate")
    (d / "c.parquet").write_bytes(b"PAR1 not really parquet")
    res = ingest([d], "tickets", tmp_path / "ws", rules=None)
    assert res.counts["records"] == 2 and res.counts["rows_read"] == 4
    rejects = pl.read_parquet(res.outputs["rejects"]).sort("source_file")
    assert rejects["reason"].to_list() == ["corrupt_file", "corrupt_file"]
    assert [Path(f).name for f in rejects["source_file"]] == ["b.jsonl.gz", "c.parquet"]
    assert all("not a readable" in m for m in rejects["message"])
    assert res.extra["accounting_ok"]


def test_corrupt_gz_named_explicitly_exits_2(tmp_path: Path) -> None:
    p = tmp_path / "b.jsonl.gz"
    p.write_bytes(b"\x1f\x8b\x08\x00garbage")
    res = CliRunner().invoke(
        main, ["ingest", str(p), "--schema", "tickets", "-w", str(tmp_path / "ws")]
    )
    assert res.exit_code == 2
    assert res.stderr.startswith(f"Error: {p}: not a readable gzip file")


def _deny(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """Make opening ``target`` raise PermissionError, as it would for a non-root user."""
    real_open = builtins.open

    def fake_open(file: Any, *a: Any, **kw: Any) -> Any:
        if isinstance(file, str | os.PathLike) and Path(file) == target:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *a, **kw)

    monkeypatch.setattr(builtins, "open", fake_open)


def test_unreadable_file_named_explicitly_exits_2_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = folder(tmp_path) / "a.jsonl"
    _deny(monkeypatch, p)
    res = CliRunner().invoke(
        main, ["ingest", str(p), "--schema", "tickets", "-w", str(tmp_path / "ws")]
    )
    assert res.exit_code == 2
    assert res.stderr.splitlines()[0] == f"Error: {p}: cannot open: Permission denied"


def test_unreadable_file_in_a_folder_is_a_per_file_reject(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = folder(tmp_path)
    (d / "b.jsonl").write_text(rec(5) + "\n")
    _deny(monkeypatch, d / "b.jsonl")
    res = ingest([d], "tickets", tmp_path / "ws", rules=None)
    assert res.counts["records"] == 2
    (row,) = pl.read_parquet(res.outputs["rejects"]).iter_rows(named=True)
    assert row["reason"] == "unreadable_file" and row["source_file"].endswith("b.jsonl")
    assert "Permission denied" in row["message"]


def test_unlistable_subfolder_and_dangling_link_are_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = folder(tmp_path)
    locked = d / "locked"
    locked.mkdir()
    (locked / "x.jsonl").write_text(rec(9) + "\n")
    (d / "gone.jsonl").symlink_to(d / "missing.jsonl")
    real_scandir = os.scandir

    def fake_scandir(path: Any = ".") -> Any:
        if isinstance(path, str | os.PathLike) and Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", fake_scandir)
    res = ingest([d], "tickets", tmp_path / "ws", rules=None)
    assert res.counts["records"] == 2
    assert f"{locked}: folder skipped, cannot be listed (Permission denied)" in res.warnings
    assert f"{d / 'gone.jsonl'}: skipped, symbolic link to a missing file" in res.warnings


def test_truncated_gz_still_keeps_rows_before_the_cut(tmp_path: Path) -> None:
    d = folder(tmp_path)
    data = gzip.compress(("\n".join(rec(i) for i in range(2000)) + "\n").encode())
    (d / "t.jsonl.gz").write_bytes(data[: len(data) // 2])
    res = ingest([d], "tickets", tmp_path / "ws", rules=None)
    assert res.extra["accounting_ok"] and res.counts["records"] > 2
    assert "truncated_file" in res.reasons["rejected"]
