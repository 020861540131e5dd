"""A capitalised word its record (or the run) uses as a role is no person (issue 18 item 1):
curate.rules.pii.terms, applied where names are resolved (resolve.py), and counted over a
run by the corpus pass (corpus.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest

from curate.errors import RulesError
from curate.rules import load_rule_pack
from curate.rules.pack import PiiRules
from curate.rules.pii import engine_for, words
from curate.rules.pii.corpus import CorpusCounts, with_corpus_not_names
from curate.rules.pii.engine import PiiEngine
from curate.rules.pii.terms import is_term, record_terms


def _redact(texts: list[str], rules: PiiRules, groups: list[int] | None = None) -> list[str]:
    """Placeholders as ingest writes them (one record per text unless ``groups``)."""
    engine = PiiEngine(rules)
    grp = np.arange(len(texts)) if groups is None else np.asarray(groups)
    scan = engine.scan(pl.Series(texts), grp, keep_values=True)
    return scan.redacted("placeholder", 0).to_list()


DEFAULT = load_rule_pack("default").pii
CONTRACTS = load_rule_pack("contracts").pii
LEGAL = DEFAULT.model_copy(update={"role_evidence": ["organisation", "defined", "determiner"]})
OFF = DEFAULT.model_copy(update={"role_evidence": []})


def test_a_company_name_in_the_record_makes_its_words_no_person() -> None:
    text = (
        "Licensor: Fox Mobile Entertainment, Inc.\n\n"
        "Licensee hereby grants to Fox a limited, non-exclusive license."
    )
    assert "[PERSON]" in _redact([text], OFF)[0]  # without the evidence: "to Fox" is a name
    assert "[PERSON]" not in _redact([text], DEFAULT)[0]
    # a firm named after its partners, and a body with a head noun
    firm = "with a copy to: Paul, Weiss, Rifkind, Wharton & Garrison LLP, New York"
    assert "Paul, Weiss" in _redact([firm], DEFAULT)[0]


def test_the_evidence_is_the_records_own() -> None:
    """Another record's company says nothing of this one's "Fox" (no corpus pass here)."""
    texts = ["Fox Mobile Entertainment, Inc. is the licensor.", "The fee goes to Fox today."]
    out = _redact(texts, DEFAULT)
    assert "Fox Mobile" in out[0] and "[PERSON]" in out[1]
    assert "[PERSON]" not in _redact(texts, DEFAULT, [0, 0])[1]  # one record: one evidence


def test_a_determiner_is_evidence_in_legal_text_only() -> None:
    clause = "The Licensee may sell in the Field. Parent shall pay Field royalties."
    assert "Field" in _redact([clause], LEGAL)[0]
    # in prose "the Jensen novel" names a person: the default pack takes no determiner
    prose = "Unlike the Jensen novel, it's not about ships. Jensen wrote it in May."
    assert "Jensen" not in _redact([prose], DEFAULT)[0]


def test_a_person_the_record_names_as_one_stays_a_person() -> None:
    """'Wade Enterprises, LLC' is a company, but the record also writes 'Dwight Wade' and
    'Mr. Wade': there Wade is a person."""
    text = (
        "Wade Enterprises, LLC and Dwight Wade agree. Payment to Wade within ten days. "
        "Mr. Wade shall attend."
    )
    out = _redact([text], LEGAL)[0]
    assert "to [PERSON] within" in out and "Mr. [PERSON]" in out


def test_signatures_and_notice_contacts_stay_redacted() -> None:
    text = (
        "ACME HOLDINGS, INC.\n\nBy: /s/ John Smith\nName: John Smith\nTitle: CEO\n\n"
        "Attention: Mary Jones, General Counsel"
    )
    out = _redact([text], CONTRACTS)[0]
    assert "John Smith" not in out and "Mary Jones" not in out


def test_contracts_signatures_anywhere_and_spread_through_the_record() -> None:
    """'/s/' signs a name wherever it is; the name is then redacted wherever else its record
    writes it ('Name: Anthony D'Amato' after a signature on the same line)."""
    text = (
        "PFIZER INC. By /s/ Michael Gladstone By /s/ Kevin Conroy\n"
        "By: /s/ Anthony D'Amato Name: Anthony D'Amato Title: CFO\n"
        "INATIONS CORP. By: /s/ A. Dale Mayo By: A. Dale Mayo Name:"
    )
    out = _redact([text], CONTRACTS)[0]
    for name in ("Gladstone", "Conroy", "Amato", "Mayo"):
        assert name not in out, out
    assert out.count("By ") == 2 and "Title: CFO" in out  # "By" is not taken into a name
    # seen in the CUAD export: a rule of underscores, a middle initial before a name written
    # again, two signatures in a row, a dash rule
    more = (
        "By: __/s/ Alex C. Sapir______ Name: Alex C. Sapir\n"
        "/s/ Jane Roe By /s/ John S. D'Orazio John S. D'Orazio, President\n"
        "/s/ Ann Lee /s/ Adam Epstein - ----------"
    )
    out = _redact([more], CONTRACTS)[0]
    for name in ("Sapir", "Roe", "Orazio", "Lee", "Epstein"):
        assert name not in out, out


def test_an_office_after_attention_is_no_person() -> None:
    """A notice block may address an office: 'Attention: Chief Financial Officer' (found on
    real CUAD exports; the held-out contracts sample had three such, see README.md)."""
    text = (
        "Attention: Chief Financial Officer\nTelephone: 908-559-5870\n"
        "Attn: General Counsel/Legal Affairs\nAttention: Corporate Affairs By\n"
        "Attention: Mary Jones, General Counsel"
    )
    out = _redact([text], CONTRACTS)[0]
    assert "Chief Financial Officer" in out and "General Counsel/Legal" in out
    assert "Corporate Affairs" in out and "Mary Jones" not in out


def test_a_company_in_a_signature_block_is_no_person() -> None:
    """'By: Blackstone Holdings III GP Management L.L.C.' (read in the CUAD export): the
    signature block's find 'Blackstone Holdings III' is checked against the record's
    organisation evidence like any other; a word in capitals ('III') is a role as written."""
    text = (
        "BLACKSTONE HOLDINGS III L.P.\n"
        "By: Blackstone Holdings III GP Management L.L.C., its general partner\n"
        "By: /s/ John G. Finley Name: John G. Finley Title: Chief Legal Officer"
    )
    out = _redact([text], CONTRACTS)[0]
    assert "By: Blackstone Holdings III GP Management L.L.C., its" in out, out
    assert "Finley" not in out, out
    w = words.load()
    assert is_term("Blackstone Holdings III", record_terms(text, w), w)


def test_a_brand_the_record_writes_to_is_no_person() -> None:
    """'Cox' alone where the record addresses @CoxHelp (or names Cox Communications) is the
    ISP; without such evidence a census name alone stays a person."""
    texts = [
        "@CoxHelp my internet is down again. Cox is the worst.",
        "Cox Communications is down. Called Cox twice.",
        "Cox is down",
    ]
    out = _redact(texts, DEFAULT)
    assert out[:2] == texts[:2], out
    assert out[2] == "[PERSON] is down", out


def test_is_term_counts_name_like_tokens_only() -> None:
    w = words.load()
    terms = record_terms('MS Software Image. Blue Hills Bank ("Bank").', w)
    assert is_term("Software Image", terms, w)  # "Image": a common word the check left
    assert is_term("Blue Hills", terms, w)
    assert is_term("SOFTWARE", terms, w)
    assert not is_term("Client and Keith", record_terms("the Client is", w), w)


def test_corpus_counts_role_words_across_the_run() -> None:
    """A word the run uses as a role in five times as many records as it uses it as a
    person's is a term run-wide; one used as a person's name as often is not."""
    texts = [f"Payment by Kitov Pharma Ltd. number {i}." for i in range(5)]
    texts += [f"Section {i}: the Company shall pay." for i in range(3)]
    texts += ["Andy North and the North America, Inc. team.", "Andy North signs."]
    counts = CorpusCounts()
    counts.add(pl.DataFrame({"text": texts}), ["text"])
    found = counts.role_words(1)
    assert "Kitov" in found and "Company" in found and "North" not in found
    assert "Company" not in counts.role_words(1, ["organisation"])  # only "the Company"
    pack = load_rule_pack("default")
    pack = pack.model_copy(update={"pii": pack.pii.model_copy(update={"corpus_min_records": 50})})
    run = with_corpus_not_names(pack, counts).pii
    assert "Kitov" in run.terms
    # a section that never names the company in full: "Kitov" is no person there
    assert "[PERSON]" in _redact(["The goods go to Kitov today."], pack.pii)[0]
    assert "[PERSON]" not in _redact(["The goods go to Kitov today."], run)[0]


def test_unknown_role_evidence_is_an_error_naming_the_key(tmp_path: Path) -> None:
    path = tmp_path / "pack.toml"
    path.write_text('name = "x"\nextends = "default"\n[pii]\nrole_evidence = ["nouns"]\n')
    with pytest.raises(RulesError, match=r"pii\.role_evidence"):
        load_rule_pack(path)


def test_contexts_with_no_name_cost_no_evidence() -> None:
    """The record's evidence is read only for records with a name find."""
    engine = engine_for(DEFAULT)
    scan = engine.scan(pl.Series(["no names here", "call 555-123-4567"]), keep_values=False)
    assert "[PERSON]" not in "".join(scan.redacted("placeholder", 0).to_list())


def test_contracts_a_printed_name_beside_a_signature() -> None:
    """'Print name:' in the middle of a signature line names the signatory (a CUAD export
    read in session 10 kept 'Print name: Darren Milliken' after two redacted signatures)."""
    text = "By: /s/ Ann Lee By: /s/ Bob Stone name: Bob Stone Print name: Darren Milliken\n"
    out = _redact([text], CONTRACTS)[0]
    assert "Milliken" not in out and "Print name: " in out, out
    # a company's name after 'Name:' is still no person where the record names the company
    company = "Company Name: Acme Widgets Corporation, a Delaware corporation"
    assert "Acme" in _redact([company], CONTRACTS)[0]


def test_contracts_signature_pages_as_cuad_writes_them() -> None:
    """Leaks read in the CUAD export at the end of session 10: an upper-case '/S/', a
    printed name after the signature on the same line, a name before its 'Print Name' label
    in a signature page's columns, a signature in capitals, an initial and a surname."""
    text = (
        "By: /S/ Bud Ward By: /S/ David R. Humble\n\nName: Bud Ward Name: David R. Humble\n"
        "By: /s/ Richard E. Kent Name: Richard Kent Title: Vice President\n"
        "SIGNED for and by behalf of ) By: /s/ Jane Roe ) David Stack Print Name\n"
        "By: /S/ DON W. CUMMINGS ---------- Name: Don W. Cummings\nName: J. Howard Name: Ann Lee\n"
    )
    out = _redact([text], CONTRACTS)[0]
    for name in ("Ward", "Humble", "Kent", "Stack", "Roe", "CUMMINGS", "Cummings", "Howard"):
        assert name not in out, out
    assert "Title: Vice President" in out and "Print Name" in out


def test_contracts_a_dates_year_is_no_postcode() -> None:
    """'September 2, 2010 Page 35' left '[ZIP] Page 35' (154 in the CUAD export): the
    contracts pack keeps dates, so the European postcode form saw the year; a postcode
    before its town is still one."""
    text = "Dated: March 3, 2019 Exhibit 10.1\nSeptember 2, 2010 Page 35\nHauptstr. 5, 10115 Berlin"
    out = _redact([text], CONTRACTS)[0]
    assert "March 3, 2019 Exhibit" in out and "2010 Page" in out, out
    assert "10115" not in out, out


def test_contracts_a_lawyer_a_contact_by_e_mail_a_witness_an_initialled_page() -> None:
    """Persons of CUAD's notice blocks and schedules (classes of the CUAD export's misses):
    'Name, Esq.', a name before its e-mail in brackets, 'WITNESS: Name', 'verified Name,
    date'; an office before an e-mail and a company after WITNESS stay text."""
    text = (
        "Copy to: Cooley LLP, Attn: Troy J. Rillo, Esq., New York\n"
        "GA Retail, Inc. Attn: Scott Carpenter (scarpenter@greatamerican.com) "
        "Alan Forman (aforman@brileyfin.com)\n"
        "Attention: General Counsel (jdangelo@acme.com)\n"
        "[*] 1 verified Wayne Cato, 07/08/99 [*]\n"
        "WITNESS: Paul Silas\nWITNESS:   Wade Enterprises, LLC\n"
    )
    out = _redact([text], CONTRACTS)[0]
    for name in ("Rillo", "Forman", "Cato", "Silas"):
        assert name not in out, out
    assert "General Counsel (" in out and "WITNESS:   Wade Enterprises, LLC" in out, out


def test_a_name_in_a_record_with_no_terms_is_checked_once_per_engine() -> None:
    """resolve.py caches is_term of a name found in a record that holds no role evidence
    (most support records), per engine and across scans; a record with evidence is not
    cached (its answer is its own)."""
    from curate.rules.pii.resolve import _no_terms

    engine = PiiEngine(DEFAULT)
    texts = ["Hi Sarah, thanks for waiting.", "Sarah Lee of Cox Communications, Inc. called"]
    for _ in range(2):
        engine.scan(pl.Series(texts), np.arange(2), keep_values=False)
    assert _no_terms(engine) == {"Sarah": False}
    assert _no_terms(PiiEngine(DEFAULT)) == {}


def test_contracts_a_signature_of_initials_and_a_surname() -> None:
    """'By: /s/ A.W. Bell' was left in the CUAD export read at the end of session 11: the
    signature form wanted a given name or a second word after the initials."""
    text = "By: /s/ A.W. Bell By: /s/ Kevin Conroy\nBy /s/ ILLEGIBLE\n/s/ J. K. Rowe, President"
    out = _redact([text], CONTRACTS)[0]
    for name in ("Bell", "Conroy", "Rowe"):
        assert name not in out, out
    assert "ILLEGIBLE" in out and "President" in out


def test_a_person_defined_by_surname_is_redacted_where_the_record_names_them() -> None:
    """'KENNETH TURPIN ("Turpin")' (read in the CUAD export of session 11: the preamble and
    every "Turpin" after it were left): the full name and the surname defined from it are a
    person's, wherever the record writes them; a body or a term defined so is not ('Fitch
    Ratings ("Fitch")' takes its first word, 'This Supply Agreement ("Agreement")' names no
    person), and a person defined by a role keeps the role ('("Endorser")'). A company named
    after a person ('Bob Stallings Racing') stays redacted as the person's name."""
    text = (
        "This Agreement is made by and between VISUALANT INCORPORATED, a Nevada corporation "
        '(the "Company") and KENNETH TURPIN ("Turpin").\n\nWHEREAS, Turpin has developed the '
        "Technology.\n\n10. Successors. This Agreement is binding upon Turpin and his heirs."
    )
    out = _redact([text], CONTRACTS)[0]
    assert "TURPIN" not in out and "Turpin" not in out, out
    assert 'corporation (the "Company")' in out and "binding upon [PERSON] and" in out
    others = (
        'This Supply Agreement ("Agreement") is between Fitch Ratings ("Fitch") and Acme '
        'Widgets ("AW"), from the Effective Date ("Term"); Fitch shall pay. Arnold '
        'Schwarzenegger ("Endorser") shall appear. JAMES W. NANTZ III ("Nantz") agrees; Nantz '
        'shall golf. Bob Stallings Racing ("Racing") races.'
    )
    out = _redact([others], CONTRACTS)[0]
    for kept in (
        'Supply Agreement ("Agreement")',
        'Fitch Ratings ("Fitch")',
        "Fitch shall",
        'Acme Widgets ("AW")',
        'Effective Date ("Term")',
        '[PERSON] ("Endorser")',
        '("Racing") races',  # a company's word: no surname to spread
    ):
        assert kept in out, (kept, out)
    assert "Nantz" not in out and "NANTZ" not in out and "Arnold" not in out


def test_inventor_lists_are_persons() -> None:
    """A patent schedule's inventors, as CUAD writes them ("Chen, Suzanne; & Huang, M.H. Mu-
    Hsiang", missed in tests/data/pii_labels/cuad.jsonl), after an inventor's label, and an
    author after 'authored by' ('Frank D.P. Ellis', missed there too)."""
    texts = [
        "United States 11/414,612 2007-0266286 7516385 Chen, Suzanne; & Kim, Jae-Hyeong; & "
        "Tseng, Chih-Chiang 24-Apr-06 Minimized line skew generator.",
        "Patent 7,123,456. Inventors: John A. Smith; Mary Lee. Filed 2004.",
        'the book "Super Health", authored by Frank D.P. Ellis and Dr. Michael Tait M.D.',
        "governed by the laws of Delaware, Inc.; New York, Texas; performed by Valeant Labs",
    ]
    out = _redact(texts, CONTRACTS)
    assert "7516385 [PERSON] 24-Apr-06" in out[0], out[0]
    assert "Inventors: [PERSON]. Filed" in out[1], out[1]
    assert "authored by [PERSON] and" in out[2], out[2]
    assert out[3] == texts[3]


def test_two_signatories_on_one_printed_name_line_are_persons() -> None:
    """'Printed name: William Hedden and Steven Kay' (CUAD export, session 12: the second name
    was left, and with it 'by William Hedden and Steven Kay' above); a label after 'and' is
    no name."""
    text = (
        "SOLAR TAX PARTNERS 1, LLC\n\nBy: /s/ HEK Partners, LLC by William Hedden and Steven "
        "Kay\n\nPrinted name: William Hedden and Steven Kay\n\nTitle: Members"
    )
    out = _redact([text], CONTRACTS)[0]
    assert "Kay" not in out and "Hedden" not in out, out
    assert _redact(["Name: John Smith and Title: CEO"], CONTRACTS)[0] == (
        "Name: [PERSON] and Title: CEO"
    )
