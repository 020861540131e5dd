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
"""

from __future__ import annotations

import functools
import operator
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from curate.rules import _names, _pool
from curate.rules.pack import PiiRules

CLOSE = "\U000ffffd"
SEP = "\U000ffffc"
ROW = "\U000ffffa"  # between texts joined into one string (see _ScanState.resolve)
RESOLVE_CHUNK = 1 << 16  # texts joined at a time there
RESERVED = "[\U000f0000-\U000ffffd]"  # our markers; replaced by U+FFFD if the input has them
BRACKET = "[\U000f0000-\U000f0fff][^\U000ffffd]*\U000ffffd"
_BRACKET_RE = re.compile(f"({BRACKET})")
_ANY_MARK = "[\U000f0400-\U000f0fff]"
_CANON_RE = re.compile("([\U000f0400-\U000f0fff])([^\U000ffffd]*)\U000ffffd")


def _open(p: int) -> str:
    """Unresolved find of pass ``p`` (its slot says which detector)."""
    return chr(0xF0000 + p)


def _canon(t: int) -> str:
    """Resolved find of type index ``t``."""
    return chr(0xF0400 + t)


ASCII_B = r"(?-u:\b)"

# Upper- and lower-case letters of names: Latin (with Latin-1, Extended-A/B and Additional:
# "Šárka", "Nguyễn"; the Extended blocks mix cases), Greek and Cyrillic. Not \p{Lu}/\p{Ll}:
# with those every name pass costs 4x.
UPPER = "A-ZÀ-ÖØ-ÞĀ-ɏḀ-ỿΑ-ΩА-ЯЁ"
LOWER = "a-zß-öø-ÿĀ-ɏḀ-ỿα-ωа-яё"
NAME_TOKEN = (
    rf"[{UPPER}](?:['’][{UPPER}{LOWER}])?[{LOWER}][{LOWER}'’]*(?:[{UPPER}][{LOWER}]+)?"
    rf"(?:-[{UPPER}]?[{LOWER}]+)?"
)
# clinical notes (ASCII): a name in any case after a strong context
CASED_TOKEN = (
    r"(?:[A-Z](?:['’][A-Za-z])?[a-z]+(?:[A-Z][a-z]+)?(?:-[A-Za-z][a-z]+)?"
    r"|[A-Z](?:['’][A-Z])?[A-Z]+(?:['’-][A-Z]+)?|[a-z](?:['’][a-z])?[a-z]+(?:['’-][a-z]+)?)"
)
CASED_NAME = (
    rf"(?:[A-Za-z]\.[ \t]*|[A-Z][ \t]+)?{CASED_TOKEN}"
    rf"(?:[ \t]+(?:[A-Z]\.?[ \t]+)?{CASED_TOKEN}){{0,2}}"
)
NAME = rf"{NAME_TOKEN}(?:[ \t]+(?:[{UPPER}]\.?[ \t]+)?{NAME_TOKEN}){{0,2}}"
TWO_NAMES = rf"{NAME_TOKEN}[ \t]+(?:[{UPPER}]\.?[ \t]+)?{NAME_TOKEN}"
# a capitalized word with a surname ending of a European language (Slavic, Nordic, Greek,
# Romanian, Georgian, Spanish, Finnish), maybe after a first name: "Yuri Bulgakov", "Petersson"
SURNAME = (
    rf"(?:{NAME_TOKEN}[ \t]+(?:[{UPPER}]\.?[ \t]+)?)?[{UPPER}][{LOWER}]*(?:ov|ova|ev|eva|ski|ska|sky"
    r"|ský|ić|ič|vich|enko|chuk|dze|shvili|sson|sen|dóttir|dottir|ez|escu|opoulos|idis|oglu|ová"
    r"|inen|wicz|czyk)"
)
SURNAME_AFTER = rf"(?:$|[^{UPPER}{LOWER}0-9_'’-]|['’]s(?:$|[^{UPPER}{LOWER}]))"
# a name on a line of its own (a signature, a letter's header): two or three name tokens
LINE_NAME = rf"{NAME_TOKEN}(?:[ \t]+(?:[{UPPER}]\.?[ \t]+)?{NAME_TOKEN}){{1,2}}"
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# a month named alone: full names in any case but "may"; abbreviations capitalized only
# ("dec" is "decreased" and "mar" a record in notes), and "sept"
MONTH_ALONE = (
    r"(?:(?i:january|february|march|april|june|july|august|september|october|november|december)"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|JAN|FEB|MAR|APR|JUN|JUL|AUG|SEPT?|OCT"
    r"|NOV|DEC|sept))"
)
M_ = r"(?:0?[1-9]|1[0-2])"
# "555-123-4567 x89", "212- 476- 8356", "(898)666-3621x0135"
PHONE_SEP = r"(?:[ \t]*[./-][ \t]*|[ \t])?"
PHONE_EXT = r"(?:[ \t]*(?:x|ext\.?|extension)[ \t]*\d{1,5})?"
D_ = r"(?:0?[1-9]|[12]\d|3[01])"
US_STATE = (
    r"(?:A[LKZR]|C[AOT]|D[EC]|FL|GA|HI|I[DLNA]|K[SY]|LA|M[EDAINSOT]|N[EVHJMYCD]|O[HKR]|PA|RI"
    r"|S[CD]|T[NX]|UT|V[TA]|W[AVIY])"
)
# a free-standing number: not part of a decimal, range, ratio or percentage. A word's full
# stop or hyphen may precede it ("Quartermain.8/31", "TOXICITY-9/2/92"); after it a "." "," or "-" ends the number when a
# non-word or a letter follows ("7/22.", "9/30- echo", "11/92,transferred"). The "\B" form
# takes one character only, so that "2/21, 4/21" leaves the space to the second number.
NUM_BEFORE = r"(?:^|[^\w.,/+-]|[A-Za-z][.-])"
NUM_AFTER = r"(?:$|[^\w%/.,-]|[.,-](?-u:\B)|[.,-][A-Za-z])"
YEAR4 = r"(?:19|20)\d{2}"
LEAD = r"(?:^|[^\w])"
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
        "dr",
        "mr",
        "mrs",
        "ms",
        "md",
        "rn",
        "np",
        "pa",
        "rrt",
        "pt",
    ]
) | frozenset(  # labels before a colon, not speakers' names ("Note: ...", "Tel: ...")
    [
        "tel",
        "username",
        "date",
        "re",
        "fwd",
        "note",
        "notes",
        "web",
        "url",
        "customer",
        "agent",
        "system",
        "bot",
        "pros",
        "cons",
        "bcc",
        "cc",
        "sent",
        "reply",
        "response",
        "request",
        "comment",
        "comments",
        "feedback",
        "issue",
        "problem",
        "solution",
        "result",
        "tip",
        "warning",
        "error",
        "info",
        "edit",
        "quote",
        "source",
        "link",
        "title",
        "speaker",
        "host",
        "guest",
        "interviewer",
        "human",
        "ai",
        "model",
        "prompt",
        "input",
        "output",
        "example",
        "description",
        "details",
        "location",
        "price",
        "product",
        "item",
        "sku",
        "brand",
        "color",
        "colour",
        "size",
        "quantity",
    ]
)


def _words(text: str) -> frozenset[str]:
    """A word list written as text (words between blanks): long lists stay compact."""
    return frozenset(text.split())


# Words that open a spoken turn and are never names: answers and interjections ("Patient:
# Nope.", "Yep, that's right"), sentence adverbs, number words ("Seventeen years back"),
# nationalities that are also census names ("German shepherd"). Census names among them
# (none of these is common as a name) leave the name list too.
UTTERANCE_WORDS = _words(
    """he him me us somehow yep yup yeah yea yah nope nah naw okey okie alright um umm uh uhh
    uhm hmm hm mm mhm mmm huh oh ohh ah ahh aw ow ouch oops whoa wow ugh er eh bye goodbye cool
    nice awesome gotcha ma'am yessir right well fine terrible awful horrible pretty maybe
    perhaps anyway anyways besides indeed absolutely exactly definitely certainly correct true
    false great wonderful perfect lovely bad worse better best never always sometimes usually
    once twice one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety hundred thousand german america cuban mexican spanish italian chinese japanese
    korean vietnamese russian indian african asian canadian british european hispanic latino
    caucasian"""
)
NOT_NAMES = NOT_NAMES | UTTERANCE_WORDS
# "That's", "It's", "Let's": one of these words with "'s" is a contraction, not a possessive
CONTRACTED_S = _words(
    """it that what here there let he she who where how when why this everything nothing
    something everyone everybody someone somebody nobody one today now"""
)
# Surnames known for a disease: "Parkinson's", "Bell's palsy", "Lou Gehrig's" are not persons
# (a possessive of these; any name before one of DISEASE_WORDS: "Wilson disease").
EPONYMS = _words(
    """parkinson huntington alzheimer crohn hodgkin addison cushing graves bell tourette
    asperger raynaud sjogren sjögren hashimoto meniere ménière kawasaki gehrig paget kaposi
    marfan hirschsprung peyronie dupuytren wernicke korsakoff wilms burkitt munchausen lyme
    creutzfeldt guillain"""
)
DISEASE_WORDS = _words(
    """disease diseases syndrome syndromes palsy disorder disorders dementia lymphoma sarcoma
    lymphomas sarcomas tumor tumors tumour phenomenon cyst cysts contracture thyroiditis
    esophagus ulcer ulcers encephalopathy neuroma neuromas aneurysm anomaly fracture
    fractures"""
)


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


# Gates of the date forms in a pass of their own ("date:more"), tested on the lower-cased text:
# a month's name ("12-Mar-2020", "in Sept."), "the" before a day ("on the 11th."), the slash of a
# month/day (notes). Most texts have none, and the pass costs a full scan.
MONTH_GATE = Gate("jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", fold=True)
ORDINAL_GATE = Gate(r"the[ \t]+\d", fold=True)
SLASH_GATE = Gate("/")


# Every find of these types has a digit (an IPv6 address maybe only a ":"): their passes skip
# the texts without one (half the texts of a support corpus or more).
DIGIT_GATE = Gate("[0-9]", ascii=True)
NEEDS_DIGIT = {
    "card": DIGIT_GATE,
    "ssn": DIGIT_GATE,
    "ip": Gate("[0-9]|:", ascii=True),
    "mrn": DIGIT_GATE,
    "account": DIGIT_GATE,
    "order": DIGIT_GATE,
    "license": DIGIT_GATE,
    "vehicle": DIGIT_GATE,
    "device": DIGIT_GATE,
    "date": DIGIT_GATE,  # not "date:more": "in March"
    "phone": DIGIT_GATE,
    "address": DIGIT_GATE,
    "zip": DIGIT_GATE,
}


def _ids(kind: str, words: str) -> Detector:
    return Detector(kind, ID_VALUE, before=rf"\b(?i:{words}){ID_SEP}")


NOT_MARK = r"\x{F0000}-\x{FFFFD}"
STATIC: dict[str, list[Detector]] = {
    "email": [
        Detector(
            "email",
            r"[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}\b",
            gate=Gate("@"),
        )
    ],
    "url": [
        Detector(
            "url",
            r"\b(?:(?i:https?|s?ftps?|ssh|git|file|wss?|ldaps?|smb|s3)://|www\.)"
            rf"[^\s<>\"'{NOT_MARK}]*[^\s<>\"'.,;:!?)\]{NOT_MARK}]",
            gate=Gate(r"://|www\."),
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
    "card": [Detector("card", r"\b(?:\d[ -]?){11,18}\d\b", check="luhn")],
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
            rf"\b{YEAR4}-{M_}-{D_}"
            r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b",
        ),
        Detector(
            "date",
            rf"{M_}/{D_}/(?:{YEAR4}|\d{{2}})|{D_}/{M_}/(?:{YEAR4}|\d{{2}})|{M_}-{D_}-(?:{YEAR4}|\d{{2}})"
            rf"|{D_}-{M_}-(?:{YEAR4}|\d{{2}})|{D_}\.{M_}\.{YEAR4}",
            before=NUM_BEFORE,
            after=NUM_AFTER,
        ),
        Detector(
            "date",
            rf"\b(?i:{MONTH})\.?[ \t]+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?[ \t]+\d{{4}}\b)?",
        ),
        Detector(
            "date",
            rf"\b\d{{1,2}}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?(?i:{MONTH})\b\.?(?:,?[ \t]+\d{{4}}\b)?",
        ),
        Detector("date", rf"\b(?i:{MONTH})\.?,?[ \t]+(?:(?i:of)[ \t]+)?\d{{4}}\b"),
    ],
    # more date forms, in a pass of their own: one more case-insensitive month alternation in
    # the date/phone pass overflows Rust's lazy DFA cache there (100x slower)
    "date:more": [
        # 12-Mar-2020, 12/Mar/20, 12.Mar.2020
        Detector("date", rf"\b{D_}[-/.](?i:{MONTH})[-/.](?:\d{{4}}|\d{{2}})\b", gate=MONTH_GATE),
        # a month alone after a preposition of time: "in Sept.", "since MARCH" (not "may")
        Detector(
            "date",
            rf"{MONTH_ALONE}\b\.?",
            before=r"\b(?i:in|since|during|early|late|mid|until|till|through|last|next)[ \t-]+",
            gate=MONTH_GATE,
        ),
        # an ordinal day: "on the 11th." (not "the 4th floor")
        Detector(
            "date",
            r"\d{1,2}(?:st|nd|rd|th)\b",
            before=r"\b(?i:on|since|from|until|till|by|before|after)[ \t]+the[ \t]+",
            after=r"[ \t]*(?:[.,;:)!?]|\r?\n|$)",
            gate=ORDINAL_GATE,
        ),
    ],
    "phone": [
        Detector(
            "phone",
            rf"\+\d{{1,3}}[ .-]?(?:\(0?\d{{0,4}}\)[ .-]?)?\d{{1,5}}(?:[ .-]\d{{2,5}}){{2,5}}{PHONE_EXT}\b",
        ),
        Detector(
            "phone",
            rf"(?:\(\d{{3}}\)|\b\d{{3}}){PHONE_SEP}\d{{3}}{PHONE_SEP}\d{{4}}{PHONE_EXT}\b",
        ),
        Detector("phone", r"\(\d{2,4}\)[ .-]?\d{3}[ .-]?\d{3,4}\b"),
        # pager / extension / beeper numbers named by context: "pager 54321", "x4567"
        Detector(
            "phone",
            r"\d{4,7}\b",
            before=r"\b(?i:pager|beeper|pgr|pg|bpr|paged|ext|extension|tel|phone|fax|cell|mobile)"
            r"\.?[ \t]*(?:#|no\.?|number)?[ \t:#]*",
        ),
        Detector("phone", r"\d{4,5}\b", before=r"\b(?i:x)"),
        Detector(
            "phone",
            r"\d{2,5}(?:[ -]\d{2,4}){2,4}|\d{2}(?:\.\d{2}){3,4}",
            before=NUM_BEFORE,
            after=NUM_AFTER,
            check="phone",
        ),
        Detector(
            "phone",
            r"\d{3}[ -]\d{4}|\d{4} \d{4}|\d{2,4} \d{6,8}|0\d{9,10}",
            before=NUM_BEFORE,
            after=NUM_AFTER,
            check="phone",
        ),
        # a US number mistyped by a digit, set off in parentheses as a contact note:
        # "(301 273 45166)", "(617 5532 4410)"; the exact 3-3-4 form is matched above
        Detector(
            "phone",
            r"\d{3}[ .-](?:\d{3}[ .-]\d{5}|\d{4}[ .-]\d{4,5})",
            before=r"\([ \t]*",
            after=r"[ \t]*\)",
            check="phone",
        ),
    ],
    # an E.164 number without separators, "+254711303113": a pass before the ids' (whose
    # card detector would take its digits), on the texts with a "+" and a digit
    "phone:e164": [Detector("phone", r"(?-u:\B)\+[1-9][0-9]{7,14}\b", gate=Gate(r"\+[0-9]"))],
    "mrn": [_ids("mrn", r"mrn|medical record|med rec|patient id|chart|unit no|hospital no")],
    "account": [
        _ids(
            "account",
            r"account|acct|member(?:ship)?|policy|claim|invoice|health plan|insurance|subscriber"
            r"|beneficiary|customer|iban|routing",
        )
    ],
    # "smart card no: 10052474284": a pass after the ids' (where a payment card's number is
    # a card), on the texts with "card"; check "card_no": a card when Luhn-valid, else an id
    "account:card": [
        Detector(
            "account",
            rf"[0-9][0-9 -]{{4,}}[0-9]\b|{ID_VALUE}",
            before=r"\b(?i:card)[ \t]*(?:(?i:no\.?|number|num|#|id)(?:[ \t]+(?i:is))?[ \t]*[:#=]?"
            r"|[:#=])[ \t]*#?[ \t]*",
            check="card_no",
            gate=Gate("card", fold=True),
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
# 7/22, 8/87 or 6/30-7/2 in clinical notes; validated by month_day_ok
MONTH_DAY = r"\d{1,2}/\d{1,2}(?:-\d{1,2}/\d{1,2})?"
# Clinical settings and scores written like a month/day: ventilator pressures ("PSV 10/5",
# "CPAP 5/5, 40%"), pain scores ("pain 3/10", "#9/10"), culture bottles ("2/4 bottles").
# These detectors match them first and give them back as text (check "reject").
VENT_SETTING = (
    r"\b(?i:psv?|cpap|bi-?pap|peep|ipap|epap|pressure support|flow-?by|simv|imv|vent\w*|settings?"
    r"|(?:wean|chang|increas|decreas)\w*(?:[ \t]+(?:down|up|back))?[ \t]+to|trial\w*(?:[ \t]+on)?"
    r"|tried[ \t]+on)\b"
)
# up to 30 characters after the setting's name, in the same sentence, with no word longer
# than 3 letters between ("SIMV/PS, 40%, 600X4, & 5/10" but not "VENT VIA TRACH (PLACED 8/14)")
SETTING_GAP = r"(?:[^\n;.A-Za-z]|\.\d|[A-Za-z]{1,3}\b|[A-Za-z]{1,3}\d)"
NOT_MONTH_DAY = [
    Detector(
        "date",
        rf"{VENT_SETTING}{SETTING_GAP}{{0,30}}?\d{{1,2}}/\d{{1,2}}\b",
        check="reject",
        gate=SLASH_GATE,
    ),
    Detector(
        "date",
        r"\d{1,2}/\d{1,2}",
        before=NUM_BEFORE,
        after=r"[ \t]*[,@]?[ \t]*(?:\d{2,3}[ \t]*%|(?i:peep|fio2|psv?|cpap|bi-?pap|pain|cp"
        r"|bottles?)\b)",
        check="reject",
        gate=SLASH_GATE,
    ),
    Detector(
        "date",
        r"\d{1,2}/10\b",
        before=r"(?:\b(?i:pain|c/o|cp|score|rated?|rates|scale|level)[ \t:=-]*|#)",
        check="reject",
        gate=SLASH_GATE,
    ),
]
PASS_TYPES = (
    ("email",),
    ("url",),
    ("phone:e164",),
    ("card", "ssn", "ip", "mrn", "account", "order", "license", "vehicle", "device"),
    ("account:card",),
    ("date", "phone", "address", "zip"),
    ("date:more",),
)

TITLES = (
    r"(?i:dr|drs|doctor|mr|mrs|ms|miss|mx|prof|professor|mister|madam|dame|sir|lady|lord|rabbi"
    r"|reverend|pastor|imam)"
)
# titles written out, not abbreviated: a full stop after one ends a sentence ("Yes, doctor.
# Guess what"), and in lower case one is a noun or verb ("my doctor knows", "I miss golfing")
# unless a census name follows
TITLE_WORDS = _words(
    "doctor miss professor mister madam dame sir lady lord rabbi reverend pastor imam"
)
# titles after which a common word is still a name ("Dr. Small"), when written in the same
# case as the title; not Mr/Ms, which are also mitral regurgitation and mental status in notes
STRONG_TITLE = r"\b(?i:dr|drs|doctor|prof|professor|rabbi|reverend|pastor|imam)(?:\.[ \t]*|[ \t]+)"
# the title and the "." or blank after it: "dr" alone is in "address" and "drive"
TITLE_GATE = Gate(
    r"(?:drs?|doctor|mrs?|ms|miss|mx|prof|professor|mister|madam|dame|sir|lady|lord|rabbi"
    r"|reverend|pastor|imam)[. \t]",
    fold=True,
)
STRONG_TITLE_GATE = Gate(
    r"(?:drs?|doctor|prof(?:essor)?|rabbi|reverend|pastor|imam)[. \t]", fold=True
)
RELATIVES = (
    r"(?i:son|daughter|wife|husband|sister|brother|mother|father|mom|dad|niece|nephew|aunt|uncle"
    r"|grand[ -]?(?:son|daughter|mother|father)|(?:son|daughter|sister|brother|mother|father)"
    r"-in-law|cousin|fiance|fiancee|partner|friend|neighbor|neighbour|boyfriend|girlfriend"
    r"|dtr|dau|sis|bro|hubby|caregiver|step(?:son|daughter|mother|father)|kid|child|baby)\b"
)
ROLES = (
    r"(?:NP|RN|PA|LPN|RRT|CNA|MD|(?i:nurse|attending|resident|intern|fellow|surgeon"
    r"|physician|caseworker|case manager|social worker|chaplain|house officer|house staff"
    r"|therapist|pharmacist|technician|tech|dietitian|nutritionist))"
)
# Labels of speakers' turns in dialogues and transcripts, and of roles in a header: after
# "Patient:" comes a name in a header ("Patient: Smith, John") but a turn in a dialogue
# ("Patient: That's right."). Check "name" tells them apart by what is around (_peek).
SPEAKERS = (
    "Patient|Customer|Client|Physician|Doctor|Nurse|Provider|Agent|Attending|Resident|Caller"
    "|Employee|Member|Parent|Guardian"
)
# Context that introduces a person's name; the name must pass the checks in _name_span.
NAME_CONTEXTS = [
    # fields: "Name:", "From:", "Patient name:", and speakers' labels (see SPEAKERS)
    r"(?:^|\n)[ \t>]*(?:Name|Contact|From|To|Cc|Attn|Signed|Author|Guarantor|Emergency contact"
    rf"|Next of kin|Insured|Subscriber|Owner|{SPEAKERS})(?:[ \t]+(?i:name))?[ \t]*:[ \t]*",
    r"(?:^|\n)[ \t>]*(?i:first|last|full|given|family|middle|maiden|sur)[ \t]*name[ \t]*:[ \t]*",
    r"\b(?:Dear|Hi|Hello|Hey|Thanks|Thank you|Thx|Attn:?|Attention:?|Congratulations)[ \t,]+",
    r"\b(?i:my name is|my name's|this is|i am|i'm|call me|named(?: him| her)?|called|signed by|seen by"
    r"|referred by|says|said|asked|replied|wrote|told|according to|starring|featuring|married"
    r"|(?:first|last|maiden|middle|full|sur) ?name is|name on the account is)[ \t]+"
    rf"(?:{TITLES}\.?[ \t]*)?",
    # "spoke with", "spoken extensively with", "follow up with"
    r"\b(?i:(?:spoke|spoken|speak|speaking|talk|talked|talking|met|meet|meeting|follow(?:ed)? up"
    r"|consulted|conferred|checked)(?:[ \t]+\w+ly)?[ \t]+(?:with|to))[ \t]+",
    # "song by X", "Directed By: X"
    r"\b(?i:(?:directed|written|produced|performed|sung|composed|arranged|created|painted"
    r"|designed|founded|invented|illustrated|edited|translated|narrated|hosted|presented|signed"
    r"|approved|authored|recorded|released|song|songs|novel|book|album|film|movie|poem|play"
    r"|painting|track|article|story|lyrics|version|not)[ \t]+by)[ \t]*:?[ \t]*",
    r"[\"”][ \t]+(?i:by)[ \t]+",
    # "What's your name? X", "name on the account? User: X", "it's under X"
    r"\b(?i:name)\b[^?\n]{0,25}\?[ \t]*(?:(?i:user|customer|client|caller)[ \t]*:[ \t]*)?",
    r"\b(?i:it'?s under|under the name(?: of)?|under (?:my|his|her|their|our) \w+'s name"
    r"|in the name of|(?:change|changed|update|updated) (?:it|the name|my name) to"
    r"|(?:assistant|secretary|deputy|successor|tribute|married|engaged) to)[ \t]+",
    # occupations before a name: "Producer X", "songwriter X", "tennis player X"
    r"\b(?i:producer|songwriter|singer|player|actor|actress|author|writer|director|composer"
    r"|artist|musician|poet|novelist|journalist|reporter|senator|governor|mayor|minister|president"
    r"|ceo|founder|co-founder|chairman|chairwoman|judge|detective|coach|captain|sergeant"
    r"|lieutenant|colonel|ex-\w+)[ \t]+",
    r"\b(?i:regards|thanks|thank you|sincerely|cheers|best|best wishes|yours truly|cordially)"
    r"[ \t]*[,!.]?[ \t]*\r?\n[ \t]*",
    rf"\b(?:my|her|his|their|your|the|pt'?s|patient'?s)[ \t]+{RELATIVES}[ \t,]+",
    rf"\b{RELATIVES}[ \t]*(?:[,:]|-+)[ \t]*",
    rf"\b{ROLES}[ \t]+",
    r"\b(?i:contact(?: person)?|caller|proxy)[ \t]*[:-]?[ \t]*",
]
# clinical notes: upper- and lower-case names after strong contexts ("DR. DISANGRO", "son bill")
CASED_CONTEXTS = [  # not NP/PA/MD/PT: in notes they are also nasal prongs, artery, ...
    rf"\b(?i:(?:my|her|his|their|the|pt'?s|patient'?s)[ \t]+)?{RELATIVES}[ \t]*(?:[,:]|-+)?[ \t]*",
    r"\b(?i:nurse|attending|resident|fellow|caseworker|case manager|social worker|chaplain"
    r"|house officer|house staff|therapist|pharmacist|dietitian)[ \t]+",
    r"\b(?i:(?:spoke|spoken|speak|talk|talked|met|meet|discussed|follow(?:ed)? up)"
    r"(?:[ \t]+\w+ly)?[ \t]+with|my name is|call me|contact(?: person)?:?)[ \t]+",
]
# After a name: the verb of a person at the start of a sentence ("Enrico shouted at"), a
# possessive of a personal noun ("Asya's kid"), a role ("as a beneficiary", "(son)"), "family".
PERSON_VERBS = (  # not "said"/"thinks"/"told": companies do those in support tickets
    r"(?:shouted|yelled|whispered|lives|lived|spent[ \t]+(?:a|an|the|\d+)|was born|is from|died"
    r"|will be (?:talking|speaking|presenting)|is the keynote|began[ \t]+[a-z]+ing)"
)
PERSONAL_NOUNS = (
    r"(?:address|phone|number|e-?mail|account|birthday|house|home|car|kid|kids|child|children|son"
    r"|daughter|wife|husband|mom|dad|mother|father|brother|sister|family|friend|boss|lawyer"
    r"|death|funeral|killers?|murder|wedding|parents|grave|office)"
)
SENTENCE_START = r"(?:^|\n|[.!?][\"”]?[ \t]+)[ \t>\"“]*"
AFTER_NAME = [
    rf"[ \t]+{PERSON_VERBS}\b",
    rf"['’]s[ \t]+{PERSONAL_NOUNS}\b",
    r"[ \t]+as[ \t]+(?:(?:a|an|the|my|our|his|her)[ \t]+)?(?:beneficiary|guardian|dependent|co-?signer"
    r"|authorized user|joint|secondary|emergency contact|nominee|trustee|executor)\b",
    rf"[ \t]*\((?:{RELATIVES}|{ROLES}|(?i:pcp|hcp|proxy|health care proxy))\)",
    r"[ \t]+(?i:family)\b",
    # a phone label after a name: "Lopie Certusi cell# 410-..."
    r"[ \t]*[(:-]?[ \t]*(?i:cell|home|work|mobile|phone|tel|pager|beeper)[ \t]*(?:#|:|no\.)",
    # clinical: "lorrie morales is a 70 yo"
    r"[ \t]+(?i:is|was)[ \t]+an?[ \t]+\d{1,3}[ \t-]*(?i:yo|y/o|y\.o\.|yr|year|month)",
]
# "Leif, can I please speak to your boss?": a name called at the start of a sentence
VOCATIVE_AFTER = (
    r",[ \t]+(?:can|could|would|will|please|do|did|are|is|have|I|we|you|thanks|thank)\b"
)

# an initial and a name: "J. Miller" after a space; in capitals, where any sentence may end
# in a one-letter abbreviation ("N/V. ABD"), only after "per"/"by"/... or before "aware"
INITIAL_CONTEXT = r"\b(?i:per|by|to|with|from|and|paged|called|notified|informed|meet|w/)[ \t]+"
INITIAL_NAME = rf"{ASCII_B}[A-Z]\.[ \t]*[A-Z][a-z]+(?:['’-][A-Za-z]+)?{ASCII_B}"
INITIAL_CAPS = rf"{ASCII_B}[A-Z]\.[ \t]*(?:[A-Z][a-z]+|[A-Z]{{2,}})(?:['’-][A-Za-z]+)?{ASCII_B}"
INITIAL_AFTER = r"[ \t]+(?i:aware|notified|paged|called|informed|updated|in to|at bedside)\b"
COORDINATED = (
    rf"{NAME_TOKEN}(?:[ \t]*,[ \t]*{NAME_TOKEN}){{0,6}},?[ \t]+(?:and|&)[ \t]+{NAME_TOKEN}"
)
TITLE_CONTEXT = rf"\b{TITLES}(?:\.[ \t]*|[ \t]+)"
# a credential that ends its line: "Q. LANDER RRT", "V. Finn, RRT" (not "Stoma RN following")
SIGNOFF_AFTER = (
    r",?[ \t]+(?:RN|RRT|MD|NP|PA|LPN|BSN|CNA|CRT|(?i:rn|rrt|md|np|bsn|crt))[ \t.]*(?:\r?\n|$)"
)
# after a title, common words are names ("Dr. Small", "Dr. Will Cole") but not these
TITLE_STOP = frozenset(
    [
        "and",
        "or",
        "to",
        "in",
        "at",
        "on",
        "of",
        "the",
        "a",
        "an",
        "for",
        "with",
        "by",
        "from",
        "is",
        "was",
        "were",
        "are",
        "be",
        "been",
        "has",
        "had",
        "have",
        "will",
        "would",
        "should",
        "can",
        "could",
        "may",
        "did",
        "does",
        "do",
        "aware",
        "notified",
        "called",
        "paged",
        "office",
        "orders",
        "order",
        "note",
        "notes",
        "here",
        "there",
        "said",
        "says",
        "saw",
        "see",
        "seen",
    ]
)
# species after a genus initial ("E. coli"), not a name after an initial
MICROBES = frozenset(
    [
        "coli",
        "aureus",
        "epidermidis",
        "faecalis",
        "faecium",
        "diff",
        "dif",
        "difficile",
        "pylori",
        "aeruginosa",
        "pneumoniae",
        "pneumonia",
        "influenzae",
        "albicans",
        "glabrata",
        "fragilis",
        "marcescens",
        "cloacae",
        "aerogenes",
        "mirabilis",
        "vulgaris",
        "viridans",
        "pyogenes",
        "agalactiae",
        "maltophilia",
        "baumannii",
        "cepacia",
        "typhi",
        "enteritidis",
        "jejuni",
        "monocytogenes",
        "meningitidis",
        "gonorrhoeae",
        "trachomatis",
        "pallidum",
        "tuberculosis",
        "burgdorferi",
        "perfringens",
        "botulinum",
        "tetani",
        "carinii",
        "jirovecii",
        "neoformans",
        "fumigatus",
        "oxytoca",
        "hominis",
        "capitis",
        "lugdunensis",
        "saprophyticus",
        "bovis",
        "mutans",
        "sanguinis",
        "mitis",
        "morganii",
        "freundii",
        "koseri",
    ]
)


def month_day_ok(text: str) -> bool:
    """Month/day (7/22) or month/yy (8/87), but not a fraction such as 1/2 or 3/4; in a range
    (6/30-7/2) both ends."""
    if "-" in text:
        return all(month_day_ok(part) for part in text.split("-"))
    m, d = (int(x) for x in text.split("/"))
    if not 1 <= m <= 12 or d == 0:
        return False
    return not (d <= 4 and m < d)


_PHONE_GROUPS = re.compile(r"[ .-]")


def phone_ok(text: str) -> bool:
    """A bare digit group pattern is a phone number when it has 7 to 15 digits and does not
    read as a range of values ("78-84 28", "900-1300", "100-1112": clinical vitals)."""
    digits = sum(c.isdigit() for c in text)
    if not 7 <= digits <= 15:
        return False
    groups = _PHONE_GROUPS.split(text)
    seps = _PHONE_GROUPS.findall(text)
    if [len(g) for g in groups] == [4, 2, 2] and seps == ["-", "-"]:
        return False  # the shape of an ISO date (2024-13-45), not of a phone number
    if not seps or seps[0] != "-" or (len(seps) > 1 and seps[1] == "-"):
        return True
    low, high = int(groups[0]), int(groups[1])
    if low < high <= 2 * low and len(groups[1]) >= len(groups[0]):
        return False  # a range: the second value a little above the first
    # 3+4 digits with no area code: a US exchange never starts with 0 or 1
    return not (len(groups) == 2 and len(groups[0]) == 3 and groups[0][0] in "01")


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


@dataclass
class _Pass:
    """Detectors scanned together in one regex.

    Two forms: ``fast`` (a find becomes one marker character, its value dropped; nothing can
    match inside it later) and ``keep`` (``MARK value CLOSE``; a first alternative matches
    earlier finds whole so that nothing matches inside them, and what that leaves behind,
    ``junk``, is removed). ``single``: one type and no check, so the template writes the
    final marker and there is no Python step.
    """

    index: int
    dets: list[Detector]
    single: bool
    fast: tuple[str, str]
    keep: tuple[str, str]
    junk: str
    gates: tuple[Gate, ...] = ()  # a text must pass one to be scanned; none: every text
    # names: their checks see what follows a find ("after"), and what precedes it too
    # ("around": a speaker's label, a title's full stop); see _peek
    peek: str = ""


def _build_pass(index: int, dets: list[Detector], canon: Callable[[str], str]) -> _Pass:
    single = len({d.type for d in dets}) == 1 and not any(d.check for d in dets)
    alts, befores, values, afters = [], [], [], []
    for i, d in enumerate(dets):
        part = ""
        if d.before:
            part += f"(?P<b{i}>{d.before})"
            befores.append(f"${{b{i}}}")
        part += f"(?P<v{i}>{d.pattern})"
        values.append(f"${{v{i}}}")
        if d.after:
            part += f"(?P<a{i}>{d.after})"
            afters.append(f"${{a{i}}}")
        alts.append(part)
    pre, post = "".join(befores), "".join(afters)
    if single:
        mark = canon(dets[0].type)
        plain = "|".join(f"(?:{d.pattern})" for d in dets)
        fast = (plain, mark) if not pre and not post else ("|".join(alts), pre + mark + post)
        keep_t = pre + mark + "".join(values) + CLOSE + post
        junk = mark + CLOSE
    else:
        slots = _open(index) + SEP.join(values) + CLOSE
        fast = ("|".join(alts), pre + slots + post)
        keep_t = pre + slots + post
        junk = slots.replace(SEP.join(values), SEP * (len(dets) - 1))
    keep = (f"(?P<s>{BRACKET})|" + "|".join(alts), "${s}" + keep_t)
    return _Pass(index, dets, single, fast, keep, junk)


class PiiEngine:
    """The detectors of one pack, grouped into passes; build once, scan many columns."""

    def __init__(self, rules: PiiRules, *, gates: bool = True) -> None:
        self.rules = rules
        self.gates = gates  # off: every pass scans every text (for tests: same result)
        self.types: list[str] = [*rules.types, *(c.type for c in rules.custom)]
        self.types = list(dict.fromkeys(self.types))
        self.type_index = {t: i for i, t in enumerate(self.types)}
        self.not_names = frozenset(w.lower() for w in rules.not_names)
        stop = self.not_names | NOT_NAMES
        self.listed = frozenset(
            n for n in (_names.FIRST_NAMES | _names.LAST_NAMES) if n.lower() not in stop
        )
        self.passes: list[_Pass] = []
        self.listed_pass: _Pass | None = None
        wanted = set(rules.types)
        for group in PASS_TYPES:
            dets = [
                d if d.gate or t not in NEEDS_DIGIT else replace(d, gate=NEEDS_DIGIT[t])
                for t in group
                if t.split(":")[0] in wanted
                for d in STATIC[t]
            ]
            if "date:more" in group and "date" in wanted and rules.month_day_dates:
                # here, not with the phones: the look-alikes would overflow that pass's DFA
                dets += NOT_MONTH_DAY
                dets.append(
                    Detector("date", MONTH_DAY, NUM_BEFORE, NUM_AFTER, "month_day", SLASH_GATE)
                )
            if "date" in group:
                # detectors that look before a number take one character there; all of this
                # pass's detectors do, so that on a tie the earlier detector wins, not the one
                # that starts a character sooner ("DOB 1985-03-14" is a date, not a phone)
                dets = [
                    d
                    if d.before.startswith(NUM_BEFORE)
                    else Detector(d.type, d.pattern, LEAD + d.before, d.after, d.check, d.gate)
                    for d in dets
                ]
            if dets:
                self._add(dets)
        if rules.custom:  # the user's regexes run as written
            self._add([Detector(c.type, c.pattern, c.before, c.after) for c in rules.custom], False)
        if "person" in wanted:
            for dets in self._name_passes():
                self._add(dets)
            if rules.name_list and self.listed:
                cap = "[A-Z][a-z]+"  # ASCII: Unicode classes here would cost 3x
                listed = (
                    rf"{ASCII_B}(?:{cap}[ \t]+)?(?:{_alternation(self.listed)})"
                    rf"(?:[ \t]+{cap})?{ASCII_B}"
                )
                self.listed_pass = self._add([Detector("person", listed, check="listed")])
        self.extra_names = frozenset(rules.extra_names)
        # (pass, find) -> outcome, per keep_values; see _ScanState
        self.outcomes: dict[bool, dict[tuple[int, str], str]] = {False: {}, True: {}}

    def _add(self, dets: list[Detector], builtin: bool = True) -> _Pass:
        if builtin:
            b = ascii_bounds
            dets = [
                Detector(d.type, b(d.pattern), b(d.before), b(d.after), d.check, d.gate)
                for d in dets
            ]
        p = _build_pass(len(self.passes), dets, lambda t: _canon(self.type_index[t]))
        # names whose check can use what is around a find (_peek): not after a title, nor
        # with a context after them, which their regex already saw; what precedes a find
        # only after a context (a speaker's label, a title)
        own = [d for d in dets if not d.after and d.check not in _TITLE_CHECKS]
        if own and all(d.type == "person" and d.check for d in dets):
            p.peek = "around" if any(d.check == "name" and d.before for d in own) else "after"
        if self.gates and all(d.gate is not None for d in dets):
            # one regex per kind of gate (one alternation of "/" and words cost 8x as much:
            # a one-byte literal spoils the prefilter)
            gates = list(dict.fromkeys(d.gate for d in dets if d.gate is not None))
            kinds = dict.fromkeys((g.fold, g.ascii) for g in gates)
            p.gates = tuple(
                Gate("|".join(f"(?:{g.pattern})" for g in gates if (g.fold, g.ascii) == k), *k)
                for k in kinds
            )
        self.passes.append(p)
        return p

    def _name_passes(self) -> list[list[Detector]]:
        """Name detectors, one pass each: two big Unicode alternations in one regex make Rust's
        DFA give up (10x slower), while each alone scans at full speed."""
        ctx = self._ctx
        passes = [
            [
                Detector(
                    "person", rf"{STRONG_TITLE}{NAME}", check="strong_title", gate=STRONG_TITLE_GATE
                )
            ],
            [Detector("person", NAME, before=ctx(TITLE_CONTEXT, *NAME_CONTEXTS), check="name")],
            [
                Detector("person", NAME, SENTENCE_START, rf"[ \t]+{PERSON_VERBS}\b", "trailing"),
                # two name tokens then a verb and "his"/"her": "Krisztián Szöllösy listed his"
                Detector(
                    "person",
                    TWO_NAMES,
                    SENTENCE_START,
                    r"[ \t]+[a-z]+ed[ \t]+(?:his|her)\b",
                    "trailing",
                ),
                Detector("person", NAME, after=ctx(*AFTER_NAME[1:]), check="trailing"),
            ],
            # rarer finds, one pass (a pass costs a scan; a find's capture groups cost more in a
            # bigger regex, so passes with many finds stay small): "Leif, can you", a name on
            # a line of its own, "Z. Miller", "per B. KARGAS", "Z. MILLER aware" (not "E. coli")
            rare := [
                Detector("person", NAME_TOKEN, SENTENCE_START, VOCATIVE_AFTER, check="name"),
                # a line of its own among other lines, not a whole field ("WriteRight Pen")
                Detector("person", LINE_NAME, r"(?:^|\n)[ \t>]*", r"[ \t]*\r?\n", "line"),
                Detector("person", LINE_NAME, r"\n[ \t>]*", r"[ \t]*$", "line"),
                Detector("person", INITIAL_CAPS, before=ctx(INITIAL_CONTEXT), check="initial"),
                Detector("person", INITIAL_CAPS, after=INITIAL_AFTER, check="initial"),
                Detector("person", INITIAL_NAME, before=r"(?:^|[ \t(])", check="initial"),
                Detector("person", SURNAME, before=ASCII_B, after=SURNAME_AFTER, check="trailing"),
            ],
        ]
        if self.not_names:  # "Dr. Foley" is a person even where "Foley" is a catheter
            alt = _alternation(w for n in self.rules.not_names for w in (n, n.upper(), n.lower()))
            titled = rf"(?:{alt}){ASCII_B}"
            titled_name = Detector(
                "person", titled, self._ctx(TITLE_CONTEXT), check="titled", gate=TITLE_GATE
            )
            passes.append([titled_name])
        if self.rules.lowercase_names:  # clinical notes: "DR. DISANGRO", "son bill", "J. Yi"
            strong = rf"{STRONG_TITLE}{CASED_NAME}"
            passes.append(
                [Detector("person", strong, check="strong_title", gate=STRONG_TITLE_GATE)]
            )
            titled = rf"{TITLE_CONTEXT}{CASED_NAME}"
            passes.append([Detector("person", titled, check="cased_title", gate=TITLE_GATE)])
            # after "son" or "nurse" a lower/upper-case word must be a known first name
            relative = self._ctx(*CASED_CONTEXTS[:-1])
            passes.append([Detector("person", CASED_NAME, before=relative, check="known")])
            strong = self._ctx(CASED_CONTEXTS[-1])
            passes.append([Detector("person", CASED_NAME, before=strong, check="known")])
            after = self._ctx(*AFTER_NAME[3:])  # "(son)", "family", "cell#", "is a 70 yo"
            passes.append([Detector("person", CASED_NAME, after=after, check="trailing_known")])
            # "ROBERT V. DEGIORGIO, RRT": a name before a credential ((?m)^ would cost 10x)
            signoff = rf"{ASCII_B}{CASED_NAME}"
            passes.append([Detector("person", signoff, after=SIGNOFF_AFTER, check="signoff")])
            # a name alone on the note's last line: "...\nSUSAN"
            last = rf"{CASED_TOKEN}(?:[ \t]+{CASED_TOKEN})?"
            # "mary smith", "JOHN DOE": a census first name and a census surname, any case
            firsts = sorted(n for n in self.listed if n in _names.FIRST_NAMES)
            pair = (
                rf"{ASCII_B}(?:{_alternation(n.lower() for n in firsts)}"
                rf"|{_alternation(n.upper() for n in firsts)})[ \t]+(?:[A-Za-z]\.?[ \t]+)?"
                rf"[A-Za-z][A-Za-z'’-]+{ASCII_B}"
            )
            passes.append([Detector("person", pair, check="pair")])
            end = r"(?:\n|[.!?][ \t]+)[ \t]*"
            passes.append([Detector("person", last, end, r"\s*$", check="known")])
        else:
            # lower-case names after a strong context: "my name is lena andersson"
            strong = self._ctx(CASED_CONTEXTS[-1])
            rare.append(Detector("person", CASED_NAME, before=strong, check="known"))
            rare.append(Detector("person", NAME_TOKEN, r"\n[ \t]*", r"\s*$", check="known"))
        # "Kónya, Becker and Vasquez": a list of names where most are census names (before the
        # census-name pass, which would take the listed ones out of the list)
        rare.append(Detector("person", COORDINATED, check="coordinated"))
        return passes

    @staticmethod
    def _ctx(*contexts: str) -> str:
        return "|".join(f"(?:{c})" for c in contexts)

    # ---- scanning ------------------------------------------------------------------------

    def scan(
        self,
        texts: pl.Series,
        groups: Sequence[int] | np.ndarray | None = None,
        *,
        keep_values: bool = True,
        parallel: bool = True,
    ) -> Scan:
        """Mark every find in ``texts``; ``groups`` (one id per text) says which texts form a
        record, for names found by context and for pseudonym numbering (default: each its own).

        ``keep_values=False`` is about twice as fast and enough for counts and ``[TYPE]``
        placeholders; spans, pseudonyms and examples need the values. ``parallel``: big
        columns are split by record and scanned on one thread per core (same result)."""
        texts = texts.cast(pl.Utf8)
        idx = _non_ascii(texts)  # our markers are not ASCII: only these texts can hold one
        if not idx.is_empty():
            some = texts.gather(idx)
            bad = some.str.contains(RESERVED).fill_null(False)
            if bad.any():
                fixed = some.filter(bad).str.replace_all(RESERVED, "\ufffd")
                texts = texts.clone().scatter(idx.filter(bad), fixed)
        grp = np.arange(len(texts)) if groups is None else np.asarray(groups)
        parts = _pool.split_rows(grp, _pool.threads() if parallel else 1)
        if len(parts) == 1:
            return Scan(self, self._scan_rows(texts, grp, keep_values), grp, keep_values)
        # records split into parts scanned on threads: a record's texts stay in one part
        done = _pool.run_parts(
            lambda rows: self._scan_rows(texts.gather(rows), grp[rows], keep_values), parts
        )
        order = np.argsort(np.concatenate(parts), kind="stable")
        marked = pl.concat(done, rechunk=True).gather(order)
        return Scan(self, marked, grp, keep_values)

    def _scan_rows(self, texts: pl.Series, grp: np.ndarray, keep_values: bool) -> pl.Series:
        """The passes over ``texts`` (whole records, as ``grp`` says)."""
        state = _ScanState(self, grp, keep_values)
        marked = texts
        gated: dict[object, pl.Series] = {}  # the gates' hits, and the lower-cased texts
        for p in self.passes:
            if p is self.listed_pass:
                marked = state.propagate_names(marked)
            before = marked
            if not p.gates:
                marked = _replace_pass(marked, p, keep_values)
            else:
                marked = _gated_pass(marked, p, keep_values, _gate_hits(texts, gated, p.gates))
            if not p.single:
                # a find makes its text longer (by its opener and CLOSE at least) and a pass
                # changes nothing else: comparing lengths (kept per string) finds the texts
                # with finds at no cost, where a search for the opener is a scan
                grew = marked.str.len_bytes() != before.str.len_bytes()
                marked = state.resolve(marked, p, grew.fill_null(False))
        if self.listed_pass is None:
            marked = state.propagate_names(marked)
        return marked


def _replace_pass(marked: pl.Series, p: _Pass, keep_values: bool) -> pl.Series:
    """One pass over a column (see ``_Pass`` for the two forms)."""
    if keep_values:
        return marked.str.replace_all(*p.keep).str.replace_all(p.junk, "", literal=True)
    return marked.str.replace_all(*p.fast)


def _non_ascii(texts: pl.Series) -> pl.Series:
    """Indices of the texts with a character beyond ASCII (more bytes than characters): a
    cheap test, where a search for a Unicode range costs a full automaton scan."""
    return (texts.str.len_bytes() != texts.str.len_chars()).fill_null(False).arg_true()


def _gate_hits(
    texts: pl.Series, cache: dict[object, pl.Series], gates: Sequence[Gate]
) -> pl.Series:
    """Which texts pass one of ``gates``. Folded gates test the lower-cased text, and pass any
    text with "ſ" too: the regex's (?i) matches it as "s", and lower-casing keeps it. (The only
    other non-ASCII letter that (?i) matches as ASCII, the Kelvin sign, lower-cases to "k".)
    ``cache`` keeps, for one scan, the lower-cased texts and each gate's hits (passes share
    gates: the titles)."""
    hits = []
    for gate in gates:
        hit = cache.get(gate)
        if hit is None:
            if gate.fold:
                if "lower" not in cache:
                    cache["lower"] = texts.str.to_lowercase()
                    cache["long_s"] = texts.str.contains("ſ", literal=True)
                hit = cache["lower"].str.contains(gate.pattern) | cache["long_s"]
            else:
                hit = texts.str.contains(gate.pattern)
            if gate.ascii:
                if "non_ascii" not in cache:
                    cache["non_ascii"] = texts.str.len_bytes() != texts.str.len_chars()
                hit = hit | cache["non_ascii"]
            hit = cache[gate] = hit.fill_null(False)
        hits.append(hit)
    return functools.reduce(operator.or_, hits)


def _gated_pass(marked: pl.Series, p: _Pass, keep_values: bool, hit: pl.Series) -> pl.Series:
    """``_replace_pass`` on the texts that ``hit`` says can match; the others stay as they are."""
    idx = hit.arg_true()
    if idx.is_empty():
        return marked
    if len(idx) == len(marked):
        return _replace_pass(marked, p, keep_values)
    done = _replace_pass(marked.gather(idx), p, keep_values)
    return marked.clone().scatter(idx, done)


_ENGINES: dict[str, PiiEngine] = {}
OUTCOME_CACHE_SIZE = 200_000


def engine_for(rules: PiiRules) -> PiiEngine:
    """The engine of ``rules``, built once per process (building one costs ~0.1 s: the census
    name alternation), since ingest applies the same pack to every batch."""
    key = rules.model_dump_json()
    engine = _ENGINES.get(key)
    if engine is None:
        if len(_ENGINES) >= 8:
            _ENGINES.clear()
        engine = _ENGINES[key] = PiiEngine(rules)
    return engine


class _ScanState:
    """Per-scan state: the names found by context in each record."""

    def __init__(self, engine: PiiEngine, groups: np.ndarray, keep_values: bool) -> None:
        self.engine = engine
        self.groups = groups
        self.keep_values = keep_values
        self.names: dict[int, set[str]] = defaultdict(set)
        # what a find becomes depends on the pass, the value and keep_values alone: kept on
        # the engine across scans (ingest scans batch after batch, with the same greetings,
        # sign-offs and names), cleared when it grows big
        self.cache = engine.outcomes[keep_values]
        if len(self.cache) > OUTCOME_CACHE_SIZE:
            self.cache.clear()

    def resolve(self, marked: pl.Series, p: _Pass, maybe: pl.Series | None = None) -> pl.Series:
        """Turn pass ``p``'s slotted finds into resolved ones, or back into text (check failed).

        ``maybe``: the texts that may hold a find (every one that does; by default, those with
        the pass's opener). Python sees each distinct find once (its outcome is cached across
        scans) and cuts the texts with ``bytes.split`` (see ``_resolve_texts``): cheaper than
        pulling the finds out in Rust and putting the outcomes back with an Aho-Corasick
        automaton of every distinct find, built anew for each batch."""
        opener = _open(p.index)
        if maybe is None:  # which texts may hold a find: all those that hold one, or more
            maybe = marked.str.contains(opener, literal=True).fill_null(False)
        idx = maybe.arg_true()
        if idx.is_empty():
            return marked
        seen: dict[bytes, tuple[bytes, list[str]]] = {}  # body -> (what it becomes, names)
        done: list[bytes] = []
        for lo in range(0, len(idx), RESOLVE_CHUNK):  # one string stays well below 4 GiB
            rows = idx.slice(lo, RESOLVE_CHUNK)
            done += self._resolve_texts(marked.gather(rows), rows.to_numpy(), p, seen)
        return marked.clone().scatter(idx, pl.Series(done, dtype=pl.Binary).cast(pl.Utf8))

    def _resolve_texts(
        self,
        texts: pl.Series,
        rows: np.ndarray,
        p: _Pass,
        seen: dict[bytes, tuple[bytes, list[str]]],
    ) -> list[bytes]:
        """``resolve`` on ``texts`` (at ``rows``), as UTF-8. They are joined into one string,
        ROW between them (a find never holds ROW), and split at the opener: each piece starts
        with a find's body, up to the first CLOSE."""
        open_b, close_b, row_b = _open(p.index).encode(), CLOSE.encode(), ROW.encode()
        parts = texts.str.join(ROW).cast(pl.Binary).item().split(open_b)
        noted: list[tuple[int, list[str]]] = []  # (where in the joined string, names to spread)
        at = len(parts[0])
        # names: what is around a find tells an eponym ("Parkinson's", "Crohn disease") or a
        # turn in a dialogue ("Patient: Nope"); looked at here, as more regex in the passes
        # cost 10-25% of their scans (parts[j - 1] ends with the text before the find)
        peek, around = p.peek != "", p.peek == "around"
        for j in range(1, len(parts)):
            part = parts[j]
            body, close, rest = part.partition(close_b)
            if not close:  # not a find: cannot happen, the template always closes one
                parts[j] = open_b + part
            else:
                # (after a find, only a blank or a possessive can start what a check uses,
                # unless the find may be a header's name: most finds skip _peek)
                if peek and (around or rest[:1] in _PEEK_FIRST):
                    key = body + _peek(parts[j - 1], rest, around)
                else:
                    key = body
                got = seen.get(key)
                if got is None:
                    outcome = self._outcome(p, key.decode())
                    names = _NAME_NOTE.findall(outcome) if NOTE in outcome else []
                    plain = _NAME_NOTE.sub("", outcome) if names else outcome
                    got = seen[key] = (plain.encode(), names)
                if got[1]:  # names to redact elsewhere in the same record
                    noted.append((at, got[1]))
                parts[j] = got[0] + rest
            at += len(open_b) + len(part)
        if noted:  # the text a find is in, from where the texts start in the joined string
            sizes = texts.str.len_bytes().to_numpy().astype(np.int64) + len(row_b)
            starts = np.cumsum(sizes) - sizes
            which = np.searchsorted(starts, [at for at, _ in noted], side="right") - 1
            for group, (_, names) in zip(self.groups[rows[which]].tolist(), noted, strict=True):
                self.names[group].update(names)
        return b"".join(parts).split(row_b)

    def _outcome(self, p: _Pass, body: str) -> str:
        """What a find of pass ``p`` (its slots, ``body``, maybe NOTE and _peek's
        flags) becomes; NOTE-wrapped names in it."""
        key = (p.index, body)
        out = self.cache.get(key)
        if out is None:
            dets = p.dets
            body, _, tail = body.partition(NOTE)
            parts = body.split(SEP) if len(dets) > 1 else [body]
            i = next((k for k, v in enumerate(parts) if v), 0)
            det = dets[i]
            eponym = tail and not det.after and det.check not in _TITLE_CHECKS
            if eponym and _eponym(parts[i], tail):
                out = parts[i]
            else:
                out = self._check(det, parts[i], tail)
            self.cache[key] = out
        return out

    def _check(self, det: Detector, value: str, tail: str = "") -> str:
        """What ``det``'s find ``value`` becomes (``tail``: what follows it, see _peek)."""
        eng = self.engine
        mark = _canon(eng.type_index[det.type])

        def wrap(v: str) -> str:
            return mark + v + CLOSE if self.keep_values else mark

        if det.check is None:
            return wrap(value)
        if det.check == "phone":
            return wrap(value) if phone_ok(value) else value
        if det.check == "luhn":
            return wrap(value) if luhn_ok(value) else value
        if det.check == "card_no":  # after "card no": a payment card's number, or an id
            card = eng.type_index.get("card")
            if card is None or not luhn_ok(value):
                return wrap(value)
            return _canon(card) + value + CLOSE if self.keep_values else _canon(card)
        if det.check == "reject":  # a look-alike, matched only to keep other detectors off it
            return value
        if det.check == "month_day":
            return wrap(value) if month_day_ok(value) else value
        if det.check == "listed":
            return _listed_span(value, wrap, eng)
        if det.check == "strong_title":  # the title is part of the value: keep it as text
            title = _TITLE_RE.match(value)
            if title is None or _title_noun(title.group(), value[title.end() :], eng):
                return value
            cut = title.end()
            case = _case(title.group())
            return value[:cut] + _name_span(value[cut:], wrap, eng, titled=True, case=case)
        if det.check == "cased_title":  # notes: "ms clears" is mental status, "MR." mitral
            title = _TITLE_RE.match(value)
            if title is None or _title_noun(title.group(), value[title.end() :], eng):
                return value
            cut = title.end()
            abbrev = title.group().strip()
            plain = abbrev.rstrip(".").lower()
            if (plain == "ms" and value[cut : cut + 1].islower()) or (
                plain in ("mr", "ms") and abbrev.isupper() and not abbrev.endswith(".")
            ):
                return value
            return value[:cut] + _name_span(value[cut:], wrap, eng)
        if det.check in ("signoff", "trailing", "trailing_known"):  # the last name-like tokens
            known = det.check == "trailing_known"
            return _trailing_span(value, wrap, eng, eponyms=det.check == "signoff", known=known)
        if det.check == "line":  # every token of the line is name-like
            tokens = value.split()
            if not all(_is_initial(t) or _word_ok(t, eng) for t in tokens):
                return value
            return _name_span(value, wrap, eng)
        if det.check == "initial":
            last = value.split(".", 1)[1].strip()
            if last.lower() in MICROBES or not _word_ok(last, eng, eponyms=True):
                return value
            return _name_span(value, wrap, eng, eponyms=True)
        if det.check == "pair":
            first, last = value.split()[0], value.split()[-1]
            if last.title() not in eng.listed or not _word_ok(last, eng):
                return value
            return wrap(value) + "".join(f"{NOTE}{n}{NOTE}" for n in (first, last))
        if det.check == "coordinated":
            names = [n.strip() for n in re.split(r",|\band\b|&", value) if n.strip()]
            listed = sum(n in eng.listed for n in names)
            if 2 * listed < len(names) or not all(_word_ok(n, eng) for n in names):
                return value
            return wrap(value) + "".join(f"{NOTE}{n}{NOTE}" for n in names if len(n) > 2)
        if det.check == "name" and "t" in tail:  # see _peek
            return value
        if "p" in tail and "h" not in tail:  # after a speaker's label (see SPEAKERS): the
            # first words of a turn, not a header's name ("Patient: Smith, John", a line's
            # end, "DOB"): a name only as a census name and another ("Patient: John Smith is")
            words = [w for w in value.split() if not _is_initial(w)]
            if len(words) < 2 or words[0] not in eng.listed:
                return value
        if det.check == "known":
            first = next((t for t in value.split() if not _is_initial(t)), "")
            titlecase = first[:1].isupper() and first[1:].islower()
            if not titlecase and first[:1].upper() + first[1:].lower() not in eng.listed:
                return value  # "bill", "BILL": only a listed first name
        return _name_span(value, wrap, eng, titled=det.check == "titled")

    def propagate_names(self, marked: pl.Series) -> pl.Series:
        """Redact every other occurrence of a record's context names, in that record only."""
        extra = self.engine.extra_names
        if not self.names and not extra:
            return marked
        found = [self._rows_with_own_names(marked)] if self.names else []
        if extra:
            found.append(marked.str.contains_any(sorted(extra)).fill_null(False).arg_true())
        idx = pl.concat(found).unique().sort()
        if idx.is_empty():
            return marked
        mark = _canon(self.engine.type_index["person"])
        rows = idx.to_list()
        vals = marked.gather(idx).to_list()
        changed, out = [], []
        for row, group, text in zip(rows, self.groups[rows].tolist(), vals, strict=True):
            new = _redact_names(text, self.names.get(group, set()) | extra, mark, self.keep_values)
            if new != text:
                changed.append(row)
                out.append(new)
        if not changed:
            return marked
        return marked.clone().scatter(changed, pl.Series(out, dtype=pl.Utf8))

    def _rows_with_own_names(self, marked: pl.Series) -> pl.Series:
        """Rows whose text holds one of its record's names: a (row, name) pair for each name
        of the row's record, tested in Rust. Most texts of a record with names hold none of
        them elsewhere, and a Python substring loop over every pair cost 3x as much."""
        groups = list(self.names)
        names = [sorted(self.names[g]) for g in groups]
        per_group = pl.DataFrame(
            {
                "group": np.repeat(np.asarray(groups, dtype=np.int64), [len(n) for n in names]),
                "name": [n for group_names in names for n in group_names],
            },
            schema={"group": pl.Int64, "name": pl.Utf8},
        )
        rows = pl.DataFrame({"group": self.groups.astype(np.int64), "row": np.arange(len(marked))})
        pairs = rows.join(per_group, on="group", how="inner")
        if self.keep_values:  # a name inside an earlier find is no occurrence to redact
            marked = marked.str.replace_all(BRACKET, CLOSE)
        has = (
            pairs.with_columns(text=marked.gather(pairs["row"]))
            .select(pl.col("text").str.contains(pl.col("name"), literal=True))
            .to_series()
            .fill_null(False)
        )
        return pairs["row"].filter(has).cast(pl.get_index_type())


