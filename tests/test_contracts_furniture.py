"""Page furniture out of contract text (curate/ingest/layouts/furniture.py, the contracts
schema's ``furniture`` lists), and long sections cut only between words (session 14: session
13's real export held EDGAR footers and "Page 9" lines in 1,963 examples and sections cut
mid-word, "... may be b")."""

from __future__ import annotations

import csv
import itertools
import re
from pathlib import Path

import polars as pl
import pytest

from curate import ingest
from curate.errors import SchemaError
from curate.ingest.layouts.furniture import compile_furniture, strip_furniture
from curate.ingest.layouts.sections import cut_point, find_sections
from curate.schema import load_schema
from curate.user_regex import compile_user
from curate.workspace import Workspace
from tests.conftest import realdata

LAYOUT = load_schema("contracts").layouts[1]
PATTERN = compile_user(LAYOUT.section_pattern or "")
FURNITURE = compile_furniture(LAYOUT.furniture)
BODY = "The parties agree to the terms set out here in full and without reservation. " * 4
FOOTERS = ("Source:", "Page 9", "-3-", "EDGE-FTE", "Page 2 of 4")


def test_edgar_footers_and_page_lines_are_cut_out() -> None:
    text = (
        f"1. Term.\n{BODY}\n\n-3-\n\nSource: EDGE THERAPEUTICS, 8-K, 3/12/2010\n\n\n\n"
        f'2. Notices.\n{BODY}\n\nSTRATEGIC ALLIANCE AGREEMENT "EDGE-FTE"  Page 9\n\n'
        f"3. Fees.\nInvoices are due in thirty days.   2   Source: ACME, INC., 10-Q, 11/1/2019   "
        f"Late invoices bear interest.\n\n   Page 2 of 4\n\n{BODY}\n"
    )
    secs = find_sections(text, PATTERN, 200, 6000, FURNITURE)
    assert [s.title for s in secs] == ["1. Term.", "2. Notices.", "3. Fees."]
    for sec in secs:
        assert not any(f in sec.body for f in FOOTERS), sec.body
    assert "Invoices are due in thirty days. Late invoices bear interest." in " ".join(
        secs[2].body.split()
    )
    assert [s.line for s in secs] == [1, 10, 15]  # lines are those of the text as written


def test_a_sentence_broken_by_a_page_end_reads_as_one() -> None:
    text = "the parties shall meet and confer   5\n\n\n\n   in good faith; such"
    assert " ".join(strip_furniture(text, FURNITURE).split()) == (
        "the parties shall meet and confer in good faith; such"
    )
    cut = "ends before -28-\n\nSource: UPJOHN INC, 10-12G, 1/21/2020\n\n\n\n\n\nthan eighty"
    assert strip_furniture(cut, FURNITURE) == "ends before than eighty"


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        # a page number after a sentence's end, alone on its line or at the line's end
        ("as so supplemented. 20\n\nNext", "as so supplemented. \n\nNext"),
        ("provided by PNC.\n\n2\n\n3. Term", "provided by PNC.\n\n\n\n3. Term"),
        ("Pricing 5.   Page 2 of 85\nmore", "Pricing 5.\nmore"),
    ],
)
def test_bare_page_numbers_go(text: str, clean: str) -> None:
    assert strip_furniture(text, FURNITURE) == clean


@pytest.mark.parametrize(
    "text",
    [
        "AMENDMENT NO. 2\n\nDated as of March 27, 2006",
        "Fees:\n\n100\n\n200",
        "Payment is due on Page 3 of the order form, which the parties signed.",
        "as described on Page 3 of the Schedule",
        "Section 9 applies to the Source Code.",
        "Source: the Licensor's records, as kept in the ordinary course.",
        "Year 1   500\n\nYear 2   600",
    ],
)
def test_contract_text_is_not_furniture(text: str) -> None:
    assert strip_furniture(text, FURNITURE) == text


def _cuad(root: Path, doc: str, span: str) -> Path:
    data = root / "legal"
    (data / "txt").mkdir(parents=True)
    with (data / "master_clauses.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Filename", "Document Name", "Document Name-Answer", "Audit Rights"])
        w.writerow(["ACME-SUPPLY.PDF", "['SUPPLY']", "SUPPLY", str([span])])
    (data / "txt" / "ACME-SUPPLY.txt").write_text(doc)
    return data


