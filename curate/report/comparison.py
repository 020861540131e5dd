"""``curate report --compare WS_A WS_B``: what changed between two runs, for iterating on rules.

Both sides are collected with the same code as a single report, then every count and summary is
paired as ``{"a", "b", "delta"}``; configs are diffed key by key so a changed threshold shows next
to the counts it moved.
"""

from __future__ import annotations

import os
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from curate.report.facts import collect
from curate.report.provenance import LABEL, describe
from curate.report.provenance import changes as provenance_changes
from curate.workspace import Workspace

Facts = dict[str, Any]


def _pair(a: Any, b: Any, *, zero: bool = True) -> dict[str, Any]:
    """Missing counts are 0; missing measurements (``zero=False``) stay None with no delta."""
    if zero:
        a, b = (0 if a is None else a), (0 if b is None else b)
    delta = round(b - a, 4) if isinstance(a, int | float) and isinstance(b, int | float) else None
    return {"a": a, "b": b, "delta": delta}


def _pairs(a: dict[str, Any] | None, b: dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    a, b = a or {}, b or {}
    return {k: _pair(a.get(k), b.get(k)) for k in sorted(set(a) | set(b))}


def _flat(d: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(d, dict):
        return {prefix: d}
    out: dict[str, Any] = {}
    for k, v in d.items():
        out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
    return out


def compare(
    a: str | os.PathLike[str] | Workspace | Facts,
    b: str | os.PathLike[str] | Workspace | Facts,
    *,
    min_class: int = 5,
) -> dict[str, Any]:
    """Pair every count of two reports (workspaces or already collected facts)."""
    fa = a if isinstance(a, dict) else collect(a, min_class=min_class)
    fb = b if isinstance(b, dict) else collect(b, min_class=min_class)
    out: dict[str, Any] = {
        "a": str(getattr(a, "path", a)) if not isinstance(a, dict) else "A",
        "b": str(getattr(b, "path", b)) if not isinstance(b, dict) else "B",
        "accounting_ok": {"a": fa["accounting_ok"], "b": fb["accounting_ok"]},
        "input_rows": _pair(fa["input_rows"], fb["input_rows"]),
        "outcomes": _pairs(fa["outcomes"], fb["outcomes"]),
        "splits": _pairs(fa["splits"], fb["splits"]),
        "reasons": {
            o: _pairs(fa["reasons"].get(o), fb["reasons"].get(o))
            for o in sorted(set(fa["reasons"]) | set(fb["reasons"]))
        },
        "languages": _pairs(
            (fa.get("languages") or {}).get("kept"), (fb.get("languages") or {}).get("kept")
        ),
        "pii": _pairs(
            {k: v["matches"] for k, v in ((fa.get("pii") or {}).get("types") or {}).items()},
            {k: v["matches"] for k, v in ((fb.get("pii") or {}).get("types") or {}).items()},
        ),
    }
    lengths: dict[str, Any] = {}
    for unit in ("chars", "tokens"):
        la, lb = (
            ((fa.get("lengths") or {}).get(unit) or {}),
            ((fb.get("lengths") or {}).get(unit) or {}),
        )
        for k in sorted((set(la) | set(lb)) - {"by_split"}):
            sa, sb = la.get(k) or {}, lb.get(k) or {}
            lengths[f"{unit} {k}"] = {
                s: _pair(sa.get(s), sb.get(s), zero=False)
                for s in ("count", "mean", "p50", "p90", "p99", "max")
            }
    out["lengths"] = lengths
    da, db = fa.get("duplicates") or {}, fb.get("duplicates") or {}
    out["duplicates"] = {
        k: _pair(da.get(k), db.get(k)) for k in ("clusters", "records_in_clusters")
    }
    out["contamination"] = _pair(
        (fa.get("contamination") or {}).get("hits"), (fb.get("contamination") or {}).get("hits")
    )
    ta, tb = fa.get("training") or {}, fb.get("training") or {}
    out["training"] = {
        k: _pair(ta.get(k), tb.get(k), zero=False)
        for k in ("steps", "final_loss", "final_eval_loss")
    }
    ba, bb = fa.get("balance") or {}, fb.get("balance") or {}
    out["balance"] = {
        c: _pairs((ba.get("table") or {}).get(c), (bb.get("table") or {}).get(c))
        for c in sorted(set(ba.get("table") or {}) | set(bb.get("table") or {}))
    }
    changes = []
    sa = {s["stage"]: s["config"] for s in (fa.get("run") or {}).get("stages", [])}
    sb = {s["stage"]: s["config"] for s in (fb.get("run") or {}).get("stages", [])}
    for stage in sorted(set(sa) | set(sb)):
        ca, cb = _flat(sa.get(stage, {})), _flat(sb.get(stage, {}))
        for k in sorted(set(ca) | set(cb)):
            if ca.get(k) != cb.get(k):
                changes.append({"stage": stage, "key": k, "a": ca.get(k), "b": cb.get(k)})
    out["config_changes"] = changes
    out["provenance_changes"] = provenance_changes(
        (fa.get("run") or {}).get("provenance") or {},
        (fb.get("run") or {}).get("provenance") or {},
        _ws(a),
        _ws(b),
    )
    return out


def _ws(x: Any) -> Workspace | None:
    if isinstance(x, dict):
        return None
    return x if isinstance(x, Workspace) else Workspace(x)


def _d(p: dict[str, Any]) -> Text:
    d = p.get("delta")
    if d is None:
        return Text("")
    if d == 0:
        return Text("·", style="dim")
    s = f"{d:+,.0f}" if float(d).is_integer() else f"{d:+,.2f}"
    return Text(s, style="green" if d > 0 else "red")


def _v(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:,}" if isinstance(x, int) else str(x)


def render_compare(diff: dict[str, Any], console: Console) -> None:
    """Side-by-side tables; only rows that changed, except the headline counts."""

    def table(title: str) -> Table:
        t = Table(
            title=title, title_justify="left", title_style="bold", box=box.SIMPLE_HEAD, min_width=60
        )
        t.add_column("")
        t.add_column("A", justify="right")
        t.add_column("B", justify="right")
        t.add_column("Δ", justify="right")
        return t

    console.print(Text(f"A = {diff['a']}\nB = {diff['b']}", style="bold"))
    for side in ("a", "b"):
        if not diff["accounting_ok"][side]:
            console.print(Text(f"✗ accounting fails in {side.upper()}", style="bold red"))
    t = table("Counts (input rows)")
    t.add_row(
        "input rows",
        _v(diff["input_rows"]["a"]),
        _v(diff["input_rows"]["b"]),
        _d(diff["input_rows"]),
    )
    for k, p in [
        *diff["outcomes"].items(),
        *((f"split {s}", p) for s, p in diff["splits"].items()),
    ]:
        t.add_row(k.replace("_", "-"), _v(p["a"]), _v(p["b"]), _d(p))
    console.print(t)
    groups = [
        (
            "Reasons (input rows)",
            {f"{o}: {r}": p for o, rs in diff["reasons"].items() for r, p in rs.items()},
        ),
        ("Languages (records)", diff["languages"]),
        (
            "Lengths (p50 / mean)",
            {
                f"{k} {s}": p
                for k, st in diff["lengths"].items()
                for s, p in st.items()
                if s in ("p50", "mean")
            },
        ),
        (
            "Duplicates and contamination",
            {**diff["duplicates"], "contaminated hits": diff["contamination"]},
        ),
        ("PII matches", diff["pii"]),
        ("Training", diff["training"]),
        (
            "Balance (records)",
            {f"{c} / {s}": p for c, per in diff["balance"].items() for s, p in per.items()},
        ),
    ]
    for title, rows in groups:
        changed = [(k, p) for k, p in rows.items() if p.get("delta")]
        if changed:
            t = table(title)
            for k, p in changed[:30]:
                t.add_row(k, _v(p["a"]), _v(p["b"]), _d(p))
            console.print(t)
    for c in diff.get("provenance_changes") or []:
        console.print(
            Text(f"{LABEL[c['what']].capitalize()} changed:", style="bold yellow"),
            Text(f"A {describe(c['a'])}\n  B {describe(c['b'])}"),
        )
        for k in (c.get("keys") or [])[:20]:
            console.print(Text(f"  {k['key']}: {_v(k['a'])} → {_v(k['b'])}"))
    if diff["config_changes"]:
        t = Table(
            title="Config changes", title_justify="left", title_style="bold", box=box.SIMPLE_HEAD
        )
        for c in ("stage", "key", "A", "B"):
            t.add_column(c, overflow="fold")
        for c in diff["config_changes"][:40]:
            t.add_row(c["stage"], c["key"], _v(c["a"]), _v(c["b"]))
        console.print(t)
    else:
        console.print(Text("No config changes between the runs.", style="dim"))