def _redact_names(
    text: str, names: Iterable[str], mark: str, keep_values: bool, plain: bool = False
) -> str:
    """Wrap whole-word occurrences of ``names`` (longest first), outside earlier finds."""
    if keep_values and not plain and CLOSE in text:
        parts = _BRACKET_RE.split(text)
        for k in range(0, len(parts), 2):  # even parts are plain text
            parts[k] = _redact_names(parts[k], names, mark, True, True) if parts[k] else ""
        return "".join(parts)
    for name in sorted(names, key=lambda n: (-len(n), n)):
        if name not in text:
            continue
        out, pos, size = [], 0, len(name)
        while (i := text.find(name, pos)) >= 0:
            j = i + size
            if (i == 0 or not _wordy(text[i - 1])) and (j == len(text) or not _wordy(text[j])):
                out += [text[pos:i], mark + name + CLOSE if keep_values else mark]
            else:
                out.append(text[pos:j])
            pos = j
        out.append(text[pos:])
        text = "".join(out)
    return text


def _wordy(c: str) -> bool:
    return c.isalnum() or c == "_"


NOTE = "\U000ffffb"  # _check's output carries the names to spread as NOTE name NOTE
_NAME_NOTE = re.compile(f"{NOTE}([^{NOTE}]*){NOTE}")


