"""The languages the ``tree_sitter`` layout reads, their grammar packages, and doc comments.

Each language's grammar is its own wheel on the package index (``tree-sitter-go``, ...), with the
compiled grammar inside: nothing is downloaded at run time (``tree-sitter-language-pack``, which
fetches grammars when first used, is not used for that reason). They are the optional extra
``code`` (``pip install 'curate[code]'``); a file whose grammar is not installed is a
``no_grammar`` reject that says which package to install, never silently dropped.

A ``Lang`` says which node types of its grammar are functions, classes and other types, which
only hold members (a Rust ``impl``, a TypeScript ``namespace``), which wrap a declaration
(``export``), which sit between a doc comment and its declaration (decorators, ``#[attr]``),
and how its doc comments look: JSDoc and Javadoc ``/** */``, Go's ``//`` lines directly above,
Rust's ``///`` (``//!`` for the module).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from tree_sitter import Parser

__all__ = ["LANGS", "SUFFIXES", "GrammarMissing", "Lang", "clean_doc", "lang_for", "parser_for"]

DocStyle = Literal["jsdoc", "go", "rust"]

# file suffix -> language (``code_language``); .tsx files take the tsx grammar (``lang_for``)
SUFFIXES = {
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".mts": "typescript", ".cts": "typescript", ".tsx": "typescript",
    ".go": "go", ".rs": "rust", ".java": "java",
}  # fmt: skip


@dataclass(frozen=True, eq=False)  # one per grammar: hashed by identity (parser cache)
class Lang:
    """One grammar: where it comes from and which of its nodes make records."""

    name: str  # code_language, also the Markdown fence tag of the tasks
    package: str  # the wheel on the package index
    module: str  # its import name
    func: str  # its function returning the language pointer
    doc: DocStyle
    functions: frozenset[str]
    classes: dict[str, str]  # node type -> record kind ("class" or "type"); members walked
    containers: frozenset[str] = frozenset()  # members walked under the node's name, no record
    transparent: frozenset[str] = frozenset()  # members walked as if they were the parent's
    wrappers: frozenset[str] = frozenset()  # ``export ...``: the declaration inside
    attributes: frozenset[str] = frozenset()  # between a doc comment and its declaration
    comments: frozenset[str] = frozenset({"comment"})
    variables: frozenset[str] = frozenset()  # ``const f = () => {}`` declares a function
    sep: str = "."


_JS_FUNCS = {"function_declaration", "generator_function_declaration", "method_definition"}
_TS_FUNCS = _JS_FUNCS | {"function_signature", "method_signature", "abstract_method_signature"}
_TS_TYPES = {
    "class_declaration": "class",
    "abstract_class_declaration": "class",
    "interface_declaration": "type",
    "enum_declaration": "type",
    "type_alias_declaration": "type",
}


def _ts(name: str, func: str) -> Lang:
    return Lang(
        name,
        "tree-sitter-typescript",
        "tree_sitter_typescript",
        func,
        "jsdoc",
        frozenset(_TS_FUNCS),
        _TS_TYPES,
        containers=frozenset({"internal_module", "module"}),
        wrappers=frozenset({"export_statement", "ambient_declaration"}),
        attributes=frozenset({"decorator"}),
        variables=frozenset({"lexical_declaration", "variable_declaration"}),
    )


LANGS: dict[str, Lang] = {
    "javascript": Lang(
        "javascript",
        "tree-sitter-javascript",
        "tree_sitter_javascript",
        "language",
        "jsdoc",
        frozenset(_JS_FUNCS),
        {"class_declaration": "class"},
        wrappers=frozenset({"export_statement"}),
        attributes=frozenset({"decorator"}),
        variables=frozenset({"lexical_declaration", "variable_declaration"}),
    ),
    "typescript": _ts("typescript", "language_typescript"),
    "tsx": _ts("typescript", "language_tsx"),
    "go": Lang(
        "go",
        "tree-sitter-go",
        "tree_sitter_go",
        "language",
        "go",
        frozenset({"function_declaration", "method_declaration"}),
        {"type_spec": "type", "type_alias": "type"},
    ),
    "rust": Lang(
        "rust",
        "tree-sitter-rust",
        "tree_sitter_rust",
        "language",
        "rust",
        frozenset({"function_item", "function_signature_item"}),
        dict.fromkeys(
            ["struct_item", "enum_item", "trait_item", "union_item", "type_item"], "type"
        ),
        containers=frozenset({"impl_item", "mod_item"}),
        attributes=frozenset({"attribute_item"}),
        comments=frozenset({"line_comment", "block_comment"}),
        sep="::",
    ),
    "java": Lang(
        "java",
        "tree-sitter-java",
        "tree_sitter_java",
        "language",
        "jsdoc",
        frozenset({"method_declaration", "constructor_declaration"}),
        {
            **dict.fromkeys(["class_declaration", "record_declaration"], "class"),
            **dict.fromkeys(
                ["interface_declaration", "enum_declaration", "annotation_type_declaration"], "type"
            ),
        },
        transparent=frozenset({"enum_body_declarations"}),
        comments=frozenset({"line_comment", "block_comment"}),
    ),
}


class GrammarMissing(Exception):
    """The language's grammar (or tree-sitter itself) is not installed or does not load."""


