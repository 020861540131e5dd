"""Issue 17 items 5, 6, 9: no row vanishes and no input crashes the JSON readers.

Each test counts the records of its file independently (by construction) and checks that
ingest's report accounts for every one of them: rows read = records + rejects.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from curate.ingest import ingest
from curate.ingest.readers import RawBatch, read_file


def read_all(path: Path, **kw: Any) -> RawBatch:
    total = RawBatch(file="")
    for b in read_file(path, **kw):
        total.rows += b.rows
        total.rejects += b.rejects
        total.warnings += b.warnings
        total.locators += b.locators
    return total


def run(tmp_path: Path, src: Path) -> tuple[dict[str, Any], pl.DataFrame]:
    res = ingest([src], "tickets", tmp_path / "ws", rules=None)
    rejects = pl.read_parquet(res.outputs["rejects"])
    return res.counts, rejects


def rec(i: int) -> dict[str, str]:
    return {"description": f"printer {i} is jammed again", "answer": f"open tray {i}"}


# ------------------------------------------------------------------ item 5: never "empty"


def test_jsonl_of_python_reprs_is_one_reject_per_line(tmp_path: Path) -> None:
    lines = [repr(rec(i)) for i in range(5)]  # single quotes: not JSON
    src = tmp_path / "reprs.jsonl"
    src.write_text("\n".join(lines) + "\n")
    counts, rejects = run(tmp_path, src)
    assert counts["rows_read"] == 5 and counts["rejected"] == 5 and counts["records"] == 0
    assert rejects["reason"].to_list() == ["bad_json"] * 5
    assert rejects["source_line"].to_list() == [1, 2, 3, 4, 5]


def test_json_named_file_of_python_repr_lines_is_read_as_lines(tmp_path: Path) -> None:
    src = tmp_path / "reprs.json"
    src.write_text("\n".join(repr(rec(i)) for i in range(3)) + "\n")
    b = read_all(src)
    assert [(r.line, r.reason) for r in b.rejects] == [
        (1, "bad_json"),
        (2, "bad_json"),
        (3, "bad_json"),
    ]


def test_json_array_whose_first_record_has_a_raw_control_character(tmp_path: Path) -> None:
    recs = [json.dumps(rec(i)) for i in range(4)]
    recs[0] = recs[0].replace("printer 0", "printer\x010")
    src = tmp_path / "ctl.json"
    src.write_text("[\n" + ",\n".join(recs) + "\n]\n")
    counts, rejects = run(tmp_path, src)
    assert counts["rows_read"] == 4 and counts["records"] == 3 and counts["rejected"] == 1
    (row,) = rejects.iter_rows(named=True)
    assert row["reason"] == "bad_json" and row["source_line"] == 1
    assert "Invalid control character" in row["message"] and "(line 2)" in row["message"]


def test_json_array_where_every_record_is_bad_is_all_rejects(tmp_path: Path) -> None:
    src = tmp_path / "allbad.json"
    src.write_text("[" + ", ".join(repr(rec(i)) for i in range(3)) + "]")
    counts, rejects = run(tmp_path, src)
    assert counts["rows_read"] == 3 and counts["rejected"] == 3
    assert rejects["source_line"].to_list() == [1, 2, 3]


def test_records_without_any_field_are_rejects_not_an_empty_file(tmp_path: Path) -> None:
    src = tmp_path / "empty_objects.jsonl"
    src.write_text("{}\n{}\n")
    counts, rejects = run(tmp_path, src)
    assert counts["rows_read"] == 2 and rejects["reason"].to_list() == ["no_fields"] * 2


def test_truly_empty_file_still_zero(tmp_path: Path) -> None:
    src = tmp_path / "e.jsonl"
    src.write_text("\n\n")
    res = ingest([src], "tickets", tmp_path / "ws", rules=None)
    assert res.counts["rows_read"] == 0
    assert any("empty file or header only" in w for w in res.warnings)


# ------------------------------------------------------------------ item 6: resync


def test_one_bad_record_in_a_1000_record_array_costs_one_row(tmp_path: Path) -> None:
    recs = [json.dumps(rec(i)) for i in range(1000)]
    recs[1] = '{"description": "broken" "answer": "x"}'  # missing comma
    src = tmp_path / "big.json"
    src.write_text("[\n" + ",\n".join(recs) + "\n]\n")
    counts, rejects = run(tmp_path, src)
    assert counts["rows_read"] == 1000
    assert counts["records"] == 999 and counts["rejected"] == 1
    (row,) = rejects.iter_rows(named=True)
    assert (row["reason"], row["source_line"]) == ("bad_json", 2)
    assert "record 2 (line 3)" in row["message"]
    assert row["raw"] == recs[1]


@pytest.mark.parametrize(
    ("bad", "want"),
    [
        ('{"a": [1, 2}', "bad_json"),  # mismatched bracket inside
        ('{"a": "quote \\" and ] and } inside"  "b": 1}', "bad_json"),  # brackets in strings
        ('{"a": 1}}', "bad_json"),  # a stray closer after a good record
        ("{'a': 1}", "bad_json"),
        ('{"a": "\\ud83d"}', "encoding_error"),  # lone surrogate escape
        ("[" * 5000 + "]" * 5000, "bad_json"),  # deeper than the decoder allows
        ('{"a": ' + "1" * 5000 + "}", "bad_json"),  # over Python's int digit limit
    ],
)
def test_damaged_middle_record_is_rejected_and_the_next_one_read(
    tmp_path: Path, bad: str, want: str
) -> None:
    src = tmp_path / "mid.json"
    src.write_text(f'[{{"a": "first"}},\n {bad},\n {{"a": "last"}}]')
    b = read_all(src)
    assert b.rows[0] == {"a": "first"} and b.rows[-1] == {"a": "last"}
    assert want in [r.reason for r in b.rejects]
    assert len(b.rows) + len(b.rejects) in (3, 4)  # the stray '}' is its own reject


def test_object_of_records_and_record_lists_resync(tmp_path: Path) -> None:
    m = tmp_path / "map.json"
    m.write_text('{"T-1": {"text": "a"}, "T-2": {"text": "b\x01"}, "T-3": {"text": "c"}}')
    b = read_all(m)
    assert b.rows == [{"text": "a"}, {"text": "c"}] and b.locators == ["T-1", "T-3"]
    assert [(r.locator, r.reason) for r in b.rejects] == [("T-2", "bad_json")]
    w = tmp_path / "wrapped.json"
    w.write_text('{"meta": 1, "data": [{"text": "a"}, {"text": 1 2}, {"text": "c"}]}')
    b = read_all(w)
    assert b.rows == [{"text": "a"}, {"text": "c"}]
    assert [(r.locator, r.reason) for r in b.rejects] == [("$.data[1]", "bad_json")]


def test_trailing_comma_and_missing_close_are_warnings_not_rejects(tmp_path: Path) -> None:
    p = tmp_path / "t.json"
    p.write_text('[{"a": 1}, {"a": 2},]')
    b = read_all(p)
    assert len(b.rows) == 2 and not b.rejects and b.warnings
    p.write_text('[{"a": 1}, {"a": 2}')
    b = read_all(p)
    assert len(b.rows) == 2 and not b.rejects
    assert b.warnings == ["the file ends before the closing ']'"]


# ------------------------------------------------------------------ item 9: no crash


def test_lone_surrogate_in_jsonl_is_a_reject_through_ingest(tmp_path: Path) -> None:
    src = tmp_path / "s.jsonl"
    good = json.dumps(rec(1))
    src.write_text(
        good + '\n{"description": "smile \\ud83d please", "answer": "ok"}\n' + good + "\n"
    )
    counts, rejects = run(tmp_path, src)
    assert counts["rows_read"] == 3 and counts["records"] == 2
    (row,) = rejects.iter_rows(named=True)
    assert (row["reason"], row["source_line"]) == ("encoding_error", 2)
    assert "\\ud83d" in row["message"]


def test_valid_surrogate_pair_is_kept(tmp_path: Path) -> None:
    src = tmp_path / "p.jsonl"
    src.write_text('{"a": "smile \\ud83d\\ude00"}\n')
    assert read_all(src).rows == [{"a": "smile \U0001f600"}]


def test_deep_nesting_in_jsonl_is_a_reject_through_ingest(tmp_path: Path) -> None:
    src = tmp_path / "d.jsonl"
    deep = '{"description": ' + "[" * 3000 + "]" * 3000 + ', "answer": "x"}'
    src.write_text(json.dumps(rec(1)) + "\n" + deep + "\n")
    counts, rejects = run(tmp_path, src)
    assert counts["rows_read"] == 2 and counts["records"] == 1
    assert rejects["reason"].to_list() == ["bad_json"]
    assert "nested too deeply" in rejects["message"][0]
