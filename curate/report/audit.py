"""The redaction audit in the report: which strings the rules redacted most, per type.

The facts come from ``rules.json``'s ``audit`` (see ``curate.rules.audit``): strings redacted
in at least ``min_records`` distinct documents, with their counts, and totals for the rest. The
report checks that threshold again (a hand-edited or older rules.json must not make it show a
rare string) and passes contexts through ``redact`` like every other sample it shows.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from curate.report.redact import redact

CONTEXT_CHARS = 200
TERMINAL_STRINGS = 8  # per type; the HTML report shows all that rules.json lists
TERMINAL_CONTEXTS = 2  # per type


def audit_facts(rules: dict[str, Any]) -> dict[str, Any] | None:
    """The audit part of the report's facts, or None when rules.json has none."""
    audit = rules.get("audit")
    if not isinstance(audit, dict) or not isinstance(audit.get("types"), dict):
        return None
    floor = int(audit.get("min_records") or 0)
    if floor < 2:  # a single record's string is never shown, whatever the file says
        return None
    types: dict[str, Any] = {}
    for name, v in sorted(audit["types"].items()):
        if not isinstance(v, dict):
            continue
        top = [
            {"value": str(x["value"]), "records": int(x["records"]), "finds": int(x["finds"])}
            for x in v.get("top") or []
            if isinstance(x, dict) and int(x.get("records", 0)) >= floor
        ]
        shown = {x["value"] for x in top}
        hidden = v.get("hidden") or {}
        types[str(name)] = {
            "strings": int(v.get("strings", 0)),
            "finds": int(v.get("finds", 0)),
            "top": top,
            "more_shown": int(v.get("more_shown", 0)),
            "hidden": {
                "strings": int(hidden.get("strings", 0)),
                "finds": int(hidden.get("finds", 0)),
            },
            "unaligned": int(v.get("unaligned", 0)),
            "contexts": [
                {
                    "value": str(c["value"]),
                    "source": str(c.get("source", "")),
                    "before": redact(c.get("before"), CONTEXT_CHARS),
                    "after": redact(c.get("after"), CONTEXT_CHARS),
                }
                for c in v.get("contexts") or []
                if isinstance(c, dict) and c.get("value") in shown
            ],
        }
    return {"min_records": floor, "types": types}


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _rest(v: dict[str, Any], floor: int) -> str:
    h = v["hidden"]
    parts = []
    if v["more_shown"]:
        parts.append(f"{v['more_shown']:,} more in ≥ {floor} records")
    if h["strings"]:
        parts.append(
            f"{_count(h['strings'], 'string')} in < {floor} records "
            f"({_count(h['finds'], 'find')}), not shown"
        )
    if v["unaligned"]:
        parts.append(f"{_count(v['unaligned'], 'find')} not traced to their text")
    return "; ".join(parts)


def terminal_audit(audit: dict[str, Any] | None) -> RenderableType | None:
    """The audit as a rich table (the most frequent strings per type) and a few contexts."""
    if not audit or not audit["types"]:
        return None
    floor = audit["min_records"]
    t = Table(
        title=f"Redaction audit: strings redacted in ≥ {floor} documents (rarer ones only counted)",
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    t.add_column("type")
    t.add_column("string", overflow="fold", max_width=60)
    t.add_column("records #", justify="right")
    t.add_column("finds #", justify="right")
    lines: list[RenderableType] = []
    for name, v in audit["types"].items():
        for i, x in enumerate(v["top"][:TERMINAL_STRINGS]):
            t.add_row(name if i == 0 else "", x["value"], f"{x['records']:,}", f"{x['finds']:,}")
        more = v["top"][TERMINAL_STRINGS:]
        rest = _rest({**v, "more_shown": v["more_shown"] + len(more)}, floor)
        if rest:
            t.add_row("" if v["top"] else name, Text(rest, style="dim"), "", "")
        for c in v["contexts"][:TERMINAL_CONTEXTS]:
            line = Text(f"{name} · {c['value']} · {c['source']}\n", style="bold")
            line.append("  before: ", style="dim")
            line.append(c["before"] + "\n")
            line.append("  after:  ", style="dim")
            line.append(c["after"])
            lines.append(line)
    return Group(t, *lines) if lines else t


def html_audit(audit: dict[str, Any] | None) -> str:
    """The audit as HTML: every listed string per type, then the contexts."""
    from curate.report.html import e, table

    if not audit or not audit["types"]:
        return ""
    floor = audit["min_records"]
    out = [
        f"<h3>Redaction audit</h3><p>The strings redacted most often, per type. A string is "
        f"shown only if it was redacted in at least {floor} distinct documents (a contract's "
        f"sections or a conversation's turns count once; then it is not one person's data); "
        f"rarer strings are only counted. Many documents with the same "
        f"string often mean a brand, a defined term or a label was taken for PII.</p>"
    ]
    rows = []
    contexts = []
    for name, v in audit["types"].items():
        for x in v["top"]:
            rows.append([f"<code>{e(name)}</code>", e(x["value"]), x["records"], x["finds"]])
        rest = _rest(v, floor)
        if rest:
            rows.append([f"<code>{e(name)}</code>", f"<i>{e(rest)}</i>", "", ""])
        for c in v["contexts"]:
            contexts.append(
                [
                    f"<code>{e(name)}</code>",
                    e(c["value"]),
                    f"<code>{e(c['source'])}</code>",
                    f'<div class="sample">{e(c["before"])}</div>',
                    f'<div class="sample">{e(c["after"])}</div>',
                ]
            )
    out.append(table(["type", "string", "records", "finds"], rows, {2, 3}))
    if contexts:
        out.append("<h4>In context (the shown string put back; every other find redacted)</h4>")
        out.append(table(["type", "string", "source", "before", "after"], contexts, set()))
    return "".join(out)
