"""Numbers in contract tables are no phones (issue 18; CUAD export of session 13: "Frequency
2085 2115 Hz" became "Frequency [PHONE] Hz", a forecast's "Total 2018 5000 2019 20000" and a
fee table's "in 2000 2002 $850,000" a [PHONE], "RUB 50 000 000" an amount, "as of 12-23-2019"
a date). Classes: a run of values before a unit, an amount after a currency, years side by
side, a date's shape, a table's row of small numbers, a regulation's number ("DFARS
252.227-7013"). Phones written so stay phones."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine
from curate.rules.pii.detectors import phone_ok


def _redact(texts: list[str], pack: str = "contracts") -> list[str]:
    engine = PiiEngine(load_rule_pack(pack).pii)
    return [str(t) for t in engine.scan(pl.Series(texts)).placeholders().to_list()]


@pytest.mark.parametrize(
    "text",
    [
        "Minimum Maximum Unit Frequency 2085 2115 Hz Duration 2.6 4.0 seconds",
        "EXHIBIT A 3-YEAR PRODUCTION CAPACITY FORECAST Total 2018 5000 2019 20000 2020 50000",
        "plus amounts paid under Section 5 in 2000 2002 $850,000 plus amounts",
        "such fee shall in no event exceed RUB 50 000 000 (fifty million roubles).",
        "a cap of EUR 1 500 000 per year",
        "is entered into as of 12-23-2019, 2019 (the Effective Date).",
        "6 9 13 1740 -- -- -- 10 14 1860 -- -- -- -- 15",
        "1,115 6 Chambersburg 2,311 18 10 48 194 43 6 4 - 1,193",
        "the Computer Software clause at DFARS 252.227-7013 for agencies",
        "Weight 1200 1350 kg per pallet",
    ],
)
def test_table_numbers_are_not_phones(text: str) -> None:
    assert _redact([text]) == [text]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("call us at 416 756 2324 today", "call us at [PHONE] today"),
        ("Tel: 020 7946 0958\n", "Tel: [PHONE]\n"),
        ("reach him on 555-123-4567.", "reach him on [PHONE]."),
        ("Fax: 2012 2345 8899\n", "Fax: [PHONE]\n"),
        ("Telephone: + 41 61 935 5353 Fax", "Telephone: + [PHONE] Fax"),
        ("Tel: (33) 5 62 21 60 80\n", "Tel: (33) 5 [PHONE]\n"),
        ("Oakland, CA 94608 510 555 1234\n", "Oakland, CA [ZIP] [PHONE]\n"),
    ],
)
def test_phones_in_the_same_shapes_stay_phones(text: str, want: str) -> None:
    assert _redact([text]) == [want]


def test_phone_ok_tells_dates_years_and_table_rows() -> None:
    assert not phone_ok("12-23-2019")
    assert not phone_ok("2000 2002")
    assert phone_ok("416 756 2324")
    assert phone_ok("91 123 45 67")  # Madrid, as Spain writes it
    assert phone_ok("01 23 45 67 89")  # France
    assert phone_ok("62 21 60 80")  # France, after "(33) 5" (CUAD: "Tel: (33) 5 62 21 60 80")
