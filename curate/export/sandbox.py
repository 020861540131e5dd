"""A Jinja sandbox whose renders are bounded: a template may not hang or exhaust memory.

Jinja's own sandbox stops attribute tricks but not work: two nested ``range(100000)`` loops run
10^10 iterations. Schemas' task templates and tokenizers' chat templates come from users and
model folders, so every render here has a budget:

* steps: each loop iteration spends one of ``MAX_STEPS`` per render and each call (macros,
  methods, ``loop()``) ``CALL_STEPS``, counted on the render's context;
* ``range()`` gives at most ``MAX_RANGE`` items;
* values: ``*``, ``+``, ``~``, ``%``, ``**``, filters and calls may not build a string or list
  over ``MAX_VALUE`` items (checked before the work where the size is known in advance), nor take
  an integer argument over it (``center(10**9)``);
* output: a render (and each block buffer) may not exceed ``MAX_VALUE`` characters.

Going past a limit raises ``RenderLimitError`` (a jinja ``SecurityError``) whose message names the
limit; callers add which template it was.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from jinja2 import Environment, nodes, pass_context
from jinja2.exceptions import SecurityError
from jinja2.nodes import EvalContext
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer

MAX_STEPS = 200_000
CALL_STEPS = 4  # a call (a macro's above all) costs several loop iterations' time
MAX_RANGE = 10_000
MAX_VALUE = 10_000_000
_ITER = "__curate_iter"
_JOIN = "__curate_join"
_WIDE_FORMAT = re.compile(r"\d{7,}")  # a width or precision of a million or more


class RenderLimitError(SecurityError):
    """A template render went past one of the sandbox's limits."""


def _sized(value: Any, what: str) -> Any:
    if isinstance(value, str | list | tuple | bytes) and len(value) > MAX_VALUE:
        raise RenderLimitError(
            f"{what} built a value of {len(value):,} items (limit {MAX_VALUE:,})"
        )
    return value


def _check_args(args: Iterable[Any], what: str) -> None:
    for a in args:
        if type(a) is int and abs(a) > MAX_VALUE:
            raise RenderLimitError(f"{what} got the number {a:,} (limit {MAX_VALUE:,})")


def _check_replace(s: Any, args: tuple[Any, ...], what: str) -> None:
    """``s.replace(old, new)``'s result length, known before doing it."""
    if isinstance(s, str) and len(args) >= 2 and isinstance(args[0], str):
        old, new = args[0], str(args[1])
        if len(new) > len(old):
            n = s.count(old) if old else len(s) + 1
            _sized_len(len(s) + n * (len(new) - len(old)), what)


def _sized_len(n: int, what: str) -> None:
    if n > MAX_VALUE:
        raise RenderLimitError(f"{what} would build a value of {n:,} items (limit {MAX_VALUE:,})")


def _spend(context: Any, n: int = 1) -> None:
    left = getattr(context, "steps_left", None)
    if left is None:
        return
    left -= n
    context.steps_left = left
    if left < 0:
        raise RenderLimitError(
            f"the template ran over {MAX_STEPS:,} steps (loop iterations and calls) in one "
            "render; it loops far more than a text needs (nested range() loops?)"
        )


