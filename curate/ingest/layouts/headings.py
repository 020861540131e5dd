"""Section headings of real contracts: where a heading starts (the schema's ``section_pattern``,
whose ``label`` group is the number part: "12.", "ARTICLE IV", "Section 2.1") and what its
title is, read from the text after the label.

A title is the label plus a name ("12. Manufacturer's Indemnity", "ARTICLE IV TERM",
"1. RIGHTS GRANTED" out of "1. RIGHTS GRANTED 1.1. ..."); a label without a name (a bare number,
a bare "ARTICLE IV", an inline "Section 8116 of the Code", a table-of-contents line ending in a
page number) gives no title, so no task is asked to produce one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from curate.ingest.layouts.not_headings import (
    is_notice_line,
    is_reference,
    is_short_name,
    running_text_words,
    table_columns,
)

MAX_NAME = 80  # characters of a heading's name
MAX_CAPS_WORDS = 8  # an all-capitals run longer than this is a shouted sentence, not a name
# Words a Title Case heading may keep in lower case.
SMALL = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "of",
        "on",
        "or",
        "per",
        "the",
        "to",
        "under",
        "upon",
        "with",
        "its",
        "their",
        "our",
        "vs.",
        "v.",
        "non",
    ]
)
_WORD = re.compile(r"\S+")
_SUBNUMBER = re.compile(r"^(?:\d{1,3}(?:\.\d{1,3})+\.?|\(?[a-z0-9]{1,3}\))$")
_LETTERS = re.compile(r"[^\W\d_]")
_ROMAN = re.compile(r"^[IVXLC]+$")
_PAGE = re.compile(r"^\W*page\b", re.I)
_STANDS_ALONE = re.compile(r"[ \t]*(?:\n[ \t]*\n|\n?[ \t]*\Z)")
_LIST_MARKER = re.compile(r"^(?:[A-Z]\.|\([A-Za-z]\))$")
_LOWER_MARKER = re.compile(r"^\(?(?:[a-z]|[ivxl]{1,5})[.)]$|^[ivxl]{1,5}$")
_LETTER_NAMED = frozenset(["EXHIBIT", "SCHEDULE", "APPENDIX", "ANNEX", "ATTACHMENT", "PART"])
_LABEL_WORDS = frozenset(["Section", "SECTION", "Article", "ARTICLE", "Clause", "CLAUSE"])
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
_LABELISH = re.compile(r"^(?:ARTICLE|SECTION|\d[\d.]*|[IVXLC]+\.?|\(?[a-z0-9]{1,3}\))$", re.I)


@dataclass
class Heading:
    """A heading found in a text: where it starts, where its title ends, the title ("" if none)."""

    start: int
    end: int
    title: str


def _caps_word(word: str) -> bool:
    core = word.strip(".,;:()\"'")
    if not _LETTERS.search(core):
        return core in {"&", "-", "/", "–"}
    return core == core.upper() and not _LABELISH.match(core)


def _title_case(words: list[str]) -> bool:
    """Every word capitalized but the small ones; the first capitalized; no word a bare number."""
    if not words:
        return False
    for i, w in enumerate(words):
        core = w.strip(".,;:()\"'")
        if not core or core[0].isdigit() or (i == 0 and not core[0].isupper()):
            return False
        if core[0].isupper() or not _LETTERS.search(core[0]):
            continue
        if i == 0 or core.lower() not in SMALL:
            return False
    return True


def _named(name: str) -> bool:
    """A name holds a real word (two letters or more), not only numbers or roman numerals, and
    is no page footer ("1 | Page", "Page 3 of 9")."""
    if _PAGE.search(name):
        return False
    return any(
        len(re.sub(r"\W", "", w)) >= 2 and _LETTERS.search(w) and not _ROMAN.match(w.strip(".,"))
        for w in name.split()
    )


def read_name(text: str, pos: int, used: frozenset[str] = frozenset()) -> tuple[str, int] | None:
    """The heading name starting at ``pos`` (after the label) and where it ends, or None.

    In order: an all-capitals run ("RIGHTS GRANTED" before "1.1."), a Title Case phrase ended by
    a period ("Term." before the first sentence), a Title Case rest of the line, or, where the
    label ends its line, a short Title Case or capitals next line ("ARTICLE IV\\nTERM"). ``used``:
    the document's capitals words in running text (``not_headings.running_text_words``)."""
    eol = text.find("\n", pos)
    eol = len(text) if eol < 0 else eol
    line = text[pos:eol]
    stripped = line.strip()
    if not stripped:  # the label alone on its line: the name may be the next line
        nxt = re.compile(r"[ \t]*\n[ \t]*([^\n]{2,80})[ \t]*(?=\n|$)").match(text, eol)
        if nxt is None:
            return None
        cand = nxt.group(1).strip()
        cand_words = cand.split()
        ok = all(_caps_word(w) for w in cand_words) or _title_case(cand_words)
        if ok and _named(cand) and not cand[-1].isdigit() and not cand.endswith((",", ";")):
            return cand, nxt.end(1)
        return None
    lead = len(line) - len(line.lstrip())
    words = list(_WORD.finditer(line))
    caps = _caps_run(words)
    if caps < len(words) and _whole_caps_line(text, eol, words):
        caps = len(words)  # "CONFIDENTIALITY. PUBLICATIONS." alone on its line: one title
    if caps > MAX_CAPS_WORDS:
        return None
    if 0 < caps < len(words) and _runs_on(words, caps):
        caps = _before_subject(words, caps, used)  # "NAI will", "WARRANTY: ITS warrants"
    if caps:
        run = words[:caps]
        name = line[run[0].start() : run[-1].end()].rstrip(",;:-–")
        if _named(name) and len(name) <= MAX_NAME:
            return squash_name(name), pos + run[0].start() + len(name)
    numbering = next((k for k, w in enumerate(words) if _SUBNUMBER.match(w.group())), 0)
    while numbering and words[numbering - 1].group() in _LABEL_WORDS:
        numbering -= 1  # "Indemnification. Section 7.1.": "Section" is the next label's
    stop = next((k + 1 for k in range(numbering) if words[k].group().endswith(".")), numbering)
    numbering = min(numbering, stop)  # "Indemnification." ends the name
    if numbering and _title_case([w.group() for w in words[:numbering]]):  # "Term 6.1 The"
        name = line[words[0].start() : words[numbering - 1].end()].rstrip(",;:-–")
        if _named(name) and len(name) <= MAX_NAME:
            return squash_name(name), pos + words[0].start() + len(name)
    dot = re.compile(r"([^\n.]{2,80}?)\.(?=\s|$)").match(line, lead)
    if dot is not None and _title_case(dot.group(1).split()) and _named(dot.group(1)):
        return squash_name(dot.group(1)) + ".", pos + dot.end(1) + 1
    whole = len(stripped) <= MAX_NAME and not stripped[-1].isdigit()  # "Definitions 1": a TOC
    if whole and _title_case(stripped.split()) and _named(stripped):
        return squash_name(stripped), pos + lead + len(stripped)
    return None


