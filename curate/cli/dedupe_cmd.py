"""CLI for `curate dedupe`: options in, library call, rich summary (and cluster diffs) out."""

from __future__ import annotations

import difflib
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from curate.cli._common import (
    LogProgress,
    console,
    engine_options,
    handle_errors,
    json_option,
    out,
    print_json,
    stage_engine,
    workspace_option,
)
from curate.dedupe.options import DedupeOptions
from curate.options import click_options, stage_kwargs


def word_diff(kept: str, other: str, context: int = 6) -> Text:
    """Word-level diff of ``other`` against ``kept``: removed words red struck, added green.

    Long unchanged stretches shrink to ``context`` words either side of a change.
    """
    a, b = kept.split(), other.split()
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    text = Text()
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            words = a[i1:i2]
            head = words[:context] if k > 0 else []
            tail = words[-context:] if k < len(ops) - 1 else []
            if len(words) > len(head) + len(tail) + 1:
                text.append(" ".join(head) + (" " if head else ""))
                text.append("… ", style="dim")
                text.append(" ".join(tail) + (" " if tail else ""))
            else:
                text.append(" ".join(words) + " ")
            continue
        if i2 > i1:
            text.append(" ".join(a[i1:i2]), style="red strike")
            text.append(" ")
        if j2 > j1:
            text.append(" ".join(b[j1:j2]), style="bold green")
            text.append(" ")
    return text


def _render_clusters(clusters: list[dict[str, Any]]) -> None:
    for c in clusters:
        out.rule(f"cluster {c['cluster_id']} · {c['size']} records")
        out.print(Text(f"kept {c['kept']['record_id']} ({c['kept']['source']})", style="bold"))
        kept_text = c["kept"]["text"]
        out.print(Text(kept_text[:400] + ("…" if len(kept_text) > 400 else "")))
        for m in c["members"]:
            sim = f"{m['similarity']:.2f}" if m["similarity"] is not None else "?"
            out.print(
                Text(
                    f"\n{m['record_id']} ({m['source']}) similarity {sim} [{m['reason']}]",
                    style="dim",
                )
            )
            out.print(
                word_diff(c["kept"]["text"], m["text"])
                if m["reason"] != "exact"
                else Text("(identical)")
            )


@click.command("dedupe")
@workspace_option
@click_options(DedupeOptions)
@click.option(
    "--show",
    type=click.IntRange(min=0),
    default=0,
    help="Print the N largest clusters with a word diff.",
)
@engine_options
@json_option
@handle_errors
def dedupe_command(
    workspace: str,
    show: int,
    engine: str,
    ray_address: str | None,
    as_json: bool,
    **options: Any,
) -> None:
    """Mark exact and near-duplicate records and evaluation-set contamination in WORKSPACE."""
    from curate.dedupe import dedupe
    from curate.dedupe.clusters import largest_clusters

    kwargs = stage_kwargs(DedupeOptions, options)
    # a line every 10 s in logs and pipes (the terminal has the status line): records while
    # fingerprinting, then the name of each later step once the stage has run that long
    log = LogProgress(
        "dedupe fingerprint", "records", enabled=not as_json and not console.is_terminal
    )

    def on_progress(phase: str, done: int, total: int) -> None:
        if phase == "fingerprint":
            log.update(done, total)
        elif done == 0 and log.enabled and log.clock() - log.started >= log.every_s:
            log.echo(f"dedupe: {phase}…")

    with stage_engine(workspace, engine, ray_address) as chosen, console.status("deduplicating…"):
        result = dedupe(workspace, engine=chosen, progress=on_progress, **kwargs)
    log.close()
    if as_json:
        print_json(result.to_dict())
        return
    total = sum(result.counts.values())
    table = Table(title=f"dedupe · {workspace}", show_edge=False)
    for col in ("outcome", "reason", "records"):
        table.add_column(col, justify="right" if col == "records" else "left")
    table.add_row("kept", "", f"{result.counts.get('kept', 0):,}")
    for outcome in ("duplicate", "contaminated"):
        for reason, count in sorted(result.reasons.get(outcome, {}).items()):
            table.add_row(outcome, reason, f"{count:,}")
    out.print(table)
    secs = result.timings.get("total", 0.0)
    rate = f", {total / secs:,.0f} records/s" if secs > 0 else ""
    out.print(
        f"{total:,} records, {result.extra['clusters']:,} clusters "
        f"(bands {result.config['bands']} x rows {result.config['rows']}){rate}"
    )
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}")
    if show:
        _render_clusters(largest_clusters(workspace, show))
