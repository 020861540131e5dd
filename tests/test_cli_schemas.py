"""`curate schemas list|show`: output and what a redirected `show` writes."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.schema import load_schema


@pytest.mark.parametrize("name", ["tickets", "contracts", "clinical_notes"])
def test_show_redirected_is_a_loadable_schema(tmp_path: Path, name: str) -> None:
    """`curate schemas show tickets > my.toml` gives the schema file byte for byte (rich
    wrapped it at 80 columns into invalid TOML), and it loads back as the same schema."""
    res = CliRunner().invoke(main, ["schemas", "show", name])
    assert res.exit_code == 0
    tomllib.loads(res.output)
    mine = tmp_path / f"{name}.toml"
    mine.write_text(res.output)
    assert load_schema(mine).model_dump() == load_schema(name).model_dump()


def test_list_names_the_builtins() -> None:
    res = CliRunner().invoke(main, ["schemas", "list"])
    assert res.exit_code == 0
    for name in ("tickets", "contracts", "clinical_notes"):
        assert name in res.output


def test_list_gives_each_schemas_rule_pack() -> None:
    """The pack ingest runs without --rules is shown beside each schema (issue 18)."""
    res = CliRunner().invoke(main, ["schemas", "list"], terminal_width=200)
    assert res.exit_code == 0
    rows = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in res.output.splitlines()
        if line.count("│") > 3
    }
    assert rows["clinical_notes"] == "clinical"
    assert rows["contracts"] == "contracts"
    assert rows["tickets"] == "default"
