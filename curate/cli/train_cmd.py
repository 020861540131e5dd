"""CLI for `curate train` and `curate generate` (library: curate.train)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from curate.cli._common import console, handle_errors, json_option, out, print_json
from curate.options import click_options, stage_kwargs
from curate.train.options import TrainConfig

DEVICES = click.Choice(["auto", "cpu", "cuda", "mps"])


def _quiet() -> None:
    """Keep transformers' per-load progress bars and deprecation chatter off the terminal."""
    import warnings

    warnings.filterwarnings("ignore", category=FutureWarning)
    try:
        from transformers.utils import logging
    except ImportError:  # the train extra is missing; the library says how to install it
        return

    untyped: Any = logging  # transformers' logging helpers carry no annotations
    untyped.disable_progress_bar()
    untyped.set_verbosity_error()


@click.command("train")
@click.argument("data_dir", type=click.Path(file_okay=False))
@click_options(TrainConfig)
@click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False),
    default=None,
    help="Also log the run in this workspace.",
)
@json_option
@handle_errors
def train_command(data_dir: str, workspace: str | None, as_json: bool, **options: Any) -> None:
    """Train a LoRA adapter on DATA_DIR/train.jsonl (chat JSONL from `curate export`).

    The loss covers only assistant turns and their end-of-turn token, found with the model's own
    chat template. A model without a chat template gets curate's default
    ("### User:/### Assistant:" turns ending in EOS), saved with the adapter.
    """
    from curate.train import train

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("{task.fields[info]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=as_json or not console.is_terminal,
    ) as bar:
        task = bar.add_task("starting", total=None, info="")
        state: dict[str, Any] = {"eval": ""}

        def on_event(ev: dict[str, Any]) -> None:
            kind = ev["event"]
            if kind == "phase":
                _quiet()  # the data is valid; transformers is about to be imported anyway
                bar.update(task, description=ev["message"])
            elif kind == "start":
                bar.update(
                    task,
                    description="training",
                    total=ev["total_steps"],
                    completed=ev["start_step"],
                )
            elif kind == "eval":
                state["eval"] = f" eval {ev['eval_loss']:.3f}"
                bar.update(task, info=f"{state['eval']}")
            elif kind == "step":
                info = f"loss {ev['loss']:.3f}{state['eval']} {ev['tokens_per_s']:.0f} tok/s"
                bar.update(task, completed=ev["step"], info=info)

        result = train(
            data_dir,
            **stage_kwargs(TrainConfig, options),
            progress=on_event,
            workspace=workspace,
        )
    if as_json:
        print_json(asdict(result))
        return
    for warning in result.warnings:
        console.print(f"[yellow]Warning:[/] {warning}")
    ev = (
        f"{result.first_eval_loss:.4f} → {result.last_eval_loss:.4f}"
        if result.first_eval_loss is not None and result.last_eval_loss is not None
        else "not measured"
    )
    out.print(
        f"Trained {result.steps} steps on {result.train_examples} examples"
        + (f" (resumed at step {result.resumed_from})" if result.resumed_from is not None else "")
        + f"\n  eval loss {ev}; last train loss {result.last_loss:.4f}"
        + f"\n  {result.tokens_per_s:.0f} tokens/s, padding {result.padding_fraction:.1%}"
        + f"\n  adapter, tokenizer, chat template and training_card.json in {result.out}"
        + (f"\n  merged model in {result.merged}" if result.merged else ""),
        soft_wrap=True,
    )


@click.command("generate")
@click.argument("prompts", nargs=-1)
@click.option(
    "--adapter",
    required=True,
    type=click.Path(file_okay=False),
    help="Output directory of `curate train`.",
)
@click.option(
    "--model", default=None, help="Base model [default: the one in the adapter's training card]."
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Export directory for --val-samples.",
)
@click.option(
    "--val-samples",
    type=click.IntRange(min=0),
    default=0,
    help="Also answer the first N prompts of DATA/val.jsonl.",
)
@click.option("--max-new-tokens", type=click.IntRange(min=1), default=128, show_default=True)
@click.option("--device", type=DEVICES, default="auto", show_default=True)
@json_option
@handle_errors
def generate_command(
    prompts: tuple[str, ...],
    adapter: str,
    model: str | None,
    data_dir: str | None,
    val_samples: int,
    max_new_tokens: int,
    device: str,
    as_json: bool,
) -> None:
    """Print the base model's and the tuned model's answers to PROMPTS side by side."""
    from curate.train import generate

    _quiet()
    answers = generate(
        adapter,
        list(prompts),
        model=model,
        data_dir=data_dir,
        val_samples=val_samples,
        max_new_tokens=max_new_tokens,
        device=device,
    )
    if as_json:
        print_json([asdict(a) for a in answers])
        return
    table = Table(show_lines=True)
    for column in ("prompt", "base", "tuned"):
        table.add_column(column, overflow="fold")
    with_ref = any(a.reference is not None for a in answers)
    if with_ref:
        table.add_column("reference", overflow="fold")
    for a in answers:
        table.add_row(a.prompt, a.base, a.tuned, *([a.reference or ""] if with_ref else []))
    out.print(table)
