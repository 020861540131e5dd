"""Training section: loss, eval loss and learning-rate curves from the train stage's metrics.jsonl.

Curves are thinned to at most MAX_CURVE_POINTS points so a long run keeps the report small;
a malformed line is counted, not fatal.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from curate.report.tables import rnd
from curate.workspace import Workspace

MAX_CURVE_POINTS = 400


def training(ws: Workspace, entry: dict[str, Any] | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    extra = entry.get("extra") or {}
    cands = [
        extra.get("metrics"),
        extra.get("out_dir"),
        (entry.get("config") or {}).get("out"),
        "train",
    ]
    path = None
    for c in cands:
        if not c:
            continue
        for base in (Path(str(c)), ws.path / str(c)):
            p = base if base.suffix == ".jsonl" else base / "metrics.jsonl"
            if p.is_file() and path is None:
                path = p
    out: dict[str, Any] = {
        "metrics_file": None,
        "steps": 0,
        "loss": [],
        "eval_loss": [],
        "lr": [],
        "bad_lines": 0,
    }
    if path is None:
        out["warning"] = "the train stage is logged but its metrics.jsonl was not found"
        return out
    root, full = ws.path.resolve(), path.resolve()
    out["metrics_file"] = str(full.relative_to(root)) if full.is_relative_to(root) else str(path)
    steps: list[dict[str, Any]] = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        try:
            m = json.loads(line)
        except json.JSONDecodeError:
            out["bad_lines"] += 1
            continue
        if isinstance(m, dict) and isinstance(m.get("step"), int | float):
            steps.append(m)
    steps.sort(key=lambda m: m["step"])

    def series(key: str) -> list[list[float]]:
        pts = [[m["step"], rnd(m[key], 6)] for m in steps if isinstance(m.get(key), int | float)]
        if len(pts) > MAX_CURVE_POINTS:
            k = -(-len(pts) // MAX_CURVE_POINTS)
            pts = pts[::k] + ([pts[-1]] if (len(pts) - 1) % k else [])
        return pts

    out.update(
        steps=len(steps), loss=series("loss"), eval_loss=series("eval_loss"), lr=series("lr")
    )
    for key in ("tokens_per_s", "padding_fraction"):
        vals = [float(m[key]) for m in steps if isinstance(m.get(key), int | float)]
        out[f"mean_{key}"] = rnd(sum(vals) / len(vals)) if vals else None
    for key in ("loss", "eval_loss"):
        out[f"first_{key}"] = out[key][0][1] if out[key] else None
        out[f"final_{key}"] = out[key][-1][1] if out[key] else None
    return out
