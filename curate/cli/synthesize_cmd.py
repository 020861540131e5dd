"""CLI for `curate synthesize` (library: curate.synthetic.synthesize)."""

from __future__ import annotations

from typing import Any

import click

from curate.cli._common import handle_errors, json_option, out, print_json, workspace_option
from curate.options import click_options, stage_kwargs
from curate.synthetic.options import SynthesizeOptions

SYNTHESIZE_HELP = (
    "Optional synthetic Q&A: a model writes question-answer pairs about each kept doc section "
    "of WORKSPACE, filtered and marked synthetic, in the split of their section."
)


@click.command("synthesize", help=SYNTHESIZE_HELP)
@workspace_option
@click_options(SynthesizeOptions)
@json_option
@handle_errors
def synthesize_command(workspace: str, as_json: bool, **params: Any) -> None:
    from curate.synthetic import synthesize

    res = synthesize(workspace, **stage_kwargs(SynthesizeOptions, params))
    if as_json:
        print_json(res.__dict__)
        return
    dropped = ", ".join(f"{k} {v}" for k, v in sorted(res.dropped.items())) or "none"
    out.print(
        f"{res.sections} sections asked, {res.pairs} pairs back, {res.kept} kept "
        f"(dropped: {dropped})"
    )
    for path in res.files:
        out.print(f"  {path}")
