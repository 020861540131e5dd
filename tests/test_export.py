"""`curate export`: golden files per format, leak-free splits, dedupe, tokens, bad input."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.errors import ConfigError, UsageError, WorkspaceError
from curate.export import export
from curate.export.render import conversation_messages
from curate.ingest import ingest
from curate.validate import validate_file
from curate.workspace import StageResult, Workspace
from tests.conftest import ROOT
from tests.test_tokens import make_tokenizer

DATA = Path(__file__).parent / "data" / "export"
GOLDEN = DATA / "golden"
INPUTS = ["tests/data/export/tickets.csv", "tests/data/export/threads.csv"]
UPDATE = os.environ.get("CURATE_UPDATE_GOLDEN") == "1"


def make_workspace(path: Path) -> Path:
    """Ingest the fixture files with paths relative to the repo, so record ids are stable."""
    cwd = Path.cwd()
    os.chdir(ROOT)
    try:
        ingest(INPUTS, "tickets", path, rules=None)
    finally:
        os.chdir(cwd)
    return path


@pytest.fixture(scope="module")
def base_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_workspace(tmp_path_factory.mktemp("exp") / "ws")


@pytest.fixture
def ws(base_ws: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "ws"
    shutil.copytree(base_ws, dst)
    return dst


@pytest.fixture(scope="module")
def tok_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tokenizer(tmp_path_factory.mktemp("etok"))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


# -- golden files ----------------------------------------------------------------------------

CASES = {
    "chat": {"format": "chat"},
    "chat_metadata": {"format": "chat", "metadata": True},
    "sharegpt": {"format": "sharegpt"},
    "alpaca": {"format": "alpaca"},
    "completion": {"format": "completion"},
    "completion_conversational": {"format": "completion", "completion_style": "conversational"},
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_files(ws: Path, tmp_path: Path, case: str) -> None:
    out = tmp_path / "out"
    export(ws, out=out, val_fraction=0.2, test_fraction=0.1, seed=3, **CASES[case])
    for name in ("train.jsonl", "val.jsonl", "test.jsonl", "dataset_info.json"):
        golden = GOLDEN / case / name
        if not (out / name).exists():
            assert not golden.exists(), f"{name} expected"
            continue
        if UPDATE:
            golden.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(out / name, golden)
        assert (out / name).read_text("utf-8") == golden.read_text("utf-8"), f"{case}/{name}"


def test_outputs_load_in_datasets_unchanged(ws: Path, tmp_path: Path) -> None:
    from datasets import load_dataset

    for case, kw in CASES.items():
        out = tmp_path / case
        export(ws, out=out, val_fraction=0.2, test_fraction=0.1, seed=3, **kw)
        files = {s: str(out / f"{s}.jsonl") for s in ("train", "val", "test")}
        ds = load_dataset("json", data_files=files, cache_dir=str(tmp_path / "hf"))
        for split in files:
            assert ds[split].num_rows == len(read_jsonl(out / f"{split}.jsonl")), case
        keys = {k for line in read_jsonl(out / "train.jsonl") for k in line}
        assert set(ds["train"].column_names) == keys, case


def test_chat_template_applies_to_every_example_and_counts_match(
    ws: Path, tmp_path: Path, tok_dir: Path
) -> None:
    from datasets import load_dataset
    from transformers import AutoTokenizer

    out = tmp_path / "out"
    res = export(ws, out=out, tokenizer=tok_dir, metadata=True, train_on="last", seed=1)
    hf = AutoTokenizer.from_pretrained(str(tok_dir))
    ds = load_dataset(
        "json",
        data_files={"train": str(out / "train.jsonl"), "val": str(out / "val.jsonl")},
        cache_dir=str(tmp_path / "hf"),
    )
    per_record: dict[str, int] = {}
    for split in ("train", "val"):
        for row in ds[split]:
            ids = hf.apply_chat_template(row["messages"], tokenize=True)
            ids = ids["input_ids"] if hasattr(ids, "keys") else ids
            rid = row["metadata"]["record_id"]
            per_record[rid] = per_record.get(rid, 0) + len(ids)
    outcomes = (
        Workspace(ws).read_table("export", "outcomes").filter(pl.col("outcome") == "exported")
    )
    assert dict(zip(outcomes["record_id"], outcomes["tokens"], strict=True)) == per_record
    stats = json.loads((ws / "export" / "token_stats.json").read_text())
    assert stats["splits"]["train"]["tokens"]["sum"] + stats["splits"]["val"]["tokens"][
        "sum"
    ] == sum(per_record.values())
    assert res.counts == {"exported": 60, "no_example": 5}


# -- splits are leak-free, stratified, deterministic -----------------------------------------


def test_groups_and_threads_never_straddle_splits(ws: Path, tmp_path: Path) -> None:
    export(ws, out=tmp_path / "o", metadata=True, val_fraction=0.3, test_fraction=0.2, seed=5)
    records = Workspace(ws).read_table("ingest", "records").select("record_id", "group")
    outcomes = Workspace(ws).read_table("export", "outcomes").join(records, on="record_id")
    exported = outcomes.filter(pl.col("outcome") == "exported")
    per_group = exported.group_by("group").agg(pl.col("split").n_unique())
    assert per_group["split"].max() == 1
    assert set(exported["split"]) == {"train", "val", "test"}
    # every line traces back to a record in the split it was written to
    for split in ("train", "val", "test"):
        for line in read_jsonl(tmp_path / "o" / f"{split}.jsonl"):
            assert line["metadata"]["split"] == split
            row = exported.filter(pl.col("record_id") == line["metadata"]["record_id"])
            assert row["split"][0] == split


def test_stratified_by_schema_field(ws: Path, tmp_path: Path) -> None:
    res = export(ws, out=tmp_path / "o", val_fraction=0.25, seed=0)
    assert res.config["stratify"] == "category"
    records = Workspace(ws).read_table("ingest", "records").select("record_id", "category")
    ex = (
        Workspace(ws)
        .read_table("export", "outcomes")
        .join(records, on="record_id")
        .filter(pl.col("outcome") == "exported")
    )
    for (cat,), g in ex.group_by("category"):
        share = (g["split"] == "val").sum() / g.height
        assert abs(share - 0.25) <= 1.5 / g.height + 0.05, (cat, share)
    with pytest.raises(UsageError) as bad:
        export(ws, out=tmp_path / "o", stratify="colour")
    assert bad.value.message == "stratify 'colour': schema 'tickets' has no such field"
    assert bad.value.param == "stratify"
    assert export(ws, out=tmp_path / "o", stratify="none").config["stratify"] is None


def test_deterministic_bytes_and_seed(ws: Path, tmp_path: Path) -> None:
    export(ws, out=tmp_path / "a", seed=11, metadata=True)
    export(ws, out=tmp_path / "b", seed=11, metadata=True)
    export(ws, out=tmp_path / "c", seed=12, metadata=True)
    for name in ("train.jsonl", "val.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "val.jsonl").read_bytes() != (
        tmp_path / "c" / "val.jsonl"
    ).read_bytes()


# -- dedupe ----------------------------------------------------------------------------------


def fake_dedupe(ws: Path, drop: int = 0, cluster_of: dict[int, str] | None = None) -> pl.DataFrame:
    """Write dedupe/outcomes.parquet as the dedupe stage would (that stage is another module)."""
    w = Workspace(ws)
    ids = w.read_table("ingest", "records")["record_id"].to_list()
    cluster_of = cluster_of or {}
    outcome = ["duplicate" if i < drop else "kept" for i in range(len(ids))]
    df = pl.DataFrame(
        {
            "record_id": ids,
            "outcome": outcome,
            "reason": ["exact" if o == "duplicate" else None for o in outcome],
            "cluster_id": [cluster_of.get(i) for i in range(len(ids))],
        },
        schema={"record_id": pl.Utf8, "outcome": pl.Utf8, "reason": pl.Utf8, "cluster_id": pl.Utf8},
    )
    w.write_table("dedupe", "outcomes", df)
    w.log_stage(StageResult(stage="dedupe", workspace=str(ws), counts={"kept": len(ids) - drop}))
    return df


def test_only_kept_records_and_clusters_stay_together(ws: Path, tmp_path: Path) -> None:
    clusters = {i: f"c{i % 3}" for i in range(10, 40)}  # three clusters of ten kept records each
    ded = fake_dedupe(ws, drop=7, cluster_of=clusters)
    res = export(ws, out=tmp_path / "o", metadata=True, val_fraction=0.3, seed=2)
    outcomes = Workspace(ws).read_table("export", "outcomes")
    assert set(outcomes["record_id"]) == set(ded.filter(pl.col("outcome") == "kept")["record_id"])
    assert res.warnings == []
    lines = read_jsonl(tmp_path / "o" / "train.jsonl") + read_jsonl(tmp_path / "o" / "val.jsonl")
    by_cluster: dict[str, set[str]] = {}
    for line in lines:
        meta = line["metadata"]
        if meta["cluster_id"]:
            by_cluster.setdefault(meta["cluster_id"], set()).add(meta["split"])
    assert len(by_cluster) == 3 and all(len(s) == 1 for s in by_cluster.values())


def test_records_missing_from_dedupe_or_stale_dedupe(ws: Path, tmp_path: Path) -> None:
    ded = fake_dedupe(ws)
    Workspace(ws).write_table("dedupe", "outcomes", ded.slice(0, 10))
    with pytest.raises(WorkspaceError) as exc:
        export(ws, out=tmp_path / "o")
    assert exc.value.message.startswith("55 ingested records have no dedupe outcome (first: ")
    assert exc.value.hint == f"re-run `curate dedupe -w {ws}`"
    # a re-ingest invalidates dedupe's log entry: its table is stale
    make_workspace(ws)
    with pytest.raises(WorkspaceError, match="is older than the last ingest"):
        export(ws, out=tmp_path / "o")


def test_no_dedupe_warns(ws: Path, tmp_path: Path) -> None:
    res = export(ws, out=tmp_path / "o")
    assert res.warnings[0].startswith("no dedupe stage in this workspace")
    entry = Workspace(ws).last_entry("export")
    assert entry is not None and entry["counts"] == {"exported": 60, "no_example": 5}


# -- rendering -------------------------------------------------------------------------------


def test_conversation_turns_are_normalized() -> None:
    msgs, system = conversation_messages(
        [
            {"role": "assistant", "content": "Hi, how can I help?"},
            {"role": "user", "content": "Late parcel."},
            {"role": "user", "content": " Order 4411. "},
            {"role": "system", "content": "Be brief."},
            {"role": "assistant", "content": "It ships tomorrow."},
            {"role": "user", "content": "Thanks"},
        ]
    )
    assert msgs == [
        {"role": "user", "content": "Late parcel.\n\nOrder 4411."},
        {"role": "assistant", "content": "It ships tomorrow."},
    ]
    assert system == "Be brief."
    assert conversation_messages([{"role": "user", "content": "Hello?"}]) == ([], "")


def test_no_example_reasons_and_multiturn(ws: Path, tmp_path: Path) -> None:
    export(ws, out=tmp_path / "o", metadata=True, val_fraction=0.0)
    outcomes = Workspace(ws).read_table("export", "outcomes")
    skipped = outcomes.filter(pl.col("outcome") == "no_example")
    assert sorted(skipped["reason"]) == ["missing_field"] * 4 + ["no_answer"]
    details = set(skipped["detail"])
    assert "resolve: resolution is empty; conversation: turns is empty" in details
    assert "resolve: body is empty; conversation: no user turn answered by the assistant" in details
    lines = read_jsonl(tmp_path / "o" / "train.jsonl")
    c1 = next(x for x in lines if x["metadata"]["source"].endswith("threads.csv:2"))
    assert [m["role"] for m in c1["messages"]] == [
        "system",
        "user",
        "assistant",
        "user",
        "assistant",
    ]
    assert c1["messages"][3]["content"] == "It is 4411.\n\nPlaced on Monday."
    assert c1["metadata"]["id"].endswith(":conversation")
    assert validate_file(tmp_path / "o" / "train.jsonl").ok


def test_train_on_last_sets_weights(ws: Path, tmp_path: Path) -> None:
    export(ws, out=tmp_path / "o", train_on="last", val_fraction=0.0)
    assert not (tmp_path / "o" / "val.jsonl").exists()  # --val-fraction 0 writes no empty file
    multi = [x for x in read_jsonl(tmp_path / "o" / "train.jsonl") if len(x["messages"]) > 3]
    assert multi
    for line in multi:
        weights = [m["weight"] for m in line["messages"] if m["role"] == "assistant"]
        assert weights == [0] * (len(weights) - 1) + [1]
    with pytest.raises(UsageError) as bad:
        export(ws, out=tmp_path / "o", train_on="last", format="alpaca")
    assert bad.value.message == (
        "train_on 'last' needs format 'chat' (only chat lines carry a weight), got format 'alpaca'"
    )
    assert bad.value.param == "train_on"


def test_template_naming_unknown_field_is_config_error(ws: Path, tmp_path: Path) -> None:
    schema = ws / "ingest" / "schema.toml"
    schema.write_text(schema.read_text().replace("{{ resolution }}", "{{ resolution_text }}"))
    with pytest.raises(ConfigError) as exc:
        export(ws, out=tmp_path / "o")
    assert exc.value.message == (
        "schema 'tickets', task 'resolve', assistant template references "
        "field 'resolution_text', which the schema does not define"
    )
    res = CliRunner().invoke(main, ["export", "-w", str(ws), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "assistant template references field 'resolution_text'" in res.output


# -- tokens and budgets ----------------------------------------------------------------------


def test_max_tokens_trims_user_side_and_drops_what_cannot_fit(
    ws: Path, tmp_path: Path, tok_dir: Path
) -> None:
    """over_length = "trim", the opt-in strategy (the default drops, tests/test_clinical_export.py)."""
    export(ws, out=tmp_path / "full", tokenizer=tok_dir, metadata=True, val_fraction=0.0)
    full = {x["metadata"]["id"]: x for x in read_jsonl(tmp_path / "full" / "train.jsonl")}
    base = Workspace(ws).read_table("export", "outcomes")
    budget = int(base["tokens"].drop_nulls().median())  # type: ignore[arg-type]
    res = export(
        ws,
        out=tmp_path / "cut",
        tokenizer=tok_dir,
        max_tokens=budget,
        over_length="trim",
        metadata=True,
        val_fraction=0.0,
    )
    outcomes = Workspace(ws).read_table("export", "outcomes")
    exported = outcomes.filter(pl.col("outcome") == "exported")
    assert exported["tokens"].max() <= budget  # type: ignore[operator]
    over = outcomes.filter(pl.col("outcome") == "over_length")
    assert over.height == res.counts.get("over_length", 0)
    assert (over["tokens"] > budget).all()
    assert res.extra["trimmed"] > 0
    for line in read_jsonl(tmp_path / "cut" / "train.jsonl"):
        orig = full[line["metadata"]["id"]]
        assert line["messages"][-1] == orig["messages"][-1]  # the answer is never touched
    stats = json.loads((ws / "export" / "token_stats.json").read_text())
    assert stats["max_tokens"] == budget and stats["trimmed_examples"] == res.extra["trimmed"]


# -- bad input and CLI -----------------------------------------------------------------------


def test_cli_errors(tmp_path: Path, ws: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(
        main, ["export", "-w", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]
    )
    assert res.exit_code == 2
    assert res.output.strip().splitlines() == [
        f"Error: workspace {tmp_path / 'nope'} does not exist",
        f"Hint: run `curate ingest PATH... --schema NAME -w {tmp_path / 'nope'}` first",
    ]
    res = runner.invoke(
        main,
        [
            "export",
            "-w",
            str(ws),
            "--out",
            str(tmp_path / "o"),
            "--tokenizer",
            str(tmp_path / "missing.json"),
        ],
    )
    assert res.exit_code == 2
    assert (
        res.output.strip()
        == f"Error: --tokenizer {tmp_path / 'missing.json'}: no such file or directory\n"
        "Hint: pass a tokenizer.json, a local model directory, or a hub id like org/name"
    )
    res = runner.invoke(
        main, ["export", "-w", str(ws), "--out", str(tmp_path / "o"), "--max-tokens", "10"]
    )
    assert res.exit_code == 2
    assert "Error: --max-tokens needs a tokenizer" in res.output  # the parameter, as its flag
    res = runner.invoke(
        main,
        [
            "export",
            "-w",
            str(ws),
            "--out",
            str(tmp_path / "o"),
            "--val-fraction",
            "0.7",
            "--test-fraction",
            "0.3",
        ],
    )
    assert res.exit_code == 2
    assert "Error: --val-fraction + test_fraction must be below 1, got 1" in res.output


def test_cli_json_and_manifest(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    res = CliRunner().invoke(
        main,
        [
            "export",
            "-w",
            str(ws),
            "--out",
            str(out),
            "--format",
            "sharegpt",
            "--test-fraction",
            "0.1",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["counts"] == {"exported": 60, "no_example": 5}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format"] == "sharegpt" and manifest["schema"]["name"] == "tickets"
    assert set(manifest["files"]) == {"train", "val", "test"}
    assert sum(f["examples"] for f in manifest["files"].values()) == manifest["examples"]
    from curate.workspace import sha256_file

    for f in manifest["files"].values():
        assert f["sha256"] == sha256_file(out / f["path"])
    info = json.loads((out / "dataset_info.json").read_text())
    assert info["curate_train"]["columns"]["messages"] == "conversations"
    # re-export without a test split removes the stale test file
    CliRunner().invoke(main, ["export", "-w", str(ws), "--out", str(out)])
    assert not (out / "test.jsonl").exists()


# -- streaming, shards, fast paths -----------------------------------------------------------


def test_small_batches_give_the_same_bytes_and_outcomes(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from curate.export import kept

    kw: dict[str, Any] = {"val_fraction": 0.2, "test_fraction": 0.1, "seed": 3, "metadata": True}
    export(ws, out=tmp_path / "one", **kw)
    whole = Workspace(ws).read_table("export", "outcomes")
    monkeypatch.setattr(kept, "ROW_GROUP_SIZE", 7)  # 65 records in 10 batches
    res = export(ws, out=tmp_path / "many", **kw)
    for name in ("train.jsonl", "val.jsonl", "test.jsonl"):
        got = (tmp_path / "many" / name).read_text("utf-8")
        assert got == (GOLDEN / "chat_metadata" / name).read_text("utf-8"), name
    assert Workspace(ws).read_table("export", "outcomes").equals(whole)
    assert res.counts == {"exported": 60, "no_example": 5}
    assert not [p for p in (tmp_path / "many").iterdir() if p.name.startswith(".")]  # no spill


def test_shards_concatenate_to_the_single_files(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "o"
    kw: dict[str, Any] = {"val_fraction": 0.2, "test_fraction": 0.1, "seed": 3, "metadata": True}
    res = export(ws, out=out, shard_size=10, **kw)
    manifest = json.loads((out / "manifest.json").read_text())
    from curate.workspace import sha256_file

    for split in ("train", "val", "test"):
        entry = manifest["files"][split]
        shards = entry["shards"]
        assert [s["path"] for s in shards] == [f"{split}-{i:05d}.jsonl" for i in range(len(shards))]
        assert all(s["examples"] == 10 for s in shards[:-1]) and 0 < shards[-1]["examples"] <= 10
        assert sum(s["examples"] for s in shards) == entry["examples"]
        assert all(s["sha256"] == sha256_file(out / s["path"]) for s in shards)
        joined = "".join((out / s["path"]).read_text("utf-8") for s in shards)
        assert joined == (GOLDEN / "chat_metadata" / f"{split}.jsonl").read_text("utf-8")
    assert res.config["shard_size"] == 10
    info = json.loads((out / "dataset_info.json").read_text())
    assert info["curate_train-00000"]["file_name"] == "train-00000.jsonl"
    # back to single files: the shards of the previous export go
    export(ws, out=out, **kw)
    assert sorted(p.name for p in out.glob("*.jsonl")) == ["test.jsonl", "train.jsonl", "val.jsonl"]
    with pytest.raises(UsageError) as bad:
        export(ws, out=out, shard_size=0)
    assert (bad.value.message, bad.value.param) == (
        "shard_size must be at least 1, got 0",
        "shard_size",
    )


def test_dedupe_table_in_another_order_gives_the_same_export(ws: Path, tmp_path: Path) -> None:
    clusters = {i: f"c{i % 4}" for i in range(5, 45)}
    ded = fake_dedupe(ws, drop=0, cluster_of=clusters)
    ded = ded.with_columns(
        outcome=pl.when(pl.int_range(pl.len()) % 9 == 4)
        .then(pl.lit("duplicate"))
        .otherwise(pl.col("outcome"))
    )
    Workspace(ws).write_table("dedupe", "outcomes", ded)
    export(ws, out=tmp_path / "aligned", metadata=True, val_fraction=0.3, seed=4)
    aligned = Workspace(ws).read_table("export", "outcomes")
    Workspace(ws).write_table("dedupe", "outcomes", ded.reverse())
    export(ws, out=tmp_path / "joined", metadata=True, val_fraction=0.3, seed=4)
    assert Workspace(ws).read_table("export", "outcomes").equals(aligned)
    assert aligned.height == 65 - ded.filter(pl.col("outcome") != "kept").height
    for name in ("train.jsonl", "val.jsonl"):
        assert (tmp_path / "aligned" / name).read_bytes() == (
            tmp_path / "joined" / name
        ).read_bytes()


def test_batch_validation_agrees_with_the_models(ws: Path, tmp_path: Path) -> None:
    from pydantic import ValidationError

    from curate.export.formats import model_for, validate_batch

    def verdicts(rows: list[dict[str, Any]], fmt: str, style: str) -> tuple[bool, list[bool]]:
        try:
            validate_batch(rows, fmt, style)
            batch_ok = True
        except ValidationError:
            batch_ok = False
        singles = []
        for row in rows:
            try:
                model_for(fmt, style).model_validate(row)
                singles.append(True)
            except ValidationError:
                singles.append(False)
        return batch_ok, singles

    for case, kw in CASES.items():
        out = tmp_path / case
        export(ws, out=out, metadata=True, **{k: v for k, v in kw.items() if k != "metadata"})
        fmt, style = kw["format"], kw.get("completion_style", "standard")
        good = read_jsonl(out / "train.jsonl")[:5]
        assert verdicts(good, fmt, style) == (True, [True] * 5), case
        first = good[0]
        broken = [
            {**first, "surprise": 1},
            {k: v for k, v in first.items() if k != next(iter(first))},
            {**first, "metadata": {**first["metadata"], "split": 3}},
            json.loads(
                json.dumps(first)
                .replace('"content": "', '"content": " \\n', 1)
                .replace('"value": "', '"value": "', 1)
            ),
        ]
        if fmt == "chat":
            broken.append({"messages": [{"role": "user", "content": "   "}, first["messages"][-1]]})
            broken.append({"messages": [{**first["messages"][-1], "weight": 2}] * 2})
        if fmt == "sharegpt":
            broken.append({"conversations": [{"from": "human", "value": ""}] * 2})
        for row in broken:
            batch_ok, (single_ok,) = verdicts([row], fmt, style)
            assert batch_ok == single_ok, (case, row)
        assert not all(verdicts([row], fmt, style)[0] for row in broken), case


def test_fast_template_paths_render_like_jinja() -> None:
    from datetime import datetime

    from curate.export.templates import Template, _environment, direct_renderer

    env = _environment()
    sources = [
        "{% if a %}A: {{ a }}\n{% elif b %}B={{ b }}{% else %}none{% endif %} / {{ c }}",
        "{{ a }}",
        "  plain text  ",
        "{{ a | upper }} {{ b }}",  # a filter: Jinja renders it
    ]
    rows = {
        "a": ["x", None, "", " \x1c lead and trail \x1f ", "\u3000wide\u2028"],
        "b": [None, "y", "", "\x85z", "b"],
        "c": ["1", "2", None, "\t", "é ✓"],
    }
    df = pl.DataFrame(rows)
    for source in sources:
        ast = env.parse(source)
        template = Template(env.from_string(source), {"a", "b", "c"}, ast=ast)
        jinja = [template.jinja(r) for r in df.iter_rows(named=True)]
        got = template.column(df)
        assert got is None if "upper" in source else got == jinja, source
        direct = direct_renderer(ast)
        assert (direct is None) == ("upper" in source)
        assert [template.render(r) for r in df.iter_rows(named=True)] == jinja
    # plain text reads no field (an empty column set): the same text for every record
    text = Template(env.from_string(" Be brief. "), set(), ast=env.parse(" Be brief. "))
    assert text.column(df) == ["Be brief."] * df.height
    # other dtypes: str() of a datetime or an int differs from Polars' cast, so no column
    ast = env.parse("at {{ a }} n={{ b }}")
    typed = pl.DataFrame({"a": [datetime(2024, 5, 1, 10, 0)], "b": [3]})
    template = Template(env.from_string("at {{ a }} n={{ b }}"), {"a", "b"}, ast=ast)
    assert template.column(typed) is None
    row = typed.row(0, named=True)
    assert template.render(row) == template.jinja(row) == "at 2024-05-01 10:00:00 n=3"


def test_python_whitespace_constant() -> None:
    from curate.export.templates import PY_WHITESPACE

    assert set(PY_WHITESPACE) == {chr(c) for c in range(0x110000) if chr(c).isspace()}


def test_cli_shard_size_and_training_reads_the_shards(ws: Path, tmp_path: Path) -> None:
    from curate.train.data import load_data_dir

    single, sharded = tmp_path / "single", tmp_path / "sharded"
    assert CliRunner().invoke(main, ["export", "-w", str(ws), "--out", str(single)]).exit_code == 0
    args = ["export", "-w", str(ws), "--out", str(sharded), "--shard-size", "7"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert not (sharded / "train.jsonl").exists()
    assert (sharded / "train-00000.jsonl").exists() and (sharded / "train-00001.jsonl").exists()

    def content(d: Path) -> list[list[tuple[Any, ...]]]:
        return [[(c.messages, c.weights) for c in split] for split in load_data_dir(d)]

    assert content(sharded) == content(single)

    bad = CliRunner().invoke(main, [*args[:-1], "0"])
    assert bad.exit_code == 2
    assert bad.output == "Error: --shard-size must be at least 1, got 0\n"


# -- section headings: the answer stays out of the prompt ------------------------------------


def _section_prompts(out: Path) -> list[tuple[str, str, dict[str, Any]]]:
    """(section text shown, heading asked for, metadata) of every section_heading line of an
    export without a val split."""
    lines = read_jsonl(out / "train.jsonl")
    got = []
    for line in lines:
        if not line["metadata"]["id"].endswith(":section_heading"):
            continue
        user, answer = line["messages"][1]["content"], line["messages"][2]["content"]
        instruction, text = user.split("\n\n", 1)
        assert instruction == "Write the heading of this contract section."
        got.append((text, answer, line["metadata"]))
    return got


def test_section_heading_prompt_leaves_out_the_heading(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    body = "The parties agree as follows. " * 8
    (docs / "supply.txt").write_text(
        f"SUPPLY AGREEMENT between the parties. {body}\n\n"
        f"1. DEFINITIONS.\n{body}\n\n2. TERM. {body}\n\nARTICLE IV\n{body}\n"
    )
    # a short preamble runs into the first section: that section's text does not open with
    # its heading, so it is left untitled rather than shown with the answer inside
    (docs / "short.txt").write_text(f"LEASE\n\n1. RENT.\n{body}\n\n2. REPAIRS.\n{body}\n")
    ingest([docs], "contracts", tmp_path / "ws", rules=None)
    res = export(tmp_path / "ws", out=tmp_path / "o", metadata=True, val_fraction=0.0)
    shown = _section_prompts(tmp_path / "o")
    headings = sorted(answer for _, answer, _ in shown)
    # a bare "ARTICLE IV" (no name after it) is no heading target (issue 20); the answer is the
    # name without its number, which the text shown does not hold (session 14)
    assert headings == ["DEFINITIONS", "REPAIRS", "TERM"]
    for text, answer, meta in shown:
        assert answer not in text, meta["source"]
        assert text.startswith("The parties agree as follows."), (answer, text[:40])
    assert res.counts == {"exported": 3, "no_example": 3}
    # the two untitled openings and the untitled ARTICLE IV section
    assert res.reasons["no_example"] == {"missing_field": 3}


def test_section_that_is_only_its_heading_is_skipped_with_a_reason(tmp_path: Path) -> None:
    schema = tmp_path / "contracts.toml"
    builtin = ROOT / "curate" / "builtin" / "schemas" / "contracts.toml"
    schema.write_text(
        builtin.read_text().replace("min_section_chars = 200", "min_section_chars = 1")
    )
    body = "Either party may end this agreement on notice. " * 3
    (tmp_path / "k.txt").write_text(f"1. DEFINITIONS.\n\n2. TERM.\n{body}\n")
    ingest([tmp_path / "k.txt"], schema, tmp_path / "ws", rules=None)
    res = export(tmp_path / "ws", out=tmp_path / "o", metadata=True, val_fraction=0.0)
    assert [answer for _, answer, _ in _section_prompts(tmp_path / "o")] == ["TERM"]
    assert res.counts == {"exported": 1, "no_example": 1}
    assert res.reasons["no_example"] == {"heading_only": 1}
    skipped = (
        Workspace(tmp_path / "ws")
        .read_table("export", "outcomes")
        .filter(pl.col("outcome") == "no_example")
    )
    assert skipped["detail"].to_list() == [
        "flag_risk: risk is empty; classify_clause: clause_type is empty; "
        "extract_value: value_type is empty; "
        "section_heading: the section holds nothing but its heading"
    ]


def test_without_heading_takes_off_only_a_whole_opening_heading() -> None:
    from curate.export.templates import SkipExample, without_heading

    assert without_heading("1. TERM. The term is one year.", "1. TERM.") == "The term is one year."
    assert without_heading("\n ARTICLE IV\n\nText.", "ARTICLE IV") == "Text."
    assert without_heading("Section 20 Fees. Text.", "Section 2") == "Section 20 Fees. Text."
    assert without_heading("Text. 1. TERM. More.", "1. TERM.") == "Text. 1. TERM. More."
    assert without_heading("Text.", None) == "Text."
    with pytest.raises(SkipExample) as exc:
        without_heading(" 1. TERM. \n", "1. TERM.")
    assert exc.value.reason == "heading_only"


# -- no example written twice ----------------------------------------------------------------


def _duplicated_tickets(tmp_path: Path) -> Path:
    """Tickets that repeat earlier ones in what the tasks read, in other groups (ids): T2
    repeats T1 in the resolve task only (its type, which a second task reads, differs); T5
    repeats T1 and T6 repeats T3 in both tasks."""
    rows = [
        ["Ticket ID", "Ticket Subject", "Ticket Description", "Resolution", "Ticket Type"],
        ["T1", "", "My order never came.", "I have resent it today.", "Shipping"],
        ["T2", "", "My order never came.", "I have resent it today.", "Refund"],
        ["T3", "", "The app crashes on start.", "Update to version 2.", "Technical"],
        ["T4", "", "I was charged twice.", "The second charge is refunded.", "Billing"],
        ["T5", "", "My order never came.", "I have resent it today.", "Shipping"],
        ["T6", "", "The app crashes on start.", "Update to version 2.", "Technical"],
    ]
    rows += [[f"U{i}", "", f"Question {i}?", f"Answer {i}.", "Other"] for i in range(14)]
    src = tmp_path / "dups.csv"
    src.write_text("\n".join(",".join(r) for r in rows) + "\n")
    ws = tmp_path / "dup_ws"
    ingest([src], "tickets", ws, rules=None)
    schema = ws / "ingest" / "schema.toml"
    task = (
        '\n[[tasks]]\nname = "category"\nrequires = ["body", "category"]\n'
        'user = "Category of: {{ body }}"\nassistant = "{{ category }}"\n'
    )
    schema.write_text(schema.read_text() + task)
    return ws


def test_identical_examples_are_written_once(ws: Path, tmp_path: Path, tok_dir: Path) -> None:
    dup_ws = _duplicated_tickets(tmp_path)
    records = Workspace(dup_ws).read_table("ingest", "records")
    ids = dict(records.select("ticket_id", "record_id").iter_rows())
    lines: list[dict[str, Any]] = []
    for seed in range(6):  # whatever the split, no copy in a split or across splits
        out = tmp_path / f"o{seed}"
        kw: dict[str, Any] = {"val_fraction": 0.4, "test_fraction": 0.2, "seed": seed}
        res = export(dup_ws, out=out, metadata=True, **kw)
        lines = [x for s in ("train", "val", "test") for x in read_jsonl(out / f"{s}.jsonl")]
        bare = [json.dumps({k: v for k, v in x.items() if k != "metadata"}) for x in lines]
        assert len(bare) == len(set(bare)) == 35
        for s in ("train", "val", "test"):
            report = validate_file(out / f"{s}.jsonl")
            assert report.ok and not report.counts().get("duplicate"), (seed, s)
        assert res.extra["dropped_examples"] == {"duplicate_example": 5}
        manifest = json.loads((out / "manifest.json").read_text())
        assert manifest["dropped_examples"] == {"duplicate_example": 5}
        assert manifest["examples"] == 35
        assert res.counts == {"exported": 18, "no_example": 2}
        assert res.reasons["no_example"] == {"duplicate_example": 2}
        assert res.extra["tasks"] == {"resolve": 17, "category": 18}
    # the first copy stays (ingest order); the later ones go, traced to it
    kept_ids = {x["metadata"]["id"] for x in lines}
    assert {f"{ids['T1']}:resolve", f"{ids['T3']}:resolve", f"{ids['T2']}:category"} <= kept_ids
    assert f"{ids['T2']}:resolve" not in kept_ids
    outcomes = Workspace(dup_ws).read_table("export", "outcomes")
    by_id = {r["record_id"]: r for r in outcomes.iter_rows(named=True)}
    for copy, first in (("T5", "T1"), ("T6", "T3")):
        row = by_id[ids[copy]]
        assert (row["outcome"], row["reason"], row["split"]) == (
            "no_example",
            "duplicate_example",
            None,
        )
        assert row["detail"] == (
            f"resolve: same example as record {ids[first]}; "
            f"category: same example as record {ids[first]}"
        )
        assert row["n_examples"] == 0 and row["chars"] == 0
    t2 = by_id[ids["T2"]]
    assert (t2["outcome"], t2["n_examples"], t2["reason"]) == ("exported", 1, None)
    # with token counts: what outcomes and token_stats sum is what the files hold
    out = tmp_path / "tok"
    export(dup_ws, out=out, tokenizer=tok_dir, metadata=True, val_fraction=0.3)
    outcomes = Workspace(dup_ws).read_table("export", "outcomes")
    exported = outcomes.filter(pl.col("outcome") == "exported")
    stats = json.loads((dup_ws / "export" / "token_stats.json").read_text())
    assert exported["tokens"].sum() == sum(s["tokens"]["sum"] for s in stats["splits"].values())
    assert exported["n_examples"].sum() == 35
    assert outcomes.filter(pl.col("outcome") == "no_example")["tokens"].null_count() == 2
    written = read_jsonl(out / "train.jsonl") + read_jsonl(out / "val.jsonl")
    t2_line = next(x for x in written if x["metadata"]["record_id"] == ids["T2"])
    t2_chars = sum(len(m["content"]) for m in t2_line["messages"])
    assert exported.filter(pl.col("record_id") == ids["T2"])["chars"].to_list() == [t2_chars]
    # deterministic, and the same without metadata: identical examples, not identical lines
    export(dup_ws, out=tmp_path / "a", val_fraction=0.3, seed=1)
    export(dup_ws, out=tmp_path / "b", val_fraction=0.3, seed=1)
    for name in ("train.jsonl", "val.jsonl"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    plain = (tmp_path / "a" / "train.jsonl").read_text().splitlines()
    plain += (tmp_path / "a" / "val.jsonl").read_text().splitlines()
    assert len(plain) == len(set(plain)) == 35
    # the fixture has no copies: nothing dropped, the goldens stand (test_golden_files)
    assert export(ws, out=tmp_path / "g").extra["dropped_examples"] == {"duplicate_example": 0}


# -- CLI summary and tokenizer names ---------------------------------------------------------


def test_cli_summary_counts_when_nothing_is_exported(ws: Path, tmp_path: Path) -> None:
    fake_dedupe(ws, drop=65)  # every record a duplicate: none reaches export
    res = CliRunner().invoke(main, ["export", "-w", str(ws), "--out", str(tmp_path / "o")])
    assert res.exit_code == 0, res.output
    assert "0 records (none kept to export)" in res.output
    assert not [line for line in res.output.splitlines() if line.startswith(" records")]
    from curate.cli.export_cmd import summary_lines

    assert summary_lines(
        {"exported": 3, "no_example": 2},
        {"over_length": {}, "no_example": {"missing_field": 2}},
        {"dropped_examples": {"duplicate_example": 1}, "trimmed": 0},
    ) == [
        "5 records: exported 3, no_example 2",
        "no_example: missing_field 2",
        "dropped examples: duplicate_example 1",
    ]
    assert summary_lines(
        {}, {"no_example": {}}, {"dropped_examples": {"duplicate_example": 0}}
    ) == ["0 records (none kept to export)"]


def test_cli_tokenizer_takes_the_config_alias(
    ws: Path, tmp_path: Path, tok_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from curate.train import models

    calls: list[str] = []

    def fake_smollm2() -> Path:  # the real one converts a 135M-parameter GGUF (~40 s)
        calls.append("smollm2")
        return tok_dir

    monkeypatch.setattr(models, "smollm2_path", fake_smollm2)
    out = tmp_path / "o"
    res = CliRunner().invoke(
        main, ["export", "-w", str(ws), "--out", str(out), "--tokenizer", "smollm2", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert calls == ["smollm2"]
    assert json.loads((out / "manifest.json").read_text())["config"]["tokenizer"] == "smollm2"
    assert json.loads(res.stdout)["counts"] == {"exported": 60, "no_example": 5}


# -- the engine as a strategy, the options model, parameter-named messages (issue 22) ---------


class _PicklingEngine:
    """An engine that, like Ray, pickles the function and every batch to run them elsewhere
    (a copy of each), and records that it was asked."""

    name = "pickling"

    def __init__(self) -> None:
        self.batches = 0

    def map_ordered(self, fn: Any, items: Any, *, window: int | None = None) -> Any:
        import pickle

        remote = pickle.loads(pickle.dumps(fn))
        for item in items:
            self.batches += 1
            yield pickle.loads(pickle.dumps(remote(pickle.loads(pickle.dumps(item)))))

    def candidate_pairs(self, keys: Any) -> Any:
        raise AssertionError("export asks for no LSH buckets")

    def components(self, n: int, pairs: Any) -> Any:
        raise AssertionError("export asks for no components")


def test_rendering_goes_through_the_engine_and_the_renderer_pickles(
    ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from curate.engine.base import Engine
    from curate.export import kept

    engine = _PicklingEngine()
    assert isinstance(engine, Engine)
    monkeypatch.setattr(kept, "ROW_GROUP_SIZE", 7)  # 65 records in 10 batches
    kw: dict[str, Any] = {"val_fraction": 0.2, "test_fraction": 0.1, "seed": 3, "metadata": True}
    export(ws, out=tmp_path / "o", engine=engine, **kw)
    assert engine.batches == 10
    for name in ("train.jsonl", "val.jsonl", "test.jsonl"):
        got = (tmp_path / "o" / name).read_text("utf-8")
        assert got == (GOLDEN / "chat_metadata" / name).read_text("utf-8"), name


def test_options_model_matches_the_function() -> None:
    """One name and one default per option: export()'s keywords are ExportOptions' fields,
    including the three the old config lacked (train_on, completion_style, tasks)."""
    import inspect

    from curate.export.options import ExportOptions

    params = inspect.signature(export).parameters
    own = {"workspace", "engine", "progress"}
    assert [p for p in params if p not in own] == list(ExportOptions.model_fields)
    for name, field in ExportOptions.model_fields.items():
        default = params[name].default
        if field.is_required():
            assert default is inspect.Parameter.empty, name
        else:
            assert default == field.default or os.fspath(default) == os.fspath(field.default), name
        assert field.description, name
    opts = ExportOptions(
        out=Path("o"), train_on="last", completion_style="conversational", tasks=["a"]
    )
    assert (opts.train_on, opts.completion_style, opts.tasks) == ("last", "conversational", ["a"])


@pytest.mark.parametrize(
    ("kwargs", "param", "message"),
    [
        (
            {"format": "csv"},
            "format",
            "format must be one of 'chat', 'sharegpt', 'alpaca' or 'completion', got 'csv'",
        ),
        (
            {"max_tokens": 10},
            "max_tokens",
            "max_tokens needs a tokenizer: lengths are counted with the real tokenizer",
        ),
        (
            {"val_fraction": 0.7, "test_fraction": 0.3},
            "val_fraction",
            "val_fraction + test_fraction must be below 1, got 1",
        ),
        ({"tasks": ["nope"]}, "tasks", "tasks: schema 'tickets' has no task 'nope'"),
    ],
)
def test_library_messages_name_the_parameter(
    ws: Path, tmp_path: Path, kwargs: dict[str, Any], param: str, message: str
) -> None:
    with pytest.raises(UsageError) as bad:
        export(ws, out=tmp_path / "o", **kwargs)
    assert (bad.value.message, bad.value.param) == (message, param)
    assert "--" not in bad.value.message


@pytest.mark.slow
@pytest.mark.skipif(
    __import__("importlib.util").util.find_spec("ray") is None, reason="ray is not installed"
)
def test_ray_engine_export_is_byte_identical(ws: Path, tmp_path: Path) -> None:
    """The export stage, unchanged, given a RayEngine: the same files as locally."""
    from curate.engine import make_engine

    kw: dict[str, Any] = {"val_fraction": 0.2, "test_fraction": 0.1, "seed": 3, "metadata": True}
    import ray

    started = not ray.is_initialized()
    try:
        res = export(ws, out=tmp_path / "ray", engine=make_engine("ray"), **kw)
    finally:
        if started:  # leave a Ray instance another test started running
            ray.shutdown()
    for name in ("train.jsonl", "val.jsonl", "test.jsonl"):
        got = (tmp_path / "ray" / name).read_text("utf-8")
        assert got == (GOLDEN / "chat_metadata" / name).read_text("utf-8"), name
    assert res.counts == {"exported": 60, "no_example": 5}


# -- interop with trainers (issue 23; the real tools are run by `make interop`) ---------------


def test_alpaca_dataset_info_maps_history_only_where_a_line_has_one(tmp_path: Path) -> None:
    """LLaMA-Factory reads a mapped column as ``example[col]``: mapping ``history`` for a
    file where no line has one raises KeyError: 'history' in its loader."""
    from curate.export.writers import write_dataset_info

    out = tmp_path / "out"
    out.mkdir()
    one = {"instruction": "q", "input": "", "output": "a", "system": "s"}
    multi = {**one, "history": [["q0", "a0"]]}
    (out / "train.jsonl").write_text(json.dumps(one) + "\n" + json.dumps(multi) + "\n")
    (out / "val.jsonl").write_text(json.dumps({**one, "output": 'say "history": no'}) + "\n")
    (out / "test.jsonl").write_text(json.dumps({"instruction": "q", "output": "a"}) + "\n")
    names = {s: f"{s}.jsonl" for s in ("train", "val", "test")}
    write_dataset_info(out, "alpaca", "standard", names, {}, sharded=False)
    info = json.loads((out / "dataset_info.json").read_text())
    assert set(info["curate_train"]["columns"]) == {
        "prompt", "query", "response", "system", "history"
    }  # fmt: skip
    assert set(info["curate_val"]["columns"]) == {"prompt", "query", "response", "system"}
    assert set(info["curate_test"]["columns"]) == {"prompt", "query", "response"}


def test_single_turn_alpaca_export_has_no_history_column(ws: Path, tmp_path: Path) -> None:
    """The fixture's val split (seed 3) draws no multi-turn thread."""
    out = tmp_path / "out"
    export(ws, out=out, format="alpaca", val_fraction=0.2, test_fraction=0.1, seed=3)
    info = json.loads((out / "dataset_info.json").read_text())
    for split in ("train", "val", "test"):
        has = any("history" in r for r in read_jsonl(out / f"{split}.jsonl"))
        assert ("history" in info[f"curate_{split}"]["columns"]) == has, split
        assert "system" in info[f"curate_{split}"]["columns"]