def _caps_run(words: list[re.Match[str]]) -> int:
    """How many words open with a capitals name. A word ending in a period ends it
    ("APPOINTMENT." before "NAI shall ..."); a bare number between capitals words belongs to it
    ("YEAR 2000 COMPLIANCE"), as does a lone ';' ("INDEMNIFICATION ; EXCLUSIONS")."""
    caps = 0
    while caps < len(words):
        word = words[caps].group()
        inner = (
            caps > 0
            and caps + 1 < len(words)
            and (_BARE_NUMBER.match(word) is not None or word == ";")
            and _caps_word(words[caps + 1].group())
            and _LETTERS.search(words[caps + 1].group()) is not None
        )
        if not (inner or _caps_word(word)):
            break
        if caps > 0 and _is_list_marker(words, caps):
            break  # "NOTICES   A. Any written notice": "A." opens the first clause
        caps += 1
        if word.endswith(".") and len(word) > 2:
            break
    return caps


def _runs_on(words: list[re.Match[str]], caps: int) -> bool:
    """The word after a capitals run goes on with a sentence ("NAI will make five e-mail
    promotions", "TELKOM shall install"): the run ended with the sentence's subject, a party's
    short name. A clause's letter ("DEFINITIONS a. ...", a TOC's page "i") or a small word
    between capitals ("TERM and TERMINATION") is no sentence."""
    word = words[caps].group()
    if not word[:1].islower() or _LOWER_MARKER.match(word):
        return False
    after = words[caps + 1].group() if caps + 1 < len(words) else ""
    return not (word in SMALL and _caps_word(after) and _LETTERS.search(after) is not None)


