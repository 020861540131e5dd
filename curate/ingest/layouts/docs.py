"""``doc_headings`` layouts: a Markdown, reStructuredText or plain-text file of a repository split
at its headings, one record per section.

Headings are found outside code blocks only, so a ``#`` comment in a fenced shell block or an
underline inside a literal block never cuts a section, and a code block is never split. RST
code (``::`` literal blocks, ``code-block`` and other directives with an indented body) becomes a
fenced Markdown block and inline roles lose their markup, so every answer is Markdown whatever
the source was. Sections shorter than ``min_section_chars`` are merged into the one before; a
section over ``max_section_chars`` is cut at blank lines between blocks.

A section record has ``title``, ``question`` (its heading as a question), ``section_text`` (the section
without its heading, code blocks in place) and, where the section has a code block with prose
before it, ``prose`` (up to two paragraphs before the first such block) and ``example`` (the
fenced block). All records of one file share a group, so they land in one split.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from curate.ingest.layouts.base import LayoutMapper, text_of
from curate.ingest.layouts.candidate import Candidate

__all__ = ["DocHeadingsMapper", "DocSection", "question_for", "split_doc"]

_ATX = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})[ \t]*(.*?)[ \t]*$")
# MyST directives in a fence (```{eval-rst}, ```{code-block} python, ```{note}): RST inside is
# parsed as RST, code directives are code, admonitions are text, the rest is Sphinx plumbing
_MYST = re.compile(r"^\{([\w:-]+)\}[ \t]*(.*)$")
_MYST_CODE = {"code-block", "code", "sourcecode", "code-cell"}
_MYST_TEXT = {"note", "warning", "tip", "important", "caution", "attention", "hint", "seealso",
              "versionadded", "versionchanged", "deprecated", "admonition", "danger", "error"}  # fmt: skip
_RST_UNDERLINE = re.compile(r"^([=\-~^\"'`*+#:._])\1{2,}[ \t]*$")
_RST_CODE_DIRECTIVE = re.compile(
    r"^\.\.[ \t]+(?:code-block|code|sourcecode|doctest|testcode|ipython|[\w-]+:(?:example|run))::"
    r"[ \t]*(\S*)"
)
_RST_DIRECTIVE = re.compile(r"^\.\.[ \t]+[\w:-]+::")
_RST_TARGET = re.compile(r"^\.\.[ \t]+(?:_[^:]+:|\|[^|]+\||\[[^\]]+\]|\w.*::)")
_RST_ROLE = re.compile(r":(?:[\w-]+:)?[\w-]+:`~?([^`<]+?)(?:\s*<[^>]+>)?`")
_RST_LITERAL = re.compile(r"``([^`]+)``")
_RST_LINK = re.compile(r"`([^`<]+?)\s*<[^>]+>`__?")
_DROP_DIRECTIVES = ("toctree", "contents", "currentmodule", "module", "include", "image",
                    "figure", "autoclass", "autofunction", "automodule", "automethod",
                    "autodata", "autoexception", "autoattribute", "raw", "only", "meta",
                    "tabularcolumns", "literalinclude", "highlight", "default-domain",
                    "py:currentmodule", "testsetup", "testcleanup", "index")  # fmt: skip


@dataclass
class DocSection:
    """One section: its heading, the headings above it, its Markdown body and code blocks."""

    title: str
    trail: list[str]
    line: int
    lines: list[str] = field(default_factory=list)
    # (prose before the block, fenced block, line) per code block
    blocks: list[tuple[str, str, int]] = field(default_factory=list)

    @property
    def body(self) -> str:
        return re.sub(r"\n{3,}", "\n\n", "\n".join(self.lines)).strip()


_TAG = re.compile(r"<[^>]*>|!\[[^\]]*\]\([^)]*\)")  # HTML tags and Markdown images
_CHANGELOG = re.compile(r"(?i)^(?:changes|changelog|history|news|release[-_ ]?notes)\b")
_VERSION = re.compile(r"(?i)^(?:version|release|v)?[ \t]*(\d+(?:\.\d+)+\S*)")


def question_for(title: str, trail: list[str], project: str, path: str = "") -> str:
    """A section's heading as a question: kept when it is one, else asked about; a version in
    a changelog asks what changed in it."""
    t = title.strip().rstrip(":.")
    version = _VERSION.match(t)
    if version and _CHANGELOG.match(path.rsplit("/", 1)[-1]):
        return f"What changed in {project} {version.group(1)}?"
    if t.endswith("?"):
        return t
    if re.match(r"(?i)(how|why|what|when|where|which|can|should|is|are|do|does)\b", t):
        return t + "?"
    where = f' (in "{trail[-1]}")' if trail else ""
    return f'What does the {project} documentation say about "{t}"{where}?'


def split_doc(
    text: str, language: str, min_chars: int = 0, max_chars: int = 8000
) -> list[DocSection]:
    """The sections of one document, in order; code blocks intact (see the module docstring)."""
    lines = text.replace("\r\n", "\n").split("\n")
    if lines and lines[0].strip() == "---" and language == "markdown":  # YAML front matter
        end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
        if end is not None:
            lines = [""] * (end + 1) + lines[end + 1 :]
    parse = _parse_rst if language == "rst" else _parse_markdown
    sections = parse(lines)
    return _resize([s for s in sections if s.body or s.blocks], min_chars, max_chars)


def _new(sections: list[DocSection], levels: list[str], level: int, title: str, line: int) -> None:
    del levels[level:]
    trail = list(levels)
    levels.extend([""] * (level - len(levels)))
    levels.append(title)
    sections.append(DocSection(title, [t for t in trail if t], line))


def _parse_markdown(lines: list[str]) -> list[DocSection]:
    sections = [DocSection("", [], 1)]
    levels: list[str] = []
    i, para = 0, list[str]()
    while i < len(lines):
        line = lines[i]
        sec = sections[-1]
        fence = _FENCE.match(line)
        if fence:
            mark, info = fence.group(1), fence.group(2)
            j = i + 1
            while j < len(lines) and not lines[j].lstrip().startswith(mark[0] * len(mark)):
                j += 1
            inner, i = lines[i + 1 : j], j + 1
            myst = _MYST.match(info)
            if myst is None:
                lang = info.split()[0] if info else ""
            elif myst.group(1) in _MYST_CODE:
                lang, inner = myst.group(2).split()[0] if myst.group(2) else "", _options(inner)
            elif myst.group(1) == "eval-rst":  # its text and code join this section
                before = "\n\n".join(para[-2:]).strip()
                for sub in _parse_rst(inner):
                    sec.lines += ["", *([f"**{sub.title}**"] if sub.title else []), *sub.lines]
                    sec.blocks += [(p or before, b, at) for p, b, at in sub.blocks]
                para = []
                continue
            elif myst.group(1) in _MYST_TEXT:
                sec.lines += ["", _admonition(myst.group(1), myst.group(2)), *_options(inner), ""]
                para = []
                continue
            else:  # toctree, contents, currentmodule, autoclass, literalinclude, ...
                para = []
                continue
            block = f"```{lang}\n{_dedent(chr(10).join(inner))}\n```"
            sec.lines.append(block)
            sec.blocks.append(("\n\n".join(para[-2:]).strip(), block, i))
            para = []
            continue
        atx = _ATX.match(line)
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        if atx:
            _new(sections, levels, len(atx.group(1)) - 1, _inline(atx.group(2)), i + 1)
            i, para = i + 1, []
            continue
        if (
            line.strip()
            and not line.startswith((" ", "\t", "-", "*", ">"))
            and re.match(r"^(=+|-+)[ \t]*$", nxt)
            and not para_open(sec, line)
        ):
            _new(sections, levels, 0 if nxt.startswith("=") else 1, _inline(line.strip()), i + 1)
            i, para = i + 2, []
            continue
        sec.lines.append(line)
        if line.strip():
            if para and lines[i - 1].strip():
                para[-1] += "\n" + line
            else:
                para.append(line)
        i += 1
    return sections


_VERSIONED = {"versionadded": "New in version", "versionchanged": "Changed in version",
              "deprecated": "Deprecated since version"}  # fmt: skip


def _admonition(name: str, arg: str) -> str:
    """A MyST admonition's first line: "New in version 2.0." or "**Note:** its argument"."""
    if name in _VERSIONED:
        return f"{_VERSIONED[name]} {arg}."
    if name in ("tab", "group-tab", "code-tab", "rubric"):
        return f"**{arg}**"
    return f"**{name.capitalize()}:** {arg}".rstrip()


