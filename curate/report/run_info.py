"""Run info section: per-stage timings, configs and versions, and the files the report checked.

Everything comes from the stage log, so the section says how this workspace was made without
any "now" in it.
"""

from __future__ import annotations

from typing import Any

from curate.report.accounting import Accounting
from curate.report.provenance import provenance
from curate.report.tables import Tables, read_json, rnd
from curate.workspace import Workspace


def run_info(
    ws: Workspace,
    entries: list[dict[str, Any]],
    last: dict[str, dict[str, Any]],
    t: Tables,
    acc: Accounting,
) -> dict[str, Any]:
    versions: dict[str, str] = {}
    stages = []
    for e in entries:
        versions.update({str(k): str(v) for k, v in (e.get("versions") or {}).items()})
        timings = {
            str(k): rnd(v, 3)
            for k, v in sorted((e.get("timings") or {}).items())
            if isinstance(v, int | float)
        }
        stages.append(
            {
                "stage": e.get("stage"),
                "finished_at": e.get("finished_at"),
                "seconds": rnd(sum(v or 0 for v in timings.values()), 3),
                "timings": timings,
                "config": e.get("config") or {},
                "counts": e.get("counts") or {},
                "warnings": list(e.get("warnings") or []),
                "skipped": bool(e.get("skipped")),
                "outputs": dict(sorted((e.get("outputs") or {}).items())),
            }
        )
    rules = (
        read_json(ws.stage_dir("ingest") / "rules.json")
        if (ws.stage_dir("ingest") / "rules.json").exists()
        else None
    )
    ingest = last.get("ingest") or {}
    return {
        "versions": dict(sorted(versions.items())),
        "stages": stages,
        "schema": (ingest.get("config") or {}).get("schema"),
        "rules_pack": (rules or {}).get("pack") or (ingest.get("config") or {}).get("rules"),
        "provenance": provenance(ws, last),
        "inputs": dict(sorted((ingest.get("inputs") or {}).items())),
        "files": acc.files,
        "stage_log_sha256": ws.log_hash(),
    }