_TOKEN_RE = re.compile(r"\S+")


_CONTRACTIONS = ("'ve", "'re", "'ll", "'d", "'m", "n't")
# endings of adverbs that open a sentence ("Fortunately, yes", "Honestly, no"); no common
# given name or surname ends so (Emily, Kelly, Beverly, Vitaly do not)
_ADVERB_ENDINGS = tuple(
    _words(
        "ately ially ically ously fully ingly edly ably ibly ently antly ively ually estly ankly"
    )
)


def _is_adverb(low: str) -> bool:
    """An adverb in -ly: one of the endings above, or a common word plus "ly" ("sadly",
    "easily")."""
    if not low.endswith("ly") or len(low) < 5:
        return False
    if low.endswith(_ADVERB_ENDINGS) or (low.endswith("ily") and len(low) >= 7):
        return True
    common = _names.COMMON_WORDS
    return low[:-2] in common or low[:-3] + "y" in common or low[:-1] + "e" in common


def _case(text: str) -> str:
    letters = "".join(c for c in text if c.isalpha())
    return "upper" if letters.isupper() else "lower" if letters.islower() else "title"


_TITLE_RE = re.compile(r"\S+?(?:\.\s*|\s+)")
# checks of a name after a title: "Dr. Parkinson's office" is a person
_TITLE_CHECKS = frozenset(["strong_title", "cased_title", "titled"])


