"""Source files of a repository: ``python_ast`` (Python parsed with ``ast`` into one record per
module docstring, class, function and method) and ``source_files`` (any other text file, one
record holding it whole).

A definition's record has ``qualname`` (``click.core.Command.invoke``), ``signature``
(``(self, ctx: Context) -> Any``), ``docstring`` (cleaned as ``inspect.cleandoc`` does),
``code`` (its source with the docstring taken out, dedented; absent when the body is only
``pass``, ``...`` or ``raise NotImplementedError``, which teaches nothing), ``implementation``
(``code`` from the ``def`` line on) and ``stub`` (decorators, signature and docstring: what
implement-from-spec gives the model, whose answer is ``implementation``). ``@overload`` stubs,
classes without a docstring (their methods have records) and functions with neither a
docstring nor a body (``def f(): ...``) make no record. Nested functions stay inside their parent's
code. Every record of a file shares a group (``file:PATH``), so a function, its docstring and
its module's other definitions land in one split.

The module record holds the module docstring and, in ``content``, its top-level statements
(imports, constants) that are in no definition's record. A file that does not parse is one
``syntax_error`` reject; an empty file (or only comments) is one ``no_definitions`` reject.
"""

from __future__ import annotations

import ast
import re
import textwrap
from collections.abc import Iterator
from typing import Any, ClassVar

from curate.ingest.layouts.base import LayoutMapper, text_of
from curate.ingest.layouts.candidate import Candidate

__all__ = ["PythonAstMapper", "SourceFilesMapper", "module_name", "python_definitions"]

Def = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


def module_name(rel: str) -> str:
    """``src/click/core.py`` -> ``click.core``; ``pkg/__init__.py`` -> ``pkg``."""
    parts = rel.removesuffix(".pyi").removesuffix(".py").split("/")
    if parts and parts[0] in ("src", "lib") and len(parts) > 1:
        parts = parts[1:]
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(parts)


def _signature(node: Def, lines: list[str] | None = None) -> str:
    if isinstance(node, ast.ClassDef):
        bases = [ast.unparse(b) for b in node.bases] + [ast.unparse(k) for k in node.keywords]
        return f"({', '.join(bases)})" if bases else ""
    ret = f" -> {ast.unparse(node.returns)}" if node.returns is not None else ""
    unparsed = f"({ast.unparse(node.args)}){ret}"
    if lines is None or not node.body or node.body[0].lineno <= node.lineno:
        return unparsed
    # as written (ast.unparse drops the spaces of ``x: int = 2``), on one line
    header = "\n".join(lines[node.lineno - 1 : node.body[0].lineno - 1])
    m = re.search(rf"def\s+{re.escape(node.name)}\s*(\(.*\)[^:]*?)\s*:\s*(?:#.*)?$", header, re.S)
    if m is None or "#" in m.group(1):
        return unparsed
    sig = re.sub(r"\s*\n\s*", " ", m.group(1))
    return re.sub(r",?\s+\)", ")", re.sub(r"\(\s+", "(", sig))


def _is_overload(node: Def) -> bool:
    names = {ast.unparse(d) for d in node.decorator_list}
    return bool(names & {"overload", "typing.overload", "t.overload"})


def _trivial(body: list[ast.stmt]) -> bool:
    """Nothing to implement: only ``pass``, ``...`` or ``raise NotImplementedError``."""
    for stmt in body:
        if isinstance(stmt, ast.Pass):
            continue
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant):
            continue
        if isinstance(stmt, ast.Raise) and "NotImplementedError" in ast.unparse(stmt):
            continue
        return False
    return True


def _code_and_stub(node: Def, lines: list[str]) -> tuple[str | None, str]:
    """(source without the docstring, or None when trivial; signature line + docstring)."""
    start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
    assert node.end_lineno is not None
    src = lines[start : node.end_lineno]
    body = node.body
    doc_node = body[0] if body and ast.get_docstring(node, clean=False) is not None else None
    first_body = body[0].lineno - 1 - start
    header = src[:first_body] if first_body > 0 else src[:1]
    docstring = ast.get_docstring(node) or ""
    indent = " " * (node.col_offset + 4)
    if not docstring:
        quoted = indent + "..."
    elif "\n" in docstring:
        quoted = textwrap.indent(f'"""{docstring}\n"""', indent)
    else:
        quoted = f'{indent}"""{docstring}"""'
    stub = textwrap.dedent("\n".join([*header, quoted]))
    rest = body[1:] if doc_node is not None else body
    if not rest or _trivial(rest):
        return None, stub
    if doc_node is not None and doc_node.end_lineno is not None and first_body > 0:
        cut_from, cut_to = doc_node.lineno - 1 - start, doc_node.end_lineno - start
        src = src[:cut_from] + src[cut_to:]
    return textwrap.dedent("\n".join(src)).strip("\n"), stub


