"""What one detector is (``Detector``, ``Gate``) and the bounds that several types' forms
share (ASCII word boundaries, a free-standing number's context, the digit gate).

The forms are in ``patterns.py`` (dates in ``dates.py``); what a find becomes is in
``detectors.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

ASCII_B = r"(?-u:\b)"

# a free-standing number: not part of a decimal, range, ratio or percentage. A word's full
# stop or hyphen may precede it ("Quartermain.8/31", "TOXICITY-9/2/92"); after it a "." "," or "-" ends the number when a
# non-word or a letter follows ("7/22.", "9/30- echo", "11/92,transferred"). The "\B" form
# takes one character only, so that "2/21, 4/21" leaves the space to the second number.
# ASCII word characters only, like the detectors' ASCII \b (ascii_bounds): with Unicode \w
# here the date/phone pass's alternation overflowed Rust's lazy DFA cache (physionet notes:
# 25 s for that pass, 0.2 s with these; the same finds)
WORD_CHARS = "0-9A-Za-z_"
NUM_BEFORE = rf"(?:^|[^{WORD_CHARS}.,/+-]|[A-Za-z][.-])"
NUM_AFTER = rf"(?:$|[^{WORD_CHARS}%/.,-]|[.,-](?-u:\B)|[.,-][A-Za-z])"
LEAD = rf"(?:^|[^{WORD_CHARS}])"


def ascii_bounds(pattern: str) -> str:
    """ASCII word boundaries: Unicode ``\\b`` keeps Rust's fast DFA off non-ASCII text (emoji)."""
    return pattern.replace(r"\b", ASCII_B)


@dataclass(frozen=True)
class Detector:
    """One regex; ``before``/``after`` are context kept around the redacted part.

    ``check`` names a Python step run on each find (distinct value) before it counts:
    ``luhn``, ``month_day``, ``name`` (a name after a context), ``listed`` (a census name,
    maybe with the capitalized word next to it). ``gate``: see ``Gate``.
    """

    type: str
    pattern: str
    before: str = ""
    after: str = ""
    check: str | None = None
    gate: Gate | None = None


@dataclass(frozen=True)
class Gate:
    r"""A cheap test a text must pass for a detector to match in it: ``pattern`` (a few
    literals, which Rust finds with SIMD, not the detector's whole automaton) matches the text,
    lower-cased when ``fold`` (the detector's words are case-insensitive).

    A pass whose detectors all have gates runs only on the texts that pass one; the rest cannot
    match, so the result is the same. Gates test the original text: a find only ever replaces
    text with private-use markers, so what a later pass can see was there from the start.
    ``ascii``: the pattern is exact on ASCII texts only, and every other text passes (``[0-9]``
    for the detectors' Unicode ``\d``, which a regex finds 6x slower: no SIMD prefilter).
    """

    pattern: str
    fold: bool = False
    ascii: bool = False


# Every find of these types has a digit (an IPv6 address maybe only a ":"): their passes skip
# the texts without one (half the texts of a support corpus or more).
DIGIT_GATE = Gate("[0-9]", ascii=True)