class BudgetContext(Context):
    """A render's context, carrying what is left of its step budget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.steps_left = MAX_STEPS


def _counted(context: Any, iterable: Any) -> Iterator[Any]:
    for item in iterable:
        _spend(context)
        yield item


@pass_context
def _iter(context: Any, iterable: Any) -> Iterator[Any]:
    return _counted(context, iterable)


def _join(*parts: Any) -> str:
    total = 0
    out = []
    for p in parts:
        s = str(p)
        total += len(s)
        _sized_len(total, "'~'")
        out.append(s)
    return "".join(out)


def bounded_concat(parts: Iterable[str]) -> str:
    """``"".join`` that stops once the output passes ``MAX_VALUE`` characters."""
    total = 0
    out = []
    for p in parts:
        total += len(p)
        if total > MAX_VALUE:
            raise RenderLimitError(f"the template's output passed {MAX_VALUE:,} characters")
        out.append(p)
    return "".join(out)


def bounded_range(*args: int) -> range:
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise RenderLimitError(f"range() of {len(r):,} items (limit {MAX_RANGE:,})")
    return r


# Filters whose numeric parameters size their result (``"x"|center(10**9)``).
SIZING_FILTERS = frozenset({"center", "indent", "wordwrap", "truncate", "batch", "slice"})
# str methods whose numeric arguments size their result.
SIZING_METHODS = frozenset({"center", "ljust", "rjust", "zfill", "expandtabs"})


def _wrap_filter(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    what = f"filter '{name}'"

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        plain = [a for a in args if not isinstance(a, Context | EvalContext | Environment)]
        if name in SIZING_FILTERS:
            _check_args([*plain[1:], *kwargs.values()], what)
        if name == "replace" and plain:
            _check_replace(plain[0], tuple(plain[1:]), what)
        return _sized(fn(*args, **kwargs), what)

    return wrapper


class _ForLoops(NodeTransformer):
    """Route every for loop's items, and every ``~``, through the budget."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        node.iter = nodes.Call(nodes.Name(_ITER, "load"), [node.iter], [], None, None)
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        return nodes.Call(nodes.Name(_JOIN, "load"), list(node.nodes), [], None, None)


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """``ImmutableSandboxedEnvironment`` with the limits of the module docstring."""

    context_class = BudgetContext
    intercepted_binops = frozenset({"*", "+", "**", "%"})
    concat = staticmethod(bounded_concat)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = bounded_range
        self.globals[_ITER] = _iter
        self.globals[_JOIN] = _join
        self.filters = _BoundedFilters(self.filters)

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        bounded: nodes.Template = _ForLoops().visit(tree)
        return bounded

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _spend(__context, CALL_STEPS)
        what = f"{getattr(__obj, '__name__', type(__obj).__name__)}()"
        if isinstance(__obj, LoopContext) and args:  # a recursive loop's next level
            args = (_counted(__context, args[0]), *args[1:])
        else:
            owner, method = getattr(__obj, "__self__", None), getattr(__obj, "__name__", "")
            if isinstance(owner, str) and method in SIZING_METHODS:
                _check_args([*args, *kwargs.values()], what)
            if isinstance(owner, str) and method == "replace":
                _check_replace(owner, args, what)
            fmt = getattr(getattr(__obj, "__wrapped__", None), "__self__", None)
            if isinstance(fmt, str) and _WIDE_FORMAT.search(fmt):
                raise RenderLimitError(f"format string {fmt[:40]!r} asks for a huge width")
        return _sized(super().call(__context, __obj, *args, **kwargs), what)

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        what = f"'{operator}'"
        if operator == "*":
            for seq, n in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(n, int):
                    _sized_len(len(seq) * max(n, 0), what)
        elif operator == "+":
            if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
                _sized_len(len(left) + len(right), what)
        elif operator == "**":
            if isinstance(right, int) and abs(right) > 10_000 and left not in (0, 1, -1):
                raise RenderLimitError(f"'**' with the exponent {right:,} (limit 10,000)")
        elif operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
            raise RenderLimitError(f"format string {left[:40]!r} asks for a huge width")
        return _sized(super().call_binop(context, operator, left, right), what)


class _BoundedFilters(dict[str, Any]):
    """The environment's filters, each wrapped on the way in (including ones added later)."""

    def __init__(self, filters: dict[str, Any]) -> None:
        super().__init__()
        for k, v in filters.items():
            self[k] = v

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, _wrap_filter(key, value))

    def update(self, *args: Any, **kwargs: Any) -> None:
        for k, v in dict(*args, **kwargs).items():
            self[k] = v
