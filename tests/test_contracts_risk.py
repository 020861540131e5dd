"""The contracts risk task on CUAD's annotation (issue 20 items 1, 2, 4): spans labelled with
every category that lists them, risk answers with quoted evidence and real "None" answers,
metadata as value extraction, and one leak group per contract across the CSV and its text."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from curate import ingest
from curate.ingest.layouts.labels import ContractSpans, file_key, squash
from curate.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
CAP = (
    "EXCEPT FOR OBLIGATIONS UNDER SECTION 4.2, IN NO EVENT SHALL SELLER'S LIABILITY EXCEED THE "
    "TOTAL AMOUNT RECEIVED BY SELLER DURING THE PREVIOUS SIX (6) MONTHS."
)
AUDIT = "Buyer may audit the books and records of Seller once a year on thirty days' notice."
LICENSE = "Seller grants Buyer a non-exclusive license to use the Marks in the Territory."
LAW = "This Agreement is governed by the laws of the State of Nevada."
FILLER = "The parties shall cooperate in good faith on the matters set out in this Section. " * 4
COLUMNS = [
    "Filename",
    "Document Name",
    "Document Name-Answer",
    "Governing Law",
    "Governing Law-Answer",
    "License Grant",
    "License Grant-Answer",
    "Audit Rights",
    "Audit Rights-Answer",
    "Uncapped Liability",
    "Uncapped Liability-Answer",
    "Cap On Liability",
    "Cap On Liability-Answer",
    "Insurance",
    "Insurance-Answer",
]


def _cuad(root: Path) -> Path:
    data = root / "legal"
    (data / "txt").mkdir(parents=True)
    with (data / "master_clauses.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        w.writerow(
            [
                "ACME'S,INC-SUPPLY AGREEMENT.PDF",
                "['SUPPLY AGREEMENT']",
                "SUPPLY AGREEMENT",
                str([LAW]),
                "Nevada",
                str([LICENSE]),
                "Yes",
                str([AUDIT]),
                "Yes",
                str([CAP]),  # CSV row 524's case: the carve-out makes it uncapped too
                "Yes",
                str([CAP]),
                "Yes",
                "[]",
                "No",
            ]
        )
    sections = [
        "SUPPLY AGREEMENT between Acme and Buyer. " + FILLER,
        f"1. Licence.\n{LICENSE} {FILLER}",
        f"2. Records.\n{AUDIT} {FILLER}",
        f"3. Liability.\n{CAP} {FILLER}",
        f"4. Notices.\n{FILLER}",
        f"5. Governing Law.\n{LAW} {FILLER}",
        f"6. Counterparts.\n{FILLER}",
    ]
    (data / "txt" / "ACME_S,INC-SUPPLY AGREEMENT.txt").write_text("\n\n".join(sections) + "\n")
    return data


def _run(tmp_path: Path, schema: str | Path = "contracts") -> pl.DataFrame:
    data = _cuad(tmp_path)
    ingest([data / "master_clauses.csv", data / "txt"], schema, tmp_path / "ws", rules=None)
    records: pl.DataFrame = Workspace(tmp_path / "ws").read_table("ingest", "records")
    return records


def test_one_span_many_labels_and_no_yes_answers(tmp_path: Path) -> None:
    recs = _run(tmp_path).filter(pl.col("layout") == "cuad_wide")
    cap = recs.filter(pl.col("clause_text") == CAP)
    assert cap.height == 1  # one example, not one per column with conflicting labels
    # classify_clause and flag_risk name a category the same way
    assert cap["clause_type"][0] == cap["risk"][0] == "Uncapped liability; Cap on liability"
    assert recs.filter(pl.col("clause_text") == AUDIT)["risk"].to_list() == ["Audit rights"]
    # CUAD's Yes/No columns only say whether spans exist: never an answer
    assert set(recs["answer"].drop_nulls()) == {"Nevada"}
    assert "SUPPLY AGREEMENT" not in recs["clause_text"].to_list()  # a name is no clause
    law = recs.filter(pl.col("value_type") == "Governing Law")
    assert law.select("clause_text", "answer", "clause_type").rows() == [(LAW, "Nevada", None)]


def test_sections_get_quoted_evidence_and_real_none(tmp_path: Path) -> None:
    recs = _run(tmp_path).filter(pl.col("layout") == "contract_documents")
    by_title = dict(zip(recs["section_title"].to_list(), recs["risk"].to_list(), strict=True))
    assert by_title["2. Records."] == f'Audit rights: "{AUDIT}"'
    assert by_title["3. Liability."].splitlines() == [
        f'Uncapped liability: "{CAP}"',
        f'Cap on liability: "{CAP}"',
    ]
    nones = [t for t, r in by_title.items() if r == "None"]
    rest = [t for t, r in by_title.items() if r is None]
    # 2 positive sections, ratio 1: 2 of the 5 sections without a risk clause answer None
    assert len(nones) == 2 and len(rest) == 3


def test_negative_ratio_is_configurable(tmp_path: Path) -> None:
    text = (ROOT / "curate/builtin/schemas/contracts.toml").read_text()
    schema = tmp_path / "contracts.toml"
    schema.write_text(text.replace("negative_ratio = 1.0", "negative_ratio = 0.5"))
    recs = _run(tmp_path, schema)
    secs = recs.filter(pl.col("layout") == "contract_documents")
    assert (secs["risk"] == "None").sum() == 1  # half of the 2 positives
    spans = recs.filter(pl.col("layout") == "cuad_wide")
    # 2 positive spans (audit, cap), License Grant the only risk-free one: round(2 * 0.5) = 1
    assert (spans["risk"] == "None").sum() == 1


def test_one_leak_group_per_contract_across_files(tmp_path: Path) -> None:
    recs = _run(tmp_path)
    assert recs["source_file"].n_unique() == 2
    assert recs["group"].unique().to_list() == ["contract:acmesincsupplyagreement"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "MACY'S,INC_05_11_2020-EX-99.4-JOINT FILING AGREEMENT.PDF",
            "MACY_S,INC_05_11_2020-EX-99.4-JOINT FILING AGREEMENT.txt",
        ),
        (
            "NETGEAR,INC-AMENDMENT BETWEEN INGRAM MICRO AND NETGEAR-.pdf",
            "NETGEAR,INC-AMENDMENT BETWEEN INGRAM MICRO AND NETGEAR.txt",
        ),
        (
            "ELECTRAMECCANICA VEHICLES CORP. - Manufacturing Agreement .PDF",
            "ELECTRAMECCANICA VEHICLES CORP. - Manufacturing Agreement.txt",
        ),
    ],
)
def test_file_key_meets_cuad_names(a: str, b: str) -> None:
    assert file_key(a) == file_key(b)


def test_contracts_sharing_a_long_span_share_a_group(tmp_path: Path) -> None:
    """One contract filed twice under two names (CUAD's Armstrong Flooring IP agreements): the
    clause of one must not sit in train while the other's copy is in val."""
    data = _cuad(tmp_path)
    table = data / "master_clauses.csv"
    rows = list(csv.reader(table.open(encoding="utf-8")))
    twin = ["ACME-COPY.PDF", *rows[1][1:]]
    other = ["OTHER.PDF", "[]", "", "['governed by the laws of Texas']", "Texas"]
    other += ["[]" if c.startswith("[") else "No" for c in rows[1][5:]]
    with table.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([*rows, twin, other])
    (data / "txt" / "ACME-COPY.txt").write_text(f"1. Liability.\n{CAP} {FILLER}\n")
    ingest([table, data / "txt"], "contracts", tmp_path / "ws", rules=None)
    recs = Workspace(tmp_path / "ws").read_table("ingest", "records")
    groups = dict(recs.group_by("contract").agg(pl.col("group").unique().sort()).iter_rows())
    assert (
        groups["ACME-COPY.PDF"]
        == groups["ACME-COPY.txt"]
        == groups["ACME'S,INC-SUPPLY AGREEMENT.PDF"]
    )
    assert groups["ACME-COPY.PDF"] == ["contract:acmecopy"]  # the smaller key names the group
    assert groups["OTHER.PDF"] == ["contract:other"]


def test_a_span_cut_by_a_section_is_quoted_as_far_as_it_is_inside() -> None:
    legend = "CONFIDENTIAL TREATMENT REQUESTED. PORTIONS OF THIS EXHIBIT HAVE BEEN OMITTED AND FILED SEPARATELY."
    cap = "IN NO EVENT SHALL EITHER PARTY'S LIABILITY EXCEED THE FEES PAID IN THE TWELVE MONTHS BEFORE THE CLAIM AROSE UNDER THIS AGREEMENT."
    spans = ContractSpans({"Cap On Liability": [[squash(f"{legend} {cap}")]]})
    page_one = f"1. Fees. {legend} The fees are due monthly."
    page_two = f"{legend} 2. Liability. {cap}"
    doc = f"{page_one}\n{page_two}"
    # the legend opens the span but sits on every page: it places the span nowhere
    assert spans.found_in(page_one, doc) == {}
    # the tail, found once, places it, and only the part inside is quoted
    assert spans.found_in(f"2. Liability. {cap}", doc) == {"Cap On Liability": [cap]}


def test_a_clause_answer_survives_the_contracts_rule_pack() -> None:
    """ "Change of control" over "Anti-assignment" on lines of their own read as a name line to
    the PII rules ("[PERSON]"); the clause answer is one '; '-joined line."""
    from curate.ingest.layouts.labels import answer
    from curate.rules.apply import apply_rules
    from curate.schema import load_schema

    spec = load_schema("contracts").labels
    assert spec is not None
    risk = answer(spec, {"Change Of Control": [], "Anti-Assignment": []}, quotes=False)
    assert risk == "Change of control; Anti-assignment"
    df = pl.DataFrame({"record_id": ["a"], "clause_text": [LICENSE], "risk": [risk]})
    kept = apply_rules(df, "contracts", {"clause_text": "user", "risk": "assistant"}).kept
    assert kept["risk"].to_list() == [risk]


def test_a_span_cut_mid_word_by_a_section_end_quotes_whole_words() -> None:
    span = (
        "Janssen or its designee shall have the right to audit Company to verify its compliance "
        "with this Schedule, provided that Janssen gives notice. The audit shall be in business hours."
    )
    assert span[99] != " " and span[100] != " "  # the first 100 characters end inside a word
    body = "6.1 " + span[:100] + "###"  # the section's text runs out inside that word
    found = ContractSpans({"Audit Rights": [[span]]}).found_in(body, body)
    assert found == {"Audit Rights": [span[:100].rsplit(" ", 1)[0]]}


def test_labels_and_group_key_must_name_fields(tmp_path: Path) -> None:
    from curate.errors import SchemaError
    from curate.schema import load_schema

    text = (ROOT / "curate/builtin/schemas/contracts.toml").read_text()
    for old, new, where in [
        ('field = "risk"', 'field = "risks"', "labels.field names unknown field 'risks'"),
        ('group_key = "contract"', 'group_key = "contracts"', "group_key names unknown field"),
    ]:
        bad = tmp_path / "bad.toml"
        bad.write_text(text.replace(old, new, 1))
        with pytest.raises(SchemaError, match=where):
            load_schema(bad)


@pytest.mark.parametrize(
    ("value", "text", "ok"),
    [
        ("5/8/14", "8th day of May 2014", True),
        ("3/29/18", "29/3/18", True),
        ("30 days", "upon thirty (30) days written notice", True),
        ("Ontario, Canada", "the laws of the Province of Ontario", True),
        # CUAD's Expiration Date answers often add the term to a date found elsewhere
        (
            "6/14/07",
            "The term of the Agreement will be for 12 months unless terminated sooner.",
            False,
        ),
        ("successive 1 year", "successive terms of twelve (12) months each", False),
    ],
)
def test_metadata_answers_must_be_readable_off_their_text(value: str, text: str, ok: bool) -> None:
    from curate.ingest.layouts.labels import grounded

    assert grounded(value, text) is ok


def test_an_expiration_date_the_span_does_not_hold_gives_no_answer(tmp_path: Path) -> None:
    table = tmp_path / "cuad.csv"
    with table.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            [
                "Filename",
                "Document Name",
                "Document Name-Answer",
                "Expiration Date",
                "Expiration Date-Answer",
            ]
        )
        w.writerow(
            ["a.pdf", "[]", "", "['The term of the Agreement will be for 12 months.']", "6/14/07"]
        )
        w.writerow(["b.pdf", "[]", "", "['This Agreement ends on June 14, 2007.']", "6/14/07"])
    ingest([table], "contracts", tmp_path / "ws", rules=None)
    recs = Workspace(tmp_path / "ws").read_table("ingest", "records")
    assert recs.select("contract", "value_type", "answer").rows() == [
        ("a.pdf", "Expiration Date", None),
        ("b.pdf", "Expiration Date", "6/14/07"),
    ]
