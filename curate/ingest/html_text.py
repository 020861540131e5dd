"""HTML to plain text with the standard library's HTML parser (no regexes over markup).

Regex stripping let ``<!-- internal notes -->`` into training text, glued table cells together
(``<td>Order</td><td>12345</td>`` became ``Order12345``) and leaked attributes holding ``>``.
Here: comments, doctype and processing instructions, ``<script>``/``<style>``/``<head>``/
``<template>`` contents are dropped; table cells are separated by `` | `` and rows are lines;
list items are lines starting with ``- ``; ``<br>`` and block elements break lines; entities
are decoded once. Only text that looks like HTML reaches this (see curate.ingest.normalize).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["LOOKS_LIKE_HTML", "html_to_text"]

# A tag, an end tag or a comment: the gate for calling the parser at all.
LOOKS_LIKE_HTML = r"<(?:[a-zA-Z][a-zA-Z0-9]*[\s/>]|/[a-zA-Z][a-zA-Z0-9]*\s*>|!--)"

_DROP = frozenset({"script", "style", "head", "template", "noscript", "title"})
_BLOCK = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "main", "aside", "nav",
        "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "dt", "dd", "table",
        "thead", "tbody", "tfoot", "tr", "blockquote", "pre", "hr", "form", "fieldset",
        "address", "figure", "figcaption", "caption", "body", "html",
    }
)  # fmt: skip
_PARAGRAPH = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "dl", "table", "blockquote", "pre"}
)
_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "area", "col", "source"})
_SPACES = re.compile(r"[ \t\r\f\v]+")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.dropping = 0  # depth inside script/style/head/...
        self.cell = False  # a cell already written on this table row
        self.pre = 0

    def nl(self) -> None:
        """Start a new line unless the output is already at the start of one."""
        out = self.out
        while out and not out[-1].strip(" "):
            out.pop()  # spaces between tags
        if out and not out[-1].endswith("\n"):
            out.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            if tag not in _VOID:
                self.dropping += 1
            return
        if self.dropping:
            return
        if tag == "br":
            self.out.append("\n")
        elif tag == "li":
            self.nl()
            self.out.append("- ")
        elif tag in ("td", "th"):
            if self.cell:
                self.out.append(" | ")
            self.cell = True
        elif tag == "tr":
            self.nl()
            self.cell = False
        elif tag in _BLOCK:
            self.nl()
            if tag == "pre":
                self.pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DROP:
            return
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.dropping = max(0, self.dropping - 1)
            return
        if self.dropping:
            return
        if tag == "tr":
            self.nl()
            self.cell = False
        elif tag in _BLOCK or tag == "li":
            self.nl()
            if tag in _PARAGRAPH:
                self.out.append("\n")  # a blank line after a paragraph, heading, list, table
            if tag == "pre":
                self.pre = max(0, self.pre - 1)

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(data if self.pre else _SPACES.sub(" ", data.replace("\n", " ")))

    # Comments, <!DOCTYPE>, <?...?> and CDATA/marked sections are not text.
    def handle_comment(self, data: str) -> None:
        pass

    def handle_decl(self, decl: str) -> None:
        pass

    def handle_pi(self, data: str) -> None:
        pass

    def unknown_decl(self, data: str) -> None:
        pass


def html_to_text(markup: str) -> str:
    """The text of an HTML fragment or document: lines for blocks, rows and list items."""
    parser = _Text()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:  # html.parser is lenient; never let a fragment stop ingest
        return markup
    text = "".join(parser.out)
    lines = [line.strip(" ") for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
