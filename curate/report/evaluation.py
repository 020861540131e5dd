"""Evaluation section: the workspace's last `curate eval` (eval/summary.json), per task: each
system's loss and metric means, the adapter against the base model with its 95 % interval,
and the biggest wins and losses side by side. None when no evaluation was run."""

from __future__ import annotations

import json
from typing import Any

from curate.workspace import Workspace

SYSTEM_LABEL = {"base": "base", "tuned": "adapter", "prompted": "base + prompt"}


def evaluation(ws: Workspace, entry: dict[str, Any] | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    path = ws.stage_dir("eval") / "summary.json"
    try:
        summary = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {"warning": "the eval stage is logged but eval/summary.json is unreadable"}
    tasks = {}
    for name, t in sorted(summary.get("tasks", {}).items()):
        cmp = t.get("comparisons", {}).get("tuned_vs_base", {})
        rows = []
        for metric in ["loss", *t.get("metrics", [])]:
            values = {
                s: (x.get("loss") if metric == "loss" else x.get("metrics", {}).get(metric))
                for s, x in t.get("systems", {}).items()
            }
            rows.append({"metric": metric, "values": values, "tuned_vs_base": cmp.get(metric)})
        tasks[name] = {
            "examples": t.get("examples"),
            "rows": rows,
            "wins_losses": t.get("wins_losses"),
        }
    return {
        "model": summary.get("model"),
        "base": summary.get("base"),
        "split": summary.get("split"),
        "systems": summary.get("systems", []),
        "examples": summary.get("examples"),
        "tasks": tasks,
    }


def _num(x: Any) -> str:
    return "–" if x is None else f"{x:.3f}"


def _ci(c: dict[str, Any] | None) -> str:
    if not c:
        return ""
    return f"{c['diff']:+.3f} [{c['low']:+.3f}, {c['high']:+.3f}] {c['verdict']}"


def terminal_tables(facts: dict[str, Any]) -> Any:
    """The terminal rendering: one rich table per task (None without an evaluation)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    ev = facts.get("evaluation")
    if not ev:
        return None
    if ev.get("warning"):
        return Text(f"Evaluation: {ev['warning']}", style="yellow")
    tables: list[Any] = [Text(f"Evaluation ({ev['split']} split, base {ev['base']})", style="bold")]
    for name, t in ev["tasks"].items():
        table = Table(title=f"{name}: {t['examples']} examples", title_justify="left")
        table.add_column("metric")
        for s in ev["systems"]:
            table.add_column(SYSTEM_LABEL.get(s, s), justify="right")
        table.add_column("adapter - base (95% CI)")
        for row in t["rows"]:
            table.add_row(
                row["metric"],
                *(_num(row["values"].get(s)) for s in ev["systems"]),
                _ci(row["tuned_vs_base"]),
            )
        tables.append(table)
    return Group(*tables)


def html_section(facts: dict[str, Any]) -> str:
    """The HTML rendering: a table per task, then the biggest wins and losses side by side."""
    from curate.report.html import e, table

    ev = facts.get("evaluation")
    if not ev:
        return ""
    head = '<section id="evaluation"><h2>Evaluation</h2>'
    if ev.get("warning"):
        return f"{head}<p class='warn'>{e(ev['warning'])}</p></section>"
    parts = [f"<p>{e(ev['split'])} split · base {e(ev['base'])} · adapter {e(ev['model'])}</p>"]
    for name, t in ev["tasks"].items():
        rows = [
            [
                e(r["metric"]),
                *(e(_num(r["values"].get(s))) for s in ev["systems"]),
                e(_ci(r["tuned_vs_base"])),
            ]
            for r in t["rows"]
        ]
        cols = [
            "metric",
            *(SYSTEM_LABEL.get(s, s) for s in ev["systems"]),
            "adapter − base (95% CI)",
        ]
        parts.append(f"<h3>{e(name)}: {t['examples']} examples</h3>")
        parts.append(table(cols, rows, numeric=set(range(1, len(ev["systems"]) + 1))))
        wl = t.get("wins_losses") or {}
        for kind in ("wins", "losses"):
            shown = wl.get(kind) or []
            if not shown:
                continue
            parts.append(f"<h4>Biggest {kind} ({e(wl['metric'])})</h4>")
            parts.append(
                table(
                    ["prompt", "reference", "base", "adapter", "Δ"],
                    [
                        [
                            e(w["prompt"]),
                            e(w["reference"]),
                            e(w["base"]),
                            e(w["tuned"]),
                            e(f"{w['diff']:+.3f}"),
                        ]
                        for w in shown
                    ],
                )
            )
    return head + "".join(parts) + "</section>"