def _word_ok(
    token: str,
    engine: PiiEngine,
    titled: bool = False,
    *,
    eponyms: bool = False,
    case: str | None = None,
) -> bool:
    """A token can be (part of) a name: not a stop word, not a common English word.

    After a title ("Dr. Foley") the pack's ``not_names`` (eponyms, devices) count as names;
    after a strong title (``case`` given: "Dr. Small", "dr green") so do common words written
    in the title's case, but not function words ("Dr. to", "Rabbi sees"); with ``eponyms``
    (before a credential, after an initial) only the ``not_names`` do.
    """
    word = token.strip(".,:;'’").replace("’", "'")
    low = word.lower()
    if len(word) < 2 or low in NOT_NAMES or not any(c.isalpha() for c in word):
        return False
    if low.endswith(_CONTRACTIONS):  # "We've", "I'll", "Don't"
        return False
    if low.endswith("'s"):  # "That's" (not "John's"); "Parkinson's" but "Dr. Parkinson's"
        base = low[:-2]
        if base in CONTRACTED_S or (base in EPONYMS and not titled and case is None):
            return False
    if low in engine.not_names:
        return titled or eponyms
    title = word[:1].upper() + word[1:].lower()
    if low.endswith("ly") and _is_adverb(low) and title not in engine.listed:  # "Sadly"
        return False
    if title in engine.listed:
        return True
    if low not in _names.COMMON_WORDS and len(word) >= 3:
        return True
    if case is None or _case(word) != case:
        return False
    return case == "title" or low not in TITLE_STOP  # "Dr. Will Cole", not "DR WILL SEE"


