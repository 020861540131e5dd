"""Gather every fact the report shows from the workspace files into one JSON-able dict.

The dict is the report: the terminal, HTML and JSON renderings only format it. It is built from
the workspace alone (stage log + tables), holds no "now" and sorts every mapping, so the same
workspace always gives the same bytes. This module only assembles it: the tables are read once
(curate.report.outcomes), each section has its own module, and the texts of the few sampled
records are fetched in one last pass (curate.report.samples).
"""

from __future__ import annotations

import os
from typing import Any

from curate.errors import CurateError, WorkspaceError
from curate.report.accounting import (
    Accounting,
    check_hashes,
    check_log_counts,
    check_rows_carried,
    check_rows_read,
)
from curate.report.balance import balance, default_balance_field, export_stratify
from curate.report.duplicates import contamination, duplicates
from curate.report.evaluation import evaluation
from curate.report.fields import fields
from curate.report.funnel import folders
from curate.report.lengths import example_lengths, extremes, length_cases, lengths
from curate.report.outcomes import (
    count_outcomes,
    empty_counts,
    funnel,
    read_frames,
    row_units,
    rows_read_per_file,
)
from curate.report.pii import pii
from curate.report.rejects import filters, rejects
from curate.report.run_info import run_info
from curate.report.samples import fill_texts
from curate.report.tables import Tables, counts, read_json
from curate.report.training import training
from curate.workspace import PREVIOUS_STAGE_HINT, STAGE_LOG, Workspace

REPORT_FORMAT = 1
PIPELINE = ("ingest", "dedupe", "export", "train")


def collect(workspace: str | os.PathLike[str] | Workspace, *, min_class: int = 5) -> dict[str, Any]:
    """Everything the report shows, as plain JSON-able data (see docs/report.md)."""
    ws, entries = _open(workspace)
    last: dict[str, dict[str, Any]] = {}
    for e in entries:
        last[str(e.get("stage"))] = e
    t = Tables(ws)
    acc = Accounting()
    present = {s: s in last for s in PIPELINE}
    for stage, names in (
        ("ingest", ("records", "rejects", "filtered")),
        ("dedupe", ("outcomes",)),
        ("export", ("outcomes",)),
    ):
        for name in names:
            if present[stage] and not t.has(stage, name):
                acc.fail(
                    f"{stage} output",
                    f"the stage log has {stage} but {stage}/{name}.parquet is missing",
                )
                present[stage] = False
    facts: dict[str, Any] = {
        "report_format": REPORT_FORMAT,
        "stages_present": [s for s in PIPELINE if present[s]],
        "missing_stages": [s for s in PIPELINE if not present[s]],
        "warnings": [],
    }
    schema = _schema(ws) if present["ingest"] else None
    facts["schema"] = (
        schema.name if schema else (last.get("ingest", {}).get("config", {}).get("schema"))
    )

    if not present["ingest"]:
        facts.update(empty_counts())
        facts["run"] = run_info(ws, entries, last, t, acc)
        facts["accounting"] = acc.to_dict("input rows")
        facts["accounting_ok"] = acc.ok
        return facts

    cols = t.columns("ingest", "records")
    stratified = export_stratify(ws, last.get("export") if present["export"] else None)
    balance_field = stratified if stratified in cols else default_balance_field(schema, cols)
    f = read_frames(t, acc, present, schema, cols, balance_field)

    # -- counts: rows (the accounting unit) and records, and whether they add up -------------
    units, expanded = row_units(f.rej, f.fil, f.o)
    counted = count_outcomes(f, units, expanded)
    files_read = rows_read_per_file(last["ingest"])
    derived = sum(counted["outcomes"].values())
    input_rows = check_rows_read(acc, files_read, derived, f.rec, f.rej, f.fil)
    if expanded is not None:
        check_rows_carried(acc, units, expanded)
    check_log_counts(acc, last, {"o": f.o, "rej": f.rej, "fil": f.fil, "ded": f.ded, "exp": f.exp})
    check_hashes(acc, ws, last)
    per_file = funnel(files_read, units)
    facts.update(
        {
            "input_rows": input_rows,
            **counted,
            "funnel": per_file,
            "funnel_folders": folders(per_file),
        }
    )

    # -- the sections ----------------------------------------------------------------------
    needed: set[str] = set()  # record ids whose text a section shows
    facts["rejects"] = rejects(f.rej, last.get("ingest"))
    facts["filters"] = filters(f.fil, ws)
    facts["fields"] = fields(t, schema, cols, f.field_row, f.rec.height, f.rej)
    facts["languages"] = {
        "kept": counts(f.rec, "language") if "language" in f.rec.columns else {},
        "filtered": counts(f.fil, "language") if "language" in f.fil.columns else {},
    }
    facts["lengths"] = lengths(f.rec, f.exp)
    facts["extremes"] = extremes(f.o, f.exp, needed)
    facts["duplicates"] = duplicates(t, f.ded, needed) if f.ded is not None else None
    facts["contamination"] = contamination(f.ded, f.rec, needed) if f.ded is not None else None
    facts["pii"] = pii(t, ws)
    facts["balance"] = balance(
        balance_field, f.o, min_class, stratified is not None and balance_field == stratified
    )
    fill_texts(t, facts, needed)
    facts["warnings"] += facts["balance"]["warnings"] if facts["balance"] else []
    facts["token_stats"] = (
        read_json(ws.stage_dir("export") / "token_stats.json") if present["export"] else None
    )
    facts["lengths"]["examples"] = example_lengths(facts["token_stats"])
    if facts["lengths"]["examples"] is not None:
        facts["lengths"]["examples"]["cases"] = length_cases(f.o, f.exp)
    facts["training"] = training(ws, last.get("train"))
    if "eval" in last:  # only then: reports of workspaces without one keep their bytes
        facts["evaluation"] = evaluation(ws, last["eval"])
    facts["run"] = run_info(ws, entries, last, t, acc)
    facts["accounting"] = acc.to_dict("input rows")
    facts["accounting_ok"] = acc.ok
    return facts


def _open(workspace: str | os.PathLike[str] | Workspace) -> tuple[Workspace, list[dict[str, Any]]]:
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    hint = PREVIOUS_STAGE_HINT["ingest"].format(ws=ws.path)
    if not ws.path.is_dir():
        raise WorkspaceError(f"workspace {ws.path} does not exist", hint=hint)
    entries = ws.entries()  # raises WorkspaceError for a corrupt log or an older format
    if not entries:
        raise WorkspaceError(
            f"{ws.path} is not a curate workspace (no {STAGE_LOG} entries)", hint=hint
        )
    return ws, entries


def _schema(ws: Workspace) -> Any:
    from curate.schema import load_schema

    path = ws.stage_dir("ingest") / "schema.toml"
    if not path.exists():
        return None
    try:
        return load_schema(path)
    except CurateError:
        return None
