"""Names read after a heading's label that are no heading's name (``headings.find_headings``
drops them; the section's text is kept, in its own untitled section or the one before):

- a cross-reference in a list ("shall survive: Section 2.2 (Permitted Use); Section 2.7 ...",
  "Article 1 (Definitions), Section 4.1"): the name in brackets is the referenced section's;
- a notice block's address line ("2. If to the Depositor:", "7 Mail to: Twentieth Century
  Fox ...", "Attention: ..."): where to send a letter, not what the section is about;
- a party's or a term's short name in capitals that the document also uses in running text
  ("... at Ceres and IGER to harmonise ..."), read from a table's row ("28   IGER   Send
  selected samples") or the opening of a numbered sentence;
- a table's column: the same name after three or more bare row numbers ("24 CIGER",
  "29 CIGER", "5 MMS" in a work plan or a price list); a document's headings differ.

``is_toc`` (used by ``sections.find_sections``) tells a section whose text is a table of
contents' entries: it keeps its text, without a title.
"""

from __future__ import annotations

import re

# what follows a bracketed name in a list of references: its separator or the next reference
_LIST_TAIL = re.compile(
    r"\.?\s*(?:[;,]|and\b|or\b|of\b|(?:Sections?|SECTIONS?|Articles?|ARTICLES?)\b)"
)
_NOTICE = re.compile(
    r"^(?:if[ \t]+to|mail[ \t]+to|copy[ \t]+to|with[ \t]+a[ \t]+copy|attn|attention)\b"
    r"|\b(?:mail[ \t]+to|attn|attention|telephone|tel|fax|facsimile|e-?mail|phone)[ \t]*:",
    re.I,
)
# a short capitals word between lower-case words of one line: "and IGER to", "by TELKOM in"
_IN_RUNNING_TEXT = re.compile(r"\b[a-z][a-z'’]*,?[ \t]([A-Z][A-Z0-9&]{1,11})(?=[ \t][a-z])")
MAX_SHORT_NAME = 2  # words of a name that may be a party's short name


def is_reference(name: str, text: str, end: int, at_line_start: bool) -> bool:
    """A bracketed name ("(Permitted Use)") inside a line, or followed by a list's separator
    ("; Section 2.7", ", Section 4.1", "; and"), names the section referred to."""
    if not name.startswith("("):
        return False
    if not at_line_start:
        return True
    close = name.find(")")
    tail = name[close + 1 :] if close >= 0 else ""
    return _LIST_TAIL.match(tail + text[end : end + 40]) is not None


def is_notice_line(name: str) -> bool:
    """An address line of a notice clause ("If to the Issuer:", "Mail to: ...", "Attn: ...")."""
    return _NOTICE.search(name) is not None


def running_text_words(text: str) -> frozenset[str]:
    """The short capitals words ``text`` uses between lower-case words on one line."""
    return frozenset(m.group(1) for m in _IN_RUNNING_TEXT.finditer(text))


def is_short_name(name: str, used: frozenset[str]) -> bool:
    """A name of one or two capitals words, each of which the document uses in running text
    ("IGER", "TELKOM"): a party's short name or a defined term, not a heading."""
    words = [w.strip(".,;:()\"'") for w in name.split()]
    return 0 < len(words) <= MAX_SHORT_NAME and all(w in used for w in words)


TABLE_ROWS = 3  # a capitals name after this many bare row numbers is a table's column
_ROW_NUMBER = re.compile(r"^\d{1,3}$")


def table_columns(named: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (label, name) pairs of ``named`` whose name follows a bare row number ("24", no
    period) in ``TABLE_ROWS`` or more of them ("24 CIGER", "29 CIGER"; "10 Wallpapers" on each
    of ten price lists)."""
    rows = [(label, name) for label, name in named if _ROW_NUMBER.match(label)]
    counts: dict[str, int] = {}
    for _, name in rows:
        counts[name] = counts.get(name, 0) + 1
    return {(label, name) for label, name in rows if counts[name] >= TABLE_ROWS}


# a table of contents' entry: a title, its page number, then the next entry's number or the
# line's end ("9.1 Confidentiality 28 9.2 Exclusivity 31", "Section 5.01. Ownership 10 Section")
_TOC_ENTRY = re.compile(
    r"[A-Za-z][^\n\d]{2,80}?[ \t]\d{1,3}(?=[ \t\n]+(?:(?:Section|SECTION|Article|ARTICLE)[ \t]+)?"
    r"(?:\d{1,2}\.\d{1,2}|[IVX]{1,5}\b)|[ \t]*(?:\n|$))"
)
TOC_ENTRIES = 3  # entries, covering half of a section's text at least, make it a TOC's


def is_toc(body: str) -> bool:
    """A section's text that is a table of contents' entries (its heading is the TOC line of
    an article, "ARTICLE IX CONFIDENTIALITY; RESTRICTIVE COVENANTS 28 9.1 Confidentiality 28
    ..."): asking for its heading teaches nothing about the contract."""
    entries = _TOC_ENTRY.findall(body)
    return len(entries) >= TOC_ENTRIES and 2 * sum(len(e) for e in entries) >= len(body)
