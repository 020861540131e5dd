"""Raw readers: every format, encoding and bad-input class ends as rows + rejects with a line."""

from __future__ import annotations

import csv
import gzip
import io
import json
import zlib
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.errors import InputError
from curate.ingest import readers
from curate.ingest.readers import (
    CsvDialect,
    RawBatch,
    detect_encoding,
    discover,
    file_columns,
    file_format,
    read_file,
    sniff_dialect,
)
from tests.conftest import REALDATA, realdata

DATA = Path(__file__).parent / "data" / "readers"


def read_all(path: Path | str, **kw: Any) -> RawBatch:
    """All batches of a file merged into one (the tests look at the whole file)."""
    total = RawBatch(file="")
    for b in read_file(Path(path), **kw):
        total.file = b.file
        total.rows += b.rows
        total.lines += b.lines
        total.locators += b.locators
        total.rejects += b.rejects
        total.columns = b.columns
    return total


def reasons(b: RawBatch) -> list[tuple[int, str]]:
    return [(r.line, r.reason) for r in b.rejects]


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# ------------------------------------------------------------------------------ discovery


def test_discover_files_dirs_globs_sorted_dedup_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for rel in ["a.csv", "b/c.jsonl.gz", "b/d.txt", "b/.e.csv", ".hidden/f.csv", "b/notes.pdf"]:
        write(tmp_path / rel, "x")
    got = discover([str(tmp_path), str(tmp_path / "*.csv"), str(tmp_path / "a.csv")])
    assert [p.relative_to(tmp_path).as_posix() for p in got] == ["a.csv", "b/c.jsonl.gz", "b/d.txt"]


def test_discover_errors_name_the_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.csv: no such file or directory"):
        discover([str(tmp_path / "nope.csv")])
    with pytest.raises(InputError, match=r"\*\.json: no supported files match"):
        discover([str(tmp_path / "*.json")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="empty: no supported files in this directory"):
        discover([str(tmp_path / "empty")])
    write(tmp_path / "report.pdf", "x")
    with pytest.raises(InputError, match=r"report\.pdf: unsupported file type '\.pdf'"):
        discover([str(tmp_path / "report.pdf")])


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.CSV", ("csv", None)),
        ("a.tsv.gz", ("tsv", "gzip")),
        ("a.ndjson.zst", ("jsonl", "zstd")),
        ("a.md", ("text", None)),
        ("a.pq", ("parquet", None)),
    ],
)
def test_file_format(name: str, expected: tuple[str, str | None]) -> None:
    assert file_format(name) == expected


def test_missing_file_is_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"gone\.csv: no such file"):
        list(read_file(tmp_path / "gone.csv"))
    with pytest.raises(InputError, match=r"gone\.parquet: no such file"):
        file_columns(tmp_path / "gone.parquet")


# ------------------------------------------------------------------------------ CSV


def test_messy_semicolon_export() -> None:
    b = read_all(DATA / "messy_semicolon.csv")
    assert b.columns == ["ticket_id", "subject", "body", "priority"]
    assert [r["ticket_id"] for r in b.rows] == ["1", "2", "5", "6", "8"]
    assert b.lines == [2, 4, 8, 9, 11]  # physical first lines; row 1 spans lines 2-3
    assert b.locators == ["2", "4", "8", "9", "11"]
    assert b.rows[0]["body"] == "Cannot log in; error 403.\nTried twice."
    assert b.rows[-1]["body"] == 'He said "hi"'
    assert b.rows[3] == {  # a trailing delimiter is tolerated
        "ticket_id": "6",
        "subject": "Trailing",
        "body": "delimiter at the end",
        "priority": "low",
    }
    assert reasons(b) == [(5, "bad_csv_row"), (7, "bad_csv_row"), (10, "bad_csv_row")]
    assert b.rejects[0].message == "expected 4 fields, found 6"
    assert b.rejects[1].raw == '4;Broken quote;"never closed;medium\n'
    assert "only its first line is rejected" in b.rejects[1].message
    assert b.rejects[2].message == "expected 4 fields, found 3"


@pytest.mark.parametrize("delim", [",", ";", "\t", "|"])
def test_dialect_sniffed(tmp_path: Path, delim: str) -> None:
    rows = [["id", "text", "n"], ["1", "a, b; c | d", "3"], ["2", 'say "x"\nnext', "4"]]
    buf = io.StringIO()
    csv.writer(buf, delimiter=delim).writerows(rows)
    b = read_all(write(tmp_path / "d.csv", buf.getvalue()))
    assert b.rejects == []
    assert [list(r.values()) for r in b.rows] == rows[1:]


