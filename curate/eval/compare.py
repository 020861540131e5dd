"""``curate eval --compare A B``: two evaluations side by side (each a workspace, its eval/
folder, or a summary.json), per task, system and metric, with the change from A to B."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from curate.errors import UsageError


def load_summary(path: str | Path) -> tuple[Path, dict[str, Any]]:
    """The summary.json of an evaluation given as a workspace, an eval/ folder or the file."""
    p = Path(path)
    for cand in (p, p / "summary.json", p / "eval" / "summary.json"):
        if cand.is_file():
            try:
                data = json.loads(cand.read_text("utf-8"))
            except (OSError, ValueError) as exc:
                raise UsageError(f"--compare: cannot read {cand} ({exc})") from exc
            if not isinstance(data, dict) or "tasks" not in data:
                raise UsageError(f"--compare: {cand} is not an evaluation summary")
            return cand, data
    raise UsageError(
        f"{p} holds no evaluation (no eval/summary.json)",
        hint="run `curate eval ADAPTER --data EXPORT_DIR -w WORKSPACE` first",
    )


def compare_evals(a: str | Path, b: str | Path) -> dict[str, Any]:
    """Per task present in both, per system present in both: loss and each metric in A and in
    B and B - A."""
    pa, sa = load_summary(a)
    pb, sb = load_summary(b)
    tasks: dict[str, Any] = {}
    for task in sorted(set(sa["tasks"]) & set(sb["tasks"])):
        ta, tb = sa["tasks"][task], sb["tasks"][task]
        systems: dict[str, Any] = {}
        for system in sorted(set(ta["systems"]) & set(tb["systems"])):
            xa, xb = ta["systems"][system], tb["systems"][system]
            values = {"loss": (xa.get("loss"), xb.get("loss"))}
            for name in sorted(set(xa["metrics"]) & set(xb["metrics"])):
                values[name] = (xa["metrics"][name], xb["metrics"][name])
            systems[system] = {
                k: {"a": va, "b": vb, "diff": None if va is None or vb is None else vb - va}
                for k, (va, vb) in values.items()
            }
        tasks[task] = {"examples": [ta["examples"], tb["examples"]], "systems": systems}
    only = sorted(set(sa["tasks"]) ^ set(sb["tasks"]))
    return {"a": str(pa), "b": str(pb), "tasks": tasks, "tasks_in_one_only": only}


__all__ = ["compare_evals", "load_summary"]
