"""`curate export`: kept records -> train/val/test JSONL, manifest and token statistics."""

from __future__ import annotations

from typing import Any

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from curate.cli._common import (
    console,
    engine_options,
    handle_errors,
    json_option,
    print_json,
    workspace_option,
)


@click.command("export")
@workspace_option
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory for train.jsonl, val.jsonl, test.jsonl and manifest.json.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["chat", "sharegpt", "alpaca", "completion"]),
    default="chat",
    show_default=True,
    help="Output format.",
)
@click.option(
    "--completion-style",
    type=click.Choice(["standard", "conversational"]),
    default="standard",
    show_default=True,
    help="For --format completion: prompt/completion strings or message lists (TRL).",
)
@click.option("--val-fraction", type=float, default=0.1, show_default=True)
@click.option("--test-fraction", type=float, default=0.0, show_default=True)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Seed of the split assignment."
)
@click.option(
    "--stratify",
    default=None,
    help="Schema field to stratify splits by (default: the schema's; 'none' to disable).",
)
@click.option(
    "--tokenizer",
    default=None,
    help="tokenizer.json, model directory, hub id or smollm2 (the offline model): exact token counts.",
)
@click.option(
    "--max-tokens",
    type=int,
    default=None,
    help="Token budget per example (needs --tokenizer); longer ones are trimmed or dropped.",
)
@click.option(
    "--metadata", is_flag=True, help="Add a metadata object (record_id, source, split...)."
)
@click.option(
    "--train-on",
    type=click.Choice(["all", "last"]),
    default="all",
    show_default=True,
    help="'last' sets weight 0 on earlier assistant turns (chat format).",
)
@click.option("--task", "tasks", multiple=True, help="Export only these schema tasks (repeatable).")
@click.option(
    "--shard-size",
    type=click.IntRange(min=1),
    default=None,
    help="Write each split as shards of N examples (train-00000.jsonl, ...), listed in order "
    "in manifest.json.",
)
@engine_options
@json_option
@handle_errors
def export_command(
    workspace: str,
    out: str,
    fmt: str,
    completion_style: str,
    val_fraction: float,
    test_fraction: float,
    seed: int,
    stratify: str | None,
    tokenizer: str | None,
    max_tokens: int | None,
    metadata: bool,
    train_on: str,
    tasks: tuple[str, ...],
    shard_size: int | None,
    engine: str,
    ray_address: str | None,
    as_json: bool,
) -> None:
    """Render the workspace's kept records through their schema's tasks into leak-free,
    stratified train/val(/test) JSONL files that a trainer loads unchanged."""
    from curate.engine import run_stage_with_engine

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json or not console.is_terminal,
    ) as bar:
        ids: dict[str, Any] = {}

        def on_progress(phase: str, done: int, total: int) -> None:
            if phase not in ids:
                ids[phase] = bar.add_task(phase, total=total)
            bar.update(ids[phase], completed=done)

        result = run_stage_with_engine(
            "export",
            engine,
            ray_address,
            workspace=workspace,
            out=out,
            format=fmt,
            completion_style=completion_style,
            val_fraction=val_fraction,
            test_fraction=test_fraction,
            seed=seed,
            stratify=stratify,
            tokenizer=tokenizer,
            max_tokens=max_tokens,
            metadata=metadata,
            train_on=train_on,
            tasks=list(tasks) or None,
            shard_size=shard_size,
            progress=on_progress,
        )
    if as_json:
        print_json(result.to_dict())
        return
    for w in result.warnings:
        console.print(f"[yellow]Warning:[/yellow] {w}")
    table = Table(title=f"export -> {out} ({fmt})", title_justify="left")
    table.add_column("split")
    table.add_column("records", justify="right")
    table.add_column("examples", justify="right")
    for split, c in result.extra["splits"].items():
        table.add_row(split, f"{c['records']:,}", f"{c['examples']:,}")
    console.print(table)
    for line in summary_lines(result.counts, result.reasons, result.extra):
        console.print(line)
    console.print(f"done in {result.timings['total_s']:.1f}s")


def summary_lines(
    counts: dict[str, int], reasons: dict[str, dict[str, int]], extra: dict[str, Any]
) -> list[str]:
    """The lines under the split table: records per outcome (a count even when there are
    none), then the reasons and the examples dropped or trimmed, each only when there are any."""
    total = sum(counts.values())
    by_outcome = ", ".join(f"{k} {v:,}" for k, v in counts.items() if v)
    lines = [f"{total:,} records" + (f": {by_outcome}" if by_outcome else " (none kept to export)")]
    for outcome, why in reasons.items():
        if any(why.values()):
            lines.append(f"{outcome}: " + ", ".join(f"{k} {v:,}" for k, v in why.items() if v))
    dropped = {k: v for k, v in (extra.get("dropped_examples") or {}).items() if v}
    if dropped:
        lines.append("dropped examples: " + ", ".join(f"{k} {v:,}" for k, v in dropped.items()))
    if extra.get("trimmed"):
        lines.append(f"trimmed to --max-tokens: {extra['trimmed']:,} examples")
    return lines


COMMANDS: list[click.Command] = [export_command]
