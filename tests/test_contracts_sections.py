"""Contract section detection (issue 20 item 3): real headings become titles, a bare number or
an inline statute reference never does, no headings is a ``no_sections`` reject, and every
section's source names the line it starts on."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from curate import ingest
from curate.ingest.layouts.headings import read_name
from curate.ingest.layouts.sections import find_sections
from curate.schema import load_schema
from curate.user_regex import compile_user
from curate.workspace import Workspace

LAYOUT = load_schema("contracts").layouts[1]
PATTERN = compile_user(LAYOUT.section_pattern or "")
BODY = "The parties agree to the terms set out here in full and without reservation. " * 4


def titles(text: str) -> list[str]:
    return [s.title for s in find_sections(text, PATTERN, 200, 6000)]


def test_apostrophe_heading_is_its_own_title() -> None:
    # The Zounds contract: "12. Manufacturer's Indemnity" was read as part of section 10
    text = f"10. Limitation of Liability.\n{BODY}\n12. Manufacturer's Indemnity\n{BODY}\n"
    assert titles(text) == ["10. Limitation of Liability.", "12. Manufacturer's Indemnity"]


def test_heading_run_into_the_first_sentence() -> None:
    text = f"1. RIGHTS GRANTED 1.1. Licensor grants a license. {BODY}\n2. Term. This runs. {BODY}"
    secs = find_sections(text, PATTERN, 200, 6000)
    assert [s.title for s in secs] == ["1. RIGHTS GRANTED", "2. Term."]
    assert secs[0].body.startswith("1. RIGHTS GRANTED 1.1. Licensor grants")


def test_article_with_its_name_on_the_next_line() -> None:
    text = f"ARTICLE IV\nTERM AND TERMINATION\n{BODY}\nARTICLE V\n{BODY}"
    secs = find_sections(text, PATTERN, 200, 6000)
    # the name joins the label on one line, so the section opens with its title
    assert secs[0].title == "ARTICLE IV TERM AND TERMINATION"
    assert secs[0].body.startswith("ARTICLE IV TERM AND TERMINATION\n")
    assert secs[1].title == ""  # a bare "ARTICLE V" is no target


@pytest.mark.parametrize(
    "text",
    [
        f"ARTICLE IV\n{BODY}",
        f"12.\n{BODY}",
        f"Section 8116\n{BODY}",
        f"Section 1.01 Definitions 1\n{BODY}",  # a table-of-contents line (page number)
        f"1 │ Page\n{BODY}",  # a page footer
    ],
)
def test_a_label_without_a_name_is_never_a_title(text: str) -> None:
    assert all(t == "" for t in titles(f"Preamble. {BODY}\n{text}"))


def test_inline_statute_reference_does_not_split() -> None:
    text = (
        f"1. Compliance.\n{BODY} as required by the Act. Section 8116 of the Code applies. {BODY}"
    )
    assert titles(text) == ["1. Compliance."]


def test_title_readers() -> None:
    assert read_name("  Manufacturer's Indemnity\nx", 0) == ("Manufacturer's Indemnity", 26)
    assert read_name(" APPOINTMENT. NAI shall act", 0) == ("APPOINTMENT.", 13)
    assert read_name(" Intellectual Property    6.1 During the Term", 0) == (
        "Intellectual Property",
        22,
    )
    assert read_name(" to the Buyer within ten days of delivery", 0) is None


DOC = ["PREAMBLE " + BODY, "", "1. DEFINITIONS", BODY, "", "", "2. TERM", BODY]


def test_sections_know_their_line() -> None:
    secs = find_sections("\n".join(DOC) + "\n", PATTERN, 200, 6000)
    assert [(s.line, s.title) for s in secs] == [(1, ""), (3, "1. DEFINITIONS"), (7, "2. TERM")]
    cut = find_sections("1. TERM\n" + "\n\n".join([BODY] * 6), PATTERN, 200, 700)
    assert [s.line for s in cut] == [1, 6, 10]
    assert [s.title for s in cut] == ["1. TERM", "", ""]  # only the first opens with it


def test_sections_titles_and_no_sections(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "k.txt").write_text("\n".join(DOC) + "\n")
    (docs / "flat.txt").write_text(("No headings in this letter at all. " * 20) + "\n")
    ingest([docs], "contracts", tmp_path / "ws", rules=None)
    ws = Workspace(tmp_path / "ws")
    secs = ws.read_table("ingest", "records").filter(pl.col("layout") == "contract_documents")
    assert secs["section_title"].to_list() == [None, "1. DEFINITIONS", "2. TERM"]
    # each section's source is the line it starts on, not the document's first line
    assert secs["source"].to_list() == [f"{docs / 'k.txt'}:{n}" for n in (1, 3, 7)]
    rejects = ws.read_table("ingest", "rejects")
    assert rejects.select("source", "reason").rows() == [(f"{docs / 'flat.txt'}:1", "no_sections")]
    assert rejects["message"][0].startswith("no section heading found in this document (701 ")