def test_sharded_dataset_info_has_one_loadable_entry_per_shard(ws: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    export(ws, out=out, format="alpaca", shard_size=10, val_fraction=0.2, seed=3)
    info = json.loads((out / "dataset_info.json").read_text())
    manifest = json.loads((out / "manifest.json").read_text())
    shards = [s["path"] for e in manifest["files"].values() for s in e["shards"]]
    assert sorted(e["file_name"] for e in info.values()) == sorted(shards)
    for entry in info.values():
        has = any("history" in r for r in read_jsonl(out / entry["file_name"]))
        assert ("history" in entry["columns"]) == has, entry["file_name"]


def test_standard_completion_prompt_tokenizes_as_a_prefix(ws: Path, tmp_path: Path) -> None:
    """TRL tokenizes the prompt alone and prompt+completion and trains on the difference: the
    prompt's tokens must be a prefix of the joined text's, or the model trains on a context
    (``Ċ`` ``Ċ`` instead of ``ĊĊ``) it never sees at inference."""
    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    out = tmp_path / "out"
    export(ws, out=out, format="completion", val_fraction=0.2, seed=3)
    rows = read_jsonl(out / "train.jsonl")
    assert rows
    # a byte-level BPE trained on these very texts, so it has merges such as ĊĊ and ": "
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    trainer = trainers.BpeTrainer(
        vocab_size=800, show_progress=False, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    texts = [t for r in rows for t in (r["prompt"], r["prompt"] + r["completion"])]
    tok.train_from_iterator([*texts, "Thanks.\n\n", "Agent: "] * 5, trainer)
    assert tok.token_to_id("ĊĊ") is not None
    for r in rows:
        alone = tok.encode(r["prompt"], add_special_tokens=False).ids
        joined = tok.encode(r["prompt"] + r["completion"], add_special_tokens=False).ids
        assert joined[: len(alone)] == alone, r["prompt"][-20:]
        assert r["prompt"].endswith("\n") and not r["prompt"].endswith("\n\n")


def test_readme_axolotl_recipe_is_the_one_make_interop_checks() -> None:
    """The README's per-tool recipes come from `make interop`: the axolotl `datasets:` entries
    are the ones bench/interop/check_axolotl.py runs through axolotl's own loader (the old
    README recommended `type: sharegpt`, which axolotl refuses, and `type: alpaca`, which
    drops curate's system prompt and history)."""
    import importlib.util
    import re
    import sys
    import textwrap

    import yaml

    folder = ROOT / "bench" / "interop"
    sys.path.insert(0, str(folder))
    try:
        spec = importlib.util.spec_from_file_location("check_axolotl", folder / "check_axolotl.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(folder))
    readme = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"```yaml\n(\s*datasets:\n.*?)```", readme, re.S)
    assert block is not None
    text = textwrap.dedent(block.group(1))
    (chat,) = yaml.safe_load(text)["datasets"]
    uncommented = re.sub(r"^  # ?", "  ", text.split("# sharegpt export instead:\n")[1], flags=re.M)
    (sharegpt,) = yaml.safe_load("datasets:\n" + uncommented)["datasets"]
    assert {k: v for k, v in chat.items() if k != "path"} == module.RECIPES["chat_last"]
    assert {k: v for k, v in sharegpt.items() if k != "path"} == module.RECIPES["sharegpt"]
    assert "type: sharegpt`" not in readme.replace("`type: sharegpt` is refused", "")
    assert "axolotl `type: alpaca`" not in readme


def test_a_users_dataset_info_keeps_its_entries(ws: Path, tmp_path: Path) -> None:
    """Issue 17 item 4: exporting into a LLaMA-Factory ``data/`` folder (one dataset_info.json
    for every dataset) replaced the file, and a completion export deleted it outright. curate
    adds, replaces and drops only its own ``curate_*`` entries; a file that is no JSON object
    is refused, not overwritten."""
    out = tmp_path / "data"
    out.mkdir()
    theirs = {"alpaca_en_demo": {"file_name": "alpaca_en_demo.json"}}
    (out / "dataset_info.json").write_text(json.dumps(theirs))
    export(ws, out=out)
    info = json.loads((out / "dataset_info.json").read_text())
    assert info["alpaca_en_demo"] == theirs["alpaca_en_demo"] and "curate_train" in info
    export(ws, out=out, format="completion", completion_style="conversational")
    assert json.loads((out / "dataset_info.json").read_text()) == theirs
    only_ours = tmp_path / "ours"
    export(ws, out=only_ours)
    export(ws, out=only_ours, format="completion", completion_style="conversational")
    assert not (only_ours / "dataset_info.json").exists()  # curate's own file: gone when stale
    (out / "dataset_info.json").write_text("[1, 2]")
    with pytest.raises(UsageError) as err:
        export(ws, out=out)
    assert err.value.param == "out" and "not a JSON object" in err.value.message
    assert (out / "dataset_info.json").read_text() == "[1, 2]"