def test_a_span_across_a_page_footer_is_still_found_and_every_row_counts(tmp_path: Path) -> None:
    """CUAD's spans quote the text files, footers included: both lose them, so the section
    holding the span still gets its risk answer; no row is lost to the clean-up."""
    audit = (
        "Buyer may audit the books and records of Seller\n\n"
        "Source: ACME CORP, 8-K, 3/12/2010\n\n\n\nonce a year on thirty days' notice."
    )
    doc = f"SUPPLY between Acme and Buyer. {BODY}\n\n1. Records.\n{audit} {BODY}\n"
    data = _cuad(tmp_path, doc, audit)
    ingest([data / "master_clauses.csv", data / "txt"], "contracts", tmp_path / "ws", rules=None)
    ws = Workspace(tmp_path / "ws")
    recs = ws.read_table("ingest", "records")
    assert recs.height > 0 and ws.read_table("ingest", "rejects").height == 0
    assert recs["n_rows"].sum() == 2  # the CSV row and the text file: each ends in records
    for text in recs["clause_text"].drop_nulls():
        assert "Source:" not in text
    section = recs.filter(pl.col("section_title") == "1. Records.")
    assert section["risk"].to_list() == [
        'Audit rights: "Buyer may audit the books and records of Seller once a year on thirty '
        "days' notice.\""
    ]
    clause = recs.filter(pl.col("layout") == "cuad_wide")["clause_text"].to_list()
    assert (
        "Buyer may audit the books and records of Seller once a year on thirty days' notice."
        in (clause)
    )


def test_a_furniture_pattern_that_does_not_compile_names_its_item(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        'name = "x"\n[fields.text]\ntext = true\n[[layouts]]\nname = "d"\n'
        "kind = \"document_sections\"\nfurniture = ['^Page \\\\d+$', '([']\n"
    )
    with pytest.raises(SchemaError, match=r"furniture.*invalid regex \(item 2\)") as err:
        load_schema(path)
    assert str(path) in str(err.value) and err.value.exit_code == 2


# -- long sections are cut between words -------------------------------------------------------

SENTENCES = "The Supplier shall deliver the goods to the Buyer within ten days. " * 30  # 2,040


def test_a_long_paragraph_is_cut_at_a_sentence_end() -> None:
    text = f"1. Delivery.\n{SENTENCES}\n"
    secs = find_sections(text, PATTERN, 200, 700)
    assert len(secs) > 2
    for sec in secs:
        assert len(sec.body) <= 700
        assert sec.body.endswith("days."), sec.body[-30:]
    assert " ".join(" ".join(s.body.split()) for s in secs) == " ".join(text.split())


def test_text_without_a_sentence_end_is_cut_at_a_space() -> None:
    words = " ".join(f"item{i}" for i in range(400))  # a list with no full stop (a PDF table)
    secs = find_sections(f"1. Schedule.\n{words}\n", PATTERN, 200, 700)
    pieces = [w for s in secs for w in s.body.split()]
    assert pieces == ["1.", "Schedule.", *words.split()]  # no word cut in two


@pytest.mark.parametrize(
    ("body", "limit", "cut"),
    [
        ("a" * 300 + ". " + "b" * 300 + ".\n\n" + "c" * 600, 800, 603),  # paragraph first
        # a blank line inside a sentence (a double-spaced page) is no place to cut
        ("a" * 300 + ". " + "b" * 300 + "\n\n" + "c" * 600, 800, 301),
        ("word " * 200, 100, 99),  # a space, not inside "word"
        ("x" * 1000, 100, 100),  # one word longer than the limit: no choice
    ],
)
def test_cut_point(body: str, limit: int, cut: int) -> None:
    assert cut_point(body, limit) == cut


def test_real_cuad_sections_are_never_cut_mid_word() -> None:
    folder = realdata("legal", "cuad_full_contract_txt")
    files = sorted(folder.glob("*.txt"))[:80]
    cuts = 0
    for path in files:
        text = path.read_text("utf-8", errors="replace").replace("\r\n", "\n")
        secs = find_sections(text, PATTERN, 200, LAYOUT.max_section_chars, FURNITURE)
        for a, b in itertools.pairwise(secs):
            if b.title:
                continue
            cuts += 1
            assert not (re.search(r"\w$", a.body) and re.match(r"[a-z]", b.body)), (
                path.name,
                a.body[-40:],
                b.body[:40],
            )
    assert cuts > 10