def _title_noun(title: str, rest: str, engine: PiiEngine) -> bool:
    """A title written out before a full stop ("Yes, doctor. Guess what"), or in lower case
    before anything but a census name: "my doctor knows", "I miss golfing" (not "dr green",
    "doctor smith")."""
    word = title.strip()
    if word.endswith(".") and word[:-1].lower() in TITLE_WORDS:
        return True
    if word not in TITLE_WORDS:  # also: not lower case
        return False
    first = next((t for t in rest.split() if not _is_initial(t)), "")
    first = first.strip(".,:;")
    return first[:1].upper() + first[1:].lower() not in engine.listed


def _is_initial(token: str, any_case: bool = False) -> bool:
    """ "J." or "J" (and "q." with ``any_case``: sign-offs in lower-case notes)."""
    letter = token.rstrip(".")
    if len(letter) != 1 or not letter.isalpha():
        return False
    return letter.isupper() or (any_case and token.endswith("."))


def _trailing_span(
    value: str,
    wrap: Callable[[str], str],
    engine: PiiEngine,
    *,
    eponyms: bool = False,
    known: bool = False,
) -> str:
    """A name candidate before a context ("... Q. LANDER, RRT", "... Asya's kid"): redact its
    last name-like tokens, with the initials among or before them. ``known``: a token in lower
    or upper case must be a census name ("KEEP ROMERO FAMILY", not "CARING FAMILY")."""

    def ok(token: str) -> bool:
        if _is_initial(token, any_case=eponyms):
            return True
        if not _word_ok(token, engine, eponyms=eponyms):
            return False
        word = token.strip(".,:;")
        return not known or _case(word) == "title" or word.title() in engine.listed

    tokens = list(_TOKEN_RE.finditer(value))
    k = len(tokens)
    while k and ok(tokens[k - 1].group()):
        k -= 1
    if all(_is_initial(t.group(), any_case=eponyms) for t in tokens[k:]):
        return value
    cut = tokens[k].start()
    return value[:cut] + _name_span(value[cut:], wrap, engine, eponyms=eponyms)


