"""PII/PHI detection and redaction over whole Polars columns (Rust regex, no per-record loop).

Each detector is a regex, optionally with kept context before/after the redacted part
(``Dr. Smith`` -> ``Dr. [PERSON]``). Detectors run in a fixed order over the column; each
replaces what it finds with its own marker character (Unicode private use area), so later
detectors never see earlier finds, and a marker records which detector matched. At the end
markers become ``[TYPE]`` (one ``replace_many``), or numbered pseudonyms per record.

Two detector kinds need a Python step on the (few, distinct) candidates only, never per
record: payment cards (Luhn check) and person names (candidates harvested from context such
as "Dr. X", "Patient: X", "Hi X," or sign-offs, checked against common words; every
occurrence of an accepted name is then redacted, plus names from a census list).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import polars as pl

from curate.rules import _names
from curate.rules.pack import PiiRules

MARK0 = 0xE000  # first marker character (private use area)
MARK_CLASS = "[\ue000-\uf8ff]"

NAME_TOKEN = r"\p{Lu}(?:['’]\p{Lu})?\p{Ll}[\p{Ll}'’]*(?:-\p{Lu}?\p{Ll}+)?"
NAME = rf"{NAME_TOKEN}(?:[ \t]+(?:\p{{Lu}}\.[ \t]+)?{NAME_TOKEN}){{0,2}}"
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
M_ = r"(?:0?[1-9]|1[0-2])"
D_ = r"(?:0?[1-9]|[12]\d|3[01])"
US_STATE = (
    r"(?:A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[DLNA]|K[SY]|LA|M[EDAINSOT]|N[EVHJMYCD]|O[HKR]|PA|RI"
    r"|S[CD]|T[NX]|UT|V[TA]|W[AVIY])"
)
# a free-standing number: not part of a decimal, range, ratio or percentage
NUM_BEFORE = r"(?:^|[^\w.,/+-])"
NUM_AFTER = r"(?:$|[^\w%/.,-]|[.,](?:\s|$))"
ID_SEP = r"[ \t]*(?:(?:is|was|number|no\.?|num|#|id|code)[ \t]*)?[:#=]?[ \t]*#?[ \t]*"
ID_VALUE = r"(?:[A-Za-z0-9-]*\d[A-Za-z0-9-]{3,}|[A-Za-z0-9-]{3,}\d[A-Za-z0-9-]*)\b"

# Words that follow "Hi", "Dear", "Thanks" or "this is" but are not names.
NOT_NAMES = frozenset(
    [
        "all",
        "everyone",
        "everybody",
        "team",
        "guys",
        "folks",
        "there",
        "sir",
        "madam",
        "maam",
        "customer",
        "customers",
        "support",
        "again",
        "sorry",
        "not",
        "very",
        "so",
        "just",
        "glad",
        "happy",
        "here",
        "back",
        "going",
        "looking",
        "writing",
        "calling",
        "trying",
        "the",
        "an",
        "thanks",
        "thank",
        "please",
        "good",
        "great",
        "hello",
        "hi",
        "hey",
        "dear",
        "doctor",
        "nurse",
        "patient",
        "friend",
        "friends",
        "yes",
        "no",
        "ok",
        "okay",
        "morning",
        "afternoon",
        "evening",
        "mom",
        "dad",
        "sure",
        "still",
        "also",
        "now",
        "really",
        "interested",
        "unable",
        "able",
        "english",
        "american",
        "service",
        "services",
        "care",
        "department",
        "hospital",
        "clinic",
        "center",
        "admin",
        "user",
        "staff",
        "member",
        "members",
        "manager",
        "agent",
        "representative",
        "sales",
        "billing",
        "account",
        "order",
        "help",
        "desk",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "today",
        "tomorrow",
        "yesterday",
        "new",
        "your",
        "our",
        "my",
        "his",
        "her",
        "their",
        "this",
        "that",
        "what",
        "which",
        "who",
        "how",
        "when",
        "where",
        "why",
        "you",
        "we",
        "they",
        "it",
    ]
)


ASCII_B = r"(?-u:\b)"


def ascii_bounds(pattern: str) -> str:
    """ASCII word boundaries: Unicode ``\\b`` keeps Rust's fast DFA off non-ASCII text (emoji)."""
    return pattern.replace(r"\b", ASCII_B)


