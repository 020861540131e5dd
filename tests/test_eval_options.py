"""EvalOptions is the single source of `curate eval`'s flags, its [eval] section and the
``curate.eval`` keywords (the check of tests/test_options.py applied to the new stage)."""

from __future__ import annotations

import click
import pytest

import curate
from curate.cli import main
from curate.config import RunConfig
from curate.eval.options import EvalOptions
from tests.test_options import mismatches


def test_every_eval_option_in_flag_toml_and_keyword() -> None:
    command = main.get_command(click.Context(main), "eval")
    assert command is not None
    section = RunConfig.model_fields["eval"].annotation
    (section,) = [a for a in section.__args__ if a is not type(None)]  # type: ignore[union-attr]
    problems = mismatches(EvalOptions, command, section, curate.eval)
    # the command's own parameters: what it evaluates, where results go, the other modes
    assert sorted(problems) == [
        "--compare is not an options field",
        "--model is not an options field",
        "eval(model=...) is not an options field",
    ]
    assert set(section.model_fields) == set(EvalOptions.model_fields)
    assert len(EvalOptions.model_fields) >= 6


@pytest.mark.parametrize("name", ["tickets", "contracts", "clinical_notes", "codebase"])
def test_every_builtin_task_declares_its_metrics(name: str) -> None:
    """`curate eval` refuses a task without metrics: the codebase schema's api_reference had
    none, so its own LoRA could not be scored (issue 25), and tickets' triage neither."""
    from curate.eval.metrics import REGISTRY
    from curate.schema import load_schema

    for task in load_schema(name).tasks:
        assert task.metrics, f"{name}.{task.name} declares no metrics"
        assert set(task.metrics) <= set(REGISTRY), (name, task.name, task.metrics)
