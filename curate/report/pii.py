"""PII section: what the rules found and replaced, per type, with before/after samples.

Counts come from the records' ``pii`` column when ingest wrote one, else from rules.json.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.report.audit import audit_facts
from curate.report.redact import redact
from curate.report.tables import N_EXAMPLES, Tables, read_json
from curate.workspace import Workspace


def pii(t: Tables, ws: Workspace) -> dict[str, Any]:
    rules = read_json(ws.stage_dir("ingest") / "rules.json") or {}
    cols = t.columns("ingest", "records")
    types: dict[str, dict[str, int]] = {}
    affected = None
    if "pii" in cols:
        lf = pl.scan_parquet(t.ws.table_path("ingest", "records")).select("record_id", "pii")
        affected = int(lf.select((pl.col("pii").list.len() > 0).sum()).collect().item() or 0)
        ex = lf.explode("pii").drop_nulls("pii").unnest("pii").collect()
        for (typ,), g in ex.group_by("type"):
            types[str(typ)] = {
                "matches": int(g["count"].sum()),
                "records": g["record_id"].n_unique(),
            }
    elif isinstance(rules.get("pii"), dict):
        types = {
            str(k): {"matches": int(v.get("matches", 0)), "records": int(v.get("records", 0))}
            for k, v in rules["pii"].items()
            if isinstance(v, dict)
        }
    samples = []
    for name, st in sorted((rules.get("rules") or {}).items()):
        if ("pii" in name or "redact" in name) and isinstance(st, dict):
            for x in (st.get("examples") or [])[:N_EXAMPLES]:
                if isinstance(x, dict):
                    samples.append(
                        {
                            "rule": name,
                            "source": str(x.get("source", "")),
                            "before": redact(x.get("before"), 200),
                            "after": redact(x.get("after"), 200),
                        }
                    )
    return {
        "types": dict(sorted(types.items())),
        "records_affected": affected,
        "samples": samples[:8],
        "audit": audit_facts(rules),
    }