def _options(lines: list[str]) -> list[str]:
    """A MyST directive's body without its options (``:caption: x`` lines, a ``---`` block)."""
    if lines and lines[0].strip() == "---":
        end = next((k for k in range(1, len(lines)) if lines[k].strip() == "---"), 0)
        lines = lines[end + 1 :]
    k = 0
    while k < len(lines) and re.match(r"^:[\w-]+:", lines[k].strip()):
        k += 1
    return lines[k:]


def para_open(sec: DocSection, line: str) -> bool:
    """A setext underline belongs to a one-line paragraph only (else it is a rule or table)."""
    return bool(sec.lines and sec.lines[-1].strip())


def _parse_rst(lines: list[str]) -> list[DocSection]:
    sections = [DocSection("", [], 1)]
    styles: list[tuple[str, bool]] = []  # heading styles in order of first use = their level
    levels: list[str] = []
    para: list[str] = []
    i = 0
    while i < len(lines):
        line, sec = lines[i], sections[-1]
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        over = _RST_UNDERLINE.match(line)
        if over and i + 2 < len(lines) and lines[i + 1].strip():
            under = _RST_UNDERLINE.match(lines[i + 2])
            if under and under.group(1) == over.group(1):  # overline + title + underline
                level = _style_level(styles, (over.group(1), True))
                _new(sections, levels, level, _inline(lines[i + 1].strip()), i + 2)
                i, para = i + 3, []
                continue
        under = _RST_UNDERLINE.match(nxt)
        title = line.strip()
        is_title = title and not line[0].isspace() and not _RST_UNDERLINE.match(line)
        if under and is_title and len(nxt.rstrip()) >= len(title):
            level = _style_level(styles, (under.group(1), False))
            _new(sections, levels, level, _inline(title), i + 1)
            i, para = i + 2, []
            continue
        code_dir = _RST_CODE_DIRECTIVE.match(line)
        literal = line.rstrip().endswith("::") and not _RST_DIRECTIVE.match(line)
        if code_dir or literal:
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or lines[j][0].isspace()):
                j += 1
            body = [b for b in lines[i + 1 : j] if not re.match(r"^\s+:[\w-]+:", b)]
            code = _dedent("\n".join(body)).strip("\n")
            if literal:  # "text::" is "text:" then the block; a bare "::" only the block
                lead = line.rstrip()[:-2].rstrip()
                lead = _inline(lead + ":" if lead and not lead.endswith(":") else lead)
                if lead:
                    sec.lines.append(lead)
                    if para and i > 0 and lines[i - 1].strip():
                        para[-1] += "\n" + lead
                    else:
                        para.append(lead)
            if code:
                sec.lines.append("")
                lang = code_dir.group(1) if code_dir and code_dir.group(1) else "python"
                lang = "console" if lang in ("pycon", "shell-session") else lang
                block = f"```{lang}\n{code}\n```"
                sec.lines += [block, ""]
                sec.blocks.append(("\n\n".join(para[-2:]).strip(), block, i + 1))
            i, para = j, []
            continue
        directive = re.match(r"^\.\.[ \t]+([\w:-]+)::[ \t]*(.*)$", line)
        if directive or _RST_TARGET.match(line):
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or lines[j][0].isspace()):
                j += 1
            if directive is None or directive.group(1) in _DROP_DIRECTIVES:
                i = j
                continue
            # any other directive (note, versionadded, tabs, ...): its label, then its body
            # dedented and read again, so the code blocks inside it are found
            body = [b for b in lines[i + 1 : j] if not re.match(r"^\s+:[\w-]+:", b)]
            label = (
                _admonition(*directive.groups())
                if directive.group(2)
                or (directive.group(1) not in ("tabs", "container", "rst-class", "only"))
                else ""
            )
            lines = [
                *lines[:i],
                *([label] if label else []),
                "",
                *_dedent("\n".join(body)).split("\n"),
                "",
                *lines[j:],
            ]
            i += 1 if label else 0
            if label:
                sec.lines.append(label)
                para.append(label)
            continue
        text = _inline(line)
        sec.lines.append(text)
        if text.strip():
            if para and lines[i - 1].strip():
                para[-1] += "\n" + text
            else:
                para.append(text)
        i += 1
    return sections


