"""Phone numbers masked whole (issue 18): country codes written "1-", "+1 ", "001-" or "00",
longer groups after a country code, area codes in parentheses, and the extension's digits
apart from the number's. Half A of the presidio set showed "001-[PHONE]" and "+358 [PHONE]"
(the country code left in the text); these are the classes, not its texts."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine
from curate.rules.pii.detectors import phone_ok

DEFAULT = PiiEngine(load_rule_pack("default").pii)


def redact(text: str) -> str:
    return str(DEFAULT.scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize(
    "number",
    [
        "1-617-555-0199",
        "001-541-754-3010x123",
        "+1 555 123 4567",
        "+358 40 1234567",
        "+49 (0) 30 1234567",
        "0049 30 1234567",
        "(02) 9876 5432",
        "(0151) 496 0123",
        "98765 43210",
    ],
)
def test_numbers_are_masked_whole(number: str) -> None:
    assert redact(f"call {number} today") == "call [PHONE] today"


def test_a_label_takes_a_number_with_a_long_group() -> None:
    assert redact("tel. 06-12345678") == "tel. [PHONE]"


@pytest.mark.parametrize(
    "text",
    [
        "Video $ 300,000.00 90% 10%",  # an amount and a percentage, not "00" and a number
        "Crude 10.000 300.000 barrels",
        "ISBN 978-3-16-148410-0",
        "version 1.2.3 build 10",
    ],
)
def test_amounts_and_numbers_that_are_no_phone(text: str) -> None:
    assert redact(text) == text


def test_an_extension_does_not_count_to_the_digits() -> None:
    # 15 digits without the extension: a number; an area code in parentheses inside a group
    assert phone_ok("001-541-754-3010x123")
    assert phone_ok("001(248)750-1234")
    assert not phone_ok("78-84 28")


def test_an_address_block_leaves_the_phone_on_the_next_line_whole() -> None:
    # the unit's town on its line, then a phone: not "postcode 655" and "437 108" left
    text = "2 Acheron Road Apt. 237 BUNDALAGUAH VIC\n655 437 108 office"
    assert redact(text) == "[ADDRESS]\n[PHONE] office"