def _name_span(
    value: str,
    wrap: Callable[[str], str],
    engine: PiiEngine,
    *,
    titled: bool = False,
    eponyms: bool = False,
    case: str | None = None,
) -> str:
    """A name candidate after a context: redact its leading name-like tokens (and initials).

    The capitalized tokens are noted (NOTE name NOTE) to be redacted elsewhere in the record.
    """
    tokens = list(_TOKEN_RE.finditer(value))
    keep = 0
    for k, m in enumerate(tokens):
        if _is_initial(m.group(), any_case=eponyms):
            continue
        if not _word_ok(m.group(), engine, titled, eponyms=eponyms, case=case):
            break
        keep = k + 1
    if keep == 0:
        return value
    if keep < len(tokens) and tokens[keep].group().strip(".,:;").lower() in DISEASE_WORDS:
        return value  # "Huntington Disease"
    end = tokens[keep - 1].end()
    name = value[:end]
    # common words found after a title ("Dr. White") are not spread: "White count" elsewhere
    words = [t.group().strip(".,:;") for t in tokens[:keep]]
    spread = [w for w in words if len(w) > 2 and w[0].isupper()]
    spread = [w for w in spread if _word_ok(w, engine, eponyms=titled or eponyms)]
    if keep > 1 and name[:1].isupper():
        spread.append(name)
    notes = "".join(f"{NOTE}{n}{NOTE}" for n in spread)
    return wrap(name) + notes + value[end:]