def _style_level(styles: list[tuple[str, bool]], style: tuple[str, bool]) -> int:
    if style not in styles:
        styles.append(style)
    return styles.index(style)


def _inline(text: str) -> str:
    """RST inline markup as Markdown: roles and double backticks to code, links to their text."""
    text = _RST_LINK.sub(r"\1", text)
    text = _RST_ROLE.sub(r"`\1`", text)
    return _RST_LITERAL.sub(r"`\1`", text)


def _dedent(code: str) -> str:
    import textwrap

    return textwrap.dedent(code).strip("\n")


def _resize(sections: list[DocSection], min_chars: int, max_chars: int) -> list[DocSection]:
    """Merge short sections into the one before; cut long ones between blocks."""
    merged: list[DocSection] = []
    for s in sections:
        if merged and len(s.body) < min_chars:
            prev = merged[-1]
            own = "\n".join(s.lines).strip("\n").split("\n")  # its heading stays with its text
            prev.lines += ["", *([f"**{s.title}**"] if s.title else []), *own]
            prev.blocks += s.blocks
        else:
            merged.append(s)
    out: list[DocSection] = []
    for s in merged:
        body = s.body
        if len(body) <= max_chars:
            out.append(s)
            continue
        parts, cur = [], ""
        for chunk in _blocks(body):
            if cur and len(cur) + len(chunk) + 2 > max_chars:
                parts.append(cur)
                cur = ""
            cur = f"{cur}\n\n{chunk}" if cur else chunk
        parts.append(cur)
        for k, part in enumerate(parts):
            title = s.title if k == 0 else f"{s.title} (continued)"
            blocks = [b for b in s.blocks if b[1] in part]
            out.append(DocSection(title, s.trail, s.line, part.split("\n"), blocks))
    return out