def _before_subject(words: list[re.Match[str]], caps: int, used: frozenset[str]) -> int:
    """The words of a capitals run before the subject of the sentence after it: up to its last
    colon or dash ("WARRANTY: ITS warrants" -> "WARRANTY:"), else without its last words that
    the document uses in running text or that repeat one before ("SUSPENSION OF WORK EDGE
    shall", "REPRESENTATIONS AND WARRANTIES OF PLIC PLIC shall"); none where neither is so
    ("NAI will make ...": the sentence opens the paragraph, there is no heading)."""
    for k in range(caps - 1, -1, -1):
        word = words[k].group()
        if word in {"-", "–"}:
            return k
        if word.endswith(":"):
            return k + 1
    if words[0].group()[:1] in "\"“'‘":
        return 0  # '"TRANSACTION USE" means ...': a definition
    for k in range(1, caps):
        if _LIST_MARKER.match(words[k].group()) and words[k - 1].group() not in _LETTER_NAMED:
            return k  # "WARRANTIES AND REPRESENTATIONS A. CONTENT PROVIDER represents"
    k = caps
    while k > 1:
        core = words[k - 1].group().strip(".,;:()\"'")
        if core in {w.group().strip(".,;:()\"'") for w in words[: k - 1]}:
            k -= 1  # "... OF PLIC PLIC shall": the name's last word, then the subject
            break
        if core not in used:
            break
        k -= 1
    return k if k < caps else 0


def _is_list_marker(words: list[re.Match[str]], k: int) -> bool:
    """Word ``k`` is a clause's letter ("A.", "(a)") before a sentence ("Any written ..."),
    not a name's letter ("EXHIBIT A.")."""
    word = words[k].group()
    if not _LIST_MARKER.match(word) or words[k - 1].group().upper() in _LETTER_NAMED:
        return False
    nxt = words[k + 1].group() if k + 1 < len(words) else ""
    return len(nxt) > 1 and nxt[0].isupper() and nxt[1:2].islower()


def _whole_caps_line(text: str, eol: int, words: list[re.Match[str]]) -> bool:
    """A line of a few capitals words standing alone as a paragraph (a blank line or the end of
    the text after it) is one heading, even where a word in it ends with a period."""
    if not words or len(words) > MAX_CAPS_WORDS or _caps_run(words) == 0:
        return False
    if not all(_caps_word(w.group()) or w.group() == ";" for w in words):
        return False
    return _STANDS_ALONE.match(text, eol) is not None


def squash_name(name: str) -> str:
    return " ".join(name.split())


def find_headings(text: str, matches: list[re.Match[str]]) -> list[Heading]:
    """Headings from the pattern's matches: each with its title, or untitled where the label has
    no name; an untitled match inside a line (not at its start) is no heading at all. A name
    that is no heading's (``not_headings``: a reference, a notice's address line, a party's
    short name, a table's column) is read as none."""
    used = running_text_words(text) if matches else frozenset()
    read: list[tuple[re.Match[str], str, int, tuple[str, int] | None, bool]] = []
    for m in matches:
        grouped = "label" in m.re.groupindex
        label_end = m.end("label") if grouped else m.end()
        label = squash_name(text[m.start("label") if grouped else m.start() : label_end])
        named = read_name(text, label_end, used)
        line_start = text.rfind("\n", 0, m.start()) + 1
        at_line_start = not text[line_start : m.start()].strip()
        if named is not None and (
            is_reference(named[0], text, named[1], at_line_start)
            or is_notice_line(named[0])
            or (named[0].isupper() and is_short_name(named[0], used))
        ):
            named = None  # read as untitled: the text stays, no task is asked its name
        read.append((m, label, label_end, named, at_line_start))
    rows = table_columns([(label, named[0]) for _, label, _, named, _ in read if named])
    out: list[Heading] = []
    for m, label, label_end, named, at_line_start in read:
        grouped = "label" in m.re.groupindex
        if named is not None and (label, named[0]) in rows:
            named = None
        if named is None and not grouped and _LETTERS.search(label) and not _LABELISH.match(label):
            # a pattern without a label group matches the whole heading ("SECOND HEADING"):
            # the match is the title, as it always was for such user patterns
            out.append(Heading(m.start(), m.end(), label))
            continue
        if named is None:
            # untitled: a numbered paragraph ("2. Any proceeds ...") or a label alone on its
            # line splits; "Article 2 above shall ..." or a TOC line does not
            alone = not text[label_end : (text.find("\n", label_end) + 1 or len(text))].strip()
            worded = label[:1].isalpha() and not _ROMAN.match(label.rstrip("."))
            if at_line_start and (label.endswith(".") or (alone and worded)):
                out.append(Heading(m.start(), m.end(), ""))
            continue
        name, end = named
        out.append(Heading(m.start(), end, f"{label} {name}"))
    return out
