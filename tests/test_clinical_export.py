"""Issue 21 on the clinical_notes schema: dialogue->note pairs are never cut to fit a budget (a
pair that does not fit is over_length, counted per file), the sources' published test and
validation sets keep their splits, and notes teach the format (section names, SOAP)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.errors import UsageError
from curate.export import export
from curate.export.note_format import note_layout, section_name, soap_note
from curate.export.source_splits import fixed_codes, parse_source_splits
from curate.ingest import ingest
from curate.workspace import Workspace
from tests.conftest import SAMPLE
from tests.test_tokens import make_tokenizer

ACI_NOTE = (
    "CHIEF COMPLAINT\n\nKnee pain.\n\nHISTORY OF PRESENT ILLNESS\n\nThe patient reports knee "
    "pain for two weeks.\n\nPHYSICAL EXAM\n\nMild swelling of the right knee.\n\nASSESSMENT AND "
    "PLAN\n\n1. Knee strain.\n- Rest and ice."
)


def dialogue(i: int, turns: int) -> str:
    lines = []
    for t in range(turns):
        lines.append(f"[doctor] how is the knee today , visit {i} turn {t} ?")
        lines.append(f"[patient] it still hurts when i climb stairs , number {t} .")
    return "\n".join(lines)


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])
    return path


def aci(path: Path, first: int, n: int, long_every: int = 0) -> Path:
    rows = [
        [
            "virtassist",
            f"D2N{first + i:03d}",
            dialogue(first + i, 40 if long_every and i % long_every == 0 else 2),
            ACI_NOTE,
        ]
        for i in range(n)
    ]
    return write_csv(path, ["dataset", "encounter_id", "dialogue", "note"], rows)


def mts(path: Path, n: int, offset: int = 0) -> Path:
    rows = [
        [
            i,
            "FAM/SOCHX",
            f"Nonsmoker, case {offset + i}.",
            f"Doctor: Do you smoke, case {offset + i}?\nPatient: No.",
        ]
        for i in range(n)
    ]
    return write_csv(path, ["ID", "section_header", "section_text", "dialogue"], rows)


@pytest.fixture(scope="module")
def tok_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tokenizer(tmp_path_factory.mktemp("ctok"))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines()] if path.exists() else []


def outcomes(ws: Path) -> pl.DataFrame:
    rec = (
        Workspace(ws).read_table("ingest", "records").select("record_id", "source_file", "dialogue")
    )
    return Workspace(ws).read_table("export", "outcomes").join(rec, on="record_id")


# -- 1. over length: counted, never cut --------------------------------------------------------


@pytest.fixture(scope="module")
def long_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("long")
    aci(d / "aci-bench_train.csv", 1, 6, long_every=3)
    ingest([d / "aci-bench_train.csv"], "clinical_notes", d / "ws", rules=None)
    return d / "ws"


def test_a_dialogue_over_the_budget_is_over_length_never_cut(
    long_ws: Path, tmp_path: Path, tok_dir: Path
) -> None:
    """Before issue 21 the long dialogues were cut to fit and the note kept whole."""
    full = export(long_ws, out=tmp_path / "full", tokenizer=tok_dir, val_fraction=0)
    assert full.counts == {"exported": 6}
    o = Workspace(long_ws).read_table("export", "outcomes")
    budget = int(o["tokens"].sort()[3]) + 5  # the 4 short ones fit, the 2 long ones do not
    res = export(
        long_ws,
        out=tmp_path / "cut",
        tokenizer=tok_dir,
        max_tokens=budget,
        metadata=True,
        val_fraction=0,
    )
    assert res.counts["over_length"] == 2 and res.counts["exported"] == 4
    assert res.reasons["over_length"] == {"max_tokens": 2}
    got = outcomes(long_ws)
    over = got.filter(pl.col("outcome") == "over_length")
    assert over["detail"].str.starts_with("over_length: dialogue_to_note needs ").all()
    assert over["detail"].str.ends_with(f"> {budget:,}").all()
    dialogues = dict(zip(got["record_id"], got["dialogue"], strict=True))
    lines = read_jsonl(tmp_path / "cut" / "train.jsonl")
    assert len(lines) == 4
    for line in lines:  # every exported prompt holds its whole dialogue
        assert dialogues[line["metadata"]["record_id"]] in line["messages"][1]["content"]
    manifest = json.loads((tmp_path / "cut" / "manifest.json").read_text())
    assert manifest["counts"]["over_length"] == 2
    assert manifest["config"]["over_length"] == "drop"


def test_trim_is_opt_in_and_recorded_per_record(
    long_ws: Path, tmp_path: Path, tok_dir: Path
) -> None:
    o = export(long_ws, out=tmp_path / "a", tokenizer=tok_dir, val_fraction=0)
    budget = int(Workspace(long_ws).read_table("export", "outcomes")["tokens"].max()) - 20
    # drop_turns cuts no message: a single exchange over the budget stays over_length
    res = export(
        long_ws,
        out=tmp_path / "b",
        tokenizer=tok_dir,
        max_tokens=budget,
        val_fraction=0,
        over_length="drop_turns",
    )
    assert res.counts["over_length"] == 2
    res = export(
        long_ws,
        out=tmp_path / "c",
        tokenizer=tok_dir,
        max_tokens=budget,
        val_fraction=0,
        over_length="trim",
    )
    assert o.counts["exported"] == res.counts["exported"] == 6
    assert res.reasons["exported"] == {"trim": 2}
    got = outcomes(long_ws).filter(pl.col("reason") == "trim")
    assert got.height == 2
    assert got["detail"].str.contains(r"^trim: dialogue_to_note \d[\d,]* -> \d[\d,]* tokens").all()


def test_over_length_shows_per_file_in_the_report(
    long_ws: Path, tmp_path: Path, tok_dir: Path
) -> None:
    budget = 1  # nothing fits
    export(long_ws, out=tmp_path / "x", tokenizer=tok_dir, max_tokens=budget, val_fraction=0)
    res = CliRunner().invoke(main, ["report", "-w", str(long_ws), "--json", "-"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["outcomes"]["over_length"] == 6
    assert data["reasons"]["over_length"] == {"max_tokens": 6}
    per_file = {Path(f["source_file"]).name: f for f in data["funnel"]}
    assert per_file["aci-bench_train.csv"]["over_length"] == 6


# -- 2. splits the sources published ----------------------------------------------------------


@pytest.fixture(scope="module")
def split_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("splits")
    files = [
        mts(d / "MTS-Dialog-TrainingSet.csv", 30),
        mts(d / "MTS-Dialog-ValidationSet.csv", 6, offset=100),
        mts(d / "MTS-Dialog-TestSet-1-MEDIQA-Chat-2023.csv", 8, offset=200),
        aci(d / "aci-bench_train.csv", 1, 5),
        aci(d / "aci-bench_clinicalnlp_taskB_test1.csv", 50, 4),
    ]
    ingest(files, "clinical_notes", d / "ws", rules=None)
    return d / "ws"


def test_published_test_and_validation_sets_keep_their_splits(
    split_ws: Path, tmp_path: Path
) -> None:
    """The schema's source_splits: every test-set row in test, every validation row in val,
    whatever the fractions; MTS-Dialog's per-file row IDs (0, 1, ... in every file) no longer
    tie a training row to the test row with the same number."""
    res = export(split_ws, out=tmp_path / "o", metadata=True, val_fraction=0.2)
    got = outcomes(split_ws).with_columns(
        pl.col("source_file").map_elements(lambda p: Path(p).name, pl.Utf8).alias("file")
    )
    by_file = {f: sorted(set(g["split"].to_list())) for (f,), g in got.group_by("file")}
    assert by_file["MTS-Dialog-TestSet-1-MEDIQA-Chat-2023.csv"] == ["test"]
    assert by_file["aci-bench_clinicalnlp_taskB_test1.csv"] == ["test"]
    assert by_file["MTS-Dialog-ValidationSet.csv"] == ["val"]
    assert "train" in by_file["MTS-Dialog-TrainingSet.csv"]
    train = got.filter(pl.col("file") == "MTS-Dialog-TrainingSet.csv")
    assert (train["split"] == "train").sum() >= 20  # not pulled into test through the IDs
    assert set(got.filter(pl.col("file").str.contains("Test|test1"))["split_origin"]) == {"source"}
    assert set(train["split_origin"]) == {"drawn"}
    manifest = json.loads((tmp_path / "o" / "manifest.json").read_text())
    assert manifest["files"]["test"]["from_source"] == 12
    assert manifest["files"]["test"]["drawn"] == 0
    assert manifest["files"]["val"]["from_source"] == 6
    assert res.extra["splits"]["test"]["records"] == 12
    assert len(read_jsonl(tmp_path / "o" / "test.jsonl")) == 12


def test_source_splits_option_and_split_field(split_ws: Path, tmp_path: Path) -> None:
    res = export(split_ws, out=tmp_path / "none", source_splits=["none"], val_fraction=0.0)
    assert set(res.extra["splits"]) == {"train"}  # no rule: all drawn, no test file
    res = export(
        split_ws, out=tmp_path / "own", source_splits=["aci-bench_train*=test"], val_fraction=0
    )
    assert res.extra["splits"]["test"] == {
        "examples": 5,
        "records": 5,
        "from_source": 5,
        "drawn": 0,
    }
    with pytest.raises(UsageError) as exc:
        export(split_ws, out=tmp_path / "bad", source_splits=["*.csv=holdout"])
    assert exc.value.param == "source_splits"
    assert str(exc.value).startswith("source_splits '*.csv=holdout': expected GLOB=SPLIT")
    # a field naming the split: the section header stands in for one here
    codes = fixed_codes(None, pl.Series(["Test", "validation", "x", None]), [])
    assert codes is not None and codes.tolist() == [2, 1, -1, -1]
    with pytest.raises(UsageError) as exc:
        export(split_ws, out=tmp_path / "f", split_field="nope")
    assert exc.value.param == "split_field"


def test_parse_source_splits() -> None:
    assert parse_source_splits(["*Test*=test", " a/b.csv = VAL ", "none"]) == [
        ("*Test*", 2),
        ("a/b.csv", 1),
    ]
    with pytest.raises(UsageError):
        parse_source_splits(["test"])


def test_cli_flag_source_split(split_ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "cli"
    res = CliRunner().invoke(
        main,
        ["export", "-w", str(split_ws), "--out", str(out), "--source-splits", "*.csv=test"],
    )
    assert res.exit_code == 0, res.output
    assert "source_splits put every record in val or test: train is empty" in res.output
    res = CliRunner().invoke(
        main,
        ["export", "-w", str(split_ws), "--out", str(out), "--source-splits", "*.csv"],
    )
    assert res.exit_code == 2
    assert res.output.splitlines()[-2].startswith(
        "Error: --source-splits '*.csv': expected GLOB=SPLIT"
    )


def test_sample_config_keeps_the_test_sets(tmp_path: Path) -> None:
    from curate.config import load_config

    cfg = load_config(SAMPLE / "clinical.toml")
    assert "MTS-Dialog-TestSet-*=test" in (cfg.export.source_splits or [])
    files = sorted(p.name for p in (SAMPLE / "clinical").glob("*.csv"))
    rules = parse_source_splits(cfg.export.source_splits or [])
    held = fixed_codes(pl.Series(files), None, rules)
    assert held is not None
    tests = [f for f, c in zip(files, held.tolist(), strict=True) if c == 2]
    assert tests == [
        "MTS-Dialog-TestSet-1-MEDIQA-Chat-2023.csv",
        "aci-bench_clinicalnlp_taskB_test1.csv",
    ]


# -- 4. notes that teach the format -----------------------------------------------------------


def test_section_codes_read_as_names_in_prompts(split_ws: Path, tmp_path: Path) -> None:
    assert section_name("FAM/SOCHX") == "family and social history"
    assert section_name("genhx") == "history of present illness"
    assert section_name("Unknown Code") == "Unknown Code"
    export(split_ws, out=tmp_path / "o", val_fraction=0)
    prompts = [
        x["messages"][1]["content"]
        for f in ("train", "test", "val")
        for x in read_jsonl(tmp_path / "o" / f"{f}.jsonl")
    ]
    mts_prompts = [p for p in prompts if p.startswith("Write the family")]
    assert len(mts_prompts) == 44
    assert not any("FAM/SOCHX" in p for p in prompts)


def test_note_layout_restores_flattened_headings() -> None:
    flat = (
        "SUBJECTIVE:, This 23-year-old white female presents with allergies.,MEDICATIONS: , "
        "Ortho Tri-Cyclen.,OBJECTIVE:,Vitals: Weight 130 pounds.,Neck: Supple.,PLAN:,1. Zyrtec.,"
        "2. Nasonex.,The patient was given samples, 2 of them."
    )
    assert note_layout(flat) == (
        "SUBJECTIVE:\nThis 23-year-old white female presents with allergies.\n\n"
        "MEDICATIONS:\nOrtho Tri-Cyclen.\n\nOBJECTIVE:\nVitals: Weight 130 pounds.\n"
        "Neck: Supple.\n\nPLAN:\n1. Zyrtec.\n2. Nasonex.\nThe patient was given samples, 2 of them."
    )
    assert note_layout(ACI_NOTE) == ACI_NOTE  # line breaks already there: unchanged
    assert note_layout("Blood pressure 120/80, pulse 72.") == "Blood pressure 120/80, pulse 72."


def test_soap_note_regroups_sections_or_gives_nothing() -> None:
    assert soap_note(ACI_NOTE) == (
        "SUBJECTIVE\n\nCHIEF COMPLAINT\n\nKnee pain.\n\nHISTORY OF PRESENT ILLNESS\n\n"
        "The patient reports knee pain for two weeks.\n\nOBJECTIVE\n\nPHYSICAL EXAM\n\n"
        "Mild swelling of the right knee.\n\nASSESSMENT AND PLAN\n\n1. Knee strain.\n- Rest and ice."
    )
    assert soap_note("Nonsmoker.") == ""  # one section: no SOAP note to ask for
    assert soap_note("CHIEF COMPLAINT\n\nPain.\n\nPLAN\n\nRest.") == ""  # no objective part


def test_soap_note_task_is_optional(split_ws: Path, tmp_path: Path) -> None:
    res = export(split_ws, out=tmp_path / "d", val_fraction=0)
    assert "soap_note" not in res.extra["tasks"]
    res = export(split_ws, out=tmp_path / "s", val_fraction=0, tasks=["soap_note"])
    assert res.extra["tasks"] == {"soap_note": 9}  # the ACI-Bench visits; MTS sections give none
    line = read_jsonl(tmp_path / "s" / "train.jsonl")[0]
    assert line["messages"][1]["content"].startswith(
        "Write the clinical note for this visit in SOAP"
    )
    assert line["messages"][2]["content"].startswith("SUBJECTIVE\n\nCHIEF COMPLAINT")
