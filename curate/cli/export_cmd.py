"""`curate export`: kept records -> train/val/test JSONL, manifest and token statistics."""

from __future__ import annotations

from typing import Any

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from curate.cli._common import (
    LogProgress,
    console,
    engine_options,
    handle_errors,
    json_option,
    print_json,
    stage_engine,
    workspace_option,
)
from curate.export.options import ExportOptions
from curate.options import click_options, stage_kwargs


@click.command("export")
@workspace_option
@click_options(ExportOptions)
@engine_options
@json_option
@handle_errors
def export_command(
    workspace: str,
    engine: str,
    ray_address: str | None,
    as_json: bool,
    **options: Any,
) -> None:
    """Render the workspace's kept records through their schema's tasks into leak-free,
    stratified train/val(/test) JSONL files that a trainer loads unchanged."""
    from curate.export import export

    kwargs = stage_kwargs(ExportOptions, options)
    with (
        stage_engine(workspace, engine, ray_address) as chosen,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,}"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=as_json or not console.is_terminal,
        ) as bar,
    ):
        ids: dict[str, Any] = {}
        logs: dict[str, LogProgress] = {}

        def on_progress(phase: str, done: int, total: int) -> None:
            if phase not in ids:
                ids[phase] = bar.add_task(phase, total=total)
                logs[phase] = LogProgress(
                    f"export {phase}", "items", enabled=not as_json and not console.is_terminal
                )
            bar.update(ids[phase], completed=done)
            logs[phase].update(done, total)

        result = export(workspace, engine=chosen, progress=on_progress, **kwargs)
        for log in logs.values():
            log.close()
    if as_json:
        print_json(result.to_dict())
        return
    for w in result.warnings:
        console.print(f"[yellow]Warning:[/yellow] {w}")
    table = Table(title=f"export -> {kwargs['out']} ({kwargs['format']})", title_justify="left")
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
