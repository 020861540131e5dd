"""`curate rules list|show`: output, JSON and the exact error messages."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.rules import load_rule_pack
from curate.rules.pack import builtin_packs

DATA = Path(__file__).parent / "data" / "rules"


def test_list() -> None:
    res = CliRunner().invoke(main, ["rules", "list"])
    assert res.exit_code == 0
    for name in ("default", "strict", "clinical"):
        assert name in res.output


def test_list_json() -> None:
    res = CliRunner().invoke(main, ["rules", "list", "--json"])
    assert res.exit_code == 0
    packs = {p["name"]: p for p in json.loads(res.output)}
    assert packs["strict"]["languages"] == ["en"] and packs["strict"]["redaction"] == "pseudonym"


def test_show_builtin_and_file() -> None:
    res = CliRunner().invoke(main, ["rules", "show", "clinical"])
    assert res.exit_code == 0 and "month_day_dates = true" in res.output
    res = CliRunner().invoke(main, ["rules", "show", str(DATA / "custom.toml"), "--json"])
    assert res.exit_code == 0
    assert json.loads(res.output)["filters"][0]["name"] == "no_lorem"


def test_show_unknown_pack() -> None:
    res = CliRunner().invoke(main, ["rules", "show", "strikt"])
    assert res.exit_code == 2
    assert res.output == (
        "Error: rule pack 'strikt' is neither a built-in rule pack nor a file\n"
        f"Hint: did you mean 'strict'? built-in rule packs: {', '.join(builtin_packs())}\n"
    )


def test_show_bad_key_and_bad_regex(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[language]\nallow = ['en']\nbackend = 'fasttext'\nthreshold = 0.3\n")
    res = CliRunner().invoke(main, ["rules", "show", str(bad)])
    assert res.exit_code == 2
    assert res.output == f"Error: {bad}: language.threshold: unknown key\n"
    bad.write_text('[[filters]]\nname = "spam"\npattern = "a{2,1}"\n')
    res = CliRunner().invoke(main, ["rules", "show", str(bad)])
    assert res.exit_code == 2
    assert res.output.startswith(f"Error: {bad}: filters.0: rule 'spam': invalid regex 'a{{2,1}}'")


def test_help_mentions_langdetect_cores() -> None:
    res = CliRunner().invoke(main, ["rules", "--help"])
    assert res.exit_code == 0 and "all CPU cores" in res.output


@pytest.mark.parametrize("name", ["default", "strict", "clinical"])
def test_show_redirected_is_a_loadable_pack(tmp_path: Path, name: str) -> None:
    """`curate rules show default > my.toml` gives valid TOML: rich no longer wraps long lines
    when stdout is not a terminal, and the file loads back as the same pack."""
    res = CliRunner().invoke(main, ["rules", "show", name])
    assert res.exit_code == 0
    assert max(len(line) for line in res.output.splitlines()) > 80  # long lines to wrap
    tomllib.loads(res.output)
    mine = tmp_path / f"{name}.toml"
    mine.write_text(res.output)
    assert load_rule_pack(mine).model_dump() == load_rule_pack(name).model_dump()
