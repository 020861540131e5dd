"""The dedupe stage and `curate dedupe`: exact, near and non-duplicates, keep policies,
determinism, decontamination, the persisted index and bad input."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.cli import main
from curate.dedupe import dedupe
from curate.dedupe import stage as dedupe_stage
from curate.dedupe.clusters import largest_clusters
from curate.dedupe.decontaminate import read_eval_items
from curate.dedupe.jaccard import pair_jaccard
from curate.dedupe.options import DedupeOptions
from curate.engine.base import LocalEngine
from curate.errors import InputError, UsageError, WorkspaceError
from curate.workspace import StageResult, Workspace, sha256_file

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "neardup"
WORDS = [
    "refund",
    "order",
    "shipping",
    "late",
    "broken",
    "screen",
    "replace",
    "battery",
    "charger",
    "cable",
    "invoice",
    "account",
    "password",
    "reset",
    "login",
    "error",
    "payment",
    "card",
    "declined",
    "address",
    "change",
    "delivery",
    "window",
    "customer",
    "support",
    "ticket",
    "agent",
    "reply",
    "thanks",
    "sorry",
    "please",
    "wait",
    "hours",
    "days",
    "weeks",
]


def doc(seed: int, n: int = 120) -> str:
    """A deterministic pseudo-random text of n words (distinct seeds give unrelated texts)."""
    out, x = [], seed * 2654435761 + 1
    for _ in range(n):
        x = (x * 6364136223846793005 + 1442695040888963407) % 2**64
        out.append(WORDS[(x >> 33) % len(WORDS)] + str((x >> 20) % 7))
    return " ".join(out)


def edit(text: str, k: int = 1) -> str:
    """Replace k evenly spaced words (k=1 on 120 words: word 5-gram Jaccard ~0.92)."""
    words = text.split()
    for i in range(k):
        words[int((i + 0.5) * len(words) / k)] = f"zz{i}"  # shorter than any doc() word
    return " ".join(words)


def make_ws(path: Path, texts: list[str], **cols: list[Any] | pl.Series) -> Workspace:
    """A workspace whose ingest stage produced one record per text (docs/workspace.md columns)."""
    n = len(texts)
    ids = [hashlib.sha256(f"in.jsonl\x00{i + 1}".encode()).hexdigest()[:16] for i in range(n)]
    df = pl.DataFrame(
        {
            "record_id": ids,
            "source": [f"in.jsonl:{i + 1}" for i in range(n)],
            "source_file": ["in.jsonl"] * n,
            "source_line": list(range(1, n + 1)),
            "n_rows": [1] * n,
            "schema": ["tickets"] * n,
            "layout": ["default"] * n,
            "group": ids,
            **cols,
            "turns": pl.Series(
                [[]] * n, dtype=pl.List(pl.Struct({"role": pl.String, "content": pl.String}))
            ),
            "text": texts,
            "content_hash": [hashlib.sha256(t.encode()).hexdigest() for t in texts],
        }
    )
    ws = Workspace(path).create()
    ws.write_table("ingest", "records", df)
    ws.log_stage(StageResult(stage="ingest", workspace=str(path), counts={"ingested": n}))
    return ws


def outcomes(ws: Workspace) -> list[dict[str, Any]]:
    return ws.read_table("dedupe", "outcomes").to_dicts()


def test_exact_near_and_unique(tmp_path: Path) -> None:
    a, b, c = doc(1), doc(2), doc(3)
    ws = make_ws(tmp_path / "w", [a, b, a, edit(b), c])
    res = dedupe(ws)
    o = outcomes(ws)
    assert [r["outcome"] for r in o] == ["kept", "kept", "duplicate", "duplicate", "kept"]
    assert o[2]["reason"] == "exact" and o[2]["kept_record_id"] == o[0]["record_id"]
    assert o[2]["similarity"] == 1.0
    assert o[3]["reason"] == "near" and o[3]["kept_record_id"] == o[1]["record_id"]
    assert 0.8 <= o[3]["similarity"] < 1.0
    assert o[4]["cluster_id"] is None
    assert o[0]["cluster_id"] == o[2]["cluster_id"] == "c" + o[0]["record_id"]
    assert res.counts == {"kept": 3, "duplicate": 2, "contaminated": 0}
    assert res.reasons == {"duplicate": {"exact": 1, "near": 1}}
    cl = ws.read_table("dedupe", "clusters")
    assert cl.columns == ["cluster_id", "record_id", "is_kept", "similarity", "size"]
    assert cl.height == 4 and cl["size"].to_list() == [2, 2, 2, 2]
    assert cl.filter(pl.col("is_kept"))["record_id"].sort().to_list() == sorted(
        [o[0]["record_id"], o[1]["record_id"]]
    )
    entry = ws.last_entry("dedupe")
    assert entry is not None and entry["counts"]["duplicate"] == 2


def test_below_threshold_is_not_a_duplicate(tmp_path: Path) -> None:
    a = doc(7)
    ws = make_ws(tmp_path / "w", [a, edit(a, 15)])
    dedupe(ws)
    assert [r["outcome"] for r in outcomes(ws)] == ["kept", "kept"]


def test_short_texts_fall_back_to_shorter_ngrams(tmp_path: Path) -> None:
    ws = make_ws(tmp_path / "w", ["Hello world", "hello, WORLD!", "goodbye world", "!!!", "!!!"])
    dedupe(ws, keep="first")
    o = outcomes(ws)
    assert [r["outcome"] for r in o] == ["kept", "duplicate", "kept", "kept", "duplicate"]
    assert (o[1]["reason"], o[4]["reason"]) == ("near", "exact")


def test_char_ngrams_and_fields(tmp_path: Path) -> None:
    body = doc(11, 12)
    ws = make_ws(
        tmp_path / "w",
        [f"subject A\n\n{body}", f"subject B totally different words here\n\n{body}"],
        body=[body, body],
    )
    dedupe(ws, char_ngrams=5)
    assert [r["outcome"] for r in outcomes(ws)] == ["kept", "kept"]
    dedupe(ws, fields=["body"])
    o = outcomes(ws)
    assert [r["outcome"] for r in o] == ["duplicate", "kept"] and o[0]["reason"] == "exact"


@pytest.mark.parametrize(
    ("keep", "expected"),
    [("first", 0), ("longest", 2), ("most-complete", 1), ("newest", 2)],
)
def test_keep_policies(tmp_path: Path, keep: str, expected: int) -> None:
    a = doc(5)
    texts = [a, edit(a), edit(a) + " extra words at the end"]
    ws = make_ws(
        tmp_path / "w",
        texts,
        body=texts,
        customer=[None, "ann", None],
        product=[None, "tv", "tv"],
        created_at=pl.Series(
            [dt.datetime(2024, 1, d, tzinfo=dt.UTC) for d in (1, 2, 3)],
            dtype=pl.Datetime("us", "UTC"),
        ),
    )
    dedupe(ws, keep=keep)
    o = outcomes(ws)
    assert [r["outcome"] == "kept" for r in o] == [i == expected for i in range(3)]
    assert {r["kept_record_id"] for r in o if r["outcome"] == "duplicate"} == {
        o[expected]["record_id"]
    }


def test_keep_newest_without_created_at_is_a_usage_error(tmp_path: Path) -> None:
    ws = make_ws(tmp_path / "w", [doc(1), doc(1)])
    with pytest.raises(UsageError) as e:
        dedupe(ws, keep="newest")
    assert e.value.message == (
        "keep 'newest' needs a 'created_at' datetime column in the records, and they have none"
    )
    assert e.value.param == "keep"
    r = CliRunner().invoke(main, ["dedupe", "-w", str(ws.path), "--keep", "newest"])
    assert r.exit_code == 2


def test_deterministic_across_runs(tmp_path: Path) -> None:
    texts = [doc(i % 12) if i % 3 else edit(doc(i % 12), 1 + i % 3) for i in range(60)]
    ws = make_ws(tmp_path / "w", texts)
    dedupe(ws, threads=2, batch_size=16)
    first = [sha256_file(ws.table_path("dedupe", t)) for t in ("outcomes", "clusters")]
    dedupe(ws, threads=1, batch_size=1000)
    assert [sha256_file(ws.table_path("dedupe", t)) for t in ("outcomes", "clusters")] == first


def test_verify_uses_exact_jaccard(tmp_path: Path) -> None:
    a = doc(9, 200)
    ws = make_ws(tmp_path / "w", [a, edit(a, 2), doc(10)])
    dedupe(ws, verify=True)
    o = outcomes(ws)
    sa = {" ".join(a.split()[i : i + 5]) for i in range(196)}
    b = edit(a, 2).split()
    sb = {" ".join(b[i : i + 5]) for i in range(196)}
    assert o[1]["outcome"] == "duplicate"
    assert o[1]["similarity"] == pytest.approx(len(sa & sb) / len(sa | sb))


def test_pair_jaccard() -> None:
    import numpy as np

    sets = {
        0: np.array([1, 2, 3], np.uint64) << np.uint64(40),
        1: np.array([2, 3, 4, 5], np.uint64) << np.uint64(40),
    }
    assert pair_jaccard(sets, [0, 0], [1, 0]).tolist() == [0.4, 1.0]
    # repeated values count once; an empty set against itself is identical
    sets[2] = np.array([4, 4, 5, 5, 9], np.uint64) << np.uint64(40)
    sets[3] = np.empty(0, np.uint64)
    assert pair_jaccard(sets, [1, 2, 3], [2, 1, 3]).tolist() == [0.4, 0.4, 1.0]


def test_kept_shingle_sets_and_reread_texts_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [doc(i % 9) if i % 2 else edit(doc(i % 9), 1 + i % 4) for i in range(50)]
    ws = make_ws(tmp_path / "w", texts)
    for verify in (False, True):
        monkeypatch.setattr(dedupe_stage, "KEEP_SETS_BYTES", 1 << 30)
        dedupe(ws, verify=verify, threads=2, batch_size=8)
        kept = [sha256_file(ws.table_path("dedupe", t)) for t in ("outcomes", "clusters")]
        monkeypatch.setattr(dedupe_stage, "KEEP_SETS_BYTES", 0)  # texts are read again
        r = dedupe(ws, verify=verify, threads=1, batch_size=1000)
        assert r.extra["exact_checked_pairs"] > 0
        assert [sha256_file(ws.table_path("dedupe", t)) for t in ("outcomes", "clusters")] == kept


def test_decontamination_ngram_and_signature(tmp_path: Path) -> None:
    leaked = doc(20, 40)
    question = doc(21, 120)
    ev = tmp_path / "eval.jsonl"
    ev.write_text(
        "\n".join(
            [
                json.dumps({"q": "unrelated question entirely", "a": doc(30, 30)}),
                "",
                json.dumps({"q": leaked[:200] + " tail", "answer": "x"}),
                json.dumps({"q": question}),
            ]
        )
        + "\n"
    )
    # a run of 25 words of the item (13 distinct 13-grams: the evidence asked of it) leaked
    texts = [doc(22) + " " + " ".join(leaked.split()[:25]), doc(23), edit(question)]
    ws = make_ws(tmp_path / "w", [*texts, texts[0]])
    res = dedupe(ws, against=[ev], contamination_ngram=13)
    o = outcomes(ws)
    assert [r["outcome"] for r in o] == ["contaminated", "kept", "contaminated", "contaminated"]
    assert o[0]["reason"] == "ngram" and o[0]["match"] == f"{ev}:3"
    assert o[0]["match_text"].startswith(leaked[:20])
    assert o[3]["match"] == o[0]["match"] and o[3]["reason"] == "ngram"
    assert (o[2]["reason"], o[2]["match"]) == ("ngram", f"{ev}:4")
    assert res.reasons["contaminated"] == {"ngram": 3}
    # with n-grams longer than the item, only the near-duplicate signature catches the edited copy
    dedupe(ws, against=[ev], contamination_ngram=500, keep="first")
    o = outcomes(ws)
    assert [r["outcome"] for r in o] == ["kept", "kept", "contaminated", "duplicate"]
    assert (o[2]["reason"], o[2]["match"]) == ("signature", f"{ev}:4") and o[2]["similarity"] > 0.8


def test_one_shared_stock_phrase_is_not_contamination(tmp_path: Path) -> None:
    """Issue 21: a phrase every dialogue has ("are you right handed or left handed") shares a
    13-gram with many test items; one shared n-gram, or a phrase in STOCK_ITEMS items, is not
    evidence. The same record with a real run of the item in it is contaminated."""
    stock = "doctor are you right handed or left handed patient i am right handed doctor okay"
    items = [f"{doc(40 + i, 30)} {stock} {doc(50 + i, 30)}" for i in range(2)]
    ev = tmp_path / "eval.jsonl"
    ev.write_text("".join(json.dumps({"q": t}) + "\n" for t in items))
    leak = " ".join(items[1].split()[:40])
    texts = [f"{doc(60)} {stock} {doc(61)}", f"{doc(62)} {leak}", doc(63)]
    ws = make_ws(tmp_path / "w", texts)
    dedupe(ws, against=[ev])
    o = outcomes(ws)
    assert [r["outcome"] for r in o] == ["kept", "contaminated", "kept"]
    assert o[1]["match"] == f"{ev}:2"
    # the outcome names the evidence: the shared run itself, not just the item
    assert o[1]["match_span"] == leak.lower()
    assert o[0]["match_span"] is None and o[2]["match_span"] is None
    # a long phrase in three evaluation items is stock: it is no evidence either
    three = tmp_path / "three.jsonl"
    long_stock = doc(70, 40)
    three.write_text(
        "".join(json.dumps({"q": f"{doc(71 + i, 20)} {long_stock}"}) + "\n" for i in range(3))
    )
    ws2 = make_ws(tmp_path / "w2", [f"{doc(80)} {long_stock}"])
    dedupe(ws2, against=[three])
    assert [r["outcome"] for r in outcomes(ws2)] == ["kept"]


def test_matched_span_is_the_shared_run() -> None:
    from curate.dedupe.decontaminate import matched_span

    item = doc(90, 60)
    shared = " ".join(item.split()[10:40])
    assert matched_span(f"{doc(91, 30)} {shared} {doc(92, 30)}", item, 13) == shared.lower()
    assert matched_span(doc(93), item, 13) == ""
    # an item shorter than n words compares whole
    assert matched_span("so the Short Item here ok", "short item here", 13) == "short item here"


def test_eval_formats(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text('id,question\n1,"multi\nline"\n2,plain\n')
    assert read_eval_items(tmp_path / "e.csv") == [
        (f"{tmp_path / 'e.csv'}:2", "1\nmulti\nline"),
        (f"{tmp_path / 'e.csv'}:4", "2\nplain"),
    ]
    pl.DataFrame({"q": ["a b", None], "n": [1, 2]}).write_parquet(tmp_path / "e.parquet")
    assert [t for _, t in read_eval_items(tmp_path / "e.parquet")] == ["a b", ""]
    (tmp_path / "bad.jsonl").write_text('{"q": 1}\n{oops\n')
    with pytest.raises(InputError, match=r"bad.jsonl:2: not valid JSON"):
        read_eval_items(tmp_path / "bad.jsonl")
    with pytest.raises(UsageError, match="is not JSONL, JSON, CSV, TSV or Parquet"):
        (tmp_path / "e.xml").write_text("<x/>")
        read_eval_items(tmp_path / "e.xml")


def test_incremental_index(tmp_path: Path) -> None:
    a, b = doc(40), doc(41)
    idx = tmp_path / "idx"
    first = make_ws(tmp_path / "w1", [a, b])
    r1 = dedupe(first, index=idx)
    assert r1.extra["index_added"] == 2
    second = make_ws(tmp_path / "w2", [edit(a), doc(42), b])
    # different records (ids are per file+line, so make them distinct from the first run's)
    df = second.read_table("ingest", "records").with_columns(
        record_id=pl.col("record_id").str.reverse()
    )
    second.write_table("ingest", "records", df)
    r2 = dedupe(second, index=idx)
    o = outcomes(second)
    ids1 = first.read_table("ingest", "records")["record_id"].to_list()
    assert [r["outcome"] for r in o] == ["duplicate", "kept", "duplicate"]
    assert (o[0]["reason"], o[0]["kept_record_id"]) == ("near", ids1[0])
    assert (o[2]["reason"], o[2]["kept_record_id"]) == ("exact", ids1[1])
    assert r2.extra["index_added"] == 1 and r2.extra["index_matched"] == 2
    # a re-run matches the same earlier records, not its own entries, and adds nothing
    r3 = dedupe(second, index=idx)
    assert outcomes(second) == o and r3.extra["index_added"] == 0
    # the first workspace re-run against the grown index keeps everything
    dedupe(first, index=idx)
    assert [r["outcome"] for r in outcomes(first)] == ["kept", "kept"]
    with pytest.raises(UsageError, match="was built with num_perm=128, this run uses num_perm=64"):
        dedupe(second, index=idx, num_perm=64)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(st.tuples(st.integers(0, 5), st.sampled_from([0, 1, 2, 12])), min_size=1, max_size=25)
)
def test_every_record_has_one_outcome(tmp_path: Path, spec: list[tuple[int, int]]) -> None:
    texts = [edit(doc(s), e) if e else doc(s) for s, e in spec]
    ws = make_ws(tmp_path / f"h{abs(hash(tuple(spec)))}", texts)
    dedupe(ws)
    o = ws.read_table("dedupe", "outcomes")
    assert o["record_id"].to_list() == ws.read_table("ingest", "records")["record_id"].to_list()
    cl = ws.read_table("dedupe", "clusters")
    kept_per_cluster = cl.group_by("cluster_id").agg(pl.col("is_kept").sum())["is_kept"]
    assert (kept_per_cluster == 1).all()
    dups = o.filter(pl.col("outcome") == "duplicate")
    kept = set(o.filter(pl.col("outcome") == "kept")["record_id"])
    assert set(dups["kept_record_id"]) <= kept
    assert set(cl["record_id"]) == set(o.filter(pl.col("cluster_id").is_not_null())["record_id"])


# -- CLI ------------------------------------------------------------------------------------


def test_cli_summary_and_show(tmp_path: Path) -> None:
    a = doc(50)
    ws = make_ws(tmp_path / "w", [a, edit(a), a, doc(51)])
    r = CliRunner().invoke(main, ["dedupe", "-w", str(ws.path), "--show", "1"])
    assert r.exit_code == 0, r.output
    assert "duplicate │ exact  │       1" in r.output and "duplicate │ near   │       1" in r.output
    assert "cluster c" in r.output and "3 records" in r.output
    assert "zz0" in r.output and "(identical)" in r.output
    shown = largest_clusters(ws, 5)
    assert len(shown) == 1 and shown[0]["size"] == 3 and len(shown[0]["members"]) == 2
    j = CliRunner().invoke(main, ["dedupe", "-w", str(ws.path), "--json"])
    assert json.loads(j.output)["counts"] == {"kept": 2, "duplicate": 2, "contaminated": 0}


@pytest.mark.parametrize(
    ("kwargs", "error", "param", "message"),
    [
        ({"threshold": 0}, UsageError, "threshold", "threshold must be greater than 0, got 0"),
        ({"threshold": 1.01}, UsageError, "threshold", "threshold must be at most 1, got 1.01"),
        ({"num_perm": 4}, UsageError, "num_perm", "num_perm must be at least 8, got 4"),
        ({"num_perm": 5000}, UsageError, "num_perm", "num_perm must be at most 4096, got 5000"),
        ({"ngram": 0}, UsageError, "ngram", "ngram must be at least 1, got 0"),
        ({"char_ngrams": 0}, UsageError, "char_ngrams", "char_ngrams must be at least 1, got 0"),
        ({"batch_size": 0}, UsageError, "batch_size", "batch_size must be at least 1, got 0"),
        ({"threads": 0}, UsageError, "threads", "threads must be at least 1, got 0"),
        (
            {"contamination_ngram": 0},
            UsageError,
            "contamination_ngram",
            "contamination_ngram must be at least 1, got 0",
        ),
        (
            {"keep": "oldest"},
            UsageError,
            "keep",
            "keep must be one of 'most-complete', 'longest', 'first' or 'newest', got 'oldest'",
        ),
        (
            {"fields": ["nope"]},
            UsageError,
            "fields",
            "fields: column 'nope' is not in records.parquet; columns are: turns, text",
        ),
        (
            {"against": ["missing.jsonl"]},
            InputError,
            None,
            "against: missing.jsonl does not exist or is not a file",
        ),
    ],
)
def test_bad_options_name_the_parameter(
    tmp_path: Path, kwargs: dict[str, Any], error: type[Exception], param: str | None, message: str
) -> None:
    """Library messages name the parameter (the CLI shows its flag), never a CLI flag."""
    ws = make_ws(tmp_path / "w", [doc(1)])
    with pytest.raises(error) as e:
        dedupe(ws, **kwargs)
    assert e.value.message == message  # type: ignore[attr-defined]
    assert getattr(e.value, "param", None) == param
    assert "--" not in message


def test_fields_may_be_one_comma_separated_string(tmp_path: Path) -> None:
    assert DedupeOptions(fields="turns, text").fields == ["turns", "text"]  # type: ignore[arg-type]
    assert DedupeOptions(fields=["text"]).fields == ["text"]


def test_the_function_takes_exactly_the_options_fields() -> None:
    import inspect

    sig = inspect.signature(dedupe)
    params = {
        k: p.default
        for k, p in sig.parameters.items()
        if k not in ("workspace", "engine", "progress")
    }
    defaults = {
        k: (f.default_factory() if f.default_factory else f.default)  # type: ignore[call-arg]
        for k, f in DedupeOptions.model_fields.items()
    }
    assert list(params) == list(defaults)
    assert {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()} == defaults


class _PicklingEngine(LocalEngine):
    """The local engine, but everything it is given must survive pickling, as on Ray."""

    name = "pickling"

    def __init__(self) -> None:
        self.calls: list[str] = []

    def map_ordered(self, fn: Any, items: Any, *, window: int | None = None) -> Any:
        import pickle

        self.calls.append("map_ordered")
        fn = pickle.loads(pickle.dumps(fn))
        return (pickle.loads(pickle.dumps(fn(pickle.loads(pickle.dumps(i))))) for i in items)

    def candidate_pairs(self, keys: Any) -> Any:
        self.calls.append("candidate_pairs")
        return super().candidate_pairs(keys)

    def components(self, n: int, pairs: Any) -> Any:
        self.calls.append("components")
        return super().components(n, pairs)


def test_engine_is_a_strategy_with_the_same_tables(tmp_path: Path) -> None:
    """The stage asks the engine for its batches, buckets and components; an engine that
    pickles the work (as Ray does) writes the local engine's tables byte for byte."""
    texts = [doc(i % 7) if i % 3 else edit(doc(i % 7), 1 + i % 3) for i in range(40)]
    ws = make_ws(tmp_path / "w", texts)
    evals = tmp_path / "eval.jsonl"
    evals.write_text(json.dumps({"q": doc(3)}) + "\n")
    dedupe(ws, batch_size=8, against=[evals])
    local = [sha256_file(ws.table_path("dedupe", t)) for t in ("outcomes", "clusters")]
    engine = _PicklingEngine()
    dedupe(ws, batch_size=8, against=[evals], engine=engine)
    assert [sha256_file(ws.table_path("dedupe", t)) for t in ("outcomes", "clusters")] == local
    assert engine.calls == ["map_ordered", "candidate_pairs", "components"]
    clusters = ws.read_table("dedupe", "clusters")
    assert clusters.height > 0


