"""The public API as a user meets it: plain typed functions re-exported from ``curate``, real
signatures and short help, a downstream ``mypy --strict`` that sees them, and a light import
(``curate --help`` under 0.3 s; a stable proxy: no polars, pydantic, numpy or torch)."""

from __future__ import annotations

import inspect
import os
import pydoc
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest

import curate
from tests.conftest import ROOT

STAGES = ("ingest", "dedupe", "export", "train", "eval", "report", "run")


def test_all_is_sorted_and_every_name_resolves() -> None:
    assert curate.__all__ == sorted(curate.__all__)
    for name in curate.__all__:
        assert getattr(curate, name) is not None, name
    assert {*STAGES, "generate", "validate_file", "load_config", "load_schema"} <= set(
        curate.__all__
    )


def test_stages_are_plain_functions_with_real_signatures() -> None:
    for name in STAGES:
        fn = getattr(curate, name)
        assert inspect.isfunction(fn), name
        assert fn.__name__ == name
        assert "kwargs" not in inspect.signature(fn).parameters, name
    assert list(inspect.signature(curate.ingest).parameters)[:3] == ["paths", "schema", "workspace"]
    assert "batch_size" in inspect.signature(curate.ingest).parameters
    assert inspect.signature(curate.train).parameters["lr"].default == 2e-4


def test_help_is_the_function_doc_and_short() -> None:
    for name in STAGES:
        fn = getattr(curate, name)
        text = pydoc.render_doc(fn, renderer=pydoc.plaintext)
        assert fn.__doc__ and fn.__doc__.strip().splitlines()[0] in text, name
        assert len(text) < 4000, (name, len(text))


def test_lazy_names_are_the_real_objects() -> None:
    from curate.config import RunConfig
    from curate.train.options import TrainConfig
    from curate.workspace import Workspace

    assert curate.RunConfig is RunConfig
    assert curate.TrainConfig is TrainConfig
    assert curate.Workspace is Workspace
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        curate.nope  # type: ignore[attr-defined]  # noqa: B018


def test_a_submodule_import_does_not_shadow_a_stage() -> None:
    """Importing ``curate.ingest.options`` or ``curate.report.facts`` leaves ``curate.ingest``
    and ``curate.report.collect`` the functions."""
    code = (
        "import curate.ingest.options, curate.report.facts, curate.train.generate, curate\n"
        "import curate.eval.options, curate.eval.stage\n"
        "from curate.report import collect\n"
        "from curate.train import generate\n"
        "import inspect\n"
        "assert all(inspect.isfunction(f) for f in (curate.ingest, curate.report, collect, "
        "generate, curate.train, curate.run, curate.eval)), 'shadowed'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_import_curate_cli_is_light() -> None:
    """`curate --help` imports the CLI only: nothing heavy (the time target's stable proxy),
    and no command module."""
    heavy = ("polars", "pydantic", "numpy", "torch", "pyarrow", "transformers", "ray")
    code = (
        "import sys, curate.cli\n"
        "from click.testing import CliRunner\n"
        "res = CliRunner().invoke(curate.cli.main, ['--help'])\n"
        "assert res.exit_code == 0 and 'ingest' in res.output, res.output\n"
        f"print(','.join(m for m in {heavy!r} if m in sys.modules))\n"
        "print(','.join(m for m in sys.modules if m.endswith('_cmd')))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.splitlines() == ["", ""], out.stdout


def test_the_command_table_matches_the_commands() -> None:
    """``curate --help`` lists commands from a static table: it must say what each says."""
    from curate.cli import COMMANDS, main

    ctx = click.Context(main)
    for name, (_, _, summary) in COMMANDS.items():
        command = main.get_command(ctx, name)
        assert command is not None and command.help is not None, name
        stub = click.Command(name, help=summary)
        for limit in (40, 70, 200):
            assert stub.get_short_help_str(limit) == command.get_short_help_str(limit), name


DOWNSTREAM = """
from __future__ import annotations

import curate
from curate import EvalResult, ReportResult, RunResult, StageResult, TrainResult


def pipeline() -> None:
    ingested: StageResult = curate.ingest(["data.csv"], "tickets", "work", batch_size=100)
    deduped: StageResult = curate.dedupe("work", threshold=0.9, keep="longest")
    exported: StageResult = curate.export("work", out="work/export", format="chat")
    reported: ReportResult = curate.report("work", html="work/report.html")
    trained: TrainResult = curate.train("work/export", model="smollm2", out="a", max_steps=3)
    answers = curate.generate("a", ["hi"], max_new_tokens=8)
    evaluated: EvalResult = curate.eval("a", "work/export", split="val", limit=10)
    print(evaluated.summary["tasks"], curate.EvalOptions(split="val").limit)
    ran: RunResult = curate.run("curate.toml", force="export")
    config: curate.RunConfig = curate.load_config("curate.toml")
    schema: curate.Schema = curate.load_schema("tickets")
    pack: curate.RulePack = curate.load_rule_pack("default")
    report = curate.validate_file("train.jsonl")
    options = curate.TrainConfig(model="m", out="o", lr=1e-3)
    workspace: curate.Workspace = curate.Workspace("work")
    print(ingested, deduped, exported, reported, trained, answers, ran, config, schema, pack)
    print(report, options, workspace, curate.__version__)
    try:
        curate.dedupe("work")
    except curate.UsageError as exc:
        print(exc.param)
    except curate.CurateError as exc:
        print(exc.message, exc.hint)
"""


@pytest.mark.slow
def test_downstream_mypy_strict_sees_the_signatures(tmp_path: Path) -> None:
    """A user's file calling every public function passes mypy --strict, and a wrong argument
    type is caught: the checker sees the real signatures, not ``Any``."""
    good = tmp_path / "good.py"
    good.write_text(DOWNSTREAM, "utf-8")
    bad = tmp_path / "bad.py"
    bad.write_text(
        textwrap.dedent(
            """
            import curate
            curate.ingest(["x.csv"], "tickets", batch_size="big")
            curate.train("export", model="m", out="o", lr_typo=1.0)
            """
        ),
        "utf-8",
    )
    # An editable install is an import hook mypy cannot follow: point it at the checkout, and
    # report only the user's file, as mypy does for an installed package.
    config = tmp_path / "mypy.ini"
    config.write_text(
        f"[mypy]\nstrict = True\nmypy_path = {ROOT}\ncache_dir = {tmp_path / 'cache'}\n"
        "[mypy-curate.*]\nignore_errors = True\n",
        "utf-8",
    )
    cmd = [sys.executable, "-m", "mypy", "--config-file", str(config)]
    env = {k: v for k, v in os.environ.items() if k != "MYPYPATH"}
    ok = subprocess.run([*cmd, str(good)], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    fail = subprocess.run([*cmd, str(bad)], capture_output=True, text=True, cwd=tmp_path, env=env)
    assert fail.returncode == 1
    assert 'Argument "batch_size" to "ingest" has incompatible type "str"' in fail.stdout
    assert 'Unexpected keyword argument "lr_typo" for "train"' in fail.stdout
