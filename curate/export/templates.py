"""Schema task templates compiled for export: Jinja2 in the bounded sandbox (curate.export.sandbox),
StrictUndefined, with two fast paths checked against Jinja on their first renders.

A template made only of text, fields and ``{% if field %}`` renders for a whole batch as one
Polars expression (``Template.column``), or record by record without Jinja's runtime
(``direct_renderer``); anything else goes through Jinja. ``compile_tasks`` checks that every
template names only fields the schema has, so a typo fails before any record is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from curate.errors import ConfigError, UsageError

BOOKKEEPING = ("record_id", "source", "group", "language")


RenderFn = Callable[[dict[str, Any]], str]
Op = Callable[[dict[str, Any], list[str]], None]


class _Unsupported(Exception):
    """A template construct the direct renderer does not cover: Jinja renders it."""


def _ops(body: Sequence[Any]) -> list[Op]:
    """Plain text, ``{{ field }}`` and ``{% if field %}...{% elif %}...{% else %}`` as Python
    closures; anything else (filters, attributes, loops, expressions) raises _Unsupported."""
    from jinja2 import nodes

    ops: list[Op] = []
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    ops.append(_text_op(child.data))
                elif isinstance(child, nodes.Name) and child.ctx == "load":
                    ops.append(_field_op(child.name))
                else:
                    raise _Unsupported
        elif isinstance(node, nodes.If):
            branches = []
            for branch in (node, *node.elif_):
                if not (isinstance(branch.test, nodes.Name) and branch.test.ctx == "load"):
                    raise _Unsupported
                branches.append((branch.test.name, _ops(branch.body)))
            ops.append(_if_op(branches, _ops(node.else_)))
        else:
            raise _Unsupported
    return ops


def _text_op(text: str) -> Op:
    def op(ctx: dict[str, Any], out: list[str]) -> None:
        out.append(text)

    return op


def _field_op(name: str) -> Op:
    def op(ctx: dict[str, Any], out: list[str]) -> None:
        value = ctx[name]  # a KeyError (field absent) sends the render to Jinja
        out.append("" if value is None else str(value))  # the environment's finalize

    return op


def _if_op(branches: list[tuple[str, list[Op]]], otherwise: list[Op]) -> Op:
    def op(ctx: dict[str, Any], out: list[str]) -> None:
        for name, body in branches:
            if ctx[name]:
                for o in body:
                    o(ctx, out)
                return
        for o in otherwise:
            o(ctx, out)

    return op


def direct_renderer(ast: Any) -> RenderFn | None:
    """Render a template made only of text, fields and ifs on fields without Jinja's runtime
    (about 10x faster); None for anything else. A lone ``{{ field }}`` is a lookup."""
    from jinja2 import nodes

    body = ast.body
    if (
        len(body) == 1
        and isinstance(body[0], nodes.Output)
        and len(body[0].nodes) == 1
        and isinstance(body[0].nodes[0], nodes.Name)
    ):
        name = body[0].nodes[0].name
        return lambda ctx: "" if (value := ctx[name]) is None else str(value)
    try:
        ops = _ops(body)
    except _Unsupported:
        return None

    def render(ctx: dict[str, Any]) -> str:
        out: list[str] = []
        for op in ops:
            op(ctx, out)
        return "".join(out)

    return render


# str.strip()'s whitespace, for Polars' strip_chars (whose default set differs in \x1c-\x1f)
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


def _expr(body: Sequence[Any], schema: Any) -> pl.Expr:
    """The Polars expression rendering ``body`` (text, fields, ifs on fields) for every row,
    when all fields it reads are string columns; raises _Unsupported otherwise."""
    from jinja2 import nodes

    def field(node: Any) -> pl.Expr:
        if not (isinstance(node, nodes.Name) and node.ctx == "load"):
            raise _Unsupported
        if schema.get(node.name) not in (pl.Utf8, pl.Null):  # str() of others differs
            raise _Unsupported
        return pl.col(node.name).cast(pl.Utf8).fill_null("")

    parts: list[pl.Expr] = []
    for node in body:
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if isinstance(child, nodes.TemplateData):
                    parts.append(pl.lit(child.data, pl.Utf8))
                else:
                    parts.append(field(child))
        elif isinstance(node, nodes.If):
            branches = [
                (field(b.test).str.len_bytes() > 0, _expr(b.body, schema))
                for b in (node, *node.elif_)
            ]
            chain: Any = pl
            for test, then in branches:
                chain = chain.when(test).then(then)
            parts.append(chain.otherwise(_expr(node.else_, schema)))
        else:
            raise _Unsupported
    if not parts:
        return pl.lit("", pl.Utf8)
    return pl.concat_str(parts) if len(parts) > 1 else parts[0]


class Template:
    """A compiled Jinja template rendered without Jinja's per-call globals merge (2x faster),
    or, when it is only text, fields and ifs, by ``direct_renderer`` (checked against Jinja on
    its first renders), with the system prompt's renders memoized: it usually depends on one
    field or none."""

    CHECKS = 3  # direct renders compared with Jinja's before it is trusted

    def __init__(
        self,
        template: Any,
        columns: set[str],
        memo: bool = False,
        ast: Any = None,
        where: str = "template",
    ) -> None:
        self.template = template
        self.where = where  # named in a render-limit error
        self.base = dict(template.globals)
        self.columns = sorted(columns)
        self.memo: dict[tuple[Any, ...], str] | None = {} if memo else None
        self.ast = ast
        self.direct = direct_renderer(ast) if ast is not None else None
        self.checked = 0
        self.vectorized = ast is not None

    def column(self, df: pl.DataFrame) -> list[str] | None:
        """Every row of ``df`` rendered by one Polars expression (text, string fields and ifs
        on them; the first rows checked against Jinja), or None where that does not apply."""
        if not self.vectorized or df.height == 0:
            return None
        if not self.columns:  # plain text: the same for every record
            return [self.jinja({})] * df.height
        try:
            expr = _expr(self.ast.body, df.schema)
        except _Unsupported:
            self.vectorized = False
            return None
        fields = df.select(self.columns)
        values = (
            fields.with_columns(expr.str.strip_chars(PY_WHITESPACE).alias("\x00rendered"))
            .get_column("\x00rendered")
            .to_list()
        )
        for i in range(min(self.CHECKS, df.height)):
            if values[i] != self.jinja(fields.row(i, named=True)):
                self.vectorized = False
                return None
        return values

    def jinja(self, ctx: dict[str, Any]) -> str:
        t = self.template
        context = t.environment.context_class(t.environment, {**self.base, **ctx}, t.name, t.blocks)
        from curate.export.sandbox import RenderLimitError

        try:  # concat is bounded (curate/export/sandbox.py)
            return str(t.environment.concat(t.root_render_func(context))).strip()
        except RenderLimitError as exc:
            raise ConfigError(
                f"{self.where}: {exc}",
                hint="a template renders one example: loop over fields, not large ranges",
            ) from exc

    def render(self, ctx: dict[str, Any]) -> str:
        if self.memo is not None:
            try:
                key = tuple(ctx.get(c) for c in self.columns)
                hit = self.memo.get(key)
            except TypeError:  # an unhashable (list) value
                key, hit = None, None
            if hit is not None:
                return hit
        text = None
        if self.direct is not None:
            try:
                text = self.direct(ctx).strip()
            except KeyError:  # a field the record lacks: Jinja raises the undefined error
                text = None
            if text is not None and self.checked < self.CHECKS:
                if text != self.jinja(ctx):
                    self.direct, text = None, None
                else:
                    self.checked += 1
        if text is None:
            text = self.jinja(ctx)
        if self.memo is not None and key is not None and len(self.memo) < 10_000:
            self.memo[key] = text
        return text


@dataclass
class CompiledTask:
    """A schema task with its templates compiled and the columns they read."""

    name: str
    conversation: bool
    requires: list[str]
    system: Template | None
    user: Template | None
    assistant: Template | None
    columns: list[str]


class SkipExample(Exception):
    """Raised by a template filter: the record gives no example for this task, for ``reason``
    (a key of ``curate.export.render.WHY``); counted like a missing field, never exported."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def without_heading(text: Any, heading: Any) -> str:
    """``text`` without ``heading`` where it opens the text, as a document_sections layout writes
    a section (its heading line, then the body): a task asking for the heading must not show it.
    Text that does not open with the whole heading comes back unchanged; a section that is only
    its heading raises SkipExample('heading_only')."""
    body = "" if text is None else str(text)
    head = "" if heading is None else str(heading).strip()
    opening = body.lstrip()
    if not head or not opening.startswith(head):
        return body
    rest = opening[len(head) :]
    if rest[:1].isalnum() and head[-1:].isalnum():  # "Section 2" opening "Section 20 ..."
        return body
    rest = _HEADING_TAIL.sub("", rest, count=1).strip()  # "7. REPORTS" read off "7. REPORTS:"
    if not rest:
        raise SkipExample("heading_only")
    return rest


