"""`curate run` and `curate init`: the whole pipeline from one config file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from curate.cli._common import console, handle_errors, json_option, print_json, tidy_path
from curate.errors import StageError


@click.command("run")
@click.argument("config", type=click.Path(dir_okay=False), default="curate.toml")
@click.option(
    "--force",
    type=click.Choice(["ingest", "dedupe", "export", "train", "report"]),
    default=None,
    help="Re-run from this stage on, even if nothing changed.",
)
@click.option(
    "--wait",
    is_flag=True,
    help="If another curate command holds the workspace, wait for it instead of exiting 2.",
)
@json_option
@handle_errors
def run_command(config: str, force: str | None, wait: bool, as_json: bool) -> None:
    """Run every stage in CONFIG (ingest, dedupe, export, train, report), skipping stages whose
    inputs, settings and outputs are unchanged since the last run.

    Exits 1 when the run's report finds that the outcomes do not add up (as `curate report`
    does), 2 when another command holds the workspace (unless --wait)."""
    from curate.run import run

    beat = Heartbeat(enabled=not as_json and not console.is_terminal)

    def on_stage(stage: str, status: str) -> None:
        beat.stop()
        if not as_json:
            style = {"cached": "dim", "running": "bold", "done": "green"}[status]
            label = {"cached": "unchanged, skipped", "running": "running...", "done": "done"}[
                status
            ]
            console.print(f"[{style}]{stage:<7} {label}[/{style}]")
        if status == "running":
            beat.start(stage)

    def on_progress(stage: str, line: str) -> None:
        if not as_json:  # a line per step: readable in a log, where a bar would not show
            beat.heard()
            console.print(f"[dim]  {line}[/dim]", markup=True, highlight=False)

    try:
        result = run(config, force=force, on_stage=on_stage, wait=wait, on_progress=on_progress)
    finally:
        beat.stop()
    if as_json:
        print_json(
            {
                "workspace": result.workspace,
                "skipped": result.skipped,
                "stages": {k: (v.to_dict() if v else None) for k, v in result.stages.items()},
                "report_html": result.report_html,
                "accounting_ok": result.accounting_ok,
            }
        )
        _check_accounting(result.accounting_failures)
        return
    try:
        from curate.report import collect, render_terminal

        render_terminal(collect(result.workspace), console, compact=True)
    except ImportError:
        pass
    summary = result.train_summary
    if summary.get("first_eval_loss") is not None and summary.get("last_eval_loss") is not None:
        console.print(
            f"\n[bold]training:[/bold] {summary['steps']} steps, eval loss "
            f"{summary['first_eval_loss']:.3f} -> {summary['last_eval_loss']:.3f}, "
            f"{summary['tokens_per_s']:.0f} tokens/s; adapter in {tidy_path(summary['adapter'])}"
        )
    for sample in result.samples:
        console.print(f"\n[bold]prompt:[/bold] {sample['prompt']}")
        console.print(f"[bold]base:[/bold]   {sample['base']}")
        console.print(f"[bold]tuned:[/bold]  {sample['tuned']}")
    if result.report_html:
        console.print(f"\nReport: {tidy_path(result.report_html)}")
    _check_accounting(result.accounting_failures)


class Heartbeat:
    """Without a terminal (CI logs, ``| tee``) a long stage would print "running..." and then
    nothing for minutes: a line every ``every_s`` seconds says which stage is still running and
    for how long, unless the stage printed progress of its own meanwhile."""

    def __init__(self, enabled: bool, every_s: float = 30.0) -> None:
        import threading

        self.enabled, self.every_s = enabled, every_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last = 0.0

    def start(self, stage: str) -> None:
        import threading
        import time

        if not self.enabled:
            return
        self._stop.clear()
        began = self._last = time.monotonic()

        def loop() -> None:
            while not self._stop.wait(self.every_s):
                now = time.monotonic()
                if now - self._last >= self.every_s - 0.01:
                    self._last = now
                    elapsed = int(now - began)
                    console.print(
                        f"  {stage}: still running, {elapsed // 60}m{elapsed % 60:02d}s elapsed",
                        markup=False,
                        highlight=False,
                    )

        self._thread = threading.Thread(target=loop, name=f"curate-{stage}-heartbeat", daemon=True)
        self._thread.start()

    def heard(self) -> None:
        import time

        self._last = time.monotonic()

    def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None


def _check_accounting(failed: list[dict[str, Any]]) -> None:
    """Exit 1, as `curate report` does, when the run's own report finds the accounting broken."""
    if failed:
        raise StageError(
            f"accounting check failed: {failed[0]['name']}: {failed[0]['detail']}"
            + (f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""),
            hint="the workspace tables do not add up; re-run the pipeline into a fresh workspace",
        )


@click.command("init")
@click.option(
    "--schema", default="tickets", show_default=True, help="Built-in schema to start from."
)
@click.option(
    "--out", "out_path", default="curate.toml", show_default=True, type=click.Path(dir_okay=False)
)
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@handle_errors
def init_command(schema: str, out_path: str, force: bool) -> None:
    """Write a commented starter curate.toml for a built-in schema."""
    from curate.config import starter_config
    from curate.errors import UsageError
    from curate.schema import load_schema

    load_schema(schema)
    path = Path(out_path)
    if path.exists() and not force:
        raise UsageError(f"{path} already exists", hint="use --force to overwrite it")
    path.write_text(starter_config(schema), "utf-8")
    console.print(f"wrote {path}; edit it, then run: curate run {path}")
