"""A stage commits atomically: tables a killed stage left behind, without its log entry, are
refused by the next stage (issue 17 item 12); export never deletes or writes among files curate
did not make (item 4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.dedupe import dedupe
from curate.errors import UsageError, WorkspaceError
from curate.export import export
from curate.ingest import ingest
from curate.workspace import Workspace
from tests.conftest import SAMPLE

DATA = SAMPLE / "tickets" / "helpdesk_tickets.csv"


class Killed(BaseException):
    """Stands for SIGKILL arriving at one exact point (a real kill is in test_run.py)."""


def _killed_before_log(monkeypatch: pytest.MonkeyPatch, stage: str) -> None:
    real = Workspace.log_stage

    def log_stage(self: Workspace, result: object) -> object:
        if getattr(result, "stage", None) == stage:
            raise Killed
        return real(self, result)  # type: ignore[arg-type]

    monkeypatch.setattr(Workspace, "log_stage", log_stage)


def test_next_stage_refuses_tables_written_without_their_log_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = tmp_path / "ws"
    ingest([DATA], "tickets", ws, rules=None)
    dedupe(ws)
    # The same ingest again over other data, killed after its tables were renamed into place
    # and before its log entry: the log still describes the first ingest.
    other = tmp_path / "other.csv"
    other.write_text("\n".join(DATA.read_text().splitlines()[:40]) + "\n")
    with monkeypatch.context() as m:
        _killed_before_log(m, "ingest")
        with pytest.raises(Killed):
            ingest([other], "tickets", ws, rules=None)
    message = (
        f"workspace {ws}: the ingest stage's outputs do not match its stage log entry "
        "(ingest/records.parquet differs from the logged SHA-256; ingest/rejects.parquet "
        "differs from the logged SHA-256); a run was interrupted while ingest was writing, "
        "or its files were changed since"
    )
    hint = (
        f"re-run ingest: `curate ingest PATH... --schema NAME -w {ws}` "
        "(or `curate run CONFIG --force ingest`)"
    )
    for stage in (lambda: dedupe(ws), lambda: export(ws, out=tmp_path / "out")):
        with pytest.raises(WorkspaceError) as exc:
            stage()
        assert (exc.value.message, exc.value.hint) == (message, hint)
    assert not (tmp_path / "out").exists()
    res = CliRunner().invoke(main, ["dedupe", "-w", str(ws)])
    assert res.exit_code == 2
    assert res.stderr.splitlines()[:2] == [f"Error: {message}", f"Hint: {hint}"]
    # Re-running the stage the message names repairs the workspace.
    ingest([other], "tickets", ws, rules=None)
    dedupe(ws)


def test_export_refuses_dedupe_tables_a_killed_dedupe_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = tmp_path / "ws"
    ingest([DATA], "tickets", ws, rules=None)
    dedupe(ws, threshold=0.8)
    with monkeypatch.context() as m:
        _killed_before_log(m, "dedupe")
        with pytest.raises(Killed):
            dedupe(ws, threshold=0.3)
    with pytest.raises(WorkspaceError) as exc:
        export(ws, out=tmp_path / "out")
    assert exc.value.message.startswith(
        f"workspace {ws}: the dedupe stage's outputs do not match its stage log entry ("
    )
    assert exc.value.hint == (
        f"re-run dedupe: `curate dedupe -w {ws}` (or `curate run CONFIG --force dedupe`)"
    )


def test_stage_log_records_where_each_output_lives(tmp_path: Path) -> None:
    ws = Workspace(tmp_path / "ws")
    ingest([DATA], "tickets", ws.path, rules=None)
    entry = ws.last_entry("ingest")
    assert entry is not None
    assert entry["output_paths"] == {
        "filtered": "ingest/filtered.parquet",
        "records": "ingest/records.parquet",
        "rejects": "ingest/rejects.parquet",
        "schema": "ingest/schema.toml",
    }
    assert ws.changed_outputs("ingest") == []
    (ws.path / "ingest" / "rejects.parquet").unlink()
    assert ws.changed_outputs("ingest") == ["ingest/rejects.parquet is missing"]


# -- item 4: export --out ---------------------------------------------------------------------


@pytest.fixture
def ingested(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    data.mkdir()
    (data / "tickets.csv").write_bytes(DATA.read_bytes())
    ws = tmp_path / "ws"
    ingest([data], "tickets", ws, rules=None)
    return ws, data


def test_export_keeps_files_a_foreign_manifest_lists(
    ingested: tuple[Path, Path], tmp_path: Path
) -> None:
    ws, _ = ingested
    out = tmp_path / "trainer_run"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "val.jsonl").write_text("my own validation set\n")
    (out / "manifest.json").write_text(
        json.dumps({"files": {"a": {"path": "notes.txt"}, "b": {"path": "val.jsonl"}}})
    )
    export(ws, out=out, val_fraction=0.0)
    assert (out / "notes.txt").read_text() == "mine"
    assert (out / "val.jsonl").read_text() == "my own validation set\n"


def test_export_removes_only_its_own_stale_split_files(
    ingested: tuple[Path, Path], tmp_path: Path
) -> None:
    ws, _ = ingested
    out = tmp_path / "out"
    export(ws, out=out, val_fraction=0.1, test_fraction=0.1)
    manifest = json.loads((out / "manifest.json").read_text())
    # A manifest in curate's shape that names files curate does not write, or with other bytes.
    (out / "keep.csv").write_text("x")
    (tmp_path / "outside.jsonl").write_text("x")
    manifest["files"]["extra"] = {"path": "keep.csv", "sha256": "0"}
    manifest["files"]["up"] = {"path": "../outside.jsonl", "sha256": "0"}
    (out / "manifest.json").write_text(json.dumps(manifest))
    (out / "val.jsonl").write_text("edited by hand\n")
    export(ws, out=out, val_fraction=0.0, test_fraction=0.0)
    assert not (out / "test.jsonl").exists()  # curate's own, unchanged: stale, removed
    assert (out / "val.jsonl").read_text() == "edited by hand\n"  # not the bytes curate wrote
    assert (out / "keep.csv").exists() and (tmp_path / "outside.jsonl").exists()


@pytest.mark.parametrize("where", ["data", "data/export", "."])
def test_export_refuses_out_inside_an_ingest_input(
    ingested: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    ws, data = ingested
    monkeypatch.chdir(tmp_path)
    relation = {"data": "is", "data/export": "is inside", ".": "contains"}[where]
    with pytest.raises(UsageError) as exc:
        export(ws, out=Path(where))
    assert exc.value.message == (
        f"out {Path(where)} {relation} the ingest input {data}; curate never writes or "
        "deletes files among its inputs"
    )
    assert exc.value.param == "out"  # the library names the parameter, the CLI the flag
    assert sorted(p.name for p in data.iterdir()) == ["tickets.csv"]
    res = CliRunner().invoke(main, ["export", "-w", str(ws), "--out", where])
    assert res.exit_code == 2
    assert res.stderr.splitlines()[0] == f"Error: --{exc.value.message}"
