"""Address blocks by class and real-data leftovers (issue 18, session 12): a contract's
one-line block keeps its postcode line with its street, a count before a city's name is no
postcode, an SEC file number is no phone."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine

DEFAULT = PiiEngine(load_rule_pack("default").pii)
CONTRACTS = PiiEngine(load_rule_pack("contracts").pii)


def redact(text: str, engine: PiiEngine = DEFAULT) -> str:
    return str(engine.scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize("engine", [DEFAULT, CONTRACTS])
def test_one_line_company_address_keeps_postcode_line(engine: PiiEngine) -> None:
    # CUAD (Vapotherm's supply agreement): the street was masked, "41036 Medolla (MO) Italy" left
    text = "Medica S.p.A. Via Degli Artigiani, 7 41036 Medolla (MO) Italy Attention: Sales"
    out = redact(text, engine)
    assert "41036" not in out and "Medolla" not in out
    assert out.startswith("Medica S.p.A. [ADDRESS]")


def test_blank_separated_postcode_is_no_year() -> None:
    # a year after a street's number on one line is no postcode line
    assert redact("See Calle Mayor 5 2019 Report") == "See [ADDRESS] 2019 Report"


@pytest.mark.parametrize(
    "text",
    [
        "Last year, 1000 Berlin visitors came.",
        "1000 Berlin visitors came",
        "In total, 2500 Paris commuters were delayed.",
        "Overall, 1000 Berlin-based firms",
    ],
)
def test_count_before_city_name_and_noun_is_no_postcode(text: str) -> None:
    assert "[ZIP]" not in redact(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zentrale\n10115 Berlin", "Zentrale\n[ZIP] Berlin"),
        ("Büro, 10115 Berlin.", "Büro, [ZIP] Berlin."),
        ("Zentrale\n9828 Hall in Tirol", "Zentrale\n[ZIP] Hall in Tirol"),
    ],
)
def test_eu_postcode_before_town_still_found(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("engine", [DEFAULT, CONTRACTS])
def test_sec_file_number_is_no_phone(engine: PiiEngine) -> None:
    # CUAD: "a registration statement on Form S-l (File No. 333-6399) containing ..."
    for text in (
        "on Form S-l (File No. 333-6399)  containing",
        "Commission File Number: 001-36052",
        "File No. 333-194486",
    ):
        assert "[PHONE]" not in redact(text, engine), text
    assert redact("call 333-6399 now", engine) == "call [PHONE] now"
