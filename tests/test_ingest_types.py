"""Column-wise validation: the vectorized paths give what per-value parsing gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from hypothesis import example, given, settings
from hypothesis import strategies as st

from curate.ingest.types import (
    _fast_datetimes,
    parse_datetime,
    validate_columns,
    validate_raw_columns,
)
from curate.schema import load_schema

_SCHEMA_TOML = """
name = "typed"
description = "every field type"

[fields.title]
type = "string"
text = true
sources = ["title"]

[fields.count]
type = "int"
sources = ["count"]

[fields.score]
type = "float"
sources = ["score"]

[fields.when]
type = "datetime"
sources = ["when"]

[fields.tags]
type = "list[string]"
sources = ["tags"]

[fields.flag]
type = "bool"
sources = ["flag"]

[[layouts]]
name = "rows"
kind = "rows"
"""


def _schema(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "typed.toml"
    path.write_text(_SCHEMA_TOML, encoding="utf-8")
    return load_schema(path)


def test_types_coerced_and_bad_rows_reported_once(tmp_path: Path) -> None:
    schema = _schema(tmp_path)
    rows = [
        {"title": "a", "count": "1,000", "score": "2.5", "when": "2024-03-01 10:00:00"},
        {"title": 7, "count": "x", "when": "not a date", "tags": "a; b", "flag": "yes"},
        {"title": None, "count": 3, "when": "Wed Oct 04 13:59:33 +0000 2017", "tags": ["x", ""]},
        {"title": "d", "when": "2024-02-30"},
    ]
    columns, problems = validate_columns(schema, rows)
    assert problems == {
        1: "field 'count': expected int, got 'x'",
        3: "field 'when': expected datetime, got '2024-02-30'",
    }
    assert columns["title"].to_list() == ["a", "7", None, "d"]
    assert columns["count"].to_list()[0] == 1000
    assert columns["count"].to_list()[2] == 3
    assert columns["score"].to_list()[0] == 2.5
    assert columns["when"].dtype == pl.Datetime("us", "UTC")
    assert columns["when"][0] == dt.datetime(2024, 3, 1, 10, tzinfo=dt.UTC)
    assert columns["when"][2] == dt.datetime(2017, 10, 4, 13, 59, 33, tzinfo=dt.UTC)
    assert columns["tags"].to_list()[2] == ["x"]


def test_raw_columns_validate_as_rows_do(tmp_path: Path) -> None:
    """Columns handed over directly (CSV cells) validate exactly as the same values in rows."""
    schema = _schema(tmp_path)
    rows = [
        {"title": "a", "count": "1,000", "when": "2024-03-01 10:00:00", "flag": "yes"},
        {"title": "b", "count": "x", "score": "1e3", "when": "2024-02-30"},
        {"title": "", "when": "Wed Oct 04 13:59:33 +0000 2017", "tags": "a; b"},
    ]
    want_cols, want_problems = validate_columns(schema, rows)
    raw = {name: [row.get(name) for row in rows] for name in schema.fields}
    got_cols, got_problems = validate_raw_columns(schema, raw)
    assert got_problems == want_problems and got_problems
    assert list(got_cols) == list(want_cols)
    for name, col in want_cols.items():
        assert got_cols[name].equals(col), name


def test_empty_batch_has_typed_columns(tmp_path: Path) -> None:
    columns, problems = validate_columns(_schema(tmp_path), [])
    assert problems == {}
    assert columns["when"].dtype == pl.Datetime("us", "UTC")
    assert columns["count"].dtype == pl.Int64


_ISO_LIKE = st.builds(
    lambda y, mo, d, sep, h, mi, s, tail: (
        f"{y:04d}-{mo:02d}-{d:02d}" + (f"{sep}{h:02d}:{mi:02d}:{s:02d}" if sep else "") + tail
    ),
    st.integers(1, 9999),
    st.integers(0, 13),
    st.integers(0, 32),
    st.sampled_from(["", " ", "T", "  "]),
    st.integers(0, 25),
    st.integers(0, 61),
    st.integers(0, 61),
    st.sampled_from(["", "Z", "+02:00", ".5", " "]),
)


@settings(max_examples=300)
@given(st.lists(_ISO_LIKE, max_size=20))
@example(["2024-01-01 23:59:60", "2024-02-30", "2023-02-29 10:00:00", "2024-02-29T24:00:00"])
def test_polars_dates_equal_python_parsing(texts: list[str]) -> None:
    fast = _fast_datetimes(pl.Series(texts, dtype=pl.String)).to_list()
    for text, got in zip(texts, fast, strict=True):
        if got is None:
            continue  # left to parse_datetime, which decides
        assert got == parse_datetime(text)


def test_values_no_column_type_can_hold_are_bad_type_not_null_or_crash(tmp_path: Path) -> None:
    """An int beyond Int64 was silently null; an int beyond 64 bits in a datetime field
    crashed Polars; an epoch past year 9999 raised OverflowError (fuzz json-18)."""
    schema = _schema(tmp_path)
    rows: list[dict[str, object]] = [
        {"count": 2**63},
        {"count": -(2**63) - 1},
        {"count": "99999999999999999999"},
        {"when": 10**400},
        {"when": 1e308},
        {"when": float("-inf")},
        {"count": 2**63 - 1, "when": 0},
    ]
    cols, problems = validate_columns(schema, rows)
    assert sorted(problems) == [0, 1, 2, 3, 4, 5]
    assert problems[4] == "field 'when': expected datetime, got 1e+308"
    assert cols["count"][6] == 2**63 - 1
