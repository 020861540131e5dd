"""Scores per task and system, and the paired comparisons, from the per-example rows.

Pure Python + numpy (no torch): the stage feeds it answers and losses, the bench times it.
A row is ``{"task", "reference", "answers": {system: text}, "loss": {system: [nll, tokens]}}``;
``score_rows`` adds ``"scores": {system: {metric: value}}``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from curate.eval.bootstrap import paired_mean, paired_statistic
from curate.eval.metrics import (
    REGISTRY,
    f1_from_counts,
    label_counts,
    label_report,
    label_set,
    mean,
)

WINS_SHOWN = 3


def score_rows(rows: list[dict[str, Any]], metrics_of: dict[str, list[str]]) -> None:
    """Fill ``row["scores"]`` for every system and each metric its task declares (batched per
    task and metric, so vectorized metrics see all pairs at once)."""
    by_task: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_task.setdefault(row["task"], []).append(row)
        row.setdefault("scores", {})
    for task, group in by_task.items():
        refs = [r["reference"] for r in group]
        systems = sorted({s for r in group for s in r["answers"]})
        for system in systems:
            answers = [r["answers"][system] for r in group]
            for name in metrics_of[task]:
                values = REGISTRY[name].score_all(answers, refs)
                for r, v in zip(group, values, strict=True):
                    r["scores"].setdefault(system, {})[name] = v


def _loss(rows: Sequence[dict[str, Any]], system: str) -> dict[str, float | None]:
    pairs = [r["loss"][system] for r in rows if system in r.get("loss", {})]
    tokens = sum(n for _, n in pairs)
    if not tokens:
        return {"loss": None, "perplexity": None}
    loss = sum(s for s, _ in pairs) / tokens
    return {"loss": loss, "perplexity": math.exp(min(loss, 50.0))}


def _per_example_loss(rows: Sequence[dict[str, Any]], system: str) -> list[float | None]:
    out: list[float | None] = []
    for r in rows:
        got = r.get("loss", {}).get(system)
        out.append(got[0] / got[1] if got and got[1] else None)
    return out


def summarize(
    rows: list[dict[str, Any]],
    metrics_of: dict[str, list[str]],
    *,
    candidate: str = "tuned",
    baselines: Sequence[str] = ("base", "prompted"),
    resamples: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """Per task: the systems' loss and mean metric scores, per-label reports for ``label``,
    the candidate against each baseline with 95 % bootstrap intervals, and the examples where
    the candidate gained or lost most on the task's first ranked metric."""
    tasks: dict[str, Any] = {}
    by_task: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_task.setdefault(row["task"], []).append(row)
    for task in sorted(by_task):
        group = by_task[task]
        names = metrics_of[task]
        systems = sorted({s for r in group for s in r["answers"]})
        per_system: dict[str, Any] = {}
        for system in systems:
            scores = {name: mean([r["scores"][system].get(name) for r in group]) for name in names}
            entry: dict[str, Any] = {**_loss(group, system), "metrics": scores}
            if "label" in names:
                entry["labels"] = label_report(
                    [r["answers"][system] for r in group], [r["reference"] for r in group]
                )
            per_system[system] = entry
        comparisons: dict[str, Any] = {}
        for other in baselines:
            if other not in systems or candidate not in systems:
                continue
            comparisons[f"{candidate}_vs_{other}"] = _compare(
                group, names, candidate, other, resamples, seed
            )
        ranked = [n for n in names if REGISTRY[n].better == "higher"]
        tasks[task] = {
            "examples": len(group),
            "metrics": names,
            "primary": ranked[0] if ranked else None,
            "systems": per_system,
            "comparisons": comparisons,
            "wins_losses": _wins_losses(group, ranked[0], candidate, "base") if ranked else None,
        }
    return tasks


def _compare(
    group: list[dict[str, Any]],
    names: list[str],
    cand: str,
    other: str,
    resamples: int,
    seed: int,
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    loss = paired_mean(
        _per_example_loss(group, cand),
        _per_example_loss(group, other),
        resamples=resamples,
        seed=seed,
    )
    if loss is not None:
        out["loss"] = {**loss.to_dict(), "better": "lower"}
        # lower loss is better: the verdict flips
        flip = {"better": "worse", "worse": "better"}
        out["loss"]["verdict"] = flip.get(out["loss"]["verdict"], out["loss"]["verdict"])
    for name in names:
        got = paired_mean(
            [r["scores"][cand].get(name) for r in group],
            [r["scores"][other].get(name) for r in group],
            resamples=resamples,
            seed=seed,
        )
        if got is not None:
            out[name] = {**got.to_dict(), "better": REGISTRY[name].better}
            if REGISTRY[name].better == "none":
                out[name]["verdict"] = "not ranked"
    if "label" in names:
        out["macro_f1"] = _macro_f1_ci(group, cand, other, resamples, seed)
    return out


def _macro_f1_ci(
    group: list[dict[str, Any]], cand: str, other: str, resamples: int, seed: int
) -> dict[str, Any] | None:
    refs = [r["reference"] for r in group]
    labels = sorted({lab for r in refs for lab in label_set(r)})
    if not labels:
        return None
    c = label_counts([r["answers"][cand] for r in group], refs, labels)
    o = label_counts([r["answers"][other] for r in group], refs, labels)

    def macro(counts: np.ndarray) -> float:
        present = counts[:, 0] + counts[:, 2] > 0  # labels the resampled references hold
        return float(f1_from_counts(counts)[present].mean()) if present.any() else 0.0

    def stat(idx: np.ndarray) -> tuple[float, float]:
        return macro(c[idx].sum(axis=0)), macro(o[idx].sum(axis=0))

    got = paired_statistic(len(group), stat, resamples=resamples, seed=seed)
    return {**got.to_dict(), "better": "higher"} if got else None


def _wins_losses(
    group: list[dict[str, Any]], metric: str, cand: str, other: str
) -> dict[str, list[dict[str, Any]]]:
    """The examples where ``cand`` beat ``other`` most on ``metric``, and where it lost most."""
    scored = []
    for r in group:
        c, o = r["scores"].get(cand, {}).get(metric), r["scores"].get(other, {}).get(metric)
        if c is not None and o is not None and c != o:
            scored.append((c - o, r))

    def show(d: float, r: dict[str, Any]) -> dict[str, Any]:
        return {
            "line": r["line"],
            "diff": d,
            "prompt": r["prompt"],
            "reference": r["reference"],
            other: r["answers"][other],
            cand: r["answers"][cand],
        }

    ordered = sorted(scored, key=lambda x: (-x[0], x[1]["line"]))
    wins = [show(d, r) for d, r in ordered if d > 0][:WINS_SHOWN]
    losses = [show(d, r) for d, r in reversed(ordered) if d < 0][:WINS_SHOWN]
    return {"metric": metric, "wins": wins, "losses": losses}  # type: ignore[dict-item]


__all__ = ["score_rows", "summarize"]