def lang_for(language: str, path: str) -> Lang:
    """The grammar of a file: ``typescript`` files ending in ``.tsx`` take the tsx grammar."""
    if language == "typescript" and path.lower().endswith(".tsx"):
        return LANGS["tsx"]
    return LANGS[language]


@functools.lru_cache(maxsize=16)
def parser_for(lang: Lang) -> Parser:
    """A parser for the language, or GrammarMissing saying which package to install."""
    install = f"pip install 'curate[code]' (or {lang.package})"
    try:
        from tree_sitter import Language, Parser
    except ImportError:
        raise GrammarMissing(f"tree-sitter is not installed: {install}") from None
    try:
        grammar = importlib.import_module(lang.module)
    except ImportError:
        raise GrammarMissing(f"the {lang.name} grammar is not installed: {install}") from None
    try:
        return Parser(Language(getattr(grammar, lang.func)()))
    except (AttributeError, ValueError, TypeError) as exc:
        raise GrammarMissing(
            f"the installed {lang.package} does not load with this tree-sitter ({exc}): "
            f"pip install -U tree-sitter {lang.package}"
        ) from None


_GO_DIRECTIVE = re.compile(r"^//(?:[a-z0-9]+:\S|line |export |extern |nolint)")
_TAG_LINE = re.compile(r"^\s*@\w+")
_BOOKKEEPING = re.compile(
    r"(?im)^[ \t]*@(?:static|memberof|since|category|private|internal|public|protected|access"
    r"|function|func|method|name|kind|instance|alias|author|version|hideconstructor|inner"
    r"|override|nocollapse|ngModule|publicApi)\b[^\n]*(?:\n|$)"
)


def is_doc_comment(text: str, style: DocStyle, *, inner: bool = False) -> bool:
    """Whether a comment is a doc comment of the style (``inner``: Rust's ``//!`` ``/*!``)."""
    if style == "jsdoc":
        return text.startswith("/**") and not text.startswith("/**/")
    if style == "rust":
        if inner:
            return text.startswith(("//!", "/*!"))
        return (text.startswith("///") and not text.startswith("////")) or (
            text.startswith("/**") and not text.startswith(("/**/", "/***"))
        )
    return text.startswith("//") and not _GO_DIRECTIVE.match(text)  # go: a // run


def clean_doc(comments: list[str], style: DocStyle) -> str | None:
    """The text of a doc comment run, without its markers and the `` * `` gutter, cleaned as
    ``inspect.cleandoc`` cleans a docstring, less JSDoc/Javadoc bookkeeping tags (``@since``,
    ``@memberOf``, ``@private``: they say nothing about what the code does). None when a
    JSDoc/Javadoc comment has no description before its tags (``/** @type {number} */``,
    ``{@inheritDoc}``, ``@param``-only): no answer to "what does it do?"."""
    lines: list[str] = []
    for raw in comments:
        text = raw.strip()
        if text.startswith("/*"):
            body = re.sub(r"\*+/$", "", re.sub(r"^/\*[*!]?", "", text))
            for ln in body.split("\n"):
                lines.append(re.sub(r"^\s*\*(?: |$)", "", ln) if re.match(r"^\s*\*", ln) else ln)
        elif not (style == "go" and _GO_DIRECTIVE.match(text)):
            lines.append(re.sub(r"^//[/!]?(?: |$)", "", text.rstrip("\n")))
    doc = inspect.cleandoc("\n".join(lines)).strip()
    if style == "jsdoc":  # bookkeeping tags (@since 3.0.0, @memberOf _) say nothing it does
        doc = re.sub(r"\n{3,}", "\n\n", _BOOKKEEPING.sub("", doc)).strip()
        first_tag = next((i for i, ln in enumerate(doc.split("\n")) if _TAG_LINE.match(ln)), None)
        prose = "\n".join(doc.split("\n")[:first_tag])  # the description comes before the tags
    else:
        prose = doc
    if not re.search(r"[^\W\d_]", re.sub(r"\{@inheritDoc\}", "", prose, flags=re.I)):
        return None
    return doc
