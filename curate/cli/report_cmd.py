"""CLI for `curate report`: parse options, call curate.report, render, map errors."""

from __future__ import annotations

import click

from curate.cli._common import handle_errors, out, print_json, workspace_option
from curate.errors import StageError


@click.command("report")
@workspace_option
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="Also write the report as one self-contained HTML file.",
)
@click.option(
    "--json",
    "json_path",
    metavar="FILE|-",
    help="Also write the facts as JSON to FILE; '-' prints only the JSON on stdout.",
)
@click.option(
    "--compare",
    "compare_ws",
    nargs=2,
    type=click.Path(file_okay=False),
    metavar="WS_A WS_B",
    help="Show what changed between two workspaces instead (counts, reasons, distributions, config).",
)
@click.option(
    "--min-class",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Warn when a class has fewer records than this in a split.",
)
@click.option(
    "--compact", is_flag=True, help="Print only the summary: accounting, outcomes and splits."
)
@handle_errors
def report_command(
    workspace: str,
    html_path: str | None,
    json_path: str | None,
    compare_ws: tuple[str, str] | None,
    min_class: int,
    compact: bool,
) -> None:
    """Data-quality report of a workspace: funnel, rejects, lengths, duplicates, PII, balance, training.

    Built only from the workspace, so it is the same every time. Exits 1 when the outcomes do
    not add up to the input rows (the accounting check), 2 when there is no workspace.
    """
    from curate.report import render_terminal, report

    if compare_ws:
        from curate.report.comparison import compare, render_compare

        diff = compare(compare_ws[0], compare_ws[1], min_class=min_class)
        if json_path == "-":
            print_json(diff)
        else:
            if json_path:
                from curate.report.api import write_text

                write_text(json_path, diff)
                click.echo(f"wrote JSON comparison: {json_path}", err=True)
            render_compare(diff, out)
        return
    result = report(workspace, html=html_path, json_path=json_path, min_class=min_class)
    if json_path != "-":
        render_terminal(result.facts, out, compact=compact)
    for kind, path in result.paths.items():
        click.echo(f"wrote {kind.upper()} report: {path}", err=True)
    if not result.accounting_ok:
        failed = [c for c in result.facts["accounting"]["checks"] if c["ok"] is False]
        raise StageError(
            f"accounting check failed: {failed[0]['name']}: {failed[0]['detail']}"
            + (f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""),
            hint="the workspace tables do not add up; re-run the pipeline into a fresh workspace",
        )
