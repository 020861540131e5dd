"""The README stays true: its CLI reference is current and its commands run."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.cli._docs import readme_block
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text("utf-8")


def test_cli_reference_is_current() -> None:
    import difflib

    block = readme_block()
    start = README.index("<!-- cli-reference:begin -->")
    end = README.index("<!-- cli-reference:end -->") + len("<!-- cli-reference:end -->")
    diff = "".join(difflib.unified_diff(README[start:end].splitlines(True), block.splitlines(True)))
    assert not diff, "README is stale; run: python -m curate.cli._docs --write\n" + diff


def test_every_command_documented() -> None:
    import click

    names = main.list_commands(click.Context(main))
    assert len(names) >= 11
    for name in names:
        assert f"### `curate {name}`" in README, name


def test_quickstart_shows_the_two_commands() -> None:
    assert "make demo" in README and "make test" in README


def _tour_commands() -> list[str]:
    block = README.split("## A five-minute tour", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.splitlines() if line.strip().startswith("curate ")]


def test_tour_commands_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every `curate ...` line of the tour runs (outputs go under tmp_path)."""
    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    commands = _tour_commands()
    assert commands
    for line in commands:
        line = re.sub(r"\bwork/", f"{tmp_path}/work/", line)
        args = shlex.split(line)[1:]
        if args[0] == "run":
            # The tour's configs write next to sample_data; run them into tmp_path instead.
            cfg = (
                (ROOT / args[1]).read_text("utf-8").replace("../curate-work", str(tmp_path / "cw"))
            )
            target = ROOT / args[1]
            copy = tmp_path / target.name
            copy.write_text(cfg.replace('paths = ["', f'paths = ["{target.parent}/'), "utf-8")
            args = ["run", str(copy)]
        res = runner.invoke(main, args)
        assert res.exit_code == 0, f"{line}\n{res.output}"


def test_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's Python snippet runs (the whole-pipeline `curate.run` line is the tour's)."""
    monkeypatch.chdir(ROOT)
    block = README.split("## From Python", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    code = "\n".join(line for line in block.splitlines() if "curate.run(" not in line)
    code = code.replace('"work', f'"{tmp_path}/work')
    exec(compile(code, "README.md", "exec"), {})
    assert (tmp_path / "work" / "report.html").exists()


def test_ci_runs_the_tests_and_lint() -> None:
    """CI (.ci/run) runs `make lint` after `make test`, and lint is ruff, the format check
    and mypy: a style or typing regression fails CI, not only a failing test."""
    steps = [ln.strip() for ln in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert steps.index("make test") < steps.index("make lint")
    lint = (ROOT / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    for tool in ("ruff check", "ruff format --check", "mypy"):
        assert tool in lint, tool
    mypy = (ROOT / "pyproject.toml").read_text().split("[tool.mypy]", 1)[1].split("\n[", 1)[0]
    assert "strict = true" in mypy.splitlines()  # make lint is mypy --strict on curate/


def test_architecture_import_graph_is_current() -> None:
    """docs/architecture.md's import graph is what docs/import_graph.py draws from the code."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("import_graph", ROOT / "docs" / "import_graph.py")
    assert spec is not None and spec.loader is not None
    graph = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(graph)
    block = graph.doc_block()
    assert "cli -> " in block and "ingest -> " in block
    doc = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    assert block in doc, "stale import graph; run: python docs/import_graph.py --write"
