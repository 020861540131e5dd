"""Draw curate's internal import graph from the code (ast only: nothing is imported).

    python docs/import_graph.py                 # package-level edges, one line per package
    python docs/import_graph.py --modules       # module-level edges
    python docs/import_graph.py --dot | dot -Tsvg > imports.svg
    python docs/import_graph.py --root /other/checkout/curate
    python docs/import_graph.py --write         # refresh the graph in docs/architecture.md

A package is a top-level unit of ``curate/`` (``curate/ingest/readers/csv.py`` belongs to
``ingest``, ``curate/config.py`` is ``config``). Imports at module level are solid edges;
imports inside a function (deferred, so ``import curate`` stays light) are marked ``(lazy)``
and dashed in DOT; imports under ``if TYPE_CHECKING:`` are left out (they never run).
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "curate"
DOC = Path(__file__).resolve().parent / "architecture.md"
BEGIN, END = "<!-- import-graph:begin -->", "<!-- import-graph:end -->"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, module: str, is_pkg: bool, known: set[str]) -> list[tuple[str, bool]]:
    """(imported curate module, lazy) for each import that runs."""
    found: list[tuple[str, bool]] = []
    package = module if is_pkg else module.rpartition(".")[0]

    def resolve(name: str) -> str:
        # `from curate.x import y`: y may be a submodule or a name inside curate.x
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub, lazy)
                continue
            inner = lazy or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name == "curate" or alias.name.startswith("curate."):
                        found.append((resolve(alias.name), lazy))
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (child.level - 1)]
                    base = ".".join([*anchor, *([base] if base else [])])
                if base == "curate" or base.startswith("curate."):
                    for alias in child.names:
                        found.append((resolve(f"{base}.{alias.name}"), lazy))
            visit(child, inner)

    visit(tree, False)
    return [(m, lazy) for m, lazy in found if m and m != module]


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "curate"


def collect(root: Path) -> dict[tuple[str, str], bool]:
    """(importer, imported) module edges -> lazy (True only when every such import is lazy)."""
    files = sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)
    known = {module_name(p, root) for p in files}
    edges: dict[tuple[str, str], bool] = {}
    for path in files:
        module = module_name(path, root)
        tree = ast.parse(path.read_text("utf-8"), str(path))
        for target, lazy in _imports(tree, module, path.name == "__init__.py", known):
            key = (module, target)
            edges[key] = edges.get(key, True) and lazy
    return edges


def package_edges(edges: dict[tuple[str, str], bool]) -> dict[tuple[str, str], bool]:
    out: dict[tuple[str, str], bool] = {}
    for (a, b), lazy in edges.items():
        pa, pb = package_of(a), package_of(b)
        if pa != pb:
            out[(pa, pb)] = out.get((pa, pb), True) and lazy
    return out


def as_text(edges: dict[tuple[str, str], bool]) -> str:
    by_source: dict[str, list[str]] = defaultdict(list)
    for (a, b), lazy in sorted(edges.items()):
        by_source[a].append(f"{b} (lazy)" if lazy else b)
    return "\n".join(f"{a} -> {', '.join(targets)}" for a, targets in sorted(by_source.items()))


def as_dot(edges: dict[tuple[str, str], bool]) -> str:
    lines = ["digraph curate {", "  rankdir=LR;", "  node [shape=box, fontname=monospace];"]
    for (a, b), lazy in sorted(edges.items()):
        lines.append(f'  "{a}" -> "{b}"' + (" [style=dashed];" if lazy else ";"))
    return "\n".join([*lines, "}"])


def doc_block(root: Path = ROOT) -> str:
    """The package-level graph as docs/architecture.md shows it, between its markers."""
    return f"{BEGIN}\n```\n{as_text(package_edges(collect(root)))}\n```\n{END}"


def write_doc(doc: Path = DOC) -> bool:
    text = doc.read_text("utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + doc_block() + text[end:]
    if new != text:
        doc.write_text(new, "utf-8")
    return new != text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", action="store_true", help="module-level edges")
    parser.add_argument("--dot", action="store_true", help="Graphviz DOT instead of text")
    parser.add_argument("--root", type=Path, default=ROOT, help="the curate package folder")
    parser.add_argument("--write", action="store_true", help="refresh docs/architecture.md")
    args = parser.parse_args(argv)
    if args.write:
        print("docs/architecture.md " + ("updated" if write_doc() else "already current"))
        return 0
    edges = collect(args.root)
    if not args.modules:
        edges = package_edges(edges)
    print(as_dot(edges) if args.dot else as_text(edges))
    return 0


if __name__ == "__main__":
    sys.exit(main())