_ROW_B = re.escape(ROW.encode())
_MARK_B = rb"\xf3\xb0[\x80-\xbf]"  # UTF-8 of U+F0000-U+F0FFF: a find's opener or marker
_HEADER_END = rb"(?:\r|\n|" + _ROW_B + rb"|\Z)"  # of the line, the text, all texts
_PEEK_RE = re.compile(  # char classes only: a find's check runs it, so it must be cheap
    # a possessive
    rb"(?P<s>'s|\xe2\x80\x99s)?(?:"
    # the rest of a header line: its end, a bracket, a dash, a number, a find (a date, an
    # MRN), or a comma and a first name, a field or a number ("Smith, John", "Smith, DOB")
    + rb"(?P<h>[ \t]*(?:"
    + _HEADER_END
    + rb"|[;|(\[#0-9]|"
    + _MARK_B
    + rb"|(?:-|\xe2\x80[\x93\x94])[ \t]|,[ \t]*(?:[0-9]|"
    + _MARK_B
    + rb"|[A-Z][A-Za-z'-]*\.?(?:[ \t]+[A-Z][A-Za-z'-]*\.?)?[ \t]*(?:"
    + _HEADER_END
    + rb"|[,;(|0-9]))))"
    # else the next word: a disease ("Wilson disease") or a record's field ("Smith DOB")
    + rb"|[ \t]+(?P<w>[A-Za-z][A-Za-z.]*))?"
)
_DISEASE_B = frozenset(w.encode() for w in DISEASE_WORDS)
_PEEK_FIRST = frozenset([b" ", b"\t", b"'", "’".encode()[:1]])  # of "s", "d" (not "h": "around")
_HEADER_FIELDS_B = frozenset(
    b"dob d.o.b d.o.b. mrn age sex gender born date acct room rm bed".split()
)
_TITLE_WORD_DOT = re.compile(
    rb"(?i:\b(?:" + "|".join(sorted(TITLE_WORDS)).encode() + rb"))\.[ \t]*\Z"
)
_SPEAKER_BEFORE = re.compile(
    rb"(?:^|\n|" + _ROW_B + rb")[ \t>]*(?:" + SPEAKERS.encode() + rb")[ \t]*:[ \t]*\Z"
)