@dataclass(frozen=True)
class Detector:
    """One regex; ``before``/``after`` are context kept in the text around the redacted part."""

    type: str
    pattern: str
    before: str = ""
    after: str = ""

    @property
    def regex(self) -> str:
        if self.before or self.after:
            return f"({self.before})({self.pattern})({self.after})"
        return self.pattern

    def replacement(self, marker: str) -> str:
        return f"${{1}}{marker}${{3}}" if self.before or self.after else marker


def _ids(kind: str, words: str) -> Detector:
    return Detector(kind, ID_VALUE, before=rf"\b(?i:{words}){ID_SEP}")


STATIC: dict[str, list[Detector]] = {
    "email": [
        Detector("email", r"[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}\b")
    ],
    "url": [
        Detector(
            "url",
            r"\b(?:[a-zA-Z][a-zA-Z0-9+.-]*://|www\.)[^\s<>\"'\x{E000}-\x{F8FF}]*[^\s<>\"'.,;:!?)\]\x{E000}-\x{F8FF}]",
        )
    ],
    "ip": [
        Detector(
            "ip",
            r"\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b",
        ),
        Detector("ip", r"\b(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}\b"),
        Detector("ip", r"\b(?:[0-9A-Fa-f]{1,4}:){1,6}(?::[0-9A-Fa-f]{1,4}){1,6}\b"),
    ],
    "ssn": [
        Detector("ssn", r"\b\d{3}-\d{2}-\d{4}\b|\b\d{3} \d{2} \d{4}\b"),
        Detector(
            "ssn",
            r"\d{9}\b",
            before=r"\b(?i:ssn|social security(?: number| no\.?)?)[ \t]*[:#]?[ \t]*",
        ),
    ],
    "date": [
        Detector(
            "date",
            r"\b\d{4}-\d{1,2}-\d{1,2}(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b",
        ),
        Detector(
            "date",
            rf"{M_}/{D_}/(?:\d{{4}}|\d{{2}})|{D_}/{M_}/(?:\d{{4}}|\d{{2}})|{M_}-{D_}-(?:\d{{4}}|\d{{2}})"
            rf"|{D_}-{M_}-(?:\d{{4}}|\d{{2}})|{D_}\.{M_}\.\d{{4}}",
            before=NUM_BEFORE,
            after=NUM_AFTER,
        ),
        Detector("date", rf"\b{MONTH}\.?[ \t]+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?[ \t]+\d{{4}}\b)?"),
        Detector(
            "date",
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?{MONTH}\b\.?(?:,?[ \t]+\d{{4}}\b)?",
        ),
        Detector("date", rf"\b{MONTH}\.?,?[ \t]+\d{{4}}\b"),
    ],
    "phone": [
        Detector("phone", r"\+\d{1,3}[ .-]?(?:\(0?\d{0,4}\)[ .-]?)?\d{1,5}(?:[ .-]\d{2,5}){2,5}\b"),
        Detector(
            "phone",
            r"(?:\(\d{3}\)|\b\d{3})[ ./-]?\d{3}[ ./-]?\d{4}\b(?:[ \t]?(?:x|ext\.?)[ \t]?\d{1,5}\b)?",
        ),
        Detector("phone", r"\(\d{2,4}\)[ .-]?\d{3}[ .-]?\d{3,4}\b"),
        Detector(
            "phone",
            r"\d{2,5}(?:[ -]\d{2,4}){2,4}|\d{2}(?:\.\d{2}){3,4}",
            before=NUM_BEFORE,
            after=NUM_AFTER,
        ),
        Detector(
            "phone",
            r"\d{3}[ -]\d{4}|\d{4} \d{4}|\d{2,4} \d{6,8}|0\d{9,10}",
            before=NUM_BEFORE,
            after=NUM_AFTER,
        ),
    ],
    "mrn": [_ids("mrn", r"mrn|medical record|med rec|patient id|chart|unit no|hospital no")],
    "account": [
        _ids(
            "account",
            r"account|acct|member(?:ship)?|policy|claim|invoice|health plan|insurance|subscriber"
            r"|beneficiary|customer|iban|routing",
        )
    ],
    "order": [
        _ids(
            "order",
            r"order|ticket|case|reference|ref|confirmation|tracking|booking|reservation|transaction|rma",
        )
    ],
    "license": [
        _ids("license", r"licen[cs]e|driver'?s licen[cs]e|dl|dea|npi|certificate|passport")
    ],
    "vehicle": [
        _ids("vehicle", r"vin|licen[cs]e plate|plate|registration"),
        Detector("vehicle", r"\b[A-HJ-NPR-Z]{1,3}[0-9][A-HJ-NPR-Z0-9]{13,15}\b"),
    ],
    "device": [_ids("device", r"serial|s/n|sn|device|imei|udid|mac address|model")],
    "address": [
        Detector(
            "address",
            r"\b\d{1,6}[ \t]+(?:\p{Lu}[\p{L}'.-]*[ \t]+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd"
            r"|Lane|Ln|Drive|Dr|Court|Ct|Place|Pl|Square|Sq|Way|Terrace|Parkway|Pkwy|Circle|Cir"
            r"|Highway|Hwy|Trail|Alley|Row|Crescent|Close)\b\.?"
            r"(?:,?[ \t]*(?:Apt|Apartment|Suite|Ste|Unit|Floor|Fl|#)\.?[ \t]*[A-Za-z0-9-]+)?",
        ),
        Detector("address", r"\b(?i:p\.?[ \t]?o\.?[ \t]?box)[ \t]+\d+\b"),
    ],
    "zip": [
        Detector("zip", r"\d{5}(?:-\d{4})?\b", before=rf"\b{US_STATE},?[ \t]+"),
        Detector("zip", r"\b\d{5}-\d{4}\b"),
        Detector(
            "zip",
            r"\d{5}(?:-\d{4})?\b|[A-Z]\d[A-Z] ?\d[A-Z]\d\b|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}\b",
            before=r"\b(?i:zip(?: code)?|postal code|post ?code)[ \t]*:?[ \t]*",
        ),
    ],
}
MONTH_DAY = r"\b\d{1,2}/\d{1,2}\b"  # 7/22 or 8/87 in clinical notes; validated by month_day_ok

