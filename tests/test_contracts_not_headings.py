"""Names read after a heading's label that are no heading (session 14's fresh-eyes read of the
real CUAD export, 16% of section_heading's answers): a cross-reference in a survival list
("Section 2.2 (Permitted Use); Section 2.7 ..." gave the answer "(Permitted Use)"), a party's
short name opening a numbered sentence ("1. NAI will make ..." gave "NAI"), a table's column
("28   IGER   Send samples" gave "IGER"), a notice's address line ("7 Mail to: Twentieth
Century Fox ..."). The text of such a section is kept for the other tasks."""

from __future__ import annotations

import pytest

from curate.ingest.layouts.headings import read_name
from curate.ingest.layouts.sections import find_sections
from curate.schema import load_schema
from curate.user_regex import compile_user

LAYOUT = load_schema("contracts").layouts[1]
PATTERN = compile_user(LAYOUT.section_pattern or "")
BODY = "The parties agree to the terms set out here in full and without reservation. " * 4


def _titles(doc: str) -> list[str]:
    return [s.title for s in find_sections(doc, PATTERN, 200, 6000)]


def _words(doc: str) -> str:
    return " ".join(" ".join(s.body for s in find_sections(doc, PATTERN, 200, 6000)).split())


def test_a_survival_list_of_references_is_no_heading() -> None:
    doc = (
        f"14. Survival. {BODY}The following shall survive: Section 2.2 (Permitted Use); "
        "Section 2.7 (Subcontracting by Bellicum); Article 10 (Intellectual Property); "
        f"Article 11 (Warranty) and Article 1 (Definitions), Section 4.1 (Manufacture).\n\n"
        f"Section 8 (Risk of Loss and Insurance)\n\n\nSection 9 (Confidentiality).\n\n"
        f"and Premier shall remain liable. {BODY}\n"
    )
    assert _titles(doc) == ["14. Survival."]
    assert "Section 2.2 (Permitted Use); Section 2.7" in _words(doc)


def test_a_bracketed_heading_standing_alone_is_kept() -> None:
    doc = f"Preamble. {BODY}\n\nSection 2.1 (Definitions)\n\n{BODY}\n"
    assert _titles(doc) == ["", "Section 2.1 (Definitions)"]


@pytest.mark.parametrize(
    "line",
    [
        "1. NAI will make five e-mail promotions during the fourth quarter of 1998. ",
        "7. MICOA shall be approved by MICOA in writing in advance. ",
        "12. TELKOM shall install the SOFTWARE only on the DESIGNATED UNIT. ",
        '6. "TRANSACTION USE" means the use of the SOFTWARE by TELKOM. ',
    ],
)
def test_a_party_opening_a_numbered_sentence_is_no_heading(line: str) -> None:
    doc = f"Preamble. {BODY}\n\n{line}{BODY}\n"
    assert _titles(doc) == ["", ""]  # the paragraph is still a section of its own
    assert line.strip() in _words(doc)


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("10. CONFIDENTIALITY: CLIENT shall keep all data secret. ", "10. CONFIDENTIALITY"),
        ("12. SUSPENSION OF WORK EDGE shall stop the work. ", "12. SUSPENSION OF WORK"),
        (
            "SECTION 5 REPRESENTATIONS AND WARRANTIES OF PLIC PLIC represents that ",
            "SECTION 5 REPRESENTATIONS AND WARRANTIES OF PLIC",
        ),
        (
            "12. WARRANTIES AND REPRESENTATIONS A. CONTENT PROVIDER represents that ",
            "12. WARRANTIES AND REPRESENTATIONS",
        ),
        # a clause's letter or a small word between capitals goes on with no sentence
        ('1. DEFINITIONS a. "Affiliate" means an entity. ', "1. DEFINITIONS"),
        ("ARTICLE 6 - TERM and TERMINATION of AGREEMENT 6.1 Term. ", "ARTICLE 6 - TERM"),
    ],
)
def test_the_name_ends_before_the_sentences_subject(line: str, title: str) -> None:
    doc = (
        f"Preamble. {BODY} EDGE and PLIC may notify EDGE in writing; CONTENT PROVIDER and "
        f"PLIC agree.\n\n{line}{BODY}\n"
    )
    assert _titles(doc) == ["", title]


def test_a_capitals_word_the_text_uses_as_a_name_is_no_heading() -> None:
    used = frozenset(["IGER"])
    assert read_name("   IGER   Send selected samples to Ceres", 0, used) is not None
    doc = (
        f"1. Term. {BODY} Samples go to Ceres and IGER to harmonise the analysis.\n\n"
        f"28          IGER         Send  selected  samples to  Ceres for analysis {BODY}\n"
    )
    assert _titles(doc) == ["1. Term."]
    assert "28 IGER Send selected samples" in _words(doc)


def test_a_tables_column_is_no_heading() -> None:
    rows = "".join(
        f"{n}         CIGER         Set protocols for the analysis of samples\n\n"
        for n in (24, 29, 30, 34)
    )
    doc = f"Preamble. {BODY}\n\n{rows}{BODY}\n\n7 Supply of Ingredients\n\n{BODY}\n"
    assert _titles(doc) == ["", "7 Supply of Ingredients"]


@pytest.mark.parametrize(
    "line",
    [
        "7 Mail to: Twentieth Century Fox Licensing & Merchandising Total Net Sales\n\n",
        "2. If to the Depositor:\n\n",
        "3. Attention: General Counsel\n\n",
    ],
)
def test_a_notice_address_line_is_no_heading(line: str) -> None:
    doc = f"1. Term. {BODY}\n\n{line}{BODY}\n"
    assert _titles(doc)[0] == "1. Term."
    assert set(_titles(doc)[1:]) <= {""}
    assert line.split()[1] in _words(doc)


def test_a_table_of_contents_entry_is_no_heading() -> None:
    toc = (
        "ARTICLE IX CONFIDENTIALITY; RESTRICTIVE COVENANTS 28 9.1 Confidentiality 28 9.2 "
        "Exclusivity 31 9.3 Restrictions on Promotions 31 9.4 Limitation on Soliciting "
        "Employees 31\n\nARTICLE X INTELLECTUAL PROPERTY 32 10.1 Use of Trademarks 32 10.2 "
        "Ownership of Intellectual Property Rights 33 10.3 Patent Prosecution 33\n\n"
    )
    doc = f"Preamble. {BODY}\n\n{toc}ARTICLE IX CONFIDENTIALITY\n\n{BODY}\n"
    secs = find_sections(doc, PATTERN, 200, 6000)
    assert [s.title for s in secs] == ["", "", "ARTICLE IX CONFIDENTIALITY"]
    assert "9.1 Confidentiality 28" in secs[1].body  # the text stays


def test_a_section_with_clause_numbers_is_no_table_of_contents() -> None:
    body = (
        "9.1 Confidentiality. Each Party shall keep the other's information secret for 5 years "
        "after the Term. 9.2 Exclusivity. During the Term the Distributor shall not sell any "
        "competing product in the Territory for 3 years. 9.3 Promotions. No Party shall promote "
        "a competing product within 30 days. "
    )
    doc = f"Preamble. {BODY}\n\nARTICLE IX CONFIDENTIALITY\n\n{body}{BODY}\n"
    assert _titles(doc) == ["", "ARTICLE IX CONFIDENTIALITY"]
