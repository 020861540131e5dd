from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.errors import UsageError
from curate.ingest import ingest
from curate.workspace import Workspace
from tests.conftest import SAMPLE, realdata


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return path


HEADER = [
    "Ticket ID",
    "Ticket Subject",
    "Ticket Description",
    "Resolution",
    "Ticket Type",
    "created",
]


def tickets_csv(tmp_path: Path) -> Path:
    return write_csv(
        tmp_path / "t.csv",
        [
            HEADER,
            ["1", "Wifi", "My router drops wifi.", "Reset it.", "Technical", "2024-01-02 10:00:00"],
            [
                "2",
                "Refund",
                "<p>Where is my <b>refund</b>?</p>",
                "Issued today.",
                "Billing",
                "2024-01-03",
            ],
            ["3", "Empty", "   ", "Nothing", "Other", ""],
            ["4", "Date", "Bad date here", "ok", "Other", "sometime"],
        ],
    )


def test_single_row_tickets(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    res = ingest([tickets_csv(tmp_path)], "tickets", ws, rules=None)
    recs = Workspace(ws).read_table("ingest", "records")
    rej = Workspace(ws).read_table("ingest", "rejects")
    assert recs["ticket_id"].to_list() == ["1", "2"]
    assert recs["body"].to_list()[1] == "Where is my refund?"
    assert recs["source"].to_list()[0].endswith("t.csv:2")
    assert recs.schema["created_at"] == pl.Datetime("us", "UTC")
    assert sorted(rej["reason"].to_list()) == ["bad_type", "missing_required"]
    assert rej.filter(pl.col("reason") == "bad_type")["message"][0] == (
        "field 'created_at': expected datetime, got 'sometime'"
    )
    assert rej.filter(pl.col("reason") == "missing_required")["source_line"][0] == 4
    assert res.extra["accounting_ok"] is True
    assert res.counts["rows_read"] == 4


def test_rerun_is_byte_identical_and_ids_stable(tmp_path: Path) -> None:
    src = tickets_csv(tmp_path)
    ingest([src], "tickets", tmp_path / "a", rules=None)
    ingest([src], "tickets", tmp_path / "b", rules=None)
    for table in ("records", "rejects", "filtered"):
        a = (tmp_path / "a" / "ingest" / f"{table}.parquet").read_bytes()
        b = (tmp_path / "b" / "ingest" / f"{table}.parquet").read_bytes()
        assert a == b, table


def test_missing_required_column_is_one_reject_naming_closest(tmp_path: Path) -> None:
    """A file no layout fits is one no_layout reject covering its rows, not an abort (issue 19)."""
    src = write_csv(tmp_path / "x.csv", [["subject", "descripton"], ["a", "b"], ["c", "d"]])
    res = ingest([src], "tickets", tmp_path / "ws", rules=None)
    rejects = pl.read_parquet(tmp_path / "ws" / "ingest" / "rejects.parquet")
    assert rejects["reason"].to_list() == ["no_layout"]
    assert rejects["n_rows"].to_list() == [2]
    message = rejects["message"][0]
    assert "no layout of schema 'tickets' fits its columns (subject, descripton)" in message
    assert "closest layout 'ticket_rows' lacks Ticket Description" in message
    assert message.endswith("(did you mean 'descripton'?)")
    assert res.counts["records"] == 0


def test_unmatched_file_does_not_stop_the_others(tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "x.csv", [["subject", "descripton"], ["a", "b"]])
    good = tickets_csv(tmp_path)
    res = ingest([bad, good], "tickets", tmp_path / "ws", rules=None)
    assert res.counts["records"] > 0
    rejects = pl.read_parquet(tmp_path / "ws" / "ingest" / "rejects.parquet")
    assert rejects.filter(pl.col("reason") == "no_layout")["source_file"].to_list() == [str(bad)]


def test_workspace_inside_input_dir_refused(tmp_path: Path) -> None:
    tickets_csv(tmp_path)
    with pytest.raises(UsageError, match="never writes into its inputs"):
        ingest([tmp_path], "tickets", tmp_path / "ws", rules=None)


def test_message_rows_become_threads(tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "m.csv",
        [
            ["conversation_id", "role", "message", "created_at"],
            ["c1", "customer", "Hi, my order is late.", "2024-01-01 10:00:00"],
            ["c2", "customer", "Other thread", "2024-01-01 09:00:00"],
            ["c1", "agent", "Sorry! It ships today.", "2024-01-01 10:05:00"],
            ["c1", "customer", "Also the box", "2024-01-01 10:01:00"],
            ["c1", "customer", "Thanks", "2024-01-01 10:06:00"],
        ],
    )
    res = ingest([src], "tickets", tmp_path / "ws", rules=None)
    recs = Workspace(tmp_path / "ws").read_table("ingest", "records").sort("source_line")
    c1 = recs.row(0, named=True)
    assert c1["n_rows"] == 4
    assert [t["role"] for t in c1["turns"]] == ["user", "assistant", "user"]
    assert c1["turns"][0]["content"] == "Hi, my order is late.\n\nAlso the box"
    assert c1["group"] == "thread:c1"
    assert c1["body"] is None  # "message" is a body source, but here it is the turns' column
    assert res.counts["rows_read"] == 5 and res.extra["accounting_ok"]


def test_reply_chains_rebuilt(tmp_path: Path) -> None:
    src = write_csv(
        tmp_path / "tw.csv",
        [
            [
                "tweet_id",
                "author_id",
                "inbound",
                "created_at",
                "text",
                "response_tweet_id",
                "in_response_to_tweet_id",
            ],
            ["1", "u1", "True", "Wed Oct 04 13:59:33 +0000 2017", "@Acme my phone died", "2", ""],
            ["2", "Acme", "False", "Wed Oct 04 14:05:00 +0000 2017", "@u1 try a reset", "3", "1.0"],
            ["3", "u1", "True", "Wed Oct 04 14:09:00 +0000 2017", "@Acme worked thanks", "", "2.0"],
            ["9", "u2", "True", "Wed Oct 04 15:00:00 +0000 2017", "orphan reply", "", "77.0"],
        ],
    )
    ingest([src], "tickets", tmp_path / "ws", rules=None)
    recs = Workspace(tmp_path / "ws").read_table("ingest", "records").sort("source_line")
    assert recs["n_rows"].to_list() == [3, 1]
    assert [t["role"] for t in recs["turns"][0]] == ["user", "assistant", "user"]
    assert recs["layout"][0] == "twitter_threads"
    # "text" is also a source of body: read from the message column it would repeat the
    # first message beside the turns (and an agent's reply would count as the user side)
    assert recs["body"].to_list() == [None, None]


def test_dialog_json(tmp_path: Path) -> None:
    data = [
        {
            "dialogHeader": {"company": "Acme", "sessionID": "s1"},
            "dialogContent": [
                {"client": "bob", "message": "help"},
                {"agent": "a", "message": "sure"},
            ],
        },
        {
            "dialogHeader": {"company": "Acme", "sessionID": "s2"},
            "dialogContent": [{"robot": "x", "message": "??"}],
        },
    ]
    src = tmp_path / "d.json"
    src.write_text(json.dumps(data))
    ingest([src], "tickets", tmp_path / "ws", rules=None)
    ws = Workspace(tmp_path / "ws")
    recs = ws.read_table("ingest", "records")
    assert recs["company"].to_list() == ["Acme"]
    assert recs["ticket_id"].to_list() == ["s1"]
    assert ws.read_table("ingest", "rejects")["reason"].to_list() == ["unknown_role"]


def test_wide_rows_and_sections(tmp_path: Path) -> None:
    wide = write_csv(
        tmp_path / "cuad.csv",
        [
            [
                "Filename",
                "Document Name",
                "Document Name-Answer",
                "Governing Law",
                "Governing Law-Answer",
            ],
            [
                "a.pdf",
                "['SUPPLY AGREEMENT']",
                "SUPPLY AGREEMENT",
                "['laws of Delaware']",
                "Delaware",
            ],
            ["b.pdf", "[]", "", "[]", ""],
        ],
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    body = "x " * 150
    (docs / "k.txt").write_text(f"PREAMBLE {body}\n\n1. DEFINITIONS\n{body}\n\n2. TERM\n{body}\n")
    res = ingest([wide, docs / "k.txt"], "contracts", tmp_path / "ws", rules=None)
    ws = Workspace(tmp_path / "ws")
    recs = ws.read_table("ingest", "records")
    cuad = recs.filter(pl.col("layout") == "cuad_wide")
    # metadata columns are values to extract (value_type + answer), not clause types; the
    # document name is skipped (its answer would only copy the span)
    assert cuad["value_type"].to_list() == ["Governing Law"]
    assert cuad["clause_type"].to_list() == [None]
    assert cuad["answer"].to_list() == ["Delaware"]
    secs = recs.filter(pl.col("layout") == "contract_documents")
    assert secs["section_title"].to_list()[1:] == ["1. DEFINITIONS", "2. TERM"]
    assert secs["group"].n_unique() == 1
    assert ws.read_table("ingest", "rejects")["reason"].to_list() == ["empty_text"]
    assert res.extra["accounting_ok"]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.text(max_size=30),
            st.text(max_size=30),
            st.sampled_from(["", "x", "2024-01-01", "bad"]),
        ),
        min_size=0,
        max_size=20,
    )
)
def test_no_row_lost(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, str]]
) -> None:
    tmp = tmp_path_factory.mktemp("h")
    src = write_csv(
        tmp / "t.csv", [["Ticket Description", "Resolution", "created"], *map(list, rows)]
    )
    res = ingest([src], "tickets", tmp / "ws", rules=None)
    ws = Workspace(tmp / "ws")
    total = sum(
        int(ws.read_table("ingest", t)["n_rows"].sum() or 0)
        for t in ("records", "rejects", "filtered")
    )
    assert total == res.counts["rows_read"]


