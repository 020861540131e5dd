"""A schema names its rule pack (issue 18): `curate ingest --schema clinical_notes` without
--rules ran the default pack, which leaves ages over 89 (a HIPAA Safe Harbor identifier) in the
text; contracts got the default pack's person detectors, which make parties and defined terms
[PERSON]. Now the schema's ``rules`` key is the default; an explicit pack always wins."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import curate
from curate.cli import main
from curate.config import load_config
from curate.ingest.options import IngestOptions
from curate.run import run
from curate.schema import builtin_schemas, load_schema

PACKS = {"tickets": "default", "clinical_notes": "clinical", "contracts": "contracts"}
PACKS["codebase"] = "code"
NOTE = "The patient is a 93-year-old woman seen for a cough of two weeks."


def _notes(tmp: Path) -> Path:
    src = tmp / "notes.csv"
    src.write_text(
        "ID,section_header,section_text,dialogue\n"
        f'1,GENHX,"{NOTE}","Doctor: What brings you in? Patient: A cough, for two weeks."\n',
        "utf-8",
    )
    return src


def _ingest_cli(src: Path, ws: Path, *args: str) -> Any:
    return CliRunner().invoke(
        main, ["ingest", str(src), "--schema", "clinical_notes", "-w", str(ws), *args]
    )


def _log(ws: Path) -> dict[str, Any]:
    """The options the last ingest recorded in the stage log."""
    entry = curate.Workspace(ws).last_entry("ingest")
    assert entry is not None
    config: dict[str, Any] = entry["config"]
    return config


def _note(ws: Path) -> str:
    import polars as pl

    return str(pl.read_parquet(ws / "ingest" / "records.parquet")["note"][0])


def test_builtin_schemas_name_their_pack() -> None:
    assert {n: load_schema(n).rules for n in builtin_schemas()} == PACKS


def test_clinical_notes_without_rules_runs_the_clinical_pack(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    res = _ingest_cli(_notes(tmp_path), ws)
    assert res.exit_code == 0, res.output
    assert _note(ws) == "The patient is a [AGE]-year-old woman seen for a cough of two weeks."
    assert json.loads((ws / "ingest" / "rules.json").read_text())["pack"] == "clinical"
    config = _log(ws)
    assert (config["rules"], config["rules_from"]) == ("clinical", "schema")


def test_explicit_rules_win_over_the_schemas_pack(tmp_path: Path) -> None:
    src = _notes(tmp_path)
    res = _ingest_cli(src, tmp_path / "d", "--rules", "default")
    assert res.exit_code == 0, res.output
    assert _note(tmp_path / "d") == NOTE  # the default pack keeps an age over 89
    assert json.loads((tmp_path / "d" / "ingest" / "rules.json").read_text())["pack"] == "default"
    assert (_log(tmp_path / "d")["rules"], _log(tmp_path / "d")["rules_from"]) == (
        "default",
        "option",
    )
    res = _ingest_cli(src, tmp_path / "n", "--rules", "none")
    assert res.exit_code == 0, res.output
    assert _note(tmp_path / "n") == NOTE
    assert not (tmp_path / "n" / "ingest" / "rules.json").exists()
    assert (_log(tmp_path / "n")["rules"], _log(tmp_path / "n")["rules_from"]) == (None, "option")


def test_library_default_is_the_schemas_pack_and_none_stays_no_rules(tmp_path: Path) -> None:
    src = _notes(tmp_path)
    curate.ingest([src], "clinical_notes", tmp_path / "a")
    assert _note(tmp_path / "a").startswith("The patient is a [AGE]-year-old")
    curate.ingest([src], "clinical_notes", tmp_path / "b", rules=None)  # as documented: no rules
    assert _note(tmp_path / "b") == NOTE


def _custom_schema(tmp: Path, rules_line: str) -> Path:
    text = load_schema("clinical_notes").source_path
    assert text is not None
    body = Path(text).read_text("utf-8").replace('rules = "clinical"', rules_line, 1)
    path = tmp / "my_schema.toml"
    path.write_text(body, "utf-8")
    return path


def test_custom_schema_with_an_unknown_pack_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    schema = _custom_schema(tmp_path, 'rules = "clinicl"')
    res = CliRunner().invoke(
        main, ["ingest", str(_notes(tmp_path)), "--schema", str(schema), "-w", str(tmp_path / "w")]
    )
    assert res.exit_code == 2
    assert res.stderr.splitlines() == [
        f"Error: {schema}: rules: unknown rule pack 'clinicl' (neither a built-in pack nor a file)",
        "Hint: did you mean 'clinical'? built-in packs: clinical, code, contracts, default, "
        "strict, or 'none', or a pack .toml file relative to the schema file",
    ]
    assert not (tmp_path / "w").exists()  # refused before any input was read


def test_custom_schema_pack_file_beside_it_and_schema_without_pack(tmp_path: Path) -> None:
    pack = tmp_path / "packs" / "mine.toml"
    pack.parent.mkdir()
    pack.write_text('extends = "clinical"\nname = "mine"\n', "utf-8")
    schema = _custom_schema(tmp_path, 'rules = "packs/mine.toml"')
    assert load_schema(schema).rules == str(pack.resolve())
    res = _ingest_cli(_notes(tmp_path), tmp_path / "w")  # built-in schema: unchanged
    assert res.exit_code == 0, res.output
    curate.ingest([_notes(tmp_path)], schema, tmp_path / "m")
    assert (_log(tmp_path / "m")["rules"], _log(tmp_path / "m")["rules_from"]) == (
        "mine",
        "schema",
    )
    assert _note(tmp_path / "m").startswith("The patient is a [AGE]-year-old")
    bare = _custom_schema(tmp_path, "")
    curate.ingest([_notes(tmp_path)], bare, tmp_path / "b")
    assert (_log(tmp_path / "b")["rules"], _log(tmp_path / "b")["rules_from"]) == (
        "default",
        "default",
    )


@pytest.mark.parametrize("schema", sorted(PACKS))
def test_init_writes_the_schemas_pack(tmp_path: Path, schema: str) -> None:
    out = tmp_path / "curate.toml"
    res = CliRunner().invoke(main, ["init", "--schema", schema, "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert load_config(out).ingest.rules == PACKS[schema]


def test_run_without_rules_uses_the_schemas_pack(tmp_path: Path) -> None:
    src = _notes(tmp_path)
    cfg = tmp_path / "curate.toml"
    cfg.write_text(
        f'workspace = "ws"\n[ingest]\npaths = ["{src}"]\nschema = "clinical_notes"\n', "utf-8"
    )
    assert load_config(cfg).ingest.rules == "schema"
    run(cfg)
    assert (_log(tmp_path / "ws")["rules"], _log(tmp_path / "ws")["rules_from"]) == (
        "clinical",
        "schema",
    )
    assert _note(tmp_path / "ws").startswith("The patient is a [AGE]-year-old")


def test_rules_help_gives_each_schemas_pack() -> None:
    """The --rules help names the default, one pair per built-in schema, as the schemas say."""
    help_text = IngestOptions.model_fields["rules"].description or ""
    for name, pack in PACKS.items():
        assert f"{name}: {pack}" in help_text
    res = CliRunner().invoke(main, ["ingest", "--help"])
    assert res.exit_code == 0
    assert "Default 'schema': the schema's own pack" in " ".join(res.output.split())


def test_resolve_rules_explicit_wins_then_schema_then_default() -> None:
    from curate.ingest.options import resolve_rules

    clinical = load_schema("clinical_notes")
    bare = clinical.model_copy(update={"rules": None})
    off = clinical.model_copy(update={"rules": "none"})
    assert resolve_rules("schema", clinical) == ("clinical", "schema")
    assert resolve_rules("schema", bare) == ("default", "default")
    assert resolve_rules("schema", off) == (None, "schema")
    assert resolve_rules("strict", clinical) == ("strict", "option")
    assert resolve_rules("NONE", clinical) == (None, "option")
    assert resolve_rules(None, clinical) == (None, "option")
    assert IngestOptions.model_fields["rules"].default == "schema"
