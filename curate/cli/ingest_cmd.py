"""`curate ingest`: raw files -> records in the workspace."""

from __future__ import annotations

import os
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
from curate.ingest.options import IngestOptions
from curate.options import click_options, stage_kwargs

MAX_FILES_SHOWN = 20


@click.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@click_options(IngestOptions)
@workspace_option
@engine_options
@json_option
@handle_errors
def ingest_command(
    paths: tuple[str, ...],
    workspace: str,
    engine: str,
    ray_address: str | None,
    as_json: bool,
    **options: Any,
) -> None:
    """Read PATHS (files, directories, globs; CSV/TSV/JSON/JSONL/Parquet/TXT/MD, optionally
    .gz/.zst) into validated, normalized records in the workspace."""
    from curate.ingest import ingest

    kwargs = stage_kwargs(IngestOptions, options)  # rules "none"/"schema": resolve_rules
    with (
        stage_engine(workspace, engine, ray_address, create=True) as chosen,
        Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed:,} rows"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=as_json or not console.is_terminal,
        ) as bar,
    ):
        tasks: dict[str, Any] = {}
        rows_by_file: dict[str, int] = {}
        log = LogProgress("ingest", "rows", enabled=not as_json and not console.is_terminal)

        def on_progress(file: str, rows: int, size: int) -> None:
            if file not in tasks:
                tasks[file] = bar.add_task(file[-40:], total=None)
            bar.update(tasks[file], completed=rows)
            rows_by_file[file] = rows
            log.update(sum(rows_by_file.values()), extra=f"({len(rows_by_file)} files)")

        result = ingest(
            list(paths), workspace=workspace, engine=chosen, progress=on_progress, **kwargs
        )
        log.close()
    if as_json:
        print_json(result.to_dict())
        return
    for w in result.warnings:
        click.echo(f"Warning: {w}", err=True)
    table = Table(title=f"ingest -> {workspace}", title_justify="left")
    table.add_column("file")
    table.add_column("layout")
    for col in ("rows", "records", "rejected", "filtered"):
        table.add_column(col, justify="right")
    files = result.extra["files"]
    shown = list(files.items())
    try:
        base = os.path.commonpath(list(files)) if len(files) > 1 else ""
    except ValueError:  # absolute and relative names, or names on different drives
        base = ""
    if base and base not in files:  # names under their common folder, so they fit the column
        table.title = f"{table.title}\nfiles in {base}"
        table.columns[0].overflow = "fold"
    if len(shown) > MAX_FILES_SHOWN:  # a folder of notes: the files that lost most rows
        shown.sort(key=lambda kv: -(kv[1]["rejected"] + kv[1]["filtered"]))
        shown = sorted(shown[:MAX_FILES_SHOWN])
    for name, fs in shown:
        table.add_row(
            os.path.relpath(name, base) if base and base not in files else name,
            fs["layout"],
            f"{fs['rows_read']:,}",
            f"{fs['records']:,}",
            f"{fs['rejected']:,}",
            f"{fs['filtered']:,}",
        )
    if len(shown) < len(files):
        rest = [fs for name, fs in files.items() if name not in dict(shown)]
        table.add_row(
            f"... {len(rest):,} more files",
            "",
            *(
                f"{sum(fs[k] for fs in rest):,}"
                for k in ("rows_read", "records", "rejected", "filtered")
            ),
        )
        table.caption = (
            f"{len(shown)} of {len(files):,} files shown: those with the most rows rejected or "
            "filtered; `curate report` groups them by folder"
        )
    console.print(table)
    for outcome, reasons in result.reasons.items():
        if reasons:
            console.print(f"{outcome}: " + ", ".join(f"{k} {v:,}" for k, v in reasons.items()))
    console.print(f"done in {result.timings['total_s']:.1f}s")
