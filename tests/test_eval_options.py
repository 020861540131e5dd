"""EvalOptions is the single source of `curate eval`'s flags, its [eval] section and the
``curate.eval`` keywords (the check of tests/test_options.py applied to the new stage)."""

from __future__ import annotations

import click

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