def test_cli_workspace_without_ingest(tmp_path: Path) -> None:
    r = CliRunner().invoke(main, ["dedupe", "-w", str(tmp_path / "none")])
    assert r.exit_code == 2
    assert r.output == (
        f"Error: workspace {tmp_path / 'none'} does not exist\n"
        f"Hint: run `curate ingest PATH... --schema NAME -w {tmp_path / 'none'}` first\n"
    )
    Workspace(tmp_path / "empty").create()
    with pytest.raises(WorkspaceError, match="has no completed ingest stage"):
        dedupe(tmp_path / "empty")


def test_cli_bad_eval_line(tmp_path: Path) -> None:
    ws = make_ws(tmp_path / "w", [doc(1)])
    bad = tmp_path / "eval.jsonl"
    bad.write_text('{"q": "fine"}\nnot json\n')
    r = CliRunner().invoke(main, ["dedupe", "-w", str(ws.path), "--against", str(bad)])
    assert r.exit_code == 2
    assert r.output.startswith(f"Error: {bad}:2: not valid JSON")


def test_empty_records_table(tmp_path: Path) -> None:
    ws = make_ws(tmp_path / "w", [])
    res = dedupe(ws)
    assert res.counts == {"kept": 0, "duplicate": 0, "contaminated": 0}
    assert ws.read_table("dedupe", "outcomes").height == 0


