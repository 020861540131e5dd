"""The report library: facts, accounting (and tampering), partial workspaces, determinism."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.errors import WorkspaceError
from curate.report import collect, report
from curate.report.api import to_json
from curate.report.lengths import stats
from curate.report.redact import redact
from curate.report.samples import word_diff
from curate.workspace import Workspace, write_parquet
from tests.report_fixtures import build

GOLDEN = Path(__file__).parent / "data" / "report" / "golden_synthetic.json"


@pytest.fixture(scope="module")
def full_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("report") / "ws", 300).path


def copy_ws(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def stable(facts: dict[str, Any]) -> dict[str, Any]:
    """Drop what depends on the Parquet writer's bytes (file hashes), keep everything else."""
    f = json.loads(json.dumps(facts))
    f["run"].pop("stage_log_sha256")
    for s in f["run"]["stages"]:
        s.pop("outputs")
    for x in f["run"]["files"]:
        x.pop("sha256")
    return f


def test_golden_json(full_ws: Path) -> None:
    facts = stable(collect(full_ws))
    if os.environ.get("CURATE_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(to_json(facts), "utf-8")
    assert facts == json.loads(GOLDEN.read_text("utf-8"))


def test_required_top_level_keys_and_identity(full_ws: Path) -> None:
    f = collect(full_ws)
    assert set(f["outcomes"]) >= {
        "exported",
        "rejected",
        "filtered",
        "duplicate",
        "contaminated",
        "over_length",
    }
    assert set(f["splits"]) == {"train", "val", "test"}
    assert f["accounting_ok"] is True
    assert sum(f["outcomes"].values()) == f["input_rows"]
    assert sum(f["splits"].values()) == f["outcomes"]["exported"]
    assert {o: sum(r.values()) for o, r in f["reasons"].items()} == {
        o: n for o, n in f["outcomes"].items() if n
    }
    rec = f["records"]
    assert (
        sum(v for k, v in rec["outcomes"].items() if k not in ("rejected", "filtered"))
        == rec["ingested"]
    )
    assert sum(r["rows_read"] for r in f["funnel"]) == f["input_rows"]
    # the input rows are the log's rows_read, not a sum of the tables
    files = Workspace(full_ws).last_entry("ingest")["extra"]["files"]  # type: ignore[index]
    assert f["input_rows"] == sum(v["rows_read"] for v in files.values())


def test_sections_hold_real_content(full_ws: Path) -> None:
    f = collect(full_ws)
    assert f["rejects"]["bad_type"]["examples"][0]["source"].startswith("data/")
    assert next(x for x in f["fields"] if x["field"] == "created_at")["rejected"] == {
        "bad_type": f["rejects"]["bad_type"]["records"]
    }
    assert f["languages"]["filtered"]["zh"] > 0
    for name in ("all", "user", "assistant"):
        s = f["lengths"]["chars"][name]
        assert sum(s["hist"]["counts"]) + s["hist"]["over"] == s["count"]
    assert set(f["lengths"]["tokens"]["by_split"]) == {"train", "val", "test"}
    assert f["extremes"]["shortest"][0]["chars"] <= f["extremes"]["longest"][0]["chars"]
    d = f["duplicates"]
    assert d["clusters"] == sum(d["size_hist"].values())
    near = [
        m for c in d["largest"] for m in c["members"] if any(op[0] != "equal" for op in m["diff"])
    ]
    assert near, "a near-duplicate cluster shows a non-trivial diff"
    assert f["contamination"]["hits"] == f["records"]["outcomes"]["contaminated"]
    assert f["contamination"]["examples"][0]["match"].startswith("eval/heldout.jsonl:")
    assert f["pii"]["records_affected"] == sum(v["records"] for v in f["pii"]["types"].values())
    assert any("legal" in w for w in f["balance"]["warnings"])
    tr = f["training"]
    assert tr["steps"] == 60 and tr["final_loss"] < tr["first_loss"] and len(tr["eval_loss"]) == 7
    assert [s["stage"] for s in f["run"]["stages"]] == ["ingest", "dedupe", "export", "train"]
    assert {x["status"] for x in f["run"]["files"]} == {"ok"}


def test_samples_are_redacted(full_ws: Path, tmp_path: Path) -> None:
    r = report(full_ws, html=tmp_path / "r.html", json_path=tmp_path / "r.json")
    for path in r.paths.values():
        text = Path(path).read_text("utf-8")
        assert "jane.doe@example.com" not in text and "555-123-4567" not in text
        assert "@example.com" not in text  # raw reject rows carry e-mail addresses too
    assert "[EMAIL]" in (tmp_path / "r.json").read_text("utf-8")


def test_redact_masks_identifiers() -> None:
    assert (
        redact("mail a.b@x.org, call +1 (555) 123-4567, ssn 123-45-6789")
        == "mail [EMAIL], call [PHONE], ssn [SSN]"
    )
    assert redact("x" * 400).endswith(" …") and len(redact("x" * 400)) == 302
    assert redact(None) == ""


def test_same_workspace_same_bytes(full_ws: Path, tmp_path: Path) -> None:
    a = report(full_ws, html=tmp_path / "a.html", json_path=tmp_path / "a.json")
    b = report(full_ws, html=tmp_path / "b.html", json_path=tmp_path / "b.json")
    assert a.paths and b.paths
    for kind in ("html", "json"):
        assert (tmp_path / f"a.{kind}").read_bytes() == (tmp_path / f"b.{kind}").read_bytes()
    # an independent build of the same inputs gives the same report, byte for byte
    other = build(tmp_path / "again", 300).path
    assert to_json(collect(other)) == to_json(collect(full_ws))


# -- accounting fails on tampered workspaces ---------------------------------------------------


def failed(facts: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["detail"] for c in facts["accounting"]["checks"] if c["ok"] is False}


def test_dropped_reject_row_fails(full_ws: Path, tmp_path: Path) -> None:
    ws = copy_ws(full_ws, tmp_path / "ws")
    path = ws / "ingest" / "rejects.parquet"
    df = pl.read_parquet(path)
    first = df.row(0, named=True)
    write_parquet(df.slice(1), path)
    f = collect(ws)
    assert f["accounting_ok"] is False
    bad = failed(f)
    assert bad["rows per file"].startswith(f"{first['source_file']}: ")
    assert f"({first['n_rows']} unexplained)" in bad["rows per file"]
    assert bad["outcomes add up"].endswith(f"vs {f['input_rows']:,} rows read")
    assert (
        bad["files unchanged since their stage ran"]
        == "modified after its stage logged it: ingest/rejects.parquet"
    )


def test_edited_log_count_fails(full_ws: Path, tmp_path: Path) -> None:
    ws = copy_ws(full_ws, tmp_path / "ws")
    lines = (ws / "stages.jsonl").read_text("utf-8").splitlines()
    entry = json.loads(lines[1])
    assert entry["stage"] == "dedupe"
    real = entry["counts"]["duplicate"]
    entry["counts"]["duplicate"] = real + 5
    lines[1] = json.dumps(entry, sort_keys=True)
    (ws / "stages.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    f = collect(ws)
    assert failed(f) == {
        "dedupe log matches its tables": f"duplicate: log says {real + 5:,}, tables hold {real:,}"
    }


def test_outcome_table_missing_a_record_fails(full_ws: Path, tmp_path: Path) -> None:
    ws = copy_ws(full_ws, tmp_path / "ws")
    path = ws / "export" / "outcomes.parquet"
    df = pl.read_parquet(path)
    write_parquet(
        pl.concat([df.slice(1), df.slice(2, 1)]), path
    )  # one record lost, another doubled
    bad = failed(collect(ws))
    assert bad["export covers every record once"].endswith(": 1 missing, 0 unknown, 1 repeated")


def test_exported_instead_of_dropped_fails(full_ws: Path, tmp_path: Path) -> None:
    ws = copy_ws(full_ws, tmp_path / "ws")
    path = ws / "export" / "outcomes.parquet"
    df = pl.read_parquet(path).with_columns(
        outcome=pl.lit("exported"), split=pl.col("split").fill_null("train")
    )
    write_parquet(df, path)
    bad = failed(collect(ws))
    assert "export log matches its tables" in bad
    assert "files unchanged since their stage ran" in bad


# -- partial, missing and old workspaces -------------------------------------------------------


@pytest.mark.parametrize(
    ("stages", "missing", "pending_reason"),
    [
        (("ingest",), ["dedupe", "export", "train"], "awaiting dedupe"),
        (("ingest", "dedupe"), ["export", "train"], "awaiting export"),
        (("ingest", "dedupe", "export"), ["train"], None),
    ],
)
def test_partial_workspace(
    tmp_path: Path, stages: tuple[str, ...], missing: list[str], pending_reason: str | None
) -> None:
    f = collect(build(tmp_path / "ws", 120, stages=stages))
    assert f["missing_stages"] == missing
    assert f["accounting_ok"] is True
    assert sum(f["outcomes"].values()) == f["input_rows"]
    if pending_reason:
        assert f["outcomes"]["pending"] > 0 and list(f["reasons"]["pending"]) == [pending_reason]
    else:
        assert f["outcomes"]["pending"] == 0
    assert f["training"] is None
    assert (f["duplicates"] is None) == ("dedupe" in missing)


def test_missing_workspace(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as exc:
        collect(tmp_path / "nope")
    assert exc.value.message == f"workspace {tmp_path / 'nope'} does not exist"
    assert (
        exc.value.hint == f"run `curate ingest PATH... --schema NAME -w {tmp_path / 'nope'}` first"
    )
    (tmp_path / "empty").mkdir()
    with pytest.raises(
        WorkspaceError, match=r"is not a curate workspace \(no stages.jsonl entries\)"
    ):
        collect(tmp_path / "empty")


def test_older_workspace_format(full_ws: Path, tmp_path: Path) -> None:
    ws = copy_ws(full_ws, tmp_path / "ws")
    log = ws / "stages.jsonl"
    log.write_text(
        log.read_text("utf-8").replace('"workspace_format": 1', '"workspace_format": 0'), "utf-8"
    )
    with pytest.raises(
        WorkspaceError, match=r"stages.jsonl:1: written by curate 0.1.0 \(workspace format 0\)"
    ):
        collect(ws)


def test_table_without_contract_column(full_ws: Path, tmp_path: Path) -> None:
    ws = copy_ws(full_ws, tmp_path / "ws")
    path = ws / "dedupe" / "outcomes.parquet"
    write_parquet(pl.read_parquet(path).drop("outcome"), path)
    with pytest.raises(
        WorkspaceError,
        match=r"dedupe/outcomes.parquet: column 'outcome' is missing \(columns are: ",
    ):
        collect(ws)


def test_logged_stage_with_missing_table(full_ws: Path, tmp_path: Path) -> None:
    ws = copy_ws(full_ws, tmp_path / "ws")
    (ws / "export" / "outcomes.parquet").unlink()
    f = collect(ws)
    assert (
        failed(f)["export output"]
        == "the stage log has export but export/outcomes.parquet is missing"
    )
    assert "export" in f["missing_stages"]


def test_training_metrics_tolerates_bad_lines_and_downsamples(
    full_ws: Path, tmp_path: Path
) -> None:
    ws = copy_ws(full_ws, tmp_path / "ws")
    lines = [json.dumps({"step": s, "loss": 3 - s / 1000, "lr": 1e-4}) for s in range(1, 1001)]
    (ws / "train" / "adapter" / "metrics.jsonl").write_text(
        "\n".join([*lines, "{oops"]) + "\n", "utf-8"
    )
    tr = collect(ws)["training"]
    assert tr["steps"] == 1000 and tr["bad_lines"] == 1
    assert len(tr["loss"]) <= 401 and tr["loss"][0][0] == 1 and tr["loss"][-1][0] == 1000
    assert tr["eval_loss"] == [] and tr["final_eval_loss"] is None


# -- helpers ----------------------------------------------------------------------------------


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(n=st.integers(15, 90), seed=st.integers(0, 10_000), thread=st.floats(0, 1))
def test_every_row_accounted_for(tmp_path: Path, n: int, seed: int, thread: float) -> None:
    ws = tmp_path / f"ws-{n}-{seed}-{thread}"
    f = collect(build(ws, n, seed=seed, thread_fraction=thread))
    assert f["accounting_ok"], failed(f)
    assert sum(f["outcomes"].values()) == f["input_rows"]
    assert (
        sum(f["records"]["outcomes"].values())
        == f["records"]["ingested"]
        + f["records"]["outcomes"]["rejected"]
        + f["records"]["outcomes"]["filtered"]
    )


@given(
    st.lists(st.sampled_from(["a", "b", "c", "dd"]), max_size=30),
    st.lists(st.sampled_from(["a", "b", "x"]), max_size=30),
)
def test_word_diff_rebuilds_both_sides(a: list[str], b: list[str]) -> None:
    ops = word_diff(" ".join(a), " ".join(b))
    assert " ".join(x for _, x, _ in ops if x) == " ".join(a)
    assert " ".join(y for _, _, y in ops if y) == " ".join(b)


def test_stats_histogram_counts_everything() -> None:
    values = np.concatenate([np.arange(1000), [10**6]])
    s = stats(values)
    assert s["count"] == 1001 and s["max"] == 10**6 and s["min"] == 0
    assert sum(s["hist"]["counts"]) + s["hist"]["over"] == 1001 and s["hist"]["over"] >= 1
    assert stats(np.array([], dtype=np.int64)) == {"count": 0}


def test_ingest_log_without_rows_read_is_not_checked(full_ws: Path, tmp_path: Path) -> None:
    ws = copy_ws(full_ws, tmp_path / "ws")
    lines = (ws / "stages.jsonl").read_text("utf-8").splitlines()
    entry = json.loads(lines[0])
    del entry["extra"]["files"]
    lines[0] = json.dumps(entry, sort_keys=True)
    (ws / "stages.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    f = collect(ws)
    assert f["accounting_ok"] is True
    skipped = [c for c in f["accounting"]["checks"] if c["ok"] is None]
    assert [c["name"] for c in skipped] == ["rows read per file"]
    assert f["input_rows"] == sum(f["outcomes"].values()) == collect(full_ws)["input_rows"]


# -- rows made into several records (wide rows, document sections) ----------------------------

LAW = (
    "This Agreement shall be governed by and construed in accordance with the laws of the State "
    "of {}, without regard to its conflict of laws principles."
)
PARTIES = (
    "This agreement is made between {} Corporation, a company organized under the laws of "
    "Delaware, and {} Limited, a company organized under the laws of England."
)
AUDIT = (
    "The {} purchaser may audit the books and records relevant to this agreement once each "
    "calendar year upon thirty days written notice to the supplier."
)
WIDE_COLUMNS = [
    "Filename",
    "Document Name",
    "Document Name-Answer",
    "Parties",
    "Parties-Answer",
    "Audit Rights",
    "Audit Rights-Answer",
    "Governing Law",
    "Governing Law-Answer",
]


def _wide_row(name: str, title: str, a: str, b: str, state: str) -> list[str]:
    """Document Name and Parties give no record (their answer copies the span); Audit Rights
    (a risk span, the record carrying the row) and Governing Law (a value) give one each."""
    doc = f"{title.upper()} SUPPLY AGREEMENT"
    return [
        *(name, doc, doc.title(), PARTIES.format(a, b), f"{a}; {b}"),
        *(AUDIT.format(title), "Yes", LAW.format(state), state),
    ]


def build_contracts(root: Path) -> Path:
    """A CUAD-like wide CSV (one record per clause column) and one contract text (one record
    per section), through ingest, dedupe and export with the built-in ``contracts`` schema.

    Row by row: alpha_copy.pdf repeats alpha.pdf's clauses, so all its records are duplicates;
    gamma.pdf repeats beta's first clause (the record carrying the row) but its
    other clauses are new; kappa.txt's preamble (the record carrying the file) has no heading
    and is filtered, its two titled sections are exported.
    """
    import csv

    import curate

    data = root / "data"
    data.mkdir(parents=True)
    with (data / "clauses.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(WIDE_COLUMNS)
        w.writerow(_wide_row("alpha.pdf", "Alpha Master", "Alpha", "Omega", "New York"))
        w.writerow(_wide_row("beta.pdf", "Beta Regional", "Beta", "Sigma", "California"))
        w.writerow(_wide_row("alpha_copy.pdf", "Alpha Master", "Alpha", "Omega", "New York"))
        w.writerow(_wide_row("gamma.pdf", "Beta Regional", "Gamma", "Delta", "Texas"))
    para = (
        "The Supplier shall deliver the Products to the Buyer at the locations named in each "
        "purchase order, and the Buyer shall inspect every delivery within ten business days. "
    )
    (data / "kappa.txt").write_text(
        "SUPPLY AGREEMENT\n\nThis Supply Agreement is entered into by Kappa Industries and "
        f"Lambda Foods. {para * 2}\n\n1. DEFINITIONS.\n\n{para.replace('Supplier', 'Seller') * 2}"
        f"\n\n2. TERM.\n\nThis Agreement starts on the Effective Date and lasts three years. "
        f"{para * 2}\n",
        "utf-8",
    )
    ws = root / "ws"
    curate.ingest([data], "contracts", ws)
    curate.dedupe(ws, keep="first")  # the earlier row of a pair keeps its clauses
    curate.export(ws, out=root / "export")
    return ws


@pytest.fixture(scope="module")
def contracts_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_contracts(tmp_path_factory.mktemp("contracts"))


def test_a_row_made_into_records_takes_their_best_outcome(contracts_ws: Path) -> None:
    f = collect(contracts_ws)
    assert f["accounting_ok"], failed(f)
    # 4 wide rows + 1 text file; only the row whose clauses all repeat another row's is dropped
    assert f["input_rows"] == 5
    assert {k: v for k, v in f["outcomes"].items() if v} == {"exported": 4, "duplicate": 1}
    assert sum(f["splits"].values()) == 4
    # records out, per their own outcome: what export and dedupe wrote
    exp = pl.read_parquet(contracts_ws / "export" / "outcomes.parquet")
    ded = pl.read_parquet(contracts_ws / "dedupe" / "outcomes.parquet")
    made = f["records"]["outcomes"]
    assert made["exported"] == exp.filter(pl.col("outcome") == "exported").height == 7
    assert made["duplicate"] == ded.filter(pl.col("outcome") == "duplicate").height == 3
    assert made["filtered"] == 1
    assert f["records"]["expanded"] == {"rows": 5, "records": 11}
    # per file, as the exports have it: the text file's sections were exported
    funnel = {Path(r["source_file"]).name: r for r in f["funnel"]}
    assert funnel["kappa.txt"]["exported"] == 1 and funnel["kappa.txt"]["filtered"] == 0
    assert (funnel["clauses.csv"]["exported"], funnel["clauses.csv"]["duplicate"]) == (3, 1)
    assert {o: sum(r.values()) for o, r in f["reasons"].items()} == {
        o: n for o, n in f["outcomes"].items() if n
    }
    checks = {c["name"]: c for c in f["accounting"]["checks"]}
    assert checks["every record traces to an input row"] == {
        "name": "every record traces to an input row",
        "ok": True,
        "detail": "5 rows made into 11 records",
    }


def test_record_without_the_one_carrying_its_row_fails(contracts_ws: Path, tmp_path: Path) -> None:
    ws = copy_ws(contracts_ws, tmp_path / "ws")
    path = ws / "ingest" / "filtered.parquet"
    write_parquet(pl.read_parquet(path).clear(), path)  # kappa.txt's preamble is gone
    f = collect(ws)
    bad = failed(f)
    # each section has its own line; without the record carrying the file, each is counted
    # at its line (kappa.txt's sections start on lines 5 and 9)
    assert bad["every record traces to an input row"].startswith(
        "2 records of 2 rows whose row-carrying record is in no table (first "
    )
    assert bad["every record traces to an input row"].endswith("kappa.txt:5)")
    assert bad["rows per file"].endswith("kappa.txt: 1 rows read, 0 accounted for (1 unexplained)")
    assert sum(f["outcomes"].values()) == 4


def test_row_precedence_over_its_records() -> None:
    from curate.report.outcomes import row_units

    def frame(items: list[tuple[int, int, str, str, str | None]]) -> pl.DataFrame:
        return pl.DataFrame(
            items,
            schema={
                "source_line": pl.Int64,
                "n_rows": pl.Int64,
                "outcome": pl.String,
                "reason": pl.String,
                "split": pl.String,
            },
            orient="row",
        ).with_columns(source_file=pl.lit("f.csv"))

    o = frame(
        [
            (2, 1, "duplicate", "exact", None),
            (2, 0, "over_length", "max_tokens", None),
            (3, 0, "contaminated", "ngram", None),
            (4, 1, "exported", "val", "val"),
            (5, 0, "duplicate", "near", None),
        ]
    )
    fil = frame([(3, 1, "filtered", "min_words", None), (6, 1, "filtered", "lang", None)])
    rej = frame([(5, 1, "rejected", "bad_type", None), (6, 0, "rejected", "empty_text", None)])
    units, expanded = row_units(rej, fil, o)
    got = {
        line: (rows, records, outcome, reason)
        for line, rows, records, outcome, reason in units.select(
            "source_line", "n_rows", "records", "outcome", "reason"
        ).iter_rows()
    }
    assert got == {
        2: (1, 2, "over_length", "max_tokens"),
        3: (1, 2, "contaminated", "ngram"),
        4: (1, 1, "exported", "val"),
        5: (1, 2, "duplicate", "near"),
        6: (1, 2, "filtered", "lang"),
    }
    assert expanded == {"rows": 4, "records": 8}
    # one record per row: every record, reject and filtered row stays its own unit
    one = o.filter(pl.col("n_rows") > 0)
    units, expanded = row_units(rej.head(1), fil, one)
    assert expanded is None and units.height == 5 and units["records"].to_list() == [1] * 5


# -- balance follows the export's stratify field ------------------------------------------------


def build_tickets(root: Path, stratify: str) -> Path:
    """Twelve helpdesk tickets through ingest, dedupe and export stratified by ``stratify``."""
    import csv

    import curate

    root.mkdir(parents=True)
    with (root / "tickets.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "Ticket ID",
                "Ticket Type",
                "Ticket Priority",
                "Ticket Subject",
                "Ticket Description",
                "Resolution",
            ]
        )
        for i in range(12):
            w.writerow(
                [
                    str(1000 + i),
                    ("Billing inquiry", "Technical issue")[i % 2],
                    ("High", "Low", "Medium")[i % 3],
                    f"Problem number {i} with my order",
                    f"My order {i} arrived with a broken {('screen', 'cable', 'charger', 'case')[i % 4]} "
                    f"and the tracking page shows it as lost since day {i + 2} of the month.",
                    f"We are sorry about order {i}; a replacement ships today and the refund of "
                    f"{10 + i} dollars is on its way to your card.",
                ]
            )
    ws = root / "ws"
    curate.ingest([root / "tickets.csv"], "tickets", ws)
    curate.dedupe(ws)
    curate.export(ws, out=root / "export", stratify=stratify)
    return ws


def test_balance_uses_the_field_the_export_stratified_by(tmp_path: Path) -> None:
    ws = build_tickets(tmp_path / "by_priority", "priority")
    b = collect(ws)["balance"]
    assert b["field"] == "priority"  # not the schema's default, category
    assert b["stratified"] is True
    assert set(b["table"]) == {"High", "Low", "Medium"}
    assert b["warnings"] and all(" of priority has " in w for w in b["warnings"])
    # an export log without the key (older curate): the export's manifest.json says it
    lines = (ws / "stages.jsonl").read_text("utf-8").splitlines()
    entry = json.loads(lines[-1])
    assert entry["stage"] == "export" and entry["config"].pop("stratify") == "priority"
    lines[-1] = json.dumps(entry, sort_keys=True)
    (ws / "stages.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    assert collect(ws)["balance"]["field"] == "priority"


def test_balance_falls_back_when_the_export_did_not_stratify(tmp_path: Path) -> None:
    b = collect(build_tickets(tmp_path / "none", "none"))["balance"]
    assert (b["field"], b["stratified"]) == ("category", False)
    assert set(b["table"]) == {"Billing inquiry", "Technical issue"}
