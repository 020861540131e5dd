"""`curate report` on the command line: exit codes, messages, JSON/HTML outputs, --compare, terminal fit."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner
from rich.console import Console

from curate.cli import main
from curate.report import collect, compare, render_terminal
from curate.workspace import write_parquet
from tests.report_fixtures import build


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("cli") / "ws", 200).path


def run(*args: str) -> object:
    return CliRunner().invoke(main, ["report", *args])


def test_report_prints_and_writes(ws: Path, tmp_path: Path) -> None:
    r = run("-w", str(ws), "--html", str(tmp_path / "r.html"), "--json", str(tmp_path / "r.json"))
    assert r.exit_code == 0, r.output
    assert (
        "✓ accounting:" in r.stdout
        and "Funnel per source file" in r.stdout
        and "Training" in r.stdout
    )
    assert (
        r.stderr
        == f"wrote JSON report: {tmp_path / 'r.json'}\nwrote HTML report: {tmp_path / 'r.html'}\n"
    )
    assert json.loads((tmp_path / "r.json").read_text("utf-8")) == json.loads(
        json.dumps(collect(ws))
    )
    assert (tmp_path / "r.html").read_text("utf-8").startswith("<!DOCTYPE html>")


def test_json_to_stdout_is_only_json(ws: Path) -> None:
    r = run("-w", str(ws), "--json", "-")
    assert r.exit_code == 0
    facts = json.loads(r.stdout)
    assert facts["accounting_ok"] is True and facts["input_rows"] == sum(facts["outcomes"].values())


def test_missing_workspace_exits_2(tmp_path: Path) -> None:
    r = run("-w", str(tmp_path / "nope"))
    assert r.exit_code == 2
    assert r.stderr == (
        f"Error: workspace {tmp_path / 'nope'} does not exist\n"
        f"Hint: run `curate ingest PATH... --schema NAME -w {tmp_path / 'nope'}` first\n"
    )


def test_older_workspace_exits_2(ws: Path, tmp_path: Path) -> None:
    old = shutil.copytree(ws, tmp_path / "old")
    log = old / "stages.jsonl"
    log.write_text(
        log.read_text("utf-8").replace('"workspace_format": 1', '"workspace_format": 0'), "utf-8"
    )
    r = run("-w", str(old))
    assert r.exit_code == 2
    assert r.stderr.splitlines() == [
        f"Error: {log}:1: written by curate 0.1.0 (workspace format 0); this curate reads format 1",
        "Hint: re-run the pipeline into a fresh workspace",
    ]


def test_partial_workspace_exits_0(tmp_path: Path) -> None:
    part = build(tmp_path / "part", 80, stages=("ingest",)).path
    r = run("-w", str(part))
    assert r.exit_code == 0
    assert "not run yet: dedupe, export, train" in r.stdout
    assert "pending" in r.stdout


def test_tampered_workspace_exits_1_in_red(ws: Path, tmp_path: Path) -> None:
    bad = shutil.copytree(ws, tmp_path / "bad")
    path = bad / "ingest" / "filtered.parquet"
    df = pl.read_parquet(path)
    write_parquet(df.slice(0, df.height - 1), path)
    r = run("-w", str(bad), "--html", str(tmp_path / "bad.html"))
    assert r.exit_code == 1
    assert "✗ ACCOUNTING FAILED" in r.stdout
    assert r.stderr.splitlines()[1].startswith(
        "Error: accounting check failed: rows per file: data/"
    )
    assert (
        r.stderr.splitlines()[-1]
        == "Hint: the workspace tables do not add up; re-run the pipeline into a fresh workspace"
    )
    assert 'class="banner bad" id="accounting"' in (tmp_path / "bad.html").read_text("utf-8")
    # and in red on a colour terminal
    console = Console(width=100, force_terminal=True, color_system="standard", record=True)
    render_terminal(collect(bad), console, compact=True)
    assert "\x1b[1;31m✗ ACCOUNTING FAILED" in console.export_text(styles=True)


def test_terminal_fits_100_columns(ws: Path) -> None:
    console = Console(width=160, record=True)
    render_terminal(collect(ws), console)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 100
    compact = Console(width=100, record=True)
    render_terminal(collect(ws), compact, compact=True)
    assert len(compact.export_text().splitlines()) < len(text.splitlines()) / 3


def test_compare_shows_what_changed(ws: Path, tmp_path: Path) -> None:
    other = build(tmp_path / "b", 260, seed=3).path
    log = other / "stages.jsonl"
    log.write_text(log.read_text("utf-8").replace('"threshold": 0.8', '"threshold": 0.7'), "utf-8")
    diff = compare(ws, other)
    fa, fb = collect(ws), collect(other)
    for k, p in diff["outcomes"].items():
        assert (p["a"], p["b"], p["delta"]) == (
            fa["outcomes"][k],
            fb["outcomes"][k],
            fb["outcomes"][k] - fa["outcomes"][k],
        )
    assert diff["input_rows"]["delta"] == fb["input_rows"] - fa["input_rows"]
    assert diff["config_changes"] == [{"stage": "dedupe", "key": "threshold", "a": 0.8, "b": 0.7}]
    r = run("--compare", str(ws), str(other))
    assert r.exit_code == 0
    assert (
        "Counts (input rows)" in r.stdout
        and "Config changes" in r.stdout
        and "threshold" in r.stdout
    )
    r = run("--compare", str(ws), str(other), "--json", "-")
    assert json.loads(r.stdout)["splits"] == json.loads(json.dumps(diff["splits"]))
    r = run("--compare", str(ws), str(tmp_path / "missing"))
    assert r.exit_code == 2 and r.stderr.startswith(
        f"Error: workspace {tmp_path / 'missing'} does not exist"
    )


def test_bad_min_class_is_a_usage_error(ws: Path) -> None:
    r = run("-w", str(ws), "--min-class", "-1")
    assert r.exit_code == 2 and "Invalid value for '--min-class'" in r.stderr


def test_report_on_real_ingest_of_the_sample_data(tmp_path: Path) -> None:
    """The contract end to end: the real ingest stage's tables on sample_data/tickets."""
    ingest_mod = pytest.importorskip("curate.ingest")
    sample = Path(__file__).resolve().parents[1] / "sample_data" / "tickets"
    if not sample.is_dir():
        pytest.skip("sample_data/tickets is not there")
    ingest_mod.ingest([sample], "tickets", tmp_path / "ws")
    f = collect(tmp_path / "ws")
    assert f["accounting_ok"], [c for c in f["accounting"]["checks"] if c["ok"] is False]
    assert {c["name"] for c in f["accounting"]["checks"] if c["ok"]} >= {
        "rows per file",
        "outcomes add up",
        "ingest log matches its tables",
        "files unchanged since their stage ran",
    }
    assert f["input_rows"] == sum(f["outcomes"].values()) > 0
    assert f["missing_stages"] == ["dedupe", "export", "train"]
    r = run("-w", str(tmp_path / "ws"), "--html", str(tmp_path / "r.html"))
    assert r.exit_code == 0, r.output