def test_sample_data_ingests(tmp_path: Path) -> None:
    for name, schema in (
        ("tickets", "tickets"),
        ("contracts", "contracts"),
        ("clinical", "clinical_notes"),
    ):
        res = ingest([SAMPLE / name], schema, tmp_path / name, rules=None)
        assert res.extra["accounting_ok"], name
        assert res.counts["records"] > 50, name


@pytest.mark.slow
@pytest.mark.parametrize(
    ("parts", "schema"),
    [
        (("support", "ibm_twitter_customer_care_dev.json"), "tickets"),
        (("support", "twcs_random5000.csv"), "tickets"),
        (("legal", "cuad_master_clauses.csv"), "contracts"),
        (("clinical", "MTS-Dialog-TrainingSet.csv"), "clinical_notes"),
        (("clinical", "aci-bench_train.csv"), "clinical_notes"),
        (("clinical", "mtsamples_first322.csv"), "clinical_notes"),
    ],
)
def test_real_data_zero_unexplained_rows(
    tmp_path: Path, parts: tuple[str, ...], schema: str
) -> None:
    res = ingest([realdata(*parts)], schema, tmp_path / "ws", rules=None)
    assert res.extra["accounting_ok"]
    assert res.counts["records"] > 0


@pytest.mark.parametrize("rules", [None, "default"])
def test_worker_processes_give_identical_tables(tmp_path: Path, rules: str | None) -> None:
    src = SAMPLE / "tickets"
    one = ingest([src], "tickets", tmp_path / "one", rules=rules, batch_size=40, workers=1)
    two = ingest([src], "tickets", tmp_path / "two", rules=rules, batch_size=40, workers=2)
    assert one.counts == two.counts
    for table in ("records", "rejects", "filtered"):
        a = (tmp_path / "one" / "ingest" / f"{table}.parquet").read_bytes()
        b = (tmp_path / "two" / "ingest" / f"{table}.parquet").read_bytes()
        assert a == b, table
    if rules:
        a = (tmp_path / "one" / "ingest" / "rules.json").read_text()
        b = (tmp_path / "two" / "ingest" / "rules.json").read_text()
        assert a == b


