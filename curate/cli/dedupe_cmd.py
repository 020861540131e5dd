"""CLI for `curate dedupe`: options in, library call, rich summary (and cluster diffs) out."""

from __future__ import annotations

import difflib
from typing import Any

import click
from rich.table import Table
from rich.text import Text

from curate.cli._common import (
    console,
    engine_options,
    handle_errors,
    json_option,
    out,
    print_json,
    workspace_option,
)


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
@click.option(
    "--threshold",
    type=float,
    default=0.8,
    show_default=True,
    help="Jaccard similarity above which two records are near-duplicates, in (0, 1].",
)
@click.option(
    "--num-perm", type=int, default=128, show_default=True, help="MinHash signature length."
)
@click.option(
    "--ngram", type=int, default=5, show_default=True, help="Word n-gram size of the fingerprint."
)
@click.option(
    "--char-ngrams",
    type=int,
    default=None,
    help="Fingerprint character n-grams of this size instead of words (for short texts).",
)
@click.option(
    "--fields",
    default=None,
    help="Comma-separated field columns that form the fingerprint (default: the whole record).",
)
@click.option(
    "--keep",
    type=click.Choice(["most-complete", "longest", "first", "newest"]),
    default="most-complete",
    show_default=True,
    help="Which record of a cluster is kept.",
)
@click.option(
    "--verify", is_flag=True, help="Confirm candidate pairs by exact Jaccard (slower, exact)."
)
@click.option(
    "--against",
    "against",
    multiple=True,
    type=click.Path(dir_okay=False),
    help="Evaluation set (JSONL/JSON/CSV/TSV/Parquet) to decontaminate against; repeatable.",
)
@click.option(
    "--contamination-ngram",
    type=int,
    default=13,
    show_default=True,
    help="Words in the n-gram that marks a record as contaminated.",
)
@click.option(
    "--index",
    "index_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory of persisted signatures: dedupe against earlier runs and add this one.",
)
@click.option(
    "--seed", type=int, default=1, show_default=True, help="Hash seed (same seed, same clusters)."
)
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
    threshold: float,
    num_perm: int,
    ngram: int,
    char_ngrams: int | None,
    fields: str | None,
    keep: str,
    verify: bool,
    against: tuple[str, ...],
    contamination_ngram: int,
    index_dir: str | None,
    seed: int,
    show: int,
    engine: str,
    ray_address: str | None,
    as_json: bool,
) -> None:
    """Mark exact and near-duplicate records and evaluation-set contamination in WORKSPACE."""
    from curate.dedupe import largest_clusters
    from curate.engine import run_stage_with_engine

    field_list = [f.strip() for f in fields.split(",") if f.strip()] if fields else None
    with console.status("deduplicating…"):
        result = run_stage_with_engine(
            "dedupe",
            engine,
            ray_address,
            workspace=workspace,
            threshold=threshold,
            num_perm=num_perm,
            ngram=ngram,
            char_ngrams=char_ngrams,
            fields=field_list,
            keep=keep,
            verify=verify,
            against=list(against),
            contamination_ngram=contamination_ngram,
            index_dir=index_dir,
            seed=seed,
        )
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


COMMANDS: list[click.Command] = [dedupe_command]