def _peek(before: bytes, rest: bytes, around: bool) -> bytes:
    """What is around a name find (UTF-8: what ``before`` ends with, if ``around``; what
    ``rest`` starts with), as flags for its check after NOTE: "p" after a speaker's label, "t"
    after a title word and a full stop, "s" a possessive, "d" a disease word, "h" the rest of
    a header line; empty if none (most finds: kept cheap)."""
    m = _PEEK_RE.match(rest)  # always matches (all optional)
    flags = ""
    if m is not None and (m.end() or not rest):
        possessive, header, word = m.group("s", "h", "w")
        if possessive is not None:
            flags = "s"
        if header is not None:
            flags += "h"
        elif word is not None:
            word = word.lower().rstrip(b".")
            if word in _DISEASE_B:
                flags += "d"
            elif word in _HEADER_FIELDS_B:
                flags += "h"
    end = before[-40:].rstrip(b" \t") if around else b""
    if end.endswith(b":") and _SPEAKER_BEFORE.search(before, max(0, len(before) - 40)):
        flags = "p" + flags
    elif end.endswith(b".") and _TITLE_WORD_DOT.search(before, max(0, len(before) - 40)):
        flags = "t" + flags  # "Yes, doctor. Guess what": a sentence's end, not a title
    return _flag_bytes(flags) if flags else b""


@functools.cache
def _flag_bytes(flags: str) -> bytes:
    return (NOTE + flags).encode()


def _eponym(value: str, tail: str) -> bool:
    """A name find before a disease word, or a disease eponym before "'s" (``tail``: the
    flags of _peek): "Wilson disease", "Parkinson's"."""
    if "d" in tail:
        return True
    last = value.rsplit(None, 1)[-1].lower() if value.strip() else ""
    return "s" in tail and last in EPONYMS


def _listed_span(value: str, wrap: Callable[[str], str], engine: PiiEngine) -> str:
    """A census name, plus a capitalized non-word next to it ("Maria Lopez"); not before a
    disease word ("Huntington Disease"; lower case: see _eponym)."""
    tokens = list(_TOKEN_RE.finditer(value))
    if len(tokens) > 1 and tokens[-1].group().lower() in DISEASE_WORDS:
        return value
    listed = [t.group() in engine.listed for t in tokens]
    if not any(listed):
        return value
    first = listed.index(True)
    last = len(listed) - 1 - listed[::-1].index(True)
    lo = first - 1 if first > 0 and _word_ok(tokens[first - 1].group(), engine) else first
    hi = last + 1 if last + 1 < len(tokens) and _word_ok(tokens[last + 1].group(), engine) else last
    a, b = tokens[lo].start(), tokens[hi].end()
    return value[:a] + wrap(value[a:b]) + value[b:]


@dataclass
class Scan:
    """A scanned column: every find is ``MARK value CLOSE`` (or just ``MARK`` without values)."""

    engine: PiiEngine
    marked: pl.Series
    groups: np.ndarray
    keep_values: bool = True

    def counts(self) -> dict[str, np.ndarray]:
        """Finds per text, by type: the markers pulled out of the texts that can hold one, in
        one scan, and counted in numpy. (Stripping everything but the markers with a regex cost
        5x as much: a match per run of plain text.)"""
        n = len(self.marked)
        types = list(self.engine.type_index)
        idx = _non_ascii(self.marked)  # a text with a marker is not ASCII
        if idx.is_empty() or not types:
            return {t: np.zeros(n, np.int64) for t in types}
        marks = self.marked.gather(idx)
        if self.keep_values:  # "MARK value CLOSE" -> "MARK"
            marks = marks.str.replace_all(f"({_ANY_MARK})[^{CLOSE}]*{CLOSE}", "$1")
        canon = [_canon(i) for i in self.engine.type_index.values()]
        found = marks.str.extract_all(f"[{min(canon)}-{max(canon)}]")
        per_text = found.list.len().fill_null(0).to_numpy()
        which = (
            found.explode()
            .drop_nulls()
            .replace_strict({c: k for k, c in enumerate(canon)}, return_dtype=pl.Int64)
        )
        rows = np.repeat(idx.to_numpy().astype(np.int64), per_text)
        table = np.bincount(which.to_numpy() * n + rows, minlength=len(types) * n)
        return dict(
            zip(types, table.astype(np.int64, copy=False).reshape(len(types), n), strict=True)
        )

    def placeholders(self) -> pl.Series:
        """Every find as ``[TYPE]``."""
        marks = [_canon(i) for i in self.engine.type_index.values()]
        tags = [f"[{t.upper()}]" for t in self.engine.type_index]
        if not self.keep_values:
            return self.marked.str.replace_many(marks, tags)
        out = self.marked
        for m, tag in zip(marks, tags, strict=True):
            out = out.str.replace_all(f"{m}[^{CLOSE}]*{CLOSE}", tag)
        return out

    def _need_values(self) -> None:
        if not self.keep_values:
            raise ValueError("this scan was made with keep_values=False")

    def pseudonyms(self) -> pl.Series:
        """Every find as ``[TYPE_n]``, n counted per record: the same value, the same n."""
        self._need_values()
        types = self.engine.types
        numbering: dict[int, dict[tuple[str, str], int]] = defaultdict(dict)
        per_type: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))

        def one(row: int, text: str) -> str:
            g = int(self.groups[row])

            def sub(m: re.Match[str]) -> str:
                t = types[ord(m.group(1)) - 0xF0400]
                key = (t, m.group(2).strip().lower())
                if key not in numbering[g]:
                    per_type[g][t] += 1
                    numbering[g][key] = per_type[g][t]
                return f"[{t.upper()}_{numbering[g][key]}]"

            return _CANON_RE.sub(sub, text)

        order = np.argsort(self.groups, kind="stable")  # a record's texts in order
        marked = self.marked.gather(pl.Series(order))
        hit = marked.str.contains(CLOSE, literal=True).fill_null(False)
        idx = hit.arg_true()
        if idx.is_empty():
            return self.marked
        rows = order[idx.to_numpy()]
        new = [one(int(r), t) for r, t in zip(rows, marked.gather(idx).to_list(), strict=True)]
        return self.marked.clone().scatter(pl.Series(rows), pl.Series(new, dtype=pl.Utf8))

    def spans(self, k: int) -> list[tuple[int, int, str]]:
        """(start, end, type) of every find in text ``k``, in the original text's characters."""
        self._need_values()
        return spans(self.marked[k] or "", self.engine.types)

    def render_at(self, k: int, type_: str, shown: str | None = None) -> tuple[str, int]:
        """Text ``k`` with finds as ``[TYPE]`` (those of type ``shown`` masked), and where
        its first find of ``type_`` starts in that rendering."""
        self._need_values()
        types = self.engine.types

        def sub(m: re.Match[str]) -> str:
            t = types[ord(m.group(1)) - 0xF0400]
            return mask(m.group(2)) if t == shown else f"[{t.upper()}]"

        text = self.marked[k] or ""
        first = text.find(_canon(self.engine.type_index[type_]))
        head = _CANON_RE.sub(sub, text[: max(first, 0)])
        return head + _CANON_RE.sub(sub, text[max(first, 0) :]), len(head)


def spans(marked: str, types: Sequence[str]) -> list[tuple[int, int, str]]:
    """Spans of the finds in a marked text, in the coordinates of the original text."""
    out: list[tuple[int, int, str]] = []
    shift = 0
    for m in _CANON_RE.finditer(marked):
        start = m.start() - shift
        out.append((start, start + len(m.group(2)), types[ord(m.group(1)) - 0xF0400]))
        shift += 2
    return out


def mask(value: str) -> str:
    """Show a value's shape without its content: first character, then x/0 for the rest."""
    return value[:1] + "".join("0" if c.isdigit() else "x" if c.isalpha() else c for c in value[1:])
