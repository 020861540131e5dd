"""Rejects & filters section: what ingest threw away and why, with redacted examples.

Rejected rows never went through the rules, so their text is masked with the PII detectors
before it is shown; filtered rows and rule changes come with the rule pack's own statistics.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.report.redact import redact, redact_pii, run_packs
from curate.report.tables import N_EXAMPLES, counts, read_json
from curate.workspace import Workspace


def rejects(rej: pl.DataFrame, ingest_log: dict[str, Any] | None = None) -> dict[str, Any]:
    """Rejected rows per reason, their examples masked with the run's pack and ``default``."""
    out: dict[str, Any] = {}
    order = rej.sort("source_file", *(["source_line"] if "source_line" in rej.columns else []))
    groups = sorted(order.group_by("reason", maintain_order=True), key=lambda kv: str(kv[0][0]))
    shown = [
        (str(reason), r)
        for (reason,), g in groups
        for r in g.head(N_EXAMPLES).iter_rows(named=True)
    ]
    texts = [redact(r.get(k), 200) for _, r in shown for k in ("message", "raw")]
    masked = iter(redact_pii(texts, run_packs(ingest_log)))
    examples: dict[str, list[dict[str, Any]]] = {}
    for reason, r in shown:
        examples.setdefault(reason, []).append(
            {"source": r["source"], "message": next(masked), "raw": next(masked)}
        )
    for (reason,), g in groups:
        out[str(reason)] = {
            "records": g.height,
            "rows": int(g["n_rows"].sum()),
            "examples": examples.get(str(reason), []),
        }
    return out


def filters(fil: pl.DataFrame, ws: Workspace) -> dict[str, Any]:
    rules = read_json(ws.stage_dir("ingest") / "rules.json") or {}
    out: dict[str, Any] = {"pack": rules.get("pack"), "rules": {}}
    rule_stats: dict[str, Any] = rules["rules"] if isinstance(rules.get("rules"), dict) else {}
    names = set(counts(fil, "reason")) | set(rule_stats)
    order = fil.sort("source_file", *(["source_line"] if "source_line" in fil.columns else []))
    for name in sorted(names):
        g = order.filter(pl.col("reason") == name)
        st = rule_stats.get(name, {}) if isinstance(rule_stats.get(name), dict) else {}
        out["rules"][name] = {
            "filtered": g.height,
            "changed": int(st.get("changed", 0) or 0),
            "examples": [
                {
                    "source": r["source"],
                    "detail": redact(r.get("detail"), 200),
                    "text": redact(r.get("text"), 200),
                }
                for r in g.head(N_EXAMPLES).iter_rows(named=True)
            ],
            "changes": [
                {
                    "source": str(x.get("source", "")),
                    "before": redact(x.get("before"), 200),
                    "after": redact(x.get("after"), 200),
                }
                for x in (st.get("examples") or [])[:N_EXAMPLES]
                if isinstance(x, dict)
            ],
        }
    return out