# Context that introduces a person's name (strong: accepted unless a common word).
NAME_CONTEXTS = [
    r"\b(?:Dr|Mr|Mrs|Ms|Miss|Mx|Prof|Mister|Madam|Dame|Sir|Lady|Lord)\.?[ \t]+",
    r"(?m)^[ \t>]*(?:Patient|Name|Customer|Client|Contact|From|To|Cc|Attn|Signed|Physician|Nurse"
    r"|Provider|Author|Agent|Attending|Resident|Caller|Guarantor|Emergency contact|Next of kin)"
    r"(?:[ \t]+[Nn]ame)?[ \t]*:[ \t]*",
    r"\b(?:Dear|Hi|Hello|Hey|Thanks|Thank you|Thx|Attn:?|Attention:?|Congratulations)[ \t,]+",
    r"\b(?i:my name is|my name's|this is|i am|i'm|call me|named|called|spoke (?:with|to)"
    r"|speaking with|talked to|signed by|seen by|referred by|says|said|asked|replied|wrote|told"
    r"|according to|starring|featuring|directed by|written by|founded by|married"
    r"|(?:first|last|maiden|middle|full) name is|name on the account is)[ \t]+",
    r"\b(?i:regards|thanks|thank you|sincerely|cheers|best|best wishes|yours truly|cordially)"
    r"[ \t]*[,!.]?[ \t]*\r?\n[ \t]*",
]
LOWER_NAME_BEFORE = r"\b(?i:dr|doctor)\.?[ \t]+"
LOWER_NAME_CONTEXTS = [LOWER_NAME_BEFORE + r"([a-z][a-z'-]{2,}|[A-Z][A-Z'-]{2,})\b"]


def month_day_ok(text: str) -> bool:
    """Month/day (7/22) or month/yy (8/87), but not a fraction such as 1/2 or 3/4."""
    m, d = (int(x) for x in text.split("/"))
    if not 1 <= m <= 12 or d == 0:
        return False
    return not (d <= 4 and m < d)


