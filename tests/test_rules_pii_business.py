"""Phone numbers only businesses are given (issue 18 item 1, support export): toll-free and
freephone ranges are the helpline an agent gives, not a person's number (business.py)."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules.pii.business import BUSINESS_PHONE_PATTERNS, business_phone

# read in session 12's support export, agents' answers: "call us here: [PHONE] between 4AM-7PM"
KEPT = [
    "1-888-907-0345",
    "1-800-225-5935",
    "1 (800) 642 7676",
    "800-300-8514",
    "(855) 551 2113",
    "844.401.8500",
    "+1 833 555 0199",
    "18003796453",
    "1-800-379-6453 x12",
    "0800 042 0800",
    "08000 158 123",
    "+44 808 123 4567",
    "+44 (0) 800 123 4567",
    "1800 123 456",
    "1300 655 506",
    "+61 1800 123 456",
    "1800-425-3800",
]
# people's numbers, and look-alikes that may be one
REDACTED = [
    "8000930028",  # ten bare digits: an Indian mobile ("MNP no.8000930028", twcs)
    "08087318665",  # 0808 without +44: a Nigerian mobile too (twcs)
    "08035794030",  # Nigerian mobile
    "800-093-0028",  # no NANP exchange starts with 0
    "(977) 625-2661",
    "512-689-4551",
    "0345 322 0000",  # UK 03: open to anyone
    "020 7946 0000",
    "+254711303113",
    "900-555-1234",
    "1-80-379-6453",
]


@pytest.mark.parametrize("number", KEPT)
def test_business_ranges_are_kept(number: str) -> None:
    assert business_phone(number)


@pytest.mark.parametrize("number", REDACTED)
def test_a_persons_number_is_not(number: str) -> None:
    assert not business_phone(number)


def test_the_engine_patterns_find_what_the_check_keeps() -> None:
    """The patterns compile with the engine's regex (Polars, Rust) and, anchored, agree with
    ``business_phone`` on every number above."""
    anchored = "^(?:" + "|".join(f"(?:{p})" for p in BUSINESS_PHONE_PATTERNS) + ")$"
    numbers = pl.Series([*KEPT[:8], *KEPT[9:], *REDACTED])  # (no extension in the patterns)
    got = numbers.str.contains(anchored).to_list()
    assert got == [business_phone(n) for n in numbers]