WIDE = load_schema("contracts").layouts[0]


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        # session 14 reader: a bare page number on its own line between paragraphs of prose
        (
            "Attention: General Counsel of Ceres\n\n7\n\nAny Party may change its address by "
            "notice to the other Party.",
            "Attention: General Counsel of Ceres\n\nAny Party may change its address by "
            "notice to the other Party.",
        ),
        # ... and a sentence broken across it reads as one
        (
            "upon payment of the applicable cure payment, if any, to the applicable\n\n6\n\n\n\n"
            "counterparty, automatically be deemed assigned",
            "upon payment of the applicable cure payment, if any, to the applicable "
            "counterparty, automatically be deemed assigned",
        ),
        (
            "Notice of the Term shall be given in writing by either Party to the\n\n1\n\nFund "
            "and its administrator within ten days.",
            "Notice of the Term shall be given in writing by either Party to the\n\nFund "
            "and its administrator within ten days.",
        ),
        # a document system's id, with the page number before it
        (
            "or any successor agency thereto\n\n38\n\nUS-DOCS\\105216871.19\n\n"
            "having the administrative authority",
            "or any successor agency thereto having the administrative authority",
        ),
        (
            "Omitted pursuant to Item 601(a)(5)\n\n48 US-DOCS\\112944285.3",
            "Omitted pursuant to Item 601(a)(5)\n\n",
        ),
        # a signature page's note
        (
            "shall remain unchanged.\n\n[Signature Page Follows]\n\nIN WITNESS WHEREOF",
            "shall remain unchanged.\n\n\n\nIN WITNESS WHEREOF",
        ),
        ("Title: Director [Signature Page to Cooperation Agreement]", "Title: Director"),
        ("in full force and effect.   [signature page follows]   33", "in full force and effect."),
        # a running title glued to a line of text with its page footer
        (
            "IP shall belong to IGER, and CERES shall not         CERES-IGER Collaboration "
            "Agreement    Page 7 of 75\n\n\n\nacquire any interest in the same",
            "IP shall belong to IGER, and CERES shall not acquire any interest in the same",
        ),
        (
            "ATR form ref. 7-4    AZUL-ATR   Global Maintenance Master Agreement DS/CS-3957/14/Issue"
            " 7    Page 3 of 9\n\nNext",
            "ATR form ref. 7-4\n\nNext",
        ),
    ],
)
def test_page_numbers_ids_and_signature_notes_go(text: str, clean: str) -> None:
    assert strip_furniture(text, FURNITURE) == clean
    assert strip_furniture(text, compile_furniture(WIDE.furniture)) == clean  # CUAD's spans too


@pytest.mark.parametrize(
    "text",
    [
        # a table's cells: numbers between short lines
        "Louisville Gas and Electric Co.\n\nMarion\n\nKy\n\n2\n\nD\n\n100\n\n51,000",
        # a list's numbers before short lines, a TOC's page numbers
        "The following items are excluded from the scope\n\n1\n\nSoftware\n\n2\n\nHardware",
        "  7.5\n\n  Insurance\n\n  26\n\n  8\n\n  Intellectual Property\n\n  26",
        # a number after a short line (a label, a cell) and before prose
        "Royalty\n\n5\n\nThe Licensee shall pay the royalty within thirty days of each quarter.",
        # the number is part of the sentence ("... Article\n7 of the Code")
        "the rights described in the Article\n7 of the Code shall apply to all Parties hereto.",
        # a signature line, no page note
        "By: [signature]\n\nName: John Smith",
        "CUSIP No. 123456789\n\nthe Shares",
        "as set out in the Supply Agreement on Page 3 of 9 hereto",
    ],
)
def test_numbers_in_tables_lists_and_text_stay(text: str) -> None:
    assert strip_furniture(text, FURNITURE) == text


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        # the SEC's redaction legends repeated on each page (session 14: 'Confidential Treatment
        # Requested by Achaogen, Inc. and records upon reasonable notice' opened sections)
        (
            "[ * ] = Certain confidential information contained in this document, marked by "
            "brackets, has been omitted and filed separately with the Securities and Exchange "
            "Commission pursuant to Rule 24b-2 of the Securities Exchange Act of 1934, as "
            "amended.\n\nNext",
            "\n\nNext",
        ),
        (
            "Confidential Treatment Requested by Achaogen, Inc. and records upon reasonable notice",
            "and records upon reasonable notice",
        ),
        ("***Confidential Treatment Requested   72\n\nThe Seller", "\n\nThe Seller"),
        (
            "agree as follows:   * Confidential treatment has been requested for certain portions "
            "of this Exhibit. The confidential portions of this Exhibit have been omitted and "
            "filed separately with the Securities and Exchange Commission. Such portions have been "
            'marked with "****" at the exact place where material has been omitted.\n\n1. Term',
            "agree as follows:   \n\n1. Term",  # the run of spaces before it stays
        ),
    ],
)
def test_redaction_legends_go(text: str, clean: str) -> None:
    assert strip_furniture(text, FURNITURE).strip(" ") == clean


@pytest.mark.parametrize(
    "text",
    [
        "Schedule 4, which consists of 17 pages, is intentionally omitted because confidential "
        "treatment has been requested pursuant to Rule 24b-2 with the Commission.",
        "The Company shall seek confidential treatment of the terms hereof.",
        "Each Party shall keep the Confidential Information secret.",
    ],
)
def test_sentences_about_confidential_treatment_stay(text: str) -> None:
    assert strip_furniture(text, FURNITURE) == text