# What a heading leaves behind when it is taken off its section: "REPORTS:" -> ":", "- Term".
_HEADING_TAIL = re.compile(r"^[ \t]*[:;,.\-\u2013\u2014]+(?=\s|$)")
# A heading's number: "20.", "1.2", "ARTICLE IV", "Section 2.1.", "IV." (contracts headings).
_HEADING_NUMBER = re.compile(
    r"^\s*(?:(?:ARTICLE|Article|SECTION|Section)\s+(?:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,7})\b\.?"
    r"|\d{1,3}(?:\.\d{1,3})*\.?(?=\s)|[IVXLC]{1,7}\.(?=\s))[\s\-\u2013\u2014:.]*"
)


def heading_name(heading: Any) -> str:
    """A heading without its number ("20. NOTICE OF MATERIAL DEFECTS" -> "NOTICE OF MATERIAL
    DEFECTS", "ARTICLE IV - TERM" -> "TERM") and its closing period or colon: a task asking for
    a section's heading from its text cannot know its number, so it must not be taught to make
    one up. A heading that is only a number raises SkipExample('heading_only')."""
    head = "" if heading is None else " ".join(str(heading).split())
    name = _HEADING_NUMBER.sub(
        "", _HEADING_NUMBER.sub("", head, count=1), count=1
    )  # "1. ARTICLE XI"
    name = name.rstrip(" .:;,").strip()
    name = re.sub(r" ([;,])", r"\1", name)  # "INDEMNIFICATION ; EXCLUSIONS" as a PDF spaced it
    if not name or not any(ch.isalpha() for ch in name):
        raise SkipExample("heading_only")
    return name