def test_terminal_shows_records_made_from_rows(tmp_path: Path, ws: Path) -> None:
    from tests.test_report import build_contracts

    console = Console(width=100, record=True)
    render_terminal(collect(build_contracts(tmp_path)), console)
    text = console.export_text()
    assert "✓ accounting: 5 input rows = 4 exported + 1 duplicate" in text
    assert "Outcomes (input rows, and the records made from them)" in text
    lines = {line.split()[0]: line.split() for line in text.splitlines() if line.strip()}
    assert lines["exported"][:3] == ["exported", "4", "80.0"] and lines["exported"][-1] == "7"
    assert lines["filtered"] == ["filtered", "0", "0.0", "1"]
    assert "5 input rows became 11 records" in " ".join(text.split())
    assert max(len(line) for line in text.splitlines()) <= 100
    # one record per row: the table stays as it was, rows only
    plain = Console(width=100, record=True)
    render_terminal(collect(ws), plain)
    titles = [line.rstrip() for line in plain.export_text().splitlines()]
    assert "Outcomes (input rows)" in titles and "input rows became" not in " ".join(titles)


def test_terminal_names_the_stratified_balance_field(tmp_path: Path) -> None:
    from tests.test_report import build_tickets

    console = Console(width=100, record=True)
    render_terminal(collect(build_tickets(tmp_path / "t", "priority")), console)
    text = " ".join(console.export_text().split())
    assert (
        "Balance by priority (records; minimum 5; the export stratified its splits by it)" in text
    )
    assert "of category has" not in text