def test_sniff_turns_quoting_off_for_stray_quotes() -> None:
    sample = 'a\tb\tc\n1\t"hi" she said\t2\n3\tx\t4\n5\t"6\t7\n8\t9\t10\n'
    assert sniff_dialect(sample, complete=True) == CsvDialect("\t", quoted=False)
    assert sniff_dialect('a,b\n1,"x,y"\n', complete=True) == CsvDialect(",", quoted=True)


def test_unclosed_quote_to_eof_rejects_one_line_and_keeps_the_rest(tmp_path: Path) -> None:
    text = 'id,text\n1,"ok, quoted"\n2,"never closed\n3,fine\n4,also fine\n'
    b = read_all(write(tmp_path / "q.csv", text))
    assert [r["id"] for r in b.rows] == ["1", "3", "4"]
    assert b.lines == [2, 4, 5]
    assert reasons(b) == [(3, "bad_csv_row")]
    assert "unclosed quote" in b.rejects[0].message


@pytest.mark.parametrize(
    ("bad", "found"),
    [('2,"line one\nline two",oops,extra\n', 4), ('2,"line one\nline two"\n', 2)],
)
def test_well_quoted_multiline_row_with_wrong_field_count_is_rejected_whole(
    tmp_path: Path, bad: str, found: int
) -> None:
    """Its second line is no row of its own: re-reading it as one would export a fragment
    ("line two\"", "oops", "extra") as a training example."""
    text = f'id,text,resolution\n1,"printer broken",toner\n{bad}3,"cannot log in",reset\n'
    b = read_all(write(tmp_path / "w.csv", text))
    assert [r["id"] for r in b.rows] == ["1", "3"]
    assert b.lines == [2, 5]
    assert reasons(b) == [(3, "bad_csv_row")]
    assert b.rejects[0].message == f"expected 3 fields, found {found} (the row spans lines 3-4)"
    assert b.rejects[0].raw == bad


def test_unclosed_quote_closed_later_still_keeps_the_rows_it_swallowed(tmp_path: Path) -> None:
    """The quote opened on line 3 is closed by one on line 5, giving a record of the wrong
    width; lines 4-5 are rows of their own, so only line 3 is rejected."""
    text = 'id,text,n\n1,ok,1\n2,"never closed,2\n3,fine,3\n4,"quoted",4\n5,last,5\n'
    b = read_all(write(tmp_path / "u.csv", text))
    assert [r["id"] for r in b.rows] == ["1", "3", "4", "5"]
    assert reasons(b) == [(3, "bad_csv_row")]
    assert "only its first line is rejected" in b.rejects[0].message


def test_header_only_and_empty_give_zero_rows(tmp_path: Path) -> None:
    header_only = read_all(write(tmp_path / "h.csv", "id,text\r\n"))
    assert (header_only.rows, header_only.rejects, header_only.columns) == ([], [], ["id", "text"])
    empty = read_all(write(tmp_path / "e.csv", ""))
    assert (empty.rows, empty.rejects, empty.columns) == ([], [], [])
    assert file_columns(tmp_path / "e.csv") == []
    assert len(list(read_file(tmp_path / "e.csv"))) == 1  # one (empty) batch per file


def test_header_names_cleaned(tmp_path: Path) -> None:
    p = write(tmp_path / "h.csv", " id ,text,,text\n1,a,b,c\n")
    assert file_columns(p) == ["id", "text", "column_3", "text_2"]
    assert read_all(p).rows == [{"id": "1", "text": "a", "column_3": "b", "text_2": "c"}]


def test_blank_lines_skipped_line_numbers_kept(tmp_path: Path) -> None:
    b = read_all(write(tmp_path / "b.csv", "id,t\n\n1,a\n   \n\n2,b"))
    assert b.lines == [3, 6] and b.rejects == []


def test_nul_bytes_rejected(tmp_path: Path) -> None:
    b = read_all(write(tmp_path / "n.csv", b"id,text\n1,good\n2,bad\x00byte\n3,good\n"))
    assert [r["id"] for r in b.rows] == ["1", "3"]
    assert reasons(b) == [(3, "nul_bytes")]
    assert b.rejects[0].raw == "2,bad\\x00byte\n"