def test_tables_do_not_depend_on_batch_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Row groups are cut at fixed row counts, not where batches end (rejects keep the order
    in which reader and validation found them, which does depend on the batch size)."""
    from curate.ingest import tables as ingest_module

    monkeypatch.setattr(ingest_module, "ROW_GROUP_SIZE", 25)
    src = SAMPLE / "tickets"
    ingest([src], "tickets", tmp_path / "a", rules=None, batch_size=7, workers=1)
    ingest([src], "tickets", tmp_path / "b", rules=None, batch_size=1000, workers=1)
    a = tmp_path / "a" / "ingest" / "records.parquet"
    b = tmp_path / "b" / "ingest" / "records.parquet"
    assert a.read_bytes() == b.read_bytes()
    import pyarrow.parquet as pq

    meta = pq.ParquetFile(tmp_path / "a" / "ingest" / "records.parquet").metadata
    sizes = [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]
    assert sizes[:-1] == [25] * (len(sizes) - 1) and 0 < sizes[-1] <= 25


@pytest.mark.parametrize("batch_size", [3, 1000])
def test_csv_cell_lists_give_the_tables_of_dict_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch_size: int
) -> None:
    """CSV rows travel as cell lists (no dict per row); the tables are byte for byte those of
    the dict path, with chunks that mix files of different column orders and a JSONL file."""
    from curate.ingest.readers import files as readers

    src = tmp_path / "in"
    src.mkdir()
    rows = [
        [str(i), f"subject {i}", f"body {i} " * (i % 4), f"fix {i}", "Tech", "2024-01-02"]
        for i in range(12)
    ]
    rows[2][5] = "not a date"  # bad_type: its raw preview is the row as a dict
    rows[5][2] = "   "  # missing_required
    write_csv(src / "a.csv", [HEADER, *rows, ["99", "short row"]])
    order = [5, 2, 0, 1]
    write_csv(
        src / "b.csv",
        [
            [HEADER[i] for i in order] + ["Ticket ID"],
            *[[r[i] for i in order] + ["x"] for r in rows],
        ],
    )
    (src / "c.jsonl").write_text(
        "".join(
            json.dumps({"Ticket Description": f"json {i}", "created": "x" * (i % 2)}) + "\n"
            for i in range(5)
        ),
        encoding="utf-8",
    )
    real_read_file = readers.read_file
    asked: list[bool] = []

    def spy(*args: Any, **kw: Any) -> Any:
        asked.append(kw.get("row_lists", False))
        return real_read_file(*args, **kw)

    def dict_rows(*args: Any, **kw: Any) -> Any:
        kw["row_lists"] = False
        return real_read_file(*args, **kw)

    monkeypatch.setattr(readers, "read_file", spy)
    ingest([src], "tickets", tmp_path / "cells", rules=None, batch_size=batch_size, workers=1)
    assert asked.count(True) == 3  # one per file (the JSONL reader ignores it)
    monkeypatch.setattr(readers, "read_file", dict_rows)
    ingest([src], "tickets", tmp_path / "dicts", rules=None, batch_size=batch_size, workers=1)
    for table in ("records", "rejects", "filtered"):
        a = (tmp_path / "cells" / "ingest" / f"{table}.parquet").read_bytes()
        b = (tmp_path / "dicts" / "ingest" / f"{table}.parquet").read_bytes()
        assert a == b, table
    rej = pl.read_parquet(tmp_path / "cells" / "ingest" / "rejects.parquet")
    assert {"bad_type", "bad_csv_row", "missing_required"} <= set(rej["reason"].to_list())
    bad = rej.filter(pl.col("reason") == "bad_type")
    assert bad["raw"][0].startswith("{'Ticket ID': '2'")


def test_batch_hashes_match_the_per_record_ones() -> None:
    """``record_id`` per file prefix and content hashes from the Arrow buffer: same digests."""
    import hashlib

    from curate.ingest.layouts import Candidate
    from curate.ingest.validate import _record_ids, _sha256_hex, record_id

    cands = [Candidate(i, f"{i}", 1, {}, file=f) for i, f in enumerate("aab\u00e9a")]
    assert _record_ids(cands) == [record_id(c.file, c.locator) for c in cands]
    texts = ["", "plain", "caf\u00e9 \u6f22\u5b57", "x" * 5000]
    want = [hashlib.sha256(t.encode()).hexdigest() for t in texts]
    series = pl.Series(texts, dtype=pl.String)
    assert _sha256_hex(series) == want
    assert _sha256_hex(series.slice(1, 2)) == want[1:3]
    assert _sha256_hex(pl.concat([series, series], rechunk=False)) == want * 2
    assert _sha256_hex(series.head(0)) == []


@pytest.mark.parametrize(
    "value", ["1e308", "-1e308", "1e20", "-1e20", "Infinity", "NaN", "1" * 400]
)
def test_out_of_range_number_in_a_datetime_field_is_a_bad_type_reject(
    tmp_path: Path, value: str
) -> None:
    """An epoch number no datetime can hold is a bad_type reject for its row, not a crash
    (fuzz json-18: OverflowError from fromtimestamp). NaN is no value at all (the field is
    optional), so that row is kept."""
    src = tmp_path / "big.jsonl"
    first = '{"description": "x", "created": ' + value + "}"
    src.write_text(first + '\n{"description": "y", "created": 0}\n', encoding="utf-8")
    res = ingest([src], "tickets", tmp_path / "ws", rules=None)
    rej = Workspace(tmp_path / "ws").read_table("ingest", "rejects")
    assert res.counts["rows_read"] == 2
    if value == "NaN":
        assert rej.height == 0
        return
    assert rej["reason"].to_list() == ["bad_type"]
    assert rej["message"][0].startswith("field 'created_at': expected datetime, got ")


@pytest.mark.parametrize(
    ("kwargs", "param", "message"),
    [
        ({"batch_size": 0}, "batch_size", "batch_size must be at least 1, got 0"),
        ({"workers": 0}, "workers", "workers must be at least 1, got 0"),
        (
            {"langid": "cld3"},
            "langid",
            "langid must be one of 'fasttext' or 'langdetect', got 'cld3'",
        ),
    ],
)
def test_bad_option_names_the_parameter_not_a_flag(
    tmp_path: Path, kwargs: dict[str, Any], param: str, message: str
) -> None:
    """Library errors name the keyword argument (the CLI maps ``param`` to its flag)."""
    with pytest.raises(UsageError) as e:
        ingest([tickets_csv(tmp_path)], "tickets", tmp_path / "ws", **kwargs)
    assert (str(e.value), e.value.param) == (message, param)
    assert not (tmp_path / "ws" / "ingest").exists()


def test_ingest_is_a_plain_typed_function() -> None:
    import inspect

    import curate

    sig = inspect.signature(curate.ingest)
    assert list(sig.parameters)[:3] == ["paths", "schema", "workspace"]
    assert sig.parameters["langid"].default is None
    assert sig.parameters["engine"].kind is inspect.Parameter.KEYWORD_ONLY
