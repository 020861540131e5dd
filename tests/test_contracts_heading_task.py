"""The contracts section_heading task (session 14, read in session 13's real export): the answer
is the heading's name without its number (the number is nowhere in the text the model sees), the
input never opens with the colon the heading ended with, and a capitals heading of two titles
("6. CONFIDENTIALITY. PUBLICATIONS.") is read whole, not cut into a title and a stray line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from curate.export import export, templates
from curate.ingest import ingest
from curate.ingest.layouts.headings import read_name
from curate.ingest.layouts.sections import find_sections
from curate.schema import load_schema
from curate.user_regex import compile_user

LAYOUT = load_schema("contracts").layouts[1]
PATTERN = compile_user(LAYOUT.section_pattern or "")
BODY = "The parties agree to the terms set out here in full and without reservation. " * 4
DEFECT = (
    "Subcontractor agrees to promptly notify EDGE upon learning of any material defect in the "
    "Products. " + BODY
)


def _headings(tmp_path: Path, doc: str) -> list[tuple[str, str]]:
    """(input text, answer) of every section_heading example of ``doc`` run through ingest and
    export with the built-in contracts schema."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "k.txt").write_text(doc)
    ingest([docs], "contracts", tmp_path / "ws", rules=None)
    export(tmp_path / "ws", out=tmp_path / "out", val_fraction=0, metadata=True)
    out = []
    for line in (tmp_path / "out" / "train.jsonl").read_text().splitlines():
        ex = json.loads(line)
        if ex["metadata"]["id"].endswith(":section_heading"):
            user = ex["messages"][1]["content"].split("\n\n", 1)[1]
            out.append((user, ex["messages"][2]["content"]))
    return out


def test_the_answer_is_the_heading_without_its_number(tmp_path: Path) -> None:
    doc = (
        f"Preamble. {BODY}\n\n20. NOTICE OF MATERIAL DEFECTS\n\n{DEFECT}\n\n"
        f"ARTICLE IV - TERM AND TERMINATION\n\n{BODY}\n\n12.\n\n{BODY}\n"
    )
    got = _headings(tmp_path, doc)
    assert sorted(a for _, a in got) == ["NOTICE OF MATERIAL DEFECTS", "TERM AND TERMINATION"]
    for user, _ in got:
        assert not user.startswith(("20", "ARTICLE", "-", "12"))


def test_the_input_never_opens_with_the_headings_colon(tmp_path: Path) -> None:
    doc = f"Preamble. {BODY}\n\n7. REPORTS:\n\nAll reports shall be delivered monthly. {BODY}\n"
    assert _headings(tmp_path, doc) == [
        (f"All reports shall be delivered monthly. {BODY}".strip(), "REPORTS")
    ]


@pytest.mark.parametrize(
    ("heading", "name"),
    [
        ("20. NOTICE OF MATERIAL DEFECTS", "NOTICE OF MATERIAL DEFECTS"),
        ("ARTICLE IV TERM", "TERM"),
        ("ARTICLE 1 - INTERPRETATION", "INTERPRETATION"),
        ("Section 2.1 Term.", "Term"),
        ("1.0 DEFINITIONS", "DEFINITIONS"),
        ("IV. LICENSES", "LICENSES"),
        ("7. REPORTS:", "REPORTS"),
        ("20. YEAR 2000 COMPLIANCE", "YEAR 2000 COMPLIANCE"),
        ("SECTION 11 INDEMNIFICATION ; EXCLUSIONS", "INDEMNIFICATION; EXCLUSIONS"),
        ("Definitions", "Definitions"),
    ],
)
def test_heading_name(heading: str, name: str) -> None:
    assert templates.heading_name(heading) == name


@pytest.mark.parametrize("heading", ["12.", "ARTICLE IV", "Section 2.1", "", None])
def test_a_heading_that_is_only_a_number_gives_no_example(heading: str | None) -> None:
    with pytest.raises(templates.SkipExample) as err:
        templates.heading_name(heading)
    assert err.value.reason == "heading_only"


@pytest.mark.parametrize(
    ("line", "title"),
    [
        # CERES/IGER: "PUBLICATIONS." was left as the first line of section 6's text
        ("6.   CONFIDENTIALITY. PUBLICATIONS.\n\n6.1 ", "6. CONFIDENTIALITY. PUBLICATIONS."),
        ("4.   REMUNERATION. PAYMENT\n\n", "4. REMUNERATION. PAYMENT"),
        ("20.  YEAR 2000 COMPLIANCE\n\n", "20. YEAR 2000 COMPLIANCE"),
        (
            "SECTION 11 INDEMNIFICATION ; EXCLUSIONS ; LIMITATIONS\n\n",
            "SECTION 11 INDEMNIFICATION ; EXCLUSIONS ; LIMITATIONS",
        ),
        # a clause's letter after the name opens the text ("NOTICES A" was the answer)
        ("22. NOTICES   A. Any written notice shall be in writing. ", "22. NOTICES"),
        ("16. EXHIBIT A. Pricing\n\n", "16. EXHIBIT A."),
        # "Section" before a sub-number is that clause's label ("Indemnification. Section")
        ("7. Indemnification. Section 7.1. Indemnity by Licensee. ", "7. Indemnification."),
        # a capitals sentence going on to the next line is no title: the name ends at its period
        ("7. WARRANTY. EXCEPT AS EXPRESSLY\nPROVIDED HEREIN ", "7. WARRANTY."),
    ],
)
def test_a_capitals_heading_is_read_whole(line: str, title: str) -> None:
    secs = find_sections(f"Preamble. {BODY}\n\n{line}{BODY}\n", PATTERN, 200, 6000)
    assert [s.title for s in secs] == ["", title]


def test_a_sentence_in_capitals_after_the_name_stays_text() -> None:
    assert read_name(
        " APPOINTMENT. NAI SHALL ACT AS AGENT FOR THE COMPANY IN ALL MATTERS\n\n", 0
    ) == (
        "APPOINTMENT.",
        13,
    )
