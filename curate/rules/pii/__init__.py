"""PII/PHI detection and redaction over whole Polars columns (Rust regex, a few passes).

Detectors are regexes, optionally with context kept before/after the redacted part
(``Dr. Smith`` -> ``Dr. [PERSON]``). They run in a handful of *passes*; each pass is ONE
``replace_all`` over the column with an alternation of its detectors (leftmost match wins, the
earlier detector on a tie), so the text is scanned a few times, not once per detector. A find
is wrapped in place, ``OPEN value CLOSE`` (private-use characters), so the value stays in the
text for pseudonyms and examples while later passes skip over it. A pass with several types, or
with a check done in Python (Luhn for cards, month/day, "is this a name"), marks which detector
matched by the slot its value lands in; Python then checks each distinct find once (the texts
with finds, joined into one UTF-8 string, are cut at the pass's opener with ``bytes.split``: no
regex and no decoding in Python).

Cost: each pass is a full automaton scan (~3 ns/byte), whatever it finds. A pass whose finds
all need something that a literal search finds fast (e-mail "@", URL "://", a digit, a month's
name, "Dr.") has a ``Gate``: that test picks the texts the pass can match in, and the pass runs
on those only. A big column is split by record into
one part per core, each scanned on a long-lived thread (``_pool``); a record's output does not
depend on its part.

Names found by context ("Dr. X", "Hi X,", "Patient: X", sign-offs) are redacted wherever they
occur in the same *record* (all its fields and turns, through ``groups``), never in other
records, so a record's output does not depend on the batch it came in. Names from the census
list are redacted wherever they appear capitalized. Names are also found before a context
("X said", "X's kid", "X (son)", "Q. LANDER, RRT"), on a line of their own, in lists with
census names, and by European surname endings. Look-alikes in notes are matched first and
given back as text (check ``reject``: "PSV 10/5", "pain 3/10"), or rejected in Python
(``phone_ok``: value ranges such as "SVR 954-1183"). A name's check also sees what is around
the find (``_peek``, in Python: more regex in the passes cost 10-25% of their scans): a turn
of a dialogue after a speaker's label ("Patient: Nope.") is not a header's name ("Patient:
Smith, John"), and a disease is not a person ("Parkinson's", "Huntington disease").

Where each part lives: ``patterns`` (the regex sources and the detectors of each type),
``engine`` (passes, gates, the scan), ``resolve`` (each find's check, names spread in a
record), ``detectors`` (what a find becomes: Luhn, month/day, phone ranges, the check of each
detector), ``names`` (is this a name), ``scan`` (the scanned column: counts, placeholders,
pseudonyms, surrogates, spans), ``replace`` (one entity per person in a record,
its ``[TYPE_n]`` or its realistic stand-in), ``markers`` (the private-use characters), ``words`` (the word and name
lists, package data in curate/rules/data/, loaded at first use).
"""

from __future__ import annotations

from curate.rules.pii.detectors import luhn_ok, month_day_ok, phone_ok
from curate.rules.pii.engine import PiiEngine, engine_for
from curate.rules.pii.patterns import Detector, Gate
from curate.rules.pii.scan import Scan, mask, spans

__all__ = [
    "Detector",
    "Gate",
    "PiiEngine",
    "Scan",
    "engine_for",
    "luhn_ok",
    "mask",
    "month_day_ok",
    "phone_ok",
    "spans",
]