def test_invalid_utf8_rejects_only_that_row(tmp_path: Path) -> None:
    data = "id,text\n1,café ünïcode\n".encode() + b"2,bad \xff\xfe here\n" + "3,naïve\n".encode()
    p = write(tmp_path / "u.csv", data)
    assert detect_encoding(p.read_bytes()) == "utf-8"
    for enc in (None, "utf-8"):
        b = read_all(p, encoding=enc)
        assert [r["text"] for r in b.rows] == ["café ünïcode", "naïve"]
        assert reasons(b) == [(3, "encoding_error")]
        assert b.rejects[0].raw == "2,bad \ufffd\ufffd here\n"
        assert "not valid utf-8" in b.rejects[0].message


def test_encodings_detected() -> None:
    assert read_all(DATA / "cp1252.csv").rows[0]["text"] == "naïve café – “quoted”"
    assert read_all(DATA / "utf16.tsv").rows[0] == {"id": "1", "text": "können 中文"}
    assert read_all(DATA / "bom.csv").columns == ["id", "text"]


def test_explicit_encoding(tmp_path: Path) -> None:
    p = write(tmp_path / "l.csv", "id,text\n1,Ærø\n".encode("latin-1"))
    assert read_all(p, encoding="latin-1").rows == [{"id": "1", "text": "Ærø"}]
    assert read_all(p, encoding="utf-8").rejects[0].reason == "encoding_error"
    with pytest.raises(InputError, match="unknown encoding 'klingon'"):
        list(read_file(p, encoding="klingon"))


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        (b"\xef\xbb\xbfa,b", "utf-8-sig"),
        ("a,b\n".encode("utf-16"), "utf-16"),
        ("a,b\n".encode("utf-16-le"), "utf-16-le"),
        ("a,b\n".encode("utf-16-be"), "utf-16-be"),
        ("a,b\n".encode("utf-32"), "utf-32"),
        ("déjà vu, façade\n".encode("cp1252"), "cp1252"),
        ("€ and “quotes”".encode("cp1252"), "cp1252"),
        (b"plain ascii", "utf-8"),
        ("ünïcödé".encode() + b"\xff", "utf-8"),  # valid multi-byte outnumbers the bad byte
        ("日本".encode()[:-1], "utf-8"),  # a prefix may cut a character
    ],
)
def test_detect_encoding(prefix: bytes, expected: str) -> None:
    assert detect_encoding(prefix) == expected


def test_cp1252_undefined_bytes_fall_back_to_latin1(tmp_path: Path) -> None:
    p = write(tmp_path / "c.csv", b"id,text\n1,caf\xe9 \x81\n")
    assert read_all(p).rows == [{"id": "1", "text": "café \x81"}]