@pytest.mark.skipif(not REAL.exists(), reason="../shared/realdata absent")
def test_real_sts_pairs(tmp_path: Path) -> None:
    """Real sentence pairs (STS benchmark dev): near-identical pairs cluster, unrelated ones don't."""
    close: list[tuple[str, str]] = []
    unrelated: list[tuple[str, str]] = []
    for line in (REAL / "stsbenchmark_sts-dev.csv").read_text("utf-8").splitlines():
        f = line.split("\t")
        if len(f) >= 7:
            (close if float(f[4]) >= 4.8 else unrelated if float(f[4]) <= 0.5 else []).append(
                (f[5], f[6])
            )
    pairs = close + unrelated[:300]
    ws = make_ws(tmp_path / "w", [t for p in pairs for t in p])
    dedupe(ws, char_ngrams=5, threshold=0.5, keep="first")
    cid = ws.read_table("dedupe", "outcomes")["cluster_id"].to_list()
    joined = [cid[2 * i] is not None and cid[2 * i] == cid[2 * i + 1] for i in range(len(pairs))]
    assert sum(joined[: len(close)]) / len(close) >= 0.4
    assert sum(joined[len(close) :]) <= 3


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2)), max_size=60))
def test_first_of_keys_matches_string_grouping(keys: list[tuple[int, int]]) -> None:
    import numpy as np

    from curate.dedupe.records import first_of_keys, group_first

    k0 = np.array([a for a, _ in keys], np.uint64)
    k1 = np.array([b for _, b in keys], np.uint64)
    frame = pl.DataFrame({"exact": [f"{a}-{b}" for a, b in keys]}, schema={"exact": pl.String})
    assert first_of_keys(k0, k1).tolist() == group_first(frame).tolist()


def test_non_hex_content_hashes_still_group_exactly(tmp_path: Path) -> None:
    a, b = doc(40), doc(41)
    ws = make_ws(tmp_path / "w", [a, b, a + " x", b])
    rec = ws.read_table("ingest", "records").with_columns(
        content_hash=pl.Series(["key-A", "key-B", "key-A", None])  # not sha256 hex
    )
    ws.write_table("ingest", "records", rec)
    dedupe(ws, keep="first")
    got = [(o["outcome"], o["reason"]) for o in outcomes(ws)]
    # row 2 shares row 0's key (an exact copy by hash); row 3 has no hash, so it is only near
    assert got == [("kept", None), ("kept", None), ("duplicate", "exact"), ("duplicate", "near")]
