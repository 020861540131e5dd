"""Provenance (issue 26): the rule pack's, schema's and tokenizer's identity in the stage log
and the manifest, and `report --compare` naming the pack that changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

import curate
from curate.report.comparison import compare, render_compare
from curate.workspace import Workspace, sha256_file
from tests.conftest import ROOT
from tests.test_tokens import make_tokenizer

SAMPLE = "sample_data/tickets/ibm_customer_care_sample.json"


def _my_rules(tmp_path: Path) -> Path:
    """A modified copy of the default pack: same `name`, one threshold changed."""
    text = (ROOT / "curate" / "builtin" / "rules" / "default.toml").read_text("utf-8")
    assert "min_words = 1\n" in text
    path = tmp_path / "myrules.toml"
    path.write_text(text.replace("min_words = 1\n", "min_words = 4\n", 1), "utf-8")
    return path


@pytest.fixture()
def two_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, Path]:
    monkeypatch.chdir(ROOT)
    mine = _my_rules(tmp_path)
    a, b = tmp_path / "a", tmp_path / "b"
    curate.ingest([SAMPLE], "tickets", a)
    curate.ingest([SAMPLE], "tickets", b, rules=str(mine))
    return a, b, mine


def test_stage_log_records_rule_pack_and_schema_files(two_runs: tuple[Path, Path, Path]) -> None:
    a, b, mine = two_runs
    cfg = Workspace(b).last_entry("ingest")["config"]  # type: ignore[index]
    assert cfg["rules"] == "default"  # the copy keeps the name: only path and hash tell
    assert cfg["rules_path"] == str(mine.resolve())
    assert cfg["rules_sha256"] == sha256_file(mine)
    builtin = ROOT / "curate" / "builtin" / "rules" / "default.toml"
    assert Workspace(a).last_entry("ingest")["config"]["rules_sha256"] == sha256_file(builtin)  # type: ignore[index]
    schema = ROOT / "curate" / "builtin" / "schemas" / "tickets.toml"
    assert cfg["schema_path"] == str(schema.resolve()) and cfg["schema_sha256"] == sha256_file(
        schema
    )


def test_manifest_records_rules_schema_tokenizer_and_version(
    two_runs: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    _, b, mine = two_runs
    tok = make_tokenizer(tmp_path / "tok")
    curate.export(b, out=tmp_path / "out", tokenizer=str(tok))
    m = json.loads((tmp_path / "out" / "manifest.json").read_text("utf-8"))
    assert m["rules_pack"] == {
        "name": "default",
        "path": str(mine.resolve()),
        "sha256": sha256_file(mine),
    }
    assert m["schema"]["path"].endswith("tickets.toml") and len(m["schema"]["sha256"]) == 64
    assert m["tokenizer"]["name"] == str(tok) and len(m["tokenizer"]["sha256"]) == 64
    assert m["curate_version"] == curate.__version__
    cfg = Workspace(b).last_entry("export")["config"]  # type: ignore[index]
    assert cfg["tokenizer_sha256"] == m["tokenizer"]["sha256"]


def test_compare_names_the_changed_rule_pack_and_key(two_runs: tuple[Path, Path, Path]) -> None:
    a, b, mine = two_runs
    diff = compare(a, b)
    (c,) = diff["provenance_changes"]
    assert c["what"] == "rules" and c["b"]["path"] == str(mine.resolve())
    assert c["keys"] == [{"key": "quality.min_words", "a": 1, "b": 4}]
    con = Console(record=True, width=200, color_system=None)
    render_compare(diff, con)
    out = con.export_text()
    assert "Rule pack changed:" in out and "myrules.toml" in out
    assert "quality.min_words: 1 → 4" in out
    assert compare(a, a)["provenance_changes"] == []


def test_report_names_the_rule_pack_file(two_runs: tuple[Path, Path, Path]) -> None:
    from curate.report import collect, html, terminal

    _, b, mine = two_runs
    facts = collect(b)
    assert facts["run"]["provenance"]["rules"] == {
        "name": "default",
        "path": str(mine.resolve()),
        "sha256": sha256_file(mine),
    }
    con = Console(record=True, width=120, color_system=None)
    con.print(terminal._header(facts))
    assert f"rule pack file myrules.toml sha256 {sha256_file(mine)[:12]}" in con.export_text()
    assert f"{mine.resolve()}, sha256 {sha256_file(mine)[:12]}" in html._run(facts)


def test_a_pack_that_extends_records_and_compares_its_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The extended pack's bytes made the run too: a changed base is a changed rule pack even
    when the extending file is byte-identical (the log recorded only that file's hash)."""
    monkeypatch.chdir(ROOT)
    base = _my_rules(tmp_path)
    top = tmp_path / "mine.toml"
    top.write_text('extends = "myrules.toml"\nname = "mine"\n', "utf-8")
    a, b = tmp_path / "a", tmp_path / "b"
    curate.ingest([SAMPLE], "tickets", a, rules=str(top))
    cfg = Workspace(a).last_entry("ingest")["config"]  # type: ignore[index]
    assert cfg["rules_sha256"] == sha256_file(top)
    assert cfg["rules_extends"] == [{"path": str(base.resolve()), "sha256": sha256_file(base)}]
    base.write_text(base.read_text("utf-8").replace("min_words = 4\n", "min_words = 3\n"), "utf-8")
    curate.ingest([SAMPLE], "tickets", b, rules=str(top))
    (c,) = compare(a, b)["provenance_changes"]
    assert c["what"] == "rules" and c["a"]["sha256"] == c["b"]["sha256"]
    assert c["a"]["extends"] != c["b"]["extends"]
    assert compare(a, a)["provenance_changes"] == []