def test_fifty_megabyte_field_is_too_large_rest_kept(tmp_path: Path) -> None:
    p = tmp_path / "big.csv"
    with open(p, "w") as f:
        f.write('id,text\n1,small\n2,"')
        chunk = 'lorem ipsum, dolor ""quoted""\n' * 1000
        for _ in range(50_000_000 // len(chunk)):
            f.write(chunk)
        f.write('"\n3,after\n4,end\n')
    b = read_all(p)
    assert [r["id"] for r in b.rows] == ["1", "3", "4"]
    assert reasons(b) == [(3, "too_large")]
    assert "10,000,000 characters" in b.rejects[0].message
    assert len(b.rejects[0].raw) == 0
    assert b.lines[1] == 3 + 50_000_000 // len(chunk) * 1000 + 1


def test_too_large_single_physical_line_and_runaway_quote(tmp_path: Path) -> None:
    long_line = "2," + "x" * 5000 + "\n"
    p = write(tmp_path / "l.csv", "id,t\n1,a\n" + long_line + "3,b\n")
    b = read_all(p, max_record_chars=1000)
    assert ([r["id"] for r in b.rows], reasons(b)) == (["1", "3"], [(3, "too_large")])
    runaway = 'id,t\n1,"a, b"\n2,"open\n' + "".join(f"{i},row\n" for i in range(3, 400))
    b = read_all(write(tmp_path / "r.csv", runaway), max_record_chars=1000)
    assert [r["id"] for r in b.rows] == ["1"]
    assert reasons(b) == [(3, "too_large")]
    assert "to the end of the file" in b.rejects[0].message


def _gzip_cut(tmp_path: Path, text: str, frac: float) -> Path:
    data = gzip.compress(text.encode())
    return write(tmp_path / "cut.csv.gz", data[: int(len(data) * frac)])


def test_truncated_gzip_keeps_rows_before_the_cut() -> None:
    b = read_all(DATA / "truncated.csv.gz")
    full = "id,text\n" + "".join(f"{i},row {i} café\n" for i in range(1, 201))
    raw = (DATA / "truncated.csv.gz").read_bytes()
    got = zlib.decompressobj(31).decompress(raw).decode(errors="replace")
    complete = got[: got.rfind("\n") + 1]
    assert full.startswith(complete[:-1])
    n_complete = complete.count("\n") - 1
    assert 50 < len(b.rows) == n_complete
    assert b.rows[-1] == {"id": str(n_complete), "text": f"row {n_complete} café"}
    assert reasons(b) == [(n_complete + 2, "truncated_file")]
    assert "gzip stream ends early" in b.rejects[0].message


@pytest.mark.parametrize("fmt", ["jsonl", "json", "txt"])
def test_truncated_gzip_other_formats(tmp_path: Path, fmt: str) -> None:
    recs = [{"id": i, "text": f"record number {i}"} for i in range(300)]
    text = {
        "jsonl": "".join(json.dumps(r) + "\n" for r in recs),
        "json": json.dumps(recs, indent=1),
        "txt": "a document " * 2000,
    }[fmt]
    data = gzip.compress(text.encode())
    p = write(tmp_path / f"t.{fmt}.gz", data[: len(data) // 2])
    b = read_all(p)
    assert [r.reason for r in b.rejects] == ["truncated_file"]
    if fmt == "txt":
        assert b.rows == []
    else:
        assert 0 < len(b.rows) < 300 and b.rows == recs[: len(b.rows)]


def test_zstd_whole_and_truncated(tmp_path: Path) -> None:
    b = read_all(DATA / "tickets.csv.zst")
    assert len(b.rows) == 200 and b.rejects == [] and b.rows[-1]["text"] == "row 200 café"
    text = "id,text\n" + "".join(f"{i},zstd row {i}\n" for i in range(50_000))
    data = zstandard.ZstdCompressor().compress(text.encode())
    p = write(tmp_path / "cut.csv.zst", data[: len(data) // 2])
    b = read_all(p)
    assert 0 < len(b.rows) < 50_000 and b.rows[-1]["text"] == f"zstd row {len(b.rows) - 1}"
    assert [r.reason for r in b.rejects] == ["truncated_file"]


def test_not_really_gzip_is_input_error(tmp_path: Path) -> None:
    p = write(tmp_path / "fake.csv.gz", "id,text\n1,a\n")
    with pytest.raises(InputError, match=r"fake\.csv\.gz: not a readable gzip file"):
        list(read_file(p))


def test_batches_are_bounded_and_continuous(tmp_path: Path) -> None:
    p = write(tmp_path / "m.csv", "id\n" + "".join(f"{i}\n" for i in range(1, 51)))
    batches = list(read_file(p, batch_size=7))
    assert [len(b.rows) for b in batches] == [7] * 7 + [1]
    assert [n for b in batches for n in b.lines] == list(range(2, 52))
    assert all(b.columns == ["id"] and b.file.endswith("m.csv") for b in batches)


def test_row_lists_are_the_dict_rows_as_cells(tmp_path: Path) -> None:
    """``row_lists`` changes only the shape of a CSV row: same rows, lines, rejects, batches."""
    text = (
        "id,Name,name ,\n"
        "1,a,b,\n"
        "\n"
        "2,short\n"
        "3,x,y,,,\n"
        "4,x,y,z,extra\n"
        '5,"multi\nline",c,d\n'
        "6,nul\x00here,c,d\n"
        '7,"unclosed,c,d\n'
        "8,last,c,d\n"
    )
    p = write(tmp_path / "m.csv", text)
    as_dicts = list(read_file(p, batch_size=2))
    as_lists = list(read_file(p, batch_size=2, row_lists=True))
    assert [b.row_lists for b in as_lists] == [True] * len(as_lists)
    assert not any(b.row_lists for b in as_dicts)
    assert len(as_lists) == len(as_dicts)
    for d, li in zip(as_dicts, as_lists, strict=True):
        assert (li.lines, li.locators, li.rejects, li.columns) == (
            d.lines,
            d.locators,
            d.rejects,
            d.columns,
        )
        assert all(isinstance(r, list) and len(r) == len(li.columns) for r in li.rows)
        assert [dict(zip(li.columns, r, strict=True)) for r in li.rows] == d.rows
    rejected = {r.line: r.reason for b in as_lists for r in b.rejects}
    assert rejected == {4: "bad_csv_row", 6: "bad_csv_row", 9: "nul_bytes", 10: "bad_csv_row"}


def test_row_lists_ignored_by_other_formats(tmp_path: Path) -> None:
    p = write(tmp_path / "r.jsonl", '{"a": 1}\n{"a": 2, "b": "x"}\n')
    (b,) = read_file(p, row_lists=True)
    assert not b.row_lists and b.rows == [{"a": 1}, {"a": 2, "b": "x"}]


cells = st.text(
    alphabet=st.sampled_from([*'ab ,;"\n\r\té€', "\u2028", "\x85", "\x0b"]), max_size=12
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(cells, min_size=3, max_size=3), max_size=25), chunk=st.integers(5, 60)
)
def test_csv_round_trip_across_block_edges(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rows: list[list[str]], chunk: int
) -> None:
    """Whatever csv.writer writes comes back, with its first physical line, however the
    file is cut into blocks."""
    monkeypatch.setattr(readers.base, "_CHUNK", chunk)
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows([["a", "b", "c"], *rows])
    p = write(tmp_path / "rt.csv", buf.getvalue())
    b = read_all(p, batch_size=4)
    assert b.rejects == []
    norm = [[c.replace("\r\n", "\n").replace("\r", "\n") for c in r] for r in rows]
    assert [list(r.values()) for r in b.rows] == norm
    starts, line = [], 2
    for r in norm:
        starts.append(line)
        line += sum(c.count("\n") for c in r) + 1
    assert b.lines == starts


# ------------------------------------------------------------------------------ JSON Lines


def test_jsonl_one_broken_line() -> None:
    b = read_all(DATA / "one_broken.jsonl")
    assert [r["id"] for r in b.rows] == [1, 2, 4]
    assert b.lines == [1, 2, 4] and b.locators == ["1", "2", "4"]
    assert b.columns == ["id", "text", "extra"]
    assert reasons(b) == [(3, "bad_json"), (5, "not_an_object")]
    assert b.rejects[0].message == "invalid JSON: Unterminated string starting at (column 19)"
    assert b.rejects[1].message == "expected a JSON object, found an array"


def test_jsonl_crlf_nul_encoding_and_long_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(readers.base, "_CHUNK", 16)
    data = (
        b'{"a": 1}\r\n\r\n{"a": "nul\x00"}\r\n{"a": "bad \xff"}\r\n{"a": "'
        + b"y" * 300
        + b'"}\r\n{"a": "\xc3\xa9"}'
    )
    b = read_all(write(tmp_path / "x.jsonl", data), max_record_chars=100)
    assert b.rows == [{"a": 1}, {"a": "é"}] and b.lines == [1, 6]
    assert reasons(b) == [(3, "nul_bytes"), (4, "encoding_error"), (5, "too_large")]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    recs=st.lists(
        st.dictionaries(st.text(max_size=5), st.text(max_size=30) | st.integers(), max_size=4),
        max_size=30,
    ),
    chunk=st.integers(3, 50),
    as_array=st.booleans(),
)
def test_json_and_jsonl_round_trip_across_block_edges(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    recs: list[dict[str, Any]],
    chunk: int,
    as_array: bool,
) -> None:
    monkeypatch.setattr(readers.base, "_CHUNK", chunk)
    if as_array:
        p = write(tmp_path / "a.json", json.dumps(recs, indent=1, ensure_ascii=False))
    else:
        p = write(
            tmp_path / "a.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs)
        )
    b = read_all(p, batch_size=3)
    assert b.rejects == [] and b.rows == recs
    assert b.lines == list(range(1, len(recs) + 1))
    if as_array:
        assert b.locators == [f"$[{i}]" for i in range(len(recs))]


# ------------------------------------------------------------------------------ JSON documents


def test_json_layouts() -> None:
    arr = read_all(DATA / "array.json")
    assert [r["id"] for r in arr.rows] == [0, 1, 2, 3, 4] and arr.locators[0] == "$[0]"
    obj = read_all(DATA / "object_of_records.json")
    assert obj.rows == [{"text": "a"}, {"text": "b"}] and obj.locators == ["T-1", "T-2"]
    wrapped = read_all(DATA / "wrapped.json")
    assert wrapped.rows == [{"text": "a"}, {"text": "b"}]
    assert wrapped.locators == ["$.data[0]", "$.data[1]"] and wrapped.lines == [1, 2]
    assert file_columns(DATA / "wrapped.json") == ["text"]


def test_json_single_record_and_jsonl_named_json(tmp_path: Path) -> None:
    single = read_all(write(tmp_path / "s.json", '{"subject": "x", "tags": ["a", "b"]}'))
    assert single.rows == [{"subject": "x", "tags": ["a", "b"]}] and single.locators == ["$"]
    lines = read_all(write(tmp_path / "l.json", '{"a": 1}\n{"a": 2}\n'))
    assert lines.rows == [{"a": 1}, {"a": 2}] and lines.locators == ["1", "2"]


def test_json_syntax_error_costs_only_that_record(tmp_path: Path) -> None:
    p = write(tmp_path / "bad.json", '[\n{"a": 1},\n{"a": 2},\n{"a": 3 "b": 4},\n{"a": 5}\n]')
    b = read_all(p)
    assert b.rows == [{"a": 1}, {"a": 2}, {"a": 5}]
    assert reasons(b) == [(3, "bad_json")]
    assert b.rejects[0].locator == "$[2]"
    assert "record 3 (line 4)" in b.rejects[0].message
    assert b.rejects[0].raw == '{"a": 3 "b": 4}'


def test_json_non_objects_and_empty(tmp_path: Path) -> None:
    b = read_all(write(tmp_path / "m.json", '[{"a": 1}, "text", 3, null]'))
    assert b.rows == [{"a": 1}] and [r.reason for r in b.rejects] == ["not_an_object"] * 3
    assert read_all(write(tmp_path / "e.json", "  \n")).rows == []
    with pytest.raises(InputError, match=r"top-level JSON value is a number"):
        list(read_file(write(tmp_path / "n.json", "42")))


def test_json_value_over_cap(tmp_path: Path) -> None:
    p = write(tmp_path / "big.json", json.dumps([{"a": "x"}, {"a": "y" * 5000}, {"a": "z"}]))
    b = read_all(p, max_record_chars=1000)
    assert b.rows == [{"a": "x"}, {"a": "z"}] and reasons(b) == [(2, "too_large")]


# ------------------------------------------------------------------------------ Parquet, text


def test_parquet_batches_and_compressed(tmp_path: Path) -> None:
    df = pl.DataFrame(
        {"id": list(range(25)), "text": [f"t{i}" for i in range(25)], "tags": [["a"]] * 25}
    )
    p = tmp_path / "x.parquet"
    df.write_parquet(p, row_group_size=10)
    batches = list(read_file(p, batch_size=10))
    assert all(len(b.rows) <= 20 for b in batches)
    b = read_all(p)
    assert b.rows[3] == {"id": 3, "text": "t3", "tags": ["a"]}
    assert b.lines == list(range(1, 26)) and b.locators[0] == "row 1"
    assert file_columns(p) == ["id", "text", "tags"]
    gz = write(tmp_path / "x.parquet.gz", gzip.compress(p.read_bytes()))
    assert read_all(gz).rows == b.rows
    with pytest.raises(InputError, match="not a readable Parquet file"):
        list(read_file(write(tmp_path / "bad.parquet", "not parquet")))


def test_text_documents(tmp_path: Path) -> None:
    b = read_all(DATA / "note.md")
    assert b.rows == [
        {"text": "# Visit note\n\nPatient is well.\n", "filename": "note.md", "path": b.file}
    ]
    assert b.locators == ["note.md"] and b.lines == [1]
    assert read_all(write(tmp_path / "empty.txt", "")).rows == []
    crlf = read_all(write(tmp_path / "w.txt", "\ufeffline one\r\nline two\r\n".encode("utf-16")))
    assert crlf.rows[0]["text"] == "line one\nline two\n"
    nul = read_all(write(tmp_path / "n.txt", b"a\x00b"))
    assert [r.reason for r in nul.rejects] == ["nul_bytes"]
    big = read_all(write(tmp_path / "big.txt", "x" * 2000), max_record_chars=1000)
    assert [r.reason for r in big.rejects] == ["too_large"]


def test_source_name_relative_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "a.csv", "x\n1\n")
    monkeypatch.chdir(tmp_path)
    assert read_all(Path(tmp_path / "a.csv")).file == "a.csv"


def test_reading_never_writes_to_inputs(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for f in DATA.iterdir():
        (src / f.name).write_bytes(f.read_bytes())
    before = {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in src.rglob("*")}
    for f in discover([str(src)]):
        read_all(f)
        file_columns(f)
    assert {p: (p.stat().st_mtime_ns, p.stat().st_size) for p in src.rglob("*")} == before


# ------------------------------------------------------------------------------ real data


def _clean(path: Path) -> RawBatch:
    b = read_all(path)
    assert b.rejects == [], (path.name, b.rejects[:3])
    return b


@pytest.mark.parametrize(
    "name",
    sorted(p.name for p in (REALDATA / "support").glob("*.csv"))
    + sorted(
        p.name for p in (REALDATA / "clinical").glob("*.csv") if p.name != "mtsamples_first322.csv"
    )
    or ["none"],
)
def test_realdata_csv_matches_polars(name: str) -> None:
    folder = "support" if (REALDATA / "support" / name).exists() else "clinical"
    path = realdata(folder, name)
    b = _clean(path)
    ref = pl.read_csv(path, infer_schema=False)
    assert len(b.rows) == ref.height and b.columns == ref.columns
    last = ref[b.columns[-1]].tail(5).str.replace_all("\r\n", "\n").to_list()
    assert [r[b.columns[-1]] or None for r in b.rows[-5:]] == last  # line ends become \n


def test_realdata_mtsamples_excerpt_ends_mid_record() -> None:
    """The excerpt was cut inside its 322nd record: 321 rows and one reject for the rest."""
    b = read_all(realdata("clinical", "mtsamples_first322.csv"))
    assert len(b.rows) == 321 and [r.reason for r in b.rejects] == ["bad_csv_row"]
    assert "unclosed quote" in b.rejects[0].message


@pytest.mark.parametrize(
    "name", sorted(p.name for p in (REALDATA / "support").glob("*.json")) or ["none"]
)
def test_realdata_json(name: str) -> None:
    path = realdata("support", name)
    b = _clean(path)
    assert b.rows == json.loads(path.read_text())


def test_realdata_contracts_txt() -> None:
    folder = realdata("legal", "cuad_full_contract_txt")
    files = [f for f in discover([str(folder)]) if not f.name.endswith("SOURCE.txt")]
    assert len(files) == 510
    total = 0
    for f in files:
        b = _clean(f)
        assert len(b.rows) == 1 and b.rows[0]["filename"] == f.name
        total += len(b.rows[0]["text"])
    assert total > 10_000_000


def test_realdata_clauses_csv() -> None:
    b = _clean(realdata("legal", "cuad_master_clauses.csv"))
    assert len(b.rows) == 510 and "Parties" in b.columns


junk = st.text(alphabet=st.sampled_from([*'ab,;"\n\r\t\x00é', "\udcff"]), max_size=300)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=junk,
    chunk=st.integers(4, 40),
    cap=st.integers(5, 200),
    ext=st.sampled_from(["csv", "jsonl", "json"]),
)
def test_garbage_never_raises_and_lines_stay_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, chunk: int, cap: int, ext: str
) -> None:
    """Any input ends as rows and rejects (no exception), each with a line inside the file."""
    monkeypatch.setattr(readers.base, "_CHUNK", chunk)
    p = write(tmp_path / f"g.{ext}", text.encode("utf-8", "surrogateescape"))
    try:
        b = read_all(p, max_record_chars=cap)
    except InputError as e:  # only a JSON document whose top level is not a container
        assert ext == "json" and "top-level JSON value" in str(e)
        return
    n_lines = text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1
    if ext != "json":
        assert b.lines == sorted(b.lines)
        assert all(1 <= n <= n_lines for n in b.lines + [r.line for r in b.rejects])
    assert len(b.locators) == len(b.rows) == len(b.lines)


def test_bare_cr_line_ends_in_the_header_read_like_the_rows(tmp_path: Path) -> None:
    """Classic Mac line ends: the header scan (file_columns) sees '\\r' as a line end too,
    as the block reader does, instead of crashing in the csv module (fuzz csv-1)."""
    p = tmp_path / "cr.csv"
    p.write_bytes(b"description,answer\rMy router drops,Restart it\r")
    assert file_columns(p) == ["description", "answer"]
    b = read_all(p)
    assert b.rows == [{"description": "My router drops", "answer": "Restart it"}]
    assert b.rejects == []
