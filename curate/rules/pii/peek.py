"""What is around a name find, read from the bytes before and after it (``_peek``): a
speaker's label, a header line, a possessive, a disease or a thing's word, an operation's
name, a heading; and the eponym check that reads its flags (``_eponym``). Kept apart from
``names.py`` (the name's own tokens) since it looks only at the find's surroundings.
"""

from __future__ import annotations

import functools
import re

from curate.rules.pii.markers import NOTE, ROW
from curate.rules.pii.name_contexts import SPEAKERS
from curate.rules.pii.words import Words

_ROW_B = re.escape(ROW.encode())
_MARK_B = rb"\xf3\xb0[\x80-\xbf]"  # UTF-8 of U+F0000-U+F0FFF: a find's opener or marker
_HEADER_END = rb"(?:\r|\n|" + _ROW_B + rb"|\Z)"  # of the line, the text, all texts
_PEEK_RE = re.compile(  # char classes only: a find's check runs it, so it must be cheap
    # a possessive
    rb"(?P<s>'s|\xe2\x80\x99s)?(?:"
    # a version number: a product's ("Catalina 10.15.3", "Sierra 10.12"), not a person's
    # a company's suffix after a comma: "Flextronics, Inc.", "PcoMed, LLC" (without the comma
    # the next word's check sees it: thing_words)
    + rb"(?P<c>,[ \t]*(?:Inc|LLC|L\.L\.C|Ltd|Corp|Co|GmbH|AG|S\.A|SA|plc|PLC|LLP|LP|N\.V|B\.V)\b)|"
    # (not a dose or a measure: "Smith 10.5 mg")
    + rb"(?P<v>[ \t]+[vV]?[0-9]{1,2}\.[0-9]{1,2}(?:\.[0-9]+)?(?![0-9.]|[ \t]*(?:%|(?i:mg|mcg|ml"
    + rb"|mmol|meq|g|kg|cm|mm|units?|cc|l|lbs?|mmhg|hrs?|days?|weeks?|years?|yrs?)\b)))|"
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
# a surgical procedure's ending: the name before it is the procedure's eponym ("Nissen
# fundoplication", "Marshall-Marchetti-Krantz cystourethropexy", "Hartmann colostomy")
_PROCEDURE_ENDINGS = (b"pexy", b"ectomy", b"otomy", b"ostomy", b"plasty", b"plication", b"rrhaphy")
# of "s", "d" (not "h": "around"); and the lead bytes of UTF-8 letters (Latin-1 to Cyrillic,
# Latin Extended Additional): a find that ends inside a word ("Arnold|ão": ASCII's \b) is text
_PEEK_FIRST = frozenset(
    [
        b" ",
        b"\t",
        b"'",
        "’".encode()[:1],
        *(bytes([b]) for b in range(0xC3, 0xD4)),
        b"\xe1",
        b":",
        b"/",
    ]
)  # (":" a heading's colon: "Impresson:", _HEADING_END)
_ROW_BYTES = ROW.encode()
# a person's verb after a word opening a sentence: "Brown was seen by" (a name), not "North
# hold already third." (detectors.check: "listed" with "i")
_SUBJECT_VERBS = frozenset(
    b"was is has had called said says told asked went will would can did does".split()
)
# a Unicode hyphen (U+2010, U+2011) and a letter after a find: one word ("Ferro‑Grad")
_JOINED = re.compile(rb"\xe2\x80[\x90\x91][A-Za-z]")
# an examination sign's result after its eponym: "Hawkins +, Neer +", "Murphy neg", "Jobe +ve"
# (not "+" before a number: "Smith +61 ...")
# ("Webster + calendar": a "+" that joins two words is "and")
_SIGN_RESULT = re.compile(
    rb"[ \t]*(?:\+(?:ve)?(?=[ \t]*(?:[,;.)/]|\r?\n|\Z))|-ve|\xe2\x88\x92ve|neg|pos)(?![A-Za-z0-9])"
)
# a line's bullet before a find: "– Harms:" (a heading, with _HEADING_END)
_BULLET_START = re.compile(rb"(?:^|\n)[ \t]*(?:[-*>]|\xe2\x80[\x93\xa2])[ \t]*\Z")
# a slash and a lower-case word after a find: one of two alternatives of a kind, a colour
# or a condition ("Brown/green", "Barrett’s/oesophageal"), not a person ("Smith/Jones")
_SLASH_WORD = re.compile(rb"(?:'s|\xe2\x80\x99s)?/[a-z]{3,}")
# a heading's colon at the end of its line: "Impresson:" (a speaker's label says more after)
_HEADING_END = re.compile(rb"[ \t]*:[ \t]*(?:\r?\n|\Z|" + re.escape(ROW.encode()) + rb")")
# a lower-case word of two letters or more, near a find (before it, or the next word)
_LOWER_WORD = re.compile(rb"(?:^|[ \t(])[a-z]{2,}\b|[ \t]+[a-z]{2,}\b")
# a mister's title just before a find: "Mr. Parcel" (a word there needs a surname's evidence)
_ABBREV_DOT = re.compile(rb"(?:^|[^A-Za-z])(?i:mr|mrs|ms|dr|st|mt|jr|sr|prof|rev|gen|capt)\.\Z")
_MISTER = re.compile(rb"(?i:\b(?:mr|mrs|ms|miss|mister))\.?[ \t]*\Z")


def _letter_at(data: bytes, end: bool) -> bool:
    """The first (or, with ``end``, the last) character of ``data`` is a non-ASCII letter."""
    if end:
        if not data or data[-1] < 0x80:
            return False
        text = data[-4:].decode("utf-8", "ignore")
        return bool(text) and text[-1].isalpha()
    if not data or data[0] < 0xC3:
        return False
    text = data[:4].decode("utf-8", "ignore")
    return bool(text) and text[0].isalpha()


def _sentence_start(before: bytes) -> bool:
    """``before`` (all that precedes a find since the last one) ends a sentence or a line, or
    is empty: the find opens a sentence ("North hold already third.")."""
    end = before[-12:].rstrip(b' \t>"').removesuffix("“".encode()).rstrip(b" \t")
    if end.endswith(b".") and _ABBREV_DOT.search(end):
        return False  # "Mr. North", "St. Blue": an abbreviation's full stop
    return not end or end.endswith((b"\n", b".", b"!", b"?", _ROW_BYTES))


@functools.cache
def _title_word_dot(title_words: frozenset[str]) -> re.Pattern[bytes]:
    """A title word and a full stop at the end of the text before a find ("Yes, doctor.")."""
    alternation = "|".join(sorted(title_words)).encode()
    return re.compile(rb"(?i:\b(?:" + alternation + rb"))\.[ \t]*\Z")


_SPEAKER_BEFORE = re.compile(
    rb"(?:^|\n|" + _ROW_B + rb")[ \t>]*(?:" + SPEAKERS.encode() + rb")[ \t]*:[ \t]*\Z"
)


# a thing named after "called" ("something called Lyrica", "a town called Tullahoma"), not
# a person ("my friend called Anna" stays a name)
_THING_CALLED = re.compile(
    # (a drug's class too: "an antibacterial called Bactrim", MTS-Dialog: "[PERSON]")
    rb"(?i:\b(?:something|drug|medicine|medication|pill|cream|town|city|village|place|company"
    rb"|anti-?[a-z]+|stimulant|steroid|ointment|inhaler|injection|shot|vaccine|spray|drops"
    rb"|app|program|product|device|thing|show|book|song|game|website|site|store|shop|procedure"
    rb"|test|disease|condition|syndrome)[ \t]+(?:that(?:'s| is)[ \t]+)?called"
    # a doctor naming a diagnosis or a drug: "It is called Onychomycosis. It is nail fungus."
    # (an MTS-Dialog turn, exported "It is called [PERSON]"), "It's called Cylert"; a person
    # is "she is called Anna"
    rb"|\b(?:it|this|that)(?:[ \t]+(?:is|was)|'s|\xe2\x80\x99s)[ \t]+called)\Z"
)


# oxygen by nasal prongs before a word: "2L NP Sats", "4 LITERS NP Wean"
_NASAL_PRONGS = re.compile(rb"[0-9][ \t]*(?i:l|lpm|liters?|litres?)?[ \t]*(?:NP|np)\Z")


# the capitalised words after a name find, up to four: "Orthopedic Group", "Family Practice"
_CAPS_RUN = re.compile(rb"[A-Z][A-Za-z&'-]*(?:[ \t]+(?:&[ \t]+)?[A-Z][A-Za-z&'-]*){0,3}")


def _org_name(rest: bytes, words: Words) -> bool:
    """The run of capitalised words ``rest`` starts with ends in an organisation's word
    (pii_words.toml org_words): "Orthopedic Group where", not "Medical Record Number"."""
    run = _CAPS_RUN.match(rest)
    if run is None:
        return False
    end = run.end()
    if rest[end : end + 1].isalpha():  # a fifth capitalised word: no name of a few words
        return False
    return run.group().rsplit(None, 1)[-1].lower() in words.org_bytes


# the other eponym of a pair and their shared noun: " Deaver retractors", " Allis clamps"
_PAIRED_EPONYM = re.compile(rb"[ \t]+[A-Z][A-Za-z'-]*[ \t]+([a-z]+)")


def _shared_head(rest: bytes, words: Words) -> bool:
    """After "and"/"or": another capitalised word and a thing's or a disease's noun, which
    the find shares ("Richardson and Deaver retractors"; not where the other is a find of
    its own, which ends what _peek sees); not "Tom and Jerry went"."""
    m = _PAIRED_EPONYM.match(rest)
    if m is None:
        return False
    head = m.group(1)
    return head in words.thing_bytes or head in words.disease_bytes


# an instrument's size ("#4", "#24") just before a find: "A #4 Fogarty was used" (MTSamples)
# (after an article or a count: "Bed #4 Smith" may be a patient's)
_SIZE_BEFORE = re.compile(rb"(?i:\b(?:a|an|the|two|three|four))[ \t]+#[0-9]{1,2}[ \t]+\Z")
# the next lower-case words after a find's next one: a device's noun among them (_device_after)
_MODIFIED = re.compile(rb"[ \t]+([a-z]+)(?:[ \t]+([a-z]+))?")
# what stands before a device's eponym, not a person's name: an article, a size or a count
# ("a", "the", "#24", "two", "14 French", "27 mm"), a saint's "St." ("St. Jude"); not "with
# Blake about chest tube", "Blake removed the drain"
_DEVICE_BEFORE = re.compile(
    rb"(?:(?:^|[^A-Za-z])(?i:a|an|the|two|three|four|both|St\.|French|Fr|mm|cm)"
    rb"|#?[0-9]+(?:\.[0-9]+)?|[0-9]-)[ \t]*\Z"
)


def _device_after(rest: bytes, words: Words) -> bool:
    """One or two lower-case words after the find's next (lower-case) word, the last a device's
    noun (not_person.toml device_words): "Blake chest| tubes", "Jude mechanical| valve"."""
    m = _MODIFIED.match(rest)
    if m is None:
        return False
    return m.group(1) in words.device_bytes or m.group(2) in words.device_bytes


def _peek(before: bytes, rest: bytes, around: bool, words: Words) -> bytes:
    """What is around a name find (UTF-8: what ``before`` ends with, if ``around``; what
    ``rest`` starts with), as flags for its check after NOTE: "p" after a speaker's label, "t"
    after a title word and a full stop, "x" after a thing's "called", "s" a possessive, "d" a
    disease word, "o" an operation's name ("... cystourethropexy"), "h" the rest of a header
    line; empty if none (most finds: kept cheap)."""
    if _letter_at(rest, False) or (around and _letter_at(before, True)):
        return _flag_bytes("w")  # "Arnold|ão": the find ends (or starts) inside a word
    if _JOINED.match(rest):  # "Ferro‑Grad": a Unicode hyphen joins it to the next word
        return _flag_bytes("w")
    m = _PEEK_RE.match(rest)  # always matches (all optional)
    flags = "i" if _sentence_start(before) else ""
    if _LOWER_WORD.search(before[-24:]) or _LOWER_WORD.match(rest):
        flags += "k"  # among lower-case words: a note in mixed case (see _note_abbreviation)
    if _SLASH_WORD.match(rest):
        return _flag_bytes(flags + "d")  # "Brown/green stool", "Barrett’s/oesophageal Ca"
    if _SIGN_RESULT.match(rest):
        return _flag_bytes(flags + "d")  # "Hawkins +, Neer +", "Murphy neg": a sign's result
    if (flags.startswith("i") or _BULLET_START.search(before[-12:])) and _HEADING_END.match(rest):
        return _flag_bytes("x" + flags + "d")  # "Impresson:" alone on its line: a heading
    if m is not None and (m.end() or not rest):
        possessive, header, word = m.group("s", "h", "w")
        if possessive is not None:
            flags = "s"
        if m.group("v") is not None or m.group("c") is not None:
            flags += "d"
        elif header is not None:
            flags += "h"
        elif word is not None:
            low = word.lower().rstrip(b".")
            things = words.thing_bytes if possessive is None else words.thing_possessive_bytes
            if low in words.disease_bytes or low in things:
                flags += "d"  # "Wilson disease", "Mayo scissors", "Murphy's sign"
            elif low in words.header_fields:
                flags += "h"
            elif low in _SUBJECT_VERBS:
                flags += "v"  # "Brown was seen": a subject's verb after a sentence's opener
            elif low.endswith(_PROCEDURE_ENDINGS):
                flags += "o"  # "Marshall-Marchetti-Krantz cystourethropexy": see _eponym
            elif low in (b"and", b"or") and _shared_head(rest[m.end("w") :], words):
                flags += "d"  # "a Richardson and Deaver retractors", "Kelly or Metzenbaum"
            elif (
                word.islower()
                and _device_after(rest[m.end("w") :], words)
                and _DEVICE_BEFORE.search(before[-24:])
            ):
                flags += "e"  # "#24 Blake chest tubes", "St. Jude mechanical valve": _eponym
            elif word[:1].isupper():
                # "Sierra Pacific Orthopedic Group": an organisation's name; else "c", a
                # capitalised word goes on after the find ("Smith Clinic Nurse", _listed_span)
                flags += "d" if _org_name(rest[m.start("w") :], words) else "c"
    if "e" not in flags and _SIZE_BEFORE.search(before[-12:]):
        flags += "e"  # "A #4 Fogarty was used": an instrument's size before its eponym
    end = before[-40:].rstrip(b" \t") if around else b""
    if end.endswith(b":") and _SPEAKER_BEFORE.search(before, max(0, len(before) - 40)):
        flags = "p" + flags
    elif end.endswith(b".") and _title_word_dot(words.title_words).search(
        before, max(0, len(before) - 40)
    ):
        flags = "t" + flags  # "Yes, doctor. Guess what": a sentence's end, not a title
    elif end.endswith(b"called") and _THING_CALLED.search(end):
        flags = "x" + flags  # "a drug called Lyrica": no person
    elif end[-2:].upper() == b"NP" and _NASAL_PRONGS.search(end):
        flags = "x" + flags  # "O2 2L NP Sats 96%": nasal prongs, not a nurse practitioner
    elif around and _MISTER.search(end + b" "):
        flags = "m" + flags  # "Mr. Parcel": see detectors.check
    return _flag_bytes(flags) if flags else b""


@functools.cache
def _flag_bytes(flags: str) -> bytes:
    return (NOTE + flags).encode()


def _note_abbreviation(value: str, lower_near: bool) -> bool:
    """A find among lower-case words (``lower_near``: flag "k", or a lower-case word of its
    own) that opens with a short word in capitals and holds no word in title case: a
    mixed-case note's abbreviation ("Prev IDA 3y ago", "SABA only", "LAI q4/52", "HLA B27 ANA
    ESR"), not a name, which such a note writes in title case; a note all in capitals
    ("KAREN AT BEDSIDE") has no lower-case words around."""
    tokens = value.split()
    first = tokens[0].strip(".,:;") if tokens else ""
    return (
        2 <= len(first) <= 4
        and first.isalpha()
        and first.isupper()
        and not any(t[:1].isupper() and t[1:2].islower() for t in tokens)
        and (lower_near or any(t.isalpha() and t.islower() for t in tokens[1:]))
    )


def _eponym(value: str, tail: str, words: Words) -> bool:
    """A name find before a disease word, or a disease eponym before "'s" (``tail``: the
    flags of _peek): "Wilson disease", "Parkinson's"."""
    if "d" in tail:
        return True
    if "e" in tail:  # a device's noun a word or two on: "#24 Blake chest tubes", one name
        # only, maybe after a thing's word ("19-French Blake"; not "John Blake chest tube")
        return all(t in words.not_person for t in value.split()[:-1])
    if _note_abbreviation(value, "k" in tail):
        return True
    if "o" in tail:  # before an operation's name: its eponym, unless a given name opens it
        first = value.split()[0].split("-") if value.strip() else [""]
        return len(first) < 3 and first[0] not in words.first_names
    last = value.rsplit(None, 1)[-1].lower() if value.strip() else ""
    return "s" in tail and last in words.eponyms
