from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from curate.cli import main


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_ingest_ok_json_summary(tmp_path: Path) -> None:
    src = _csv(tmp_path / "t.csv", "Ticket Description,Resolution\nMy wifi drops,Reset it\n")
    res = CliRunner().invoke(
        main,
        [
            "ingest",
            str(src),
            "--schema",
            "tickets",
            "--rules",
            "none",
            "-w",
            str(tmp_path / "ws"),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["stage"] == "ingest"
    assert data["counts"]["records"] == 1


def test_file_matching_no_layout_is_one_reject_not_an_abort(tmp_path: Path) -> None:
    """Issue 19: a file no layout fits is one reject naming its columns and the closest layout;
    other files of the run are still read (tests/test_ingest.py checks that part)."""
    import polars as pl

    src = _csv(tmp_path / "t.csv", "subject,descripton\na,b\n")
    res = CliRunner().invoke(
        main, ["ingest", str(src), "--schema", "tickets", "-w", str(tmp_path / "ws")]
    )
    assert res.exit_code == 0
    assert "rejected: no_layout 1" in res.output
    rejects = pl.read_parquet(tmp_path / "ws" / "ingest" / "rejects.parquet")
    assert rejects["reason"].to_list() == ["no_layout"]
    assert rejects["message"].to_list() == [
        f"{src}: no layout of schema 'tickets' fits its columns (subject, descripton); "
        "closest layout 'ticket_rows' lacks Ticket Description (did you mean 'descripton'?)"
    ]
    assert "Traceback" not in res.output


def test_missing_file_exit_2(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main,
        ["ingest", str(tmp_path / "nope.csv"), "--schema", "tickets", "-w", str(tmp_path / "ws")],
    )
    assert res.exit_code == 2
    assert "nope.csv" in res.stderr and res.stderr.startswith("Error: ")


def test_unknown_schema_exit_2(tmp_path: Path) -> None:
    src = _csv(tmp_path / "t.csv", "body\nx\n")
    res = CliRunner().invoke(
        main, ["ingest", str(src), "--schema", "tikets", "-w", str(tmp_path / "ws")]
    )
    assert res.exit_code == 2
    assert res.stderr.splitlines() == [
        "Error: schema 'tikets' is neither a built-in schema nor a file",
        "Hint: did you mean 'tickets'? built-in schemas: clinical_notes, codebase, contracts, tickets",
    ]


def test_header_only_file_warns_zero_records(tmp_path: Path) -> None:
    src = _csv(tmp_path / "t.csv", "Ticket Description,Resolution\n")
    res = CliRunner().invoke(
        main,
        ["ingest", str(src), "--schema", "tickets", "--rules", "none", "-w", str(tmp_path / "ws")],
    )
    assert res.exit_code == 0, res.output
    assert "no data rows; 0 records" in res.stderr


def test_bad_rows_rejected_with_file_line(tmp_path: Path) -> None:
    src = _csv(
        tmp_path / "t.csv",
        'Ticket Description,Resolution\nfine,ok\n"unbalanced,ok\nragged,row,extra\nalso fine,ok\n',
    )
    res = CliRunner().invoke(
        main,
        [
            "ingest",
            str(src),
            "--schema",
            "tickets",
            "--rules",
            "none",
            "-w",
            str(tmp_path / "ws"),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["extra"]["accounting_ok"] is True
    assert data["counts"]["records"] >= 1
    assert data["counts"]["rejected"] >= 1


def test_debug_env_shows_traceback(tmp_path: Path) -> None:
    res = CliRunner(env={"CURATE_DEBUG": "1"}).invoke(
        main,
        ["ingest", str(tmp_path / "nope.csv"), "--schema", "tickets", "-w", str(tmp_path / "ws")],
    )
    assert res.exit_code != 0
    assert res.exception is not None


def test_schemas_list_and_show() -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["schemas", "list"])
    assert res.exit_code == 0 and "tickets" in res.output and "contracts" in res.output
    res = runner.invoke(main, ["schemas", "show", "tickets"])
    assert res.exit_code == 0 and 'name = "tickets"' in res.output


def test_jsonl_of_python_reprs_is_rejected_line_by_line_not_empty(tmp_path: Path) -> None:
    """Issue 17 item 5: content with no parsable record is rejects, never '0 records'."""
    src = tmp_path / "r.jsonl"
    src.write_text("{'description': 'a', 'answer': 'b'}\n{'description': 'c', 'answer': 'd'}\n")
    args = ["ingest", str(src), "--schema", "tickets", "--rules", "none"]
    res = CliRunner().invoke(main, [*args, "-w", str(tmp_path / "ws"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["counts"]["rows_read"] == 2 and data["counts"]["rejected"] == 2
    assert data["reasons"]["rejected"] == {"bad_json": 2}
    assert not any("empty file" in w for w in data["warnings"])
