"""``tree_sitter`` layouts: JavaScript, TypeScript (and TSX), Go, Rust and Java source parsed with
tree-sitter into the records Python's ``ast`` path makes (``code.py``), so the codebase tasks
(api_reference, implement_from_spec, explain_code) read them unchanged.

A definition's record: ``kind`` (``function``, ``method``, ``class`` for ``class`` declarations,
``type`` for Go and Rust types, traits, interfaces, enums and type aliases), ``qualname``
(``tinykv.Client.get``; Go ``pkg.Type.Method``; Rust ``crate::module::Type::method``),
``signature`` as written from the name on (``(key string) ([]byte, error)``), ``docstring`` (the
doc comment directly above: JSDoc and Javadoc ``/** */``, Go ``//`` lines, Rust ``///``; markers
and the ``*`` gutter removed), ``code`` (the declaration without its doc comment; absent for a
declaration without a body, an empty one or one that only says "not implemented"),
``implementation`` (``code`` without the attributes above it: Rust ``#[...]``, decorators) and
``stub`` (doc comment and header down to the body). As in Python, a type makes a record only
with a doc comment (its methods have their own), a function without either doc comment or body
makes none, and everything of a file shares the group ``file:PATH``.

The module record holds the module's doc (Go's package comment, Rust's ``//!``, a JS file's
``@fileoverview``, Javadoc above ``package``) and, in ``content``, the top-level statements in
no definition's record (imports, constants), and the text of declarations that did not parse,
so no line is lost (a key in them is still redacted). Parse errors: tree-sitter recovers, so
well-formed declarations keep their records and broken ones only go into the module's
``content``; a file mostly made of errors (over half its bytes) is one ``syntax_error``
reject. A file whose grammar is not installed is one ``no_grammar`` reject naming the package.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from curate.ingest.layouts.base import LayoutMapper, text_of
from curate.ingest.layouts.candidate import Candidate
from curate.ingest.layouts.ts_languages import (
    LANGS,
    GrammarMissing,
    Lang,
    clean_doc,
    is_doc_comment,
    lang_for,
    parser_for,
)

if TYPE_CHECKING:
    from tree_sitter import Node

__all__ = ["MAX_ERROR_SHARE", "MostlyErrors", "TreeSitterMapper", "ts_definitions"]

MAX_ERROR_SHARE = 0.5  # over this share of a file's bytes in ERROR nodes: the file is a reject
Def = tuple[int, dict[str, Any]]

_TRIVIAL = re.compile(
    r"(?is)^(?:todo!|unimplemented!|panic\(\s*\"(?:not implemented|todo|unimplemented)"
    r"|throw\s+new\s+UnsupportedOperationException\b"
    r"|throw\s+new\s+Error\(\s*[\"'`][^\"'`]*not implemented)"
)
_BLOCKS = {"statement_block", "block", "constructor_body", "class_body"}
_LICENSE = re.compile(r"(?i)\bcopyright\b|@license\b|spdx-license")
_FILE_TAG = re.compile(r"@(?:file|fileoverview|overview)\b[ \t]*|@module(?:[ \t]+\S+)?[ \t]*")


class MostlyErrors(ValueError):
    """Over ``MAX_ERROR_SHARE`` of the file did not parse."""


def _last_row(node: Node) -> int:
    """The last line a node is on (a Rust line comment ends at column 0 of the next line)."""
    end = node.end_point
    return end.row - 1 if end.column == 0 and node.end_byte > node.start_byte else end.row


def _adjacent(above: Node, below: Node) -> bool:
    return _last_row(above) + 1 >= below.start_point.row


def _module_path(rel: str, lang: Lang, project: str) -> str:
    """``src/tinykv/client.ts`` -> ``tinykv.client``; Rust ``client/src/wire/mod.rs`` ->
    ``client::wire`` (the crate is the folder holding ``src``, else the project)."""
    parts = re.sub(r"(\.d)?\.[A-Za-z]+$", "", rel).split("/")
    if lang.sep == "::":
        crate = project
        if "src" in parts[:-1]:
            at = len(parts) - 1 - parts[::-1].index("src")
            crate, parts = (parts[at - 1] if at > 0 else project), parts[at + 1 :]
        if parts and parts[-1] in ("lib", "main", "mod"):
            parts = parts[:-1]
        return "::".join([re.sub(r"\W", "_", crate), *parts])
    if len(parts) > 1 and parts[0] in ("src", "lib"):
        parts = parts[1:]
    if len(parts) > 1 and parts[-1] == "index":
        parts = parts[:-1]
    return ".".join(parts)


def _collapse(sig: str) -> str:
    sig = re.sub(r"\s*\n\s*", " ", sig).strip()
    return re.sub(r",?\s+\)", ")", re.sub(r"\(\s+", "(", sig))


def _error_share(root: Node, size: int) -> tuple[float, int]:
    """(share of the bytes in ERROR nodes, first line with an error)."""
    if not root.has_error:
        return 0.0, 0
    err, first, stack = 0, 0, [root]
    while stack:
        node = stack.pop()
        if node.type == "ERROR" or node.is_missing:
            err += max(node.end_byte - node.start_byte, 1)
            row = node.start_point.row + 1
            first = row if not first else min(first, row)
        elif node.has_error:
            stack.extend(node.children)
    return err / max(size, 1), first


class _Extractor:
    """The records of one parsed file."""

    def __init__(self, src: bytes, lang: Lang, module: str) -> None:
        self.src, self.lang, self.module = src, lang, module
        self.leftover: list[str] = []  # module content: top-level statements, broken declarations

    def text(self, node: Node) -> str:
        return self.src[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def segment(self, start: int, end: int) -> str:
        """The source from ``start`` (its line's indentation included) to ``end``, dedented."""
        line_start = self.src.rfind(b"\n", 0, start) + 1
        if not self.src[line_start:start].strip():
            start = line_start
        return textwrap.dedent(self.src[start:end].decode("utf-8", "replace")).strip("\n")

    # -- doc comments -------------------------------------------------------------------------

    def doc_of(self, pending: list[Node], node: Node) -> tuple[list[Node], list[Node]]:
        """(doc comment nodes, attribute nodes) in the run of comments and attributes directly
        above ``node`` (no blank line between)."""
        chain: list[Node] = []
        below = node
        for p in reversed(pending):
            if not _adjacent(p, below):
                break
            chain.append(p)
            below = p
        chain.reverse()
        attrs = [p for p in chain if p.type in self.lang.attributes]
        style = self.lang.doc
        docs = [
            p
            for p in chain
            if p.type in self.lang.comments
            and is_doc_comment(self.text(p), style)
            and not _LICENSE.search(self.text(p))
            and not (style == "jsdoc" and _FILE_TAG.search(self.text(p)))
        ]
        if style == "jsdoc":
            docs = docs[-1:]  # the closest /** */ only
        elif style == "go" and docs:  # one unbroken run of // lines ending at the declaration
            run = [docs[-1]]
            for p in reversed(docs[:-1]):
                if not _adjacent(p, run[0]):
                    break
                run.insert(0, p)
            docs = run
        return docs, attrs

    def docstring(self, nodes: list[Node]) -> str | None:
        return clean_doc([self.text(n) for n in nodes], self.lang.doc) if nodes else None

    def module_doc(self, root: Node) -> str | None:
        kids = root.named_children
        comments = [k for k in kids if k.type in self.lang.comments]
        if self.lang.sep == "::":  # Rust: //! and /*! at the top level
            inner = [c for c in comments if is_doc_comment(self.text(c), "rust", inner=True)]
            return self.docstring(inner)
        anchor = next(
            (k for k in kids if k.type in ("package_clause", "package_declaration")), None
        )
        if anchor is not None:  # Go's package comment, Java's package Javadoc
            docs, _ = self.doc_of(kids[: kids.index(anchor)], anchor)
            return self.docstring(docs)
        if comments and comments[0] is kids[0]:  # JS/TS: a leading @fileoverview / @module
            first = self.text(comments[0])
            if is_doc_comment(first, "jsdoc") and _FILE_TAG.search(first):
                return clean_doc([_FILE_TAG.sub("", first)], "jsdoc")
        return None

    # -- declarations -------------------------------------------------------------------------

    def walk(self, parent: Node, prefix: str, in_class: bool, top: bool) -> Iterator[Def]:
        pending: list[Node] = []
        for node in parent.named_children:
            if node.type in self.lang.comments or node.type in self.lang.attributes:
                pending.append(node)
                continue
            yield from self.declaration(node, node, pending, prefix, in_class, top)
            pending = []

    def declaration(
        self, node: Node, span: Node, pending: list[Node], prefix: str, in_class: bool, top: bool
    ) -> Iterator[Def]:
        lang, kind = self.lang, node.type
        if kind == "ERROR":  # keep what parsed inside; its text goes to the module's content
            self.leftover.append(self.text(node))
            yield from self.walk(node, prefix, in_class, top=False)
        elif kind in lang.wrappers:
            inner = node.child_by_field_name("declaration")
            if inner is None:
                if top:
                    self.leftover.append(self.text(span))
                return
            yield from self.declaration(inner, span, pending, prefix, in_class, top)
        elif kind in lang.functions:
            yield from self.function(node, span, pending, prefix, in_class)
        elif kind in lang.classes:
            yield from self.type_decl(node, span, pending, prefix)
        elif kind in lang.containers:
            yield from self.container(node, prefix, in_class)
        elif kind in lang.transparent:
            yield from self.walk(node, prefix, in_class, top=False)
        elif kind == "type_declaration":  # Go: ``type X struct`` or a ``type ( ... )`` group
            specs = [c for c in node.named_children if c.type in lang.classes]
            if len(specs) == 1:
                yield from self.type_decl(specs[0], span, pending, prefix)
            else:
                yield from self.walk(node, prefix, in_class, top=False)
        elif kind in lang.variables and (fn := self.function_value(node)) is not None:
            yield from self.function(fn[1], span, pending, prefix, in_class, name=fn[0])
        elif top:
            self.leftover.append(self.text(span))

    def function_value(self, decl: Node) -> tuple[str, Node] | None:
        """``const f = (a) => ...`` / ``= function (a) {...}``: (name, the function node)."""
        declarators = [c for c in decl.named_children if c.type == "variable_declarator"]
        if len(declarators) != 1:
            return None
        name, value = (declarators[0].child_by_field_name(k) for k in ("name", "value"))
        if name is None or value is None or name.type != "identifier":
            return None
        if value.type not in ("arrow_function", "function_expression", "function"):
            return None
        return self.text(name), value

    def function(
        self,
        fn: Node,
        span: Node,
        pending: list[Node],
        prefix: str,
        in_class: bool,
        name: str | None = None,
    ) -> Iterator[Def]:
        if span.has_error:  # kept in the module's content, no record
            self.leftover.append(self.text(span))
            return
        name_node = fn.child_by_field_name("name")
        if name is None:
            if name_node is None:
                return
            name = self.text(name_node)
        receiver = fn.child_by_field_name("receiver")  # Go: func (s *Store) Get(...)
        if receiver is not None:
            rtype = re.search(r"(\w+)\s*(?:\[[^\]]*\])?\s*\)\s*$", self.text(receiver))
            prefix, in_class = f"{prefix}.{rtype.group(1) if rtype else '?'}", True
        body = fn.child_by_field_name("body")
        docs, attrs = self.doc_of(pending, span)
        head_end = body.start_byte if body is not None else span.end_byte
        start = min([span.start_byte, *(a.start_byte for a in attrs)])
        stub_start = min([start, *(d.start_byte for d in docs)])
        code = None if body is None or self.trivial(body) else self.segment(start, span.end_byte)
        values = {
            "kind": "method" if in_class else "function",
            "qualname": f"{prefix}{self.lang.sep}{name}",
            "name": name,
            "signature": self.signature(fn, name_node, body),
            "docstring": self.docstring(docs),
            "code": code,
            "implementation": None
            if code is None
            else self.segment(span.start_byte, span.end_byte),
            "stub": self.segment(stub_start, head_end).rstrip(),
        }
        if values["docstring"] or code:  # else nothing to learn, as in Python
            yield span.start_point.row + 1, values

    def signature(self, fn: Node, name_node: Node | None, body: Node | None) -> str:
        params = fn.child_by_field_name("parameters") or fn.child_by_field_name("parameter")
        start = name_node.end_byte if name_node is not None else (params or fn).start_byte
        end = body.start_byte if body is not None else fn.end_byte
        sig = _collapse(self.src[start:end].decode("utf-8", "replace"))
        sig = sig.removesuffix("=>").rstrip().removesuffix(";").rstrip().removesuffix(",")
        if name_node is None and not sig.startswith(("(", "<")):
            sig = f"({sig})"  # x => x + 1
        return sig

    def trivial(self, body: Node) -> bool:
        """Nothing to implement: an empty body or one that only says "not implemented"."""
        if body.type not in _BLOCKS:
            return False  # an arrow function's expression
        stmts = [c for c in body.named_children if c.type not in self.lang.comments]
        return not stmts or (len(stmts) == 1 and bool(_TRIVIAL.match(self.text(stmts[0]))))

    def type_decl(self, node: Node, span: Node, pending: list[Node], prefix: str) -> Iterator[Def]:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        name = self.text(name_node)
        qual = f"{prefix}{self.lang.sep}{name}"
        body = node.child_by_field_name("body")
        if node.type in ("type_spec", "type_alias"):  # Go: the type after the name
            body = node.child_by_field_name("type")
        params = node.child_by_field_name("type_parameters")
        end = body.start_byte if body is not None else (params or name_node).end_byte
        sig = _collapse(self.src[name_node.end_byte : max(end, name_node.end_byte)].decode())
        sig = sig.removesuffix("=").rstrip()
        docs, _ = self.doc_of(pending, span)
        doc = self.docstring(docs)
        if doc:  # an undocumented type has nothing of its own, as in Python
            yield (
                span.start_point.row + 1,
                {
                    "kind": self.lang.classes[node.type],
                    "qualname": qual,
                    "name": name,
                    "signature": f" {sig}" if sig[:1].isalnum() else sig,
                    "docstring": doc,
                },
            )
        if body is not None:
            yield from self.walk(body, qual, True, top=False)

    def container(self, node: Node, prefix: str, in_class: bool) -> Iterator[Def]:
        """Rust ``impl`` (methods under the type's name) and ``mod``, TypeScript namespaces."""
        body = node.child_by_field_name("body")
        if body is None:
            return
        if node.type == "impl_item":
            target = node.child_by_field_name("type")
            name = re.sub(r"<.*", "", self.text(target)) if target is not None else "?"
            yield from self.walk(body, f"{prefix}::{name}", True, top=False)
            return
        name_node = node.child_by_field_name("name")
        name = self.text(name_node).strip("'\"") if name_node is not None else "?"
        yield from self.walk(body, f"{prefix}{self.lang.sep}{name}", in_class, top=False)


def _package(root: Node, src: bytes) -> str | None:
    """Go's ``package x`` and Java's ``package a.b;``: the prefix of the file's qualnames."""
    for kid in root.named_children:
        if kid.type in ("package_clause", "package_declaration"):
            name = next((c for c in kid.named_children if "identifier" in c.type), None)
            if name is not None:
                return src[name.start_byte : name.end_byte].decode("utf-8", "replace")
    return None


def ts_definitions(text: str, lang: Lang, rel: str, project: str) -> Iterator[Def]:
    """(line, field values) for the module and every type, function and method of a file.
    Raises GrammarMissing (no grammar installed) and MostlyErrors (the file does not parse)."""
    parser = parser_for(lang)
    src = text.encode("utf-8")
    tree = parser.parse(src)
    root = tree.root_node
    share, first = _error_share(root, len(src))
    if share > MAX_ERROR_SHARE:
        raise MostlyErrors(f"{share:.0%} of the file does not parse, from line {first}")
    module = _package(root, src) or _module_path(rel, lang, project)
    ex = _Extractor(src, lang, module)
    defs = list(ex.walk(root, module, False, top=True))
    doc = ex.module_doc(root)
    content = "\n".join(ex.leftover).strip()
    if doc or content:
        yield (
            1,
            {"kind": "module", "qualname": module, "docstring": doc, "content": content or None},
        )
    yield from defs


class TreeSitterMapper(LayoutMapper):
    """A JavaScript, TypeScript, Go, Rust or Java file -> a record per module, type, function."""

    kind: ClassVar[str] = "tree_sitter"

    def map_row(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        rel, text = text_of(row.get("path")), text_of(row.get("text"))
        language, project = text_of(row.get("language")), text_of(row.get("project"))
        base = {"path": rel, "project": project, "code_language": language}

        def reject(reason: str, message: str) -> Candidate:
            return Candidate(line, loc, 1, base, raw=text[:500], error=(reason, message))

        if language not in LANGS:
            yield reject("no_grammar", f"{rel}: no tree-sitter grammar for {language or '?'} files")
            return
        try:
            defs = list(ts_definitions(text, lang_for(language, rel), rel, project))
        except GrammarMissing as exc:
            yield reject("no_grammar", f"{rel}: a {language} file, and {exc}")
            return
        except MostlyErrors as exc:
            yield reject("syntax_error", f"{rel}: not valid {language} ({exc})")
            return
        if not defs:
            yield reject("no_definitions", f"{rel}: no statement, doc comment, type or function")
            return
        for k, (at, values) in enumerate(defs):
            yield Candidate(  # one row per file: the definition's line is in its locator
                line,
                f"{rel}:{at}::{values['qualname']}",
                int(k == 0),
                {**base, **values},
                group=f"file:{rel}",
                raw=text_of(values.get("code") or values.get("docstring"))[:500],
            )