def _blocks(body: str) -> list[str]:
    """Paragraphs and fenced blocks (a blank line inside a fence does not split it)."""
    out: list[str] = []
    inside = False
    for para in body.split("\n\n"):
        if inside:
            out[-1] += "\n\n" + para
        else:
            out.append(para)
        if para.count("```") % 2 == 1:
            inside = not inside
    return out


class DocHeadingsMapper(LayoutMapper):
    """A repository document -> a record per section and per code block with its prose."""

    kind: ClassVar[str] = "doc_headings"

    def map_row(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        lay = self.layout
        rel, project = text_of(row.get("path")), text_of(row.get("project"))
        language = text_of(row.get("language")) or "text"
        sections = split_doc(
            text_of(row.get("text")), language, lay.min_section_chars, lay.max_section_chars
        )
        # a section of markup only (a README's <div><img ...></div> banner) answers nothing
        sections = [s for s in sections if len(re.findall(r"[A-Za-z]", _TAG.sub("", s.body))) >= 12]
        base = {"path": rel, "project": project, "code_language": language}
        group, first = f"file:{rel}", True
        if not sections:
            error = ("no_sections", f"{rel}: no text outside headings and markup")
            yield Candidate(line, loc, 1, base, raw=text_of(row.get("text"))[:500], error=error)
            return
        for k, sec in enumerate(sections):
            title = sec.title or (sec.trail[-1] if sec.trail else rel.rsplit("/", 1)[-1])
            values = {
                **base,
                "kind": "section",
                "title": title,
                "qualname": " > ".join([*sec.trail, title]),
                "question": question_for(title, sec.trail, project or "this project", rel),
                "section_text": sec.body,
            }
            example = _usage_example(sec)
            if example is not None:
                values["prose"], values["example"] = example
            yield Candidate(  # one row per file: the section's line is in its locator
                line,
                f"{rel}:{sec.line}#s{k + 1}",
                int(first),
                values,
                group=group,
                raw=sec.body[:500],
            )
            first = False


def _usage_example(sec: DocSection) -> tuple[str, str] | None:
    """The section's first code block that has prose before it: (prose, fenced block).

    On the section's own record, not one of its own: a record per block would hold the same
    text as its section and be dropped by dedupe as a near-duplicate of it."""
    for prose, block, _ in sec.blocks:
        if len(prose) >= 20 and re.search(r"[A-Za-z]{2}", block):
            return prose, block
    return None
