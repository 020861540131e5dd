"""Phone numbers only businesses are given (issue 18 item 1, support export): toll-free and
freephone ranges are the helpline an agent gives, not a person's number (business.py)."""

from __future__ import annotations

import polars as pl
import pytest

from curate.rules import load_rule_pack
from curate.rules.pii import PiiEngine
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


# --- in the engine: the default pack's "phone:business" pass (pii.business_phones) ---


def _redact(pack: str, text: str) -> str:
    return str(PiiEngine(load_rule_pack(pack).pii).scan(pl.Series([text])).placeholders()[0])


@pytest.mark.parametrize(
    ("text", "default"),
    [
        # agents' answers read in session 12's support export (IBM, twcs)
        ("call us here: 1-888-907-0345 between 4AM-7PM PT.", None),
        ("live agent at (800-300-8514 US).", None),
        ("You may contact them via phone here: 1 (800) 642 7676 or", None),
        ("you can alternatively call us on 0800 042 0800 or email", None),
        ("Please call 844.401.8500 Option 2 to file a claim.", None),
        ("1-800-379-6453 x12", None),
        # a person's numbers, and the look-alikes, stay redacted
        ("MNP no.8000930028", "MNP no.[PHONE]"),
        ("and phone number: 08087318665 on", "and phone number: [PHONE] on"),
        ("please call me at 512-689-4551. Thank you", "please call me at [PHONE]. Thank you"),
    ],
)
def test_default_keeps_helplines_clinical_and_strict_redact_all(
    text: str, default: str | None
) -> None:
    assert _redact("default", text) == (default or text)
    for pack in ("clinical", "strict"):
        assert "[PHONE]" in _redact(pack, text)