def _without_decorators(node: Def, code: str | None) -> str | None:
    """``code`` from the ``def`` line on: implement-from-spec's answer, whose question (the
    stub) shows the decorators already, so the answer does not copy them back."""
    if code is None or not node.decorator_list:
        return code
    skip = node.lineno - min(d.lineno for d in node.decorator_list)
    return "\n".join(code.split("\n")[skip:])


def _top_level(tree: ast.Module, lines: list[str], has_doc: bool) -> str:
    """The module's own statements (imports, constants, ``if __name__`` blocks): everything
    but its docstring and the classes and functions that get records of their own, so no line
    of the file is left out of every record (a key assigned at module level is redacted too)."""
    body = tree.body[1:] if has_doc else tree.body
    kept = []
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            continue
        assert node.end_lineno is not None
        kept.append("\n".join(lines[node.lineno - 1 : node.end_lineno]))
    return "\n".join(kept).strip()


def python_definitions(text: str, module: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, field values) for the module docstring and every class, function and method."""
    tree = ast.parse(text)
    lines = text.split("\n")
    doc = ast.get_docstring(tree)
    top = _top_level(tree, lines, has_doc=doc is not None)
    if doc or top:
        yield 1, {"kind": "module", "qualname": module, "docstring": doc, "content": top or None}

    def walk(
        body: list[ast.stmt], prefix: str, in_class: bool
    ) -> Iterator[tuple[int, dict[str, Any]]]:
        for node in body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if _is_overload(node):
                continue
            qual = f"{prefix}.{node.name}"
            values: dict[str, Any] = {
                "qualname": qual,
                "name": node.name,
                "signature": _signature(node, lines),
                "docstring": ast.get_docstring(node),
            }
            if isinstance(node, ast.ClassDef):
                values["kind"] = "class"
                if values["docstring"]:  # an undocumented class has nothing of its own
                    yield node.lineno, values
                yield from walk(node.body, qual, True)
                continue
            values["kind"] = "method" if in_class else "function"
            values["code"], values["stub"] = _code_and_stub(node, lines)
            values["implementation"] = _without_decorators(node, values["code"])
            if values["docstring"] or values["code"]:  # else an empty stub: nothing to learn
                yield node.lineno, values

    yield from walk(tree.body, module, False)


class PythonAstMapper(LayoutMapper):
    """A Python file -> a record per module docstring, class, function and method."""

    kind: ClassVar[str] = "python_ast"

    def map_row(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        rel, text = text_of(row.get("path")), text_of(row.get("text"))
        base = {"path": rel, "project": text_of(row.get("project")), "code_language": "python"}
        try:
            defs = list(python_definitions(text, module_name(rel)))
        except (SyntaxError, ValueError, RecursionError) as exc:
            where = f"line {getattr(exc, 'lineno', None) or '?'}"
            error = (
                "syntax_error",
                f"{rel}: not valid Python 3 ({where}: {exc.__class__.__name__})",
            )
            yield Candidate(line, loc, 1, base, raw=text[:500], error=error)
            return
        if not defs:
            error = ("no_definitions", f"{rel}: no statement, docstring, class or function")
            yield Candidate(line, loc, 1, base, raw=text[:500], error=error)
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


class SourceFilesMapper(LayoutMapper):
    """Any other text file of a repository (configs, scripts, other languages) -> one record."""

    kind: ClassVar[str] = "source_files"

    def map_row(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        rel, text = text_of(row.get("path")), text_of(row.get("text"))
        values = {
            "path": rel,
            "project": text_of(row.get("project")),
            "code_language": text_of(row.get("language")),
            "kind": "file",
            "qualname": rel,
            "content": text,
        }
        yield Candidate(line, loc, 1, values, group=f"file:{rel}", raw=text[:500])