def _environment() -> Any:
    from jinja2 import StrictUndefined

    from curate.export.sandbox import BoundedSandbox

    # finalize: a null field prints as "" (not "None"); `{% if field %}` still sees it as false.
    # BoundedSandbox: a template that loops or grows without bound fails instead of hanging.
    env = BoundedSandbox(
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,
        finalize=lambda v: "" if v is None else v,
    )
    env.filters["without_heading"] = without_heading
    env.filters["heading_name"] = heading_name
    from curate.export.note_format import note_description, note_layout, section_name, soap_note

    env.filters["section_name"] = section_name  # clinical: GENHX -> history of present illness
    env.filters["note_layout"] = note_layout
    env.filters["soap_note"] = soap_note
    env.filters["note_description"] = note_description  # clinical: less the note's own sentences
    return env


def compile_tasks(schema: Any, names: Sequence[str] | None = None) -> list[CompiledTask]:
    """Compile the schema's tasks, checking every template only names fields the schema has."""
    from jinja2 import TemplateSyntaxError, meta

    env = _environment()
    known = set(schema.fields) | {"turns", *BOOKKEEPING}
    tasks = list(schema.tasks)
    if names:
        by_name = {t.name: t for t in tasks}
        missing = [n for n in names if n not in by_name]
        if missing:
            raise UsageError(
                f"tasks: schema '{schema.name}' has no task {missing[0]!r}",
                hint=f"its tasks: {', '.join(by_name) or 'none'}",
                param="tasks",
            )
        tasks = [by_name[n] for n in names]
    else:  # an optional task is a variant a user asks for by name
        tasks = [t for t in tasks if not getattr(t, "optional", False)]
    if not tasks:
        raise ConfigError(
            f"schema '{schema.name}' defines no tasks, so nothing can be exported",
            hint="add a [[tasks]] table with user and assistant templates",
        )
    out = []
    for task in tasks:
        compiled: dict[str, Any] = {}
        columns: set[str] = set(task.requires) - {"turns"}
        for part in ("system", "user", "assistant"):
            source = getattr(task, part)
            if not source:
                compiled[part] = None
                continue
            where = f"schema '{schema.name}', task '{task.name}', {part} template"
            try:
                ast = env.parse(source)
            except TemplateSyntaxError as exc:
                raise ConfigError(
                    f"{where}: syntax error on line {exc.lineno}: {exc.message}"
                ) from exc
            # a task's policy (schema `policy`/`policy_file`) is a template global, not a column
            policy = {"policy": task.policy} if getattr(task, "policy", None) else {}
            names_used = meta.find_undeclared_variables(ast) - set(env.globals) - set(policy)
            unknown = sorted(names_used - known)
            if unknown:
                raise ConfigError(
                    f"{where} references field '{unknown[0]}', which the schema does not define",
                    hint=f"fields: {', '.join(schema.fields)}",
                )
            columns |= names_used
            compiled[part] = Template(
                env.from_string(source, globals=policy),
                names_used,
                memo=part == "system",
                ast=ast,
                where=where,
            )
        out.append(
            CompiledTask(
                task.name,
                task.conversation,
                list(task.requires),
                compiled["system"],
                compiled["user"],
                compiled["assistant"],
                sorted(columns - {"turns"}),
            )
        )
    return out
