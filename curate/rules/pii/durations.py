"""Australian and British notes' durations written as fractions: "5/7" is five days, "3/12"
three months ("Returned from Bali 5/7", "Subacute dry cough 10/7", "did 6/12 rivaroxaban").
``dates.py`` keeps them by the words around them ("Med cert for 2/7", "3/12 supply"); the
rest read like a day and a month. A record tells which they are: one that writes its dates
day-first ("22/11/25": no month 22) or weeks as x/52 uses the shorthand, and there its x/7
and x/12 are durations (``resolve._ScanState``: such [DATE] finds go back to text). A record
that writes "7/22" or "12/3/2021" keeps them as dates (CLIN13's proposal, session 13: 79 of
the syngp500 GP notes' x/7 and x/12 were [DATE]).
"""

from __future__ import annotations

import re

# a find that may be the shorthand: a whole find "5/7", "10/12", in the slots of its pass
# (bytes: the resolve step sees the finds' bodies as UTF-8, the slots' separators between)
_SHORTHAND = re.compile(rb"(?:^|[^\d/])\d{1,2}/(?:7|12)(?:$|[^\d/])")
# a date whose day comes first (the first number is no month), or weeks as x/52
_DAY_FIRST = re.compile(
    r"(?<![\d/])(?:1[3-9]|2\d|3[01])/(?:0?[1-9]|1[0-2])/(?:\d{2}|\d{4})(?![\d/])"
    r"|(?<![\d/])\d{1,2}/52(?![\w/])"
)


def day_first(text: str) -> bool:
    """``text`` (one record) writes a date day-first or weeks as x/52."""
    return _DAY_FIRST.search(text) is not None
