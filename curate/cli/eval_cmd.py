"""CLI for `curate eval` (library: curate.eval)."""

from __future__ import annotations

from typing import Any

import click
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from curate.cli._common import console, handle_errors, json_option, out, print_json
from curate.errors import UsageError
from curate.eval.options import EvalOptions
from curate.eval.progress import SYSTEM_LABEL, progress_line
from curate.options import click_options, stage_kwargs

EVAL_HELP = "Did the fine-tune help? Score the base model, the adapter and a prompt baseline on the held-out split, per task."


def _fmt(x: Any, digits: int = 3) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def _ci(c: dict[str, Any] | None) -> str:
    if not c:
        return "-"
    return f"{c['diff']:+.3f} [{c['low']:+.3f}, {c['high']:+.3f}] {c['verdict']}"


def eval_tables(summary: dict[str, Any]) -> list[Table]:
    """One table per task: a row per metric, a column per system, then adapter - base (95 % CI)."""
    tables = []
    systems = summary["systems"]
    for task, t in summary["tasks"].items():
        table = Table(
            title=f"{task}: {t['examples']} examples ({summary['split']} split)",
            title_justify="left",
        )
        table.add_column("metric")
        for s in systems:
            table.add_column(SYSTEM_LABEL.get(s, s), justify="right")
        table.add_column("adapter - base (95% CI)")
        cmp = t["comparisons"].get("tuned_vs_base", {})
        rows = [("loss", "loss"), ("perplexity", None), *((m, m) for m in t["metrics"])]
        if "label" in t["metrics"]:
            rows.append(("macro_f1", "macro_f1"))
        for name, key in rows:
            cells = []
            for s in systems:
                x = t["systems"][s]
                if name in ("loss", "perplexity"):
                    cells.append(_fmt(x.get(name), 3 if name == "loss" else 2))
                elif name == "macro_f1":
                    cells.append(_fmt((x.get("labels") or {}).get("macro_f1")))
                else:
                    cells.append(_fmt(x["metrics"].get(name)))
            table.add_row(name, *cells, _ci(cmp.get(key)) if key else "")
        tables.append(table)
    return tables


def compare_table(result: dict[str, Any]) -> Table:
    table = Table(title=f"A = {result['a']}\nB = {result['b']}", title_justify="left")
    for col in ("task", "system", "metric", "A", "B", "B - A"):
        table.add_column(col, justify="right" if col in ("A", "B", "B - A") else "left")
    for task, t in result["tasks"].items():
        for system, values in t["systems"].items():
            for name, v in values.items():
                diff = "-" if v["diff"] is None else f"{v['diff']:+.3f}"
                table.add_row(
                    task, SYSTEM_LABEL.get(system, system), name, _fmt(v["a"]), _fmt(v["b"]), diff
                )
    return table


@click.command("eval", help=EVAL_HELP)
@click.argument("model", required=False)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Export folder holding the held-out split (from `curate export`).",
)
@click_options(EvalOptions)
@click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False),
    default="curate-work",
    show_default=True,
    help="Write eval/examples.jsonl and eval/summary.json here (and log the stage).",
)
@click.option(
    "--compare",
    nargs=2,
    default=None,
    metavar="A B",
    help="Compare two earlier evaluations (workspaces, eval folders or summary.json files) instead.",
)
@click.option(
    "--show",
    is_flag=True,
    help="Print the workspace's last evaluation (eval/summary.json) instead of running one.",
)
@json_option
@handle_errors
def eval_command(
    model: str | None,
    data_dir: str | None,
    workspace: str,
    compare: tuple[str, str] | None,
    show: bool,
    as_json: bool,
    **options: Any,
) -> None:
    """MODEL: the adapter folder from `curate train` (or a full model, with --base)."""
    if show:
        from curate.eval.compare import load_summary

        _, summary = load_summary(workspace)
        if as_json:
            print_json(summary)
        else:
            for table in eval_tables(summary):
                out.print(table)
        return
    if compare:
        from curate.eval.compare import compare_evals

        compared = compare_evals(*compare)
        if as_json:
            print_json(compared)
        else:
            out.print(compare_table(compared))
        return
    if model is None:
        raise UsageError(
            "give the adapter to evaluate: curate eval ADAPTER --data EXPORT_DIR",
            hint="ADAPTER is the output folder of `curate train`; or compare two runs with --compare A B",
        )
    if data_dir is None:
        raise UsageError(
            "--data EXPORT_DIR is required: the export folder whose held-out split is scored",
            hint="run `curate export -w WORKSPACE --out DIR` and pass that DIR",
        )
    from curate.eval import eval as run_eval

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=as_json or not console.is_terminal,
    ) as bar:
        task = bar.add_task("starting", total=None)

        lines = not console.is_terminal  # logs and pipes: a line per batch instead of a bar

        def on_event(ev: dict[str, Any]) -> None:
            if ev["event"] == "phase":
                bar.update(task, description=ev["message"], total=None, completed=0)
            elif ev["event"] == "generate" and lines:
                console.print(progress_line(ev), markup=False, soft_wrap=True)
            elif ev["event"] == "generate":
                bar.update(
                    task,
                    description=f"{SYSTEM_LABEL.get(ev['system'], ev['system'])}: generating",
                    total=ev["total"],
                    completed=ev["done"],
                )

        result = run_eval(
            model,
            data_dir,
            **stage_kwargs(EvalOptions, options),
            workspace=workspace,
            progress=on_event,
        )
    if as_json:
        print_json(result.summary)
        return
    for table in eval_tables(result.summary):
        out.print(table)
    out.print(f"per-example answers and scores in {result.out_dir}/examples.jsonl", soft_wrap=True)
