"""Eval's progress events as one-line messages, for logs without a terminal (the CLI's
``curate eval`` and ``curate run``'s [eval] stage print the same lines)."""

from __future__ import annotations

from typing import Any

SYSTEM_LABEL = {"base": "base", "tuned": "adapter", "prompted": "base + prompt"}


def progress_line(ev: dict[str, Any]) -> str:
    """One generation batch done: system, done/total, rates, time so far."""
    took = ev["elapsed_s"]
    per_s = (ev["done"] / took, ev["tokens"] / took) if took > 0 else (0.0, 0.0)
    return (
        f"eval {SYSTEM_LABEL.get(ev['system'], ev['system'])}: generated "
        f"{ev['done']}/{ev['total']} answers, {per_s[0]:.1f} answers/s, "
        f"{per_s[1]:.0f} tokens/s, {took:.1f}s"
    )


def describe(ev: dict[str, Any]) -> str | None:
    """A line for any event: a phase's message, or a generation batch's progress_line."""
    if ev.get("event") == "phase":
        return f"eval: {ev['message']}"
    if ev.get("event") == "generate":
        return progress_line(ev)
    return None
