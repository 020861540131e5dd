"""`curate validate`: check a training JSONL file and report every problem with its line."""

from __future__ import annotations

from typing import Any

import click
from rich.table import Table

from curate.cli._common import console, handle_errors, json_option, print_json

SHOW = 5  # example findings printed per code


def _render(report: Any) -> None:
    for kind, colour in (("errors", "red"), ("warnings", "yellow")):
        findings = getattr(report, kind)
        if not findings:
            continue
        by_code: dict[str, list[Any]] = {}
        for f in findings:
            by_code.setdefault(f.code, []).append(f)
        for code, items in sorted(by_code.items()):
            lines = len({f.line for f in items})
            what = (
                "the whole file"
                if all(f.line == 0 for f in items)
                else f"{lines:,} line{'s' if lines != 1 else ''}"
            )
            if len(items) != lines and what != "the whole file":
                what = f"{len(items):,} findings on {what}"
            console.print(f"[{colour}]{kind[:-1]}[/{colour}] {code}: {what}")
            for f in items[:SHOW]:
                where = f"line {f.line}" if f.line else "file"
                # one finding per line, never wrapped: the output is grepped and diffed
                console.print(f"  {where}: {f.message}", markup=False, soft_wrap=True)
            if len(items) > SHOW:
                console.print(f"  ... and {len(items) - SHOW:,} more (use --json for all)")
    s = report.stats
    if not s.get("examples"):
        console.print("[red]no usable examples[/red]" if not report.ok else "no examples")
        return
    table = Table(title=f"{report.path} ({report.format})", title_justify="left")
    table.add_column("statistic")
    for col in ("min", "mean", "p50", "p90", "max"):
        table.add_column(col, justify="right")
    unit = "" if s.get("tokens_exact") else " (est.)"
    for label, key in (
        ("messages / example", "messages_per_example"),
        (f"tokens / example{unit}", "tokens_per_example"),
        (f"assistant tokens{unit}", "assistant_tokens_per_example"),
    ):
        d = s.get(key) or {}
        if d:
            table.add_row(
                label,
                *(
                    f"{d[c]:,.0f}" if c != "mean" else f"{d[c]:,.1f}"
                    for c in ("min", "mean", "p50", "p90", "max")
                ),
            )
    console.print(table)
    console.print(
        f"examples {s.get('examples', 0):,}; tokens billed for {s.get('epochs', 0)} epochs "
        f"≈ {s.get('billed_tokens', 0):,}{unit}"
    )
    verdict = "[green]OK[/green]" if report.ok else f"[red]{len(report.errors):,} errors[/red]"
    console.print(f"{verdict}, {len(report.warnings):,} warnings")


@click.command("validate")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["chat", "sharegpt", "alpaca", "completion"]),
    default="chat",
    show_default=True,
    help="Format the file should be in.",
)
@click.option(
    "--tokenizer",
    default=None,
    help="tokenizer.json, model directory, hub id or smollm2: exact counts and template checks; "
    "or a tiktoken encoding (cl100k_base, o200k_base) for OpenAI counts.",
)
@click.option(
    "--max-tokens",
    type=int,
    default=None,
    help="Training sequence length: check each answer survives truncation to it.",
)
@click.option(
    "--token-limit",
    type=int,
    default=16_385,
    show_default=True,
    help="Warn about examples longer than this.",
)
@click.option(
    "--epochs",
    type=int,
    default=3,
    show_default=True,
    help="Epochs for the billed-tokens estimate.",
)
@click.option(
    "--fail-on-duplicates",
    is_flag=True,
    help="Make exact duplicate lines an error (by default they are a warning).",
)
@json_option
@handle_errors
def validate_command(
    path: str,
    fmt: str,
    tokenizer: str | None,
    max_tokens: int | None,
    token_limit: int,
    epochs: int,
    fail_on_duplicates: bool,
    as_json: bool,
) -> None:
    """Check PATH (a JSONL training file, ours or anyone's): every error with its line number,
    warnings, and statistics. Exits 0 when there are no errors, 1 otherwise."""
    from curate.validate import validate_file

    report = validate_file(
        path,
        fmt=fmt,
        tokenizer=tokenizer,
        max_tokens=max_tokens,
        token_limit=token_limit,
        epochs=epochs,
        fail_on_duplicates=fail_on_duplicates,
    )
    if as_json:
        print_json(report.to_dict())
    else:
        _render(report)
    raise SystemExit(0 if report.ok else 1)
