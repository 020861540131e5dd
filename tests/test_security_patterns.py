"""A schema's section_pattern is the user's regex: it may not hang ingest, whatever it is."""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from curate.errors import SchemaError
from curate.ingest import ingest
from curate.schema import load_schema
from curate.workspace import Workspace

SCHEMA = """
name = "memos"
[fields.doc]
type = "string"
sources = ["filename"]
[fields.body]
type = "string"
text = true
side = "user"
[fields.heading]
type = "string"
text = true
side = "assistant"
[[layouts]]
name = "memo_documents"
kind = "document_sections"
match = ["text", "filename"]
text_column = "text"
fields = {{ doc = ["filename"] }}
title_field = "heading"
value_field = "body"
section_pattern = '{pattern}'
min_section_chars = 20
required = ["body"]
"""
BODY = "The body of this section says what the memo is about, at some length.\n"


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (rather than hang the suite) when the block runs past ``seconds``."""

    def expire(*_: object) -> None:
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _ingest(tmp_path: Path, pattern: str, heading: str) -> tuple[Workspace, float]:
    assert len(heading) == 44
    schema = tmp_path / "memos.toml"
    schema.write_text(SCHEMA.format(pattern=pattern))
    doc = tmp_path / "memo.txt"
    doc.write_text(f"{BODY}{heading}\n{BODY}SECOND HEADING\n{BODY}")
    t0 = time.perf_counter()
    with deadline(20):
        res = ingest([doc], str(schema), tmp_path / "ws", rules=None)
    assert res.extra["accounting_ok"]
    return Workspace(tmp_path / "ws"), time.perf_counter() - t0


def test_the_issues_backtracking_pattern_runs_in_well_under_a_second(tmp_path: Path) -> None:
    # Python's re ran past 120 s on this pattern and heading; the regex engine needs microseconds.
    ws, seconds = _ingest(
        tmp_path, r"^(?:[A-Z][A-Za-z]*\s*)+$", "THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG!"
    )
    recs = ws.read_table("ingest", "records")
    assert recs["heading"].to_list() == [None, "SECOND HEADING"]
    assert ws.read_table("ingest", "rejects").height == 0
    assert seconds < 5  # the whole ingest; the pattern itself takes well under a millisecond


def test_a_pattern_past_its_time_limit_rejects_the_document(tmp_path: Path) -> None:
    ws, seconds = _ingest(
        tmp_path, r"^(?:[A-Z]|[A-Z][A-Z])+$", "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQ!"
    )
    assert ws.read_table("ingest", "records").height == 0
    rejects = ws.read_table("ingest", "rejects")
    assert rejects.select("reason", "source_line").rows() == [("pattern_timeout", 1)]
    assert rejects["message"][0] == (
        "section_pattern of layout 'memo_documents' in schema 'memos' ran past its 0.2 s limit "
        "on this document (it backtracks too much); simplify the pattern, e.g. without nested "
        r"repetition such as (?:[A-Z]\w*\s*)+"
    )
    assert rejects["raw"][0].startswith(BODY)
    assert seconds < 5


def test_section_pattern_is_checked_with_the_engine_that_runs_it(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(SCHEMA.format(pattern="(?<=a+)b"))  # variable-width lookbehind: regex only
    assert load_schema(path).layouts[0].section_pattern == "(?<=a+)b"
    path.write_text(SCHEMA.format(pattern="(["))
    with pytest.raises(SchemaError, match=r"layouts\.0\.section_pattern: .*invalid regex"):
        load_schema(path)


def test_builtin_contracts_pattern_still_splits(tmp_path: Path) -> None:
    body = "x " * 150
    doc = tmp_path / "k.txt"
    doc.write_text(f"PREAMBLE {body}\n\n1. DEFINITIONS\n{body}\n\n2. TERM\n{body}\n")
    ingest([doc], "contracts", tmp_path / "ws", rules=None)
    recs = Workspace(tmp_path / "ws").read_table("ingest", "records")
    assert recs.filter(pl.col("layout") == "contract_documents")["section_title"].to_list() == [
        None,
        "1. DEFINITIONS",
        "2. TERM",
    ]