def luhn_ok(number: str) -> bool:
    digits = [int(c) for c in number if c.isdigit()]
    if not 12 <= len(digits) <= 19 or len(set(digits)) == 1:
        return False
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _alternation(words: Iterable[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _distinct(texts: pl.Series, pattern: str, group: int = 0) -> list[str]:
    """Distinct matches (or one capture group of them) of a regex over a whole column."""
    found = texts.str.extract_all(pattern).explode().drop_nulls().unique()
    if group:
        found = found.str.extract(pattern, group).drop_nulls().unique()
    return found.to_list()


def _is_name(tokens: list[str], stop: frozenset[str]) -> bool:
    """A candidate name is kept unless its first word is a stop word or a common word."""
    first = tokens[0].rstrip(".")
    low = first.lower()
    if len(first) < 3 or low in stop:
        return False
    return (
        low not in _names.COMMON_WORDS or first in _names.FIRST_NAMES or first in _names.LAST_NAMES
    )


class PiiEngine:
    """The detectors of one pack, in the order they run; build once, scan many columns."""

    def __init__(self, rules: PiiRules) -> None:
        self.rules = rules
        self.static: list[Detector] = []
        for t in rules.types:
            if t not in ("card", "person"):
                self.static += [
                    Detector(
                        d.type,
                        ascii_bounds(d.pattern),
                        ascii_bounds(d.before),
                        ascii_bounds(d.after),
                    )
                    for d in STATIC[t]
                ]
        self.custom = [Detector(c.type, c.pattern, c.before, c.after) for c in rules.custom]
        self.types = [*rules.types, *(c.type for c in rules.custom)]
        self.not_names = frozenset(w.lower() for w in rules.not_names)

    def detectors(self, texts: pl.Series) -> list[Detector]:
        """Static detectors plus those built from this column's candidates (cards, names)."""
        out: list[Detector] = []
        for t in self.types:
            if t == "card":
                cands = _distinct(texts, r"\b(?:\d[ -]?){11,18}\d\b")
                valid = [c for c in cands if luhn_ok(c)]
                if valid:
                    out.append(Detector("card", rf"{ASCII_B}(?:{_alternation(valid)}){ASCII_B}"))
            elif t == "person":
                out += self._person_detectors(texts)
            elif t in STATIC:
                out += [d for d in self.static if d.type == t]
                if t == "date" and self.rules.month_day_dates:
                    valid = [c for c in _distinct(texts, MONTH_DAY) if month_day_ok(c)]
                    if valid:
                        alt = _alternation(valid)
                        out.append(Detector("date", alt, before=NUM_BEFORE, after=NUM_AFTER))
        out += self.custom
        # order of the pack's types is the order of detection, except that cards, SSNs and
        # identifiers named by context run before phones and dates (their digits look alike)
        rank = {"email": 0, "url": 1, "ip": 2, "card": 3, "ssn": 4}
        rank |= dict.fromkeys(("mrn", "account", "order", "license", "vehicle", "device"), 5)
        return sorted(out, key=lambda d: rank.get(d.type, 10))

    def _person_detectors(self, texts: pl.Series) -> list[Detector]:
        """Names seen after a name context, and census names present in this column."""
        stop = NOT_NAMES | self.not_names
        found: set[str] = set(self.rules.extra_names)
        contexts = ascii_bounds("|".join(f"(?:{c})" for c in NAME_CONTEXTS))
        for cand in _distinct(texts, f"(?:{contexts})({NAME})", 1):
            tokens = cand.split()
            # drop trailing common words: "John Smith Said" -> "John Smith"
            while len(tokens) > 1 and tokens[-1].lower() in _names.COMMON_WORDS | stop:
                tokens.pop()
            if _is_name(tokens, stop):
                found.add(" ".join(tokens))
                found.update(t for t in tokens if len(t) > 2 and _is_name([t], stop))
        out: list[Detector] = []
        if self.rules.name_list:
            listed = (_names.FIRST_NAMES | _names.LAST_NAMES) - {n.title() for n in stop}
            caps = set(_distinct(texts, r"\p{Lu}\p{Ll}+"))
            present = caps & listed
            found |= present
            # "Firstname Surname": a listed name next to a capitalized non-word
            for pair in _distinct(texts, r"\p{Lu}\p{Ll}+[ \t]+\p{Lu}\p{Ll}+"):
                a, b = pair.split()
                if (a in present and _is_name([b], stop)) or (b in present and _is_name([a], stop)):
                    found.add(f"{a} {b}")
        ascii_names = {n for n in found if n.isascii()}
        if ascii_names:
            out.append(Detector("person", rf"{ASCII_B}(?:{_alternation(ascii_names)}){ASCII_B}"))
        if found - ascii_names:
            out.append(Detector("person", rf"\b(?:{_alternation(found - ascii_names)})\b"))
        if self.rules.lowercase_names:
            lower = {
                c
                for ctx in LOWER_NAME_CONTEXTS
                for c in _distinct(texts, ctx, 1)
                if c.lower() not in _names.COMMON_WORDS and c.lower() not in stop
            }
            if lower:
                out.append(Detector("person", _alternation(lower), before=LOWER_NAME_BEFORE))
        return out

    def scan(
        self,
        texts: pl.Series,
        *,
        keep_values: bool = False,
        detectors: list[Detector] | None = None,
    ) -> Scan:
        """Replace every find with its detector's marker; ``values`` keeps what each matched."""
        dets = self.detectors(texts) if detectors is None else detectors
        if len(dets) > 0x18FF:
            raise ValueError("too many PII detectors")
        marked = texts
        values: list[pl.Series] = []
        for i, det in enumerate(dets):
            marker = chr(MARK0 + i)
            if keep_values:
                got = marked.str.extract_all(det.regex)
                if det.before or det.after:
                    got = got.list.eval(pl.element().str.extract(det.regex, 2))
                values.append(got)
            marked = marked.str.replace_all(det.regex, det.replacement(marker))
        return Scan(dets, marked, values)


@dataclass
class Scan:
    """A scanned column: marked text, and per detector the matched values (if kept)."""

    detectors: list[Detector]
    marked: pl.Series
    values: list[pl.Series] = field(default_factory=list)

    def markers(self, type_: str) -> str:
        chars = "".join(chr(MARK0 + i) for i, d in enumerate(self.detectors) if d.type == type_)
        return f"[{chars}]" if chars else ""

    def counts(self, types: Iterable[str]) -> dict[str, pl.Series]:
        out = {}
        for t in types:
            cls = self.markers(t)
            out[t] = (
                self.marked.str.count_matches(cls).fill_null(0).cast(pl.Int64)
                if cls
                else pl.Series(t, [0] * len(self.marked), pl.Int64)
            )
        return out

    def placeholders(self) -> pl.Series:
        """Markers to ``[TYPE]``, one Aho-Corasick pass."""
        if not self.detectors:
            return self.marked
        marks = [chr(MARK0 + i) for i in range(len(self.detectors))]
        tags = [f"[{d.type.upper()}]" for d in self.detectors]
        return self.marked.str.replace_many(marks, tags)


_MARK_RE = re.compile(MARK_CLASS)


def expand(marked: str, queues: dict[int, list[str]], render: Callable[[int, str], str]) -> str:
    """Replace markers left to right, taking each detector's values in order (nested too)."""

    def sub(m: re.Match[str]) -> str:
        i = ord(m.group()) - MARK0
        queue = queues.get(i)
        value = queue.pop(0) if queue else ""
        return render(i, _MARK_RE.sub(sub, value) if _MARK_RE.search(value) else value)

    return _MARK_RE.sub(sub, marked)


def spans(
    marked: str, queues: dict[int, list[str]], dets: list[Detector]
) -> list[tuple[int, int, str]]:
    """Character spans (in the original text) of every find: for measuring recall/precision."""
    out: list[tuple[int, int, str]] = []
    pos = 0
    text_parts: list[str] = []

    def walk(s: str) -> None:
        nonlocal pos
        last = 0
        for m in _MARK_RE.finditer(s):
            lit = s[last : m.start()]
            text_parts.append(lit)
            pos += len(lit)
            i = ord(m.group()) - MARK0
            queue = queues.get(i)
            value = queue.pop(0) if queue else ""
            start = pos
            walk(value)
            out.append((start, pos, dets[i].type))
            last = m.end()
        text_parts.append(s[last:])
        pos += len(s) - last

    walk(marked)
    return out


def mask(value: str) -> str:
    """Show a value's shape without its content: first character, then x/0 for the rest."""
    return value[:1] + "".join("0" if c.isdigit() else "x" if c.isalpha() else c for c in value[1:])
