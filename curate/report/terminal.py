"""The report in a terminal: rich tables, bars and sparklines, never wider than 100 columns."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.constrain import Constrain
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from curate.report.audit import terminal_audit
from curate.report.funnel import MANY_FILES, folders, outcome_keys, overall_adds_up, top_files

WIDTH = 100
SPARK = "▁▂▃▄▅▆▇█"
OUTCOME_STYLE = {
    "exported": "green",
    "rejected": "red",
    "filtered": "yellow",
    "duplicate": "magenta",
    "contaminated": "bright_red",
    "over_length": "cyan",
    "no_example": "blue",
    "pending": "dim",
}


def bar(value: float, total: float, width: int = 20, style: str = "cyan") -> Text:
    """A horizontal bar with eighth-block resolution."""
    frac = 0.0 if total <= 0 else max(0.0, min(1.0, value / total))
    eighths = round(frac * width * 8)
    full, rest = divmod(eighths, 8)
    return Text("█" * full + (" ▏▎▍▌▋▊▉"[rest] if rest else ""), style=style)


def sparkline(values: list[float], width: int = 24) -> str:
    """Values squeezed into ``width`` buckets (mean per bucket), drawn with block characters."""
    if not values:
        return ""
    if len(values) > width:
        k = len(values) / width
        values = [
            sum(b) / len(b)
            for b in (
                values[int(i * k) : max(int((i + 1) * k), int(i * k) + 1)] for i in range(width)
            )
        ]
    lo, hi = min(values), max(values)
    span = hi - lo or 1.0
    return "".join(
        SPARK[min(7, int((v - lo) / span * 7.999))] if hi > lo else SPARK[0 if hi == 0 else 3]
        for v in values
    )


def _n(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:,}"


def _oneline(text: str, width: int) -> str:
    text = re.sub(r"\s*\n\s*", " ⏎ ", text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _src(source: str | None, width: int = 30) -> str:
    """A source locator shortened from the left, so the line number survives."""
    source = source or ""
    return source if len(source) <= width else "…" + source[-(width - 1) :]


def _table(title: str, *cols: str, **kw: Any) -> Table:
    kw.setdefault("min_width", min(WIDTH, len(title) + 2))
    t = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        **kw,
    )
    for c in cols:
        right = c.endswith((" #", "%")) or c in (
            "rows",
            "records",
            "n",
            "min",
            "p50",
            "p90",
            "p99",
            "max",
            "mean",
            "count",
        )
        # bars and numbers never wrap; text columns fold
        t.add_column(
            c.removesuffix(" #"),
            justify="right" if right else "left",
            overflow="fold",
            no_wrap=right or c in ("", "source", "e.g."),
        )
    return t


def render_terminal(facts: dict[str, Any], console: Console, *, compact: bool = False) -> None:
    """Print the report (``compact``: header, accounting, outcomes and splits only)."""

    def show(renderable: RenderableType) -> None:
        console.print(Constrain(renderable, WIDTH))

    show(_header(facts))
    show(_accounting(facts))
    if facts.get("records") is None:
        return
    show(_outcomes(facts))
    show(_splits(facts))
    if compact:
        n = len(facts.get("warnings") or [])
        if n:
            show(
                Text(
                    f"{n} warning{'s' if n != 1 else ''}; `curate report` shows them all.",
                    style="yellow",
                )
            )
        return
    for section in (
        _funnel,
        _reasons,
        _fields,
        _languages,
        _lengths,
        _extremes,
        _duplicates,
        _contamination,
        _pii,
        _balance,
        _training,
        _evaluation,
        _run,
        _warnings,
    ):
        out = section(facts)
        if out is not None:
            show(out)


def _header(f: dict[str, Any]) -> Panel:
    run = f.get("run") or {}
    stages = Text()
    for s in ("ingest", "dedupe", "export", "train"):
        ok = s in f.get("stages_present", [])
        stages.append(f"{s} {'✓' if ok else '–'}  ", style="green" if ok else "yellow")
    lines = [stages]
    if f.get("missing_stages"):
        lines.append(Text(f"not run yet: {', '.join(f['missing_stages'])}", style="yellow"))
    meta = f"schema {f.get('schema') or '–'} · rules {run.get('rules_pack') or '–'} · curate {(run.get('versions') or {}).get('curate', '?')}"
    rules = (run.get("provenance") or {}).get("rules") or {}
    if rules.get("sha256"):  # a modified copy keeps the pack's name: say which file it was
        meta += f"\nrule pack file {Path(rules['path'] or '').name} sha256 {rules['sha256'][:12]}"
    lines.append(Text(meta, style="dim"))
    return Panel(
        Group(*lines),
        title="[bold]curate report[/]",
        title_align="left",
        width=WIDTH,
        box=box.ROUNDED,
    )


def _accounting(f: dict[str, Any]) -> Text:
    acc = f.get("accounting") or {}
    failed = [c for c in acc.get("checks", []) if c["ok"] is False]
    if failed:
        t = Text("✗ ACCOUNTING FAILED — outcomes do not match the input:\n", style="bold red")
        for c in failed:
            t.append(f"  • {c['name']}: {c['detail']}\n", style="red")
        return t
    parts = [f"{_n(v)} {k.replace('_', '-')}" for k, v in f["outcomes"].items() if v]
    t = Text(
        f"✓ accounting: {_n(f['input_rows'])} input rows = " + (" + ".join(parts) or "0"),
        style="green",
    )
    skipped = [c for c in acc.get("checks", []) if c["ok"] is None]
    for c in skipped:
        t.append(f"\n  (not checked: {c['name']}: {c['detail']})", style="dim")
    return t


def _outcomes(f: dict[str, Any]) -> Table:
    total = f["input_rows"] or 1
    expanded = (f.get("records") or {}).get("expanded")
    if not expanded:
        t = _table("Outcomes (input rows)", "outcome", "rows", "%", "")
        for k, v in f["outcomes"].items():
            if v or k != "pending":
                t.add_row(
                    k.replace("_", "-"),
                    _n(v),
                    f"{100 * v / total:.1f}",
                    bar(v, total, 40, OUTCOME_STYLE.get(k, "cyan")),
                )
        t.caption = _sum_note(f)
        t.caption_justify = "left"
        return t
    # some rows became several records: rows in (each under its best record) and records out
    made = f["records"]["outcomes"]
    t = _table(
        "Outcomes (input rows, and the records made from them)",
        "outcome",
        "rows",
        "%",
        "",
        "records",
    )
    for k, v in f["outcomes"].items():
        if v or made.get(k) or k != "pending":
            t.add_row(
                k.replace("_", "-"),
                _n(v),
                f"{100 * v / total:.1f}",
                bar(v, total, 32, OUTCOME_STYLE.get(k, "cyan")),
                _n(made.get(k, 0)),
            )
    t.caption = (
        f"{_n(expanded['rows'])} input rows became {_n(expanded['records'])} records (wide rows, "
        "document sections); such a row counts once, under the best outcome of its records: "
        "exported, else kept but not exported, else filtered, else rejected. " + _sum_note(f)
    )
    t.caption_justify = "left"
    return t


def _sum_note(f: dict[str, Any]) -> str:
    total = sum(int(v or 0) for v in f["outcomes"].values())
    if overall_adds_up(f):
        return f"The outcomes sum to {_n(total)} = the {_n(f['input_rows'])} rows read ✓"
    return f"The outcomes sum to {_n(total)}, NOT the {_n(f['input_rows'])} rows read ✗"


def _splits(f: dict[str, Any]) -> Table:
    rec = f["records"]
    tok = (f.get("lengths") or {}).get("tokens", {}).get("by_split", {})
    t = _table("Splits", "split", "records", "rows #", "examples #", "tokens p50 #", "tokens p90 #")
    for s in ("train", "val", "test"):
        st = tok.get(s, {})
        t.add_row(
            s,
            _n(rec["splits"].get(s, 0)),
            _n(f["splits"].get(s, 0)),
            _n(rec.get("examples", {}).get(s)),
            _n(st.get("p50")),
            _n(st.get("p90")),
        )
    return t


def _funnel(f: dict[str, Any]) -> RenderableType | None:
    """Every outcome as a column, and a sum check per row; many files: by folder, then the
    files that dropped the most rows."""
    rows = f.get("funnel") or []
    if not rows:
        return None
    keys = outcome_keys(f)
    many = len(rows) > MANY_FILES
    if not many:
        return _funnel_table(
            "Funnel per source file (input rows)", "source file", rows, "source_file", keys
        )
    folder_rows = f.get("funnel_folders") or folders(rows)
    by_folder = _funnel_table(
        f"Funnel per folder ({len(rows):,} files; input rows)",
        "folder",
        folder_rows,
        "folder",
        keys,
    )
    top = top_files(rows)
    parts: list[RenderableType] = [by_folder]
    if top:
        parts.append(
            _funnel_table(
                f"Top {len(top)} of {len(rows):,} files by dropped rows",
                "source file",
                top,
                "source_file",
                keys,
            )
        )
    return Group(*parts)


def _funnel_table(
    title: str, label: str, rows: list[dict[str, Any]], name_key: str, keys: list[str]
) -> Table:
    short = {  # short headers: the names keep their room on an 80-column log
        "exported": "export. #",
        "rejected": "rej. #",
        "filtered": "filt. #",
        "contaminated": "contam. #",
        "over_length": "over-len #",
        "duplicate": "dup. #",
        "no_example": "no-ex. #",
    }
    t = _table(title, label, "read #", *(short.get(k, k + " #") for k in keys), "sum")
    t.columns[0].no_wrap, t.columns[0].overflow = True, "ellipsis"  # one line per file
    for r in rows:
        raw = str(r[name_key])
        name = raw if len(raw) <= 22 else "…" + raw[-21:]
        ok = r.get("adds_up")
        t.add_row(
            name,
            _n(r["rows_read"]),
            *(Text(_n(r.get(k, 0)), style=OUTCOME_STYLE[k] if r.get(k) else "dim") for k in keys),
            Text("✓", style="green") if ok else Text("–" if ok is None else "✗", style="red"),
        )
    t.caption = "sum ✓: the outcomes add up to the rows read (every outcome is a column)."
    t.caption_justify = "left"
    return t


def _reasons(f: dict[str, Any]) -> Table | None:
    rows = []
    for outcome in ("rejected", "filtered", "duplicate", "contaminated", "over_length"):
        for reason, n in sorted(
            (f["reasons"].get(outcome) or {}).items(), key=lambda kv: (-kv[1], kv[0])
        ):
            ex = (
                (f.get("rejects") or {}).get(reason, {}).get("examples")
                if outcome == "rejected"
                else (f.get("filters") or {}).get("rules", {}).get(reason, {}).get("examples")
                if outcome == "filtered"
                else None
            )
            rows.append((outcome, reason, n, _src(ex[0]["source"], 26) if ex else ""))
    if not rows:
        return None
    top = max(r[2] for r in rows)
    t = _table("Why rows were dropped", "outcome", "reason", "rows", "", "e.g.")
    for outcome, reason, n, src in rows[:20]:
        t.add_row(
            outcome.replace("_", "-"), reason, _n(n), bar(n, top, 16, OUTCOME_STYLE[outcome]), src
        )
    return t


def _fields(f: dict[str, Any]) -> Table | None:
    if not f.get("fields"):
        return None
    t = _table(
        "Field completeness (ingested records)",
        "field",
        "type",
        "filled %",
        "",
        "null #",
        "empty #",
        "rejects",
    )
    for r in f["fields"]:
        pct = 100 * (r["completeness"] or 0)
        style = "green" if pct >= 95 else "yellow" if pct >= 50 else "red"
        typ = r["type"].split("(")[0]
        rej = ", ".join(f"{k} {v}" for k, v in r["rejected"].items())
        t.add_row(
            r["field"],
            typ,
            f"{pct:.1f}",
            bar(pct, 100, 16, style),
            _n(r["null"]),
            _n(r["empty"]),
            rej,
        )
    return t


def _languages(f: dict[str, Any]) -> Table | None:
    kept, dropped = f["languages"]["kept"], f["languages"]["filtered"]
    if not kept and not dropped:
        return None
    total = max(kept.values(), default=1)
    t = _table("Languages (records)", "lang", "kept #", "", "filtered #")
    for code in sorted(set(kept) | set(dropped), key=lambda c: (-kept.get(c, 0), c))[:12]:
        t.add_row(
            code,
            _n(kept.get(code, 0)),
            bar(kept.get(code, 0), total, 30, "blue"),
            _n(dropped.get(code, 0)),
        )
    return t


def _lengths(f: dict[str, Any]) -> RenderableType:
    t = _table(
        "Lengths per record", "measure", "count", "min", "p50", "p90", "p99", "max", "0 … p99"
    )
    t.columns[0].no_wrap = True
    for unit in ("chars", "tokens"):
        group = f["lengths"].get(unit) or {}
        items = [(k, v) for k, v in group.items() if k != "by_split"] + [
            (s, v) for s, v in (group.get("by_split") or {}).items()
        ]
        for name, st in items:
            if not st.get("count"):
                continue
            t.add_row(
                f"{unit} {name}",
                _n(st["count"]),
                _n(st["min"]),
                _n(st["p50"]),
                _n(st["p90"]),
                _n(st["p99"]),
                _n(st["max"]),
                Text(
                    sparkline([float(c) for c in st["hist"]["counts"]], 20),
                    style="cyan",
                    no_wrap=True,
                ),
            )
    t.caption = "Per record: a record's tokens sum its examples (one per task); see per example."
    t.caption_justify = "left"
    ex = _example_lengths(f)
    return t if ex is None else Group(t, ex)


def _example_lengths(f: dict[str, Any]) -> Table | None:
    """Per exported example, overall and per task, against the export's token budget."""
    x = (f.get("lengths") or {}).get("examples")
    if not x or not x.get("examples"):
        return None
    budget = x.get("budget")
    unit = "tokens" if x.get("tokens") else "chars"
    t = _table(
        f"Lengths per example ({unit}; budget {_n(budget) if budget else 'none'})",
        "examples of",
        "examples #",
        "p50",
        "p90",
        "p99",
        "max",
        "over budget #",
    )
    rows = (
        [("all tasks", x)] + [(k, v) for k, v in x["tasks"].items()]
        if len(x["tasks"]) > 1
        else [("all", x)]
    )
    for name, v in rows:
        st = v.get(unit) or {}
        over = v.get("over_budget")
        t.add_row(
            name,
            _n(v["examples"]),
            _n(st.get("p50")),
            _n(st.get("p90")),
            _n(st.get("p99")),
            _n(st.get("max")),
            Text(_n(over), style="red" if over else "dim") if over is not None else "–",
        )
    cases = x.get("cases") or {}
    listed = "".join(
        f"\n  {what} {_src(c['source'], 40)} ({_n(c['tokens'])} tokens)"
        for key, what in (("over_length", "over-length"), ("shortened", "shortened"))
        for c in (cases.get(key) or [])[:3]
    )
    t.caption = (
        f"{_n(x['examples'])} examples exported; {_n(x.get('trimmed') or 0)} trimmed to fit, "
        f"{_n(x.get('dropped_over_length') or 0)} dropped as over-length." + listed
    )
    t.caption_justify = "left"
    return t


def _extremes(f: dict[str, Any]) -> Table | None:
    ex = f.get("extremes") or {}
    if not any(ex.values()):
        return None
    t = _table("Extremes (characters)", "", "chars #", "source", "text")
    for kind in ("shortest", "longest"):
        for r in ex.get(kind, [])[:2]:
            t.add_row(kind, _n(r["chars"]), _src(r["source"], 26), _oneline(r["text"], 56))
    return t


def _duplicates(f: dict[str, Any]) -> Table | None:
    d = f.get("duplicates")
    if not d:
        return None
    hist = " ".join(f"{k}×{v}" for k, v in list(d["size_hist"].items())[:10])
    t = _table(
        f"Duplicates: {_n(d['clusters'])} clusters, {_n(d['records_in_clusters'])} records "
        f"({', '.join(f'{k} {v}' for k, v in d['by_reason'].items()) or 'none dropped'}); sizes {hist}",
        "cluster",
        "size #",
        "kept",
        "member",
        "similarity #",
    )
    for c in d["largest"]:
        for i, m in enumerate(c["members"] or [{"source": "", "similarity": None}]):
            t.add_row(
                c["cluster_id"] if i == 0 else "",
                _n(c["size"]) if i == 0 else "",
                _src(c.get("kept_source"), 26) if i == 0 else "",
                _src(m.get("source"), 26),
                _n(m.get("similarity")),
            )
    return t


def _contamination(f: dict[str, Any]) -> Table | None:
    c = f.get("contamination")
    if not c or not c["hits"]:
        return None
    t = _table(
        f"Contamination: {_n(c['hits'])} records match evaluation data",
        "record source",
        "reason",
        "matches",
    )
    for h in c["examples"]:
        t.add_row(_src(h["source"] or h["record_id"]), h["reason"] or "", _src(h["match"]))
    return t


def _pii(f: dict[str, Any]) -> RenderableType | None:
    p = f.get("pii") or {}
    if not p.get("types"):
        return None
    aff = p.get("records_affected")
    t = _table(
        "PII redacted" + (f" ({_n(aff)} records affected)" if aff is not None else ""),
        "type",
        "matches #",
        "records #",
    )
    for typ, v in p["types"].items():
        t.add_row(typ, _n(v["matches"]), _n(v["records"]))
    audit = terminal_audit(p.get("audit"))  # which strings were redacted (its own module)
    return t if audit is None else Group(t, Text(""), audit)


def _balance(f: dict[str, Any]) -> Table | None:
    b = f.get("balance")
    if not b:
        return None
    t = _table(
        f"Balance by {b['field']} (records; minimum {b['min_class']}"
        + ("; the export stratified its splits by it)" if b.get("stratified") else ")"),
        "class",
        *(s + " #" for s in b["splits"]),
    )
    for cls, per in list(b["table"].items())[:25]:
        t.add_row(
            cls[:30],
            *(
                Text(_n(per[s]), style="yellow" if per[s] < b["min_class"] else "")
                for s in b["splits"]
            ),
        )
    return t


def _training(f: dict[str, Any]) -> Text | None:
    tr = f.get("training")
    if not tr:
        return None
    if tr.get("warning"):
        return Text(f"Training: {tr['warning']}", style="yellow")
    t = Text("Training", style="bold")
    t.append(f"  {tr['steps']} steps")
    for key in ("loss", "eval_loss"):
        if tr[key]:
            t.append(f"\n  {key:<9} {_n(tr['first_' + key])} → {_n(tr['final_' + key])}  ")
            t.append(sparkline([p[1] for p in tr[key]], 40), style="green")
    if tr.get("mean_tokens_per_s") is not None:
        t.append(
            f"\n  {_n(tr['mean_tokens_per_s'])} tokens/s, padding {100 * (tr.get('mean_padding_fraction') or 0):.1f}%"
        )
    return t


def _evaluation(f: dict[str, Any]) -> Any:
    from curate.report.evaluation import terminal_tables  # the section lives in its own module

    return terminal_tables(f)


def _run(f: dict[str, Any]) -> Table:
    run = f["run"]
    t = _table("Run", "stage", "finished", "seconds", "config")
    for s in run["stages"]:
        cfg = ", ".join(
            f"{k}={v}" for k, v in sorted(s["config"].items()) if not isinstance(v, dict | list)
        )
        t.add_row(s["stage"], (s["finished_at"] or "")[:19], _n(s["seconds"]), _oneline(cfg, 50))
    t.caption = " · ".join(f"{k} {v}" for k, v in run["versions"].items())
    t.caption_justify = "left"
    return t


def _warnings(f: dict[str, Any]) -> Text | None:
    w = f.get("warnings") or []
    if not w:
        return None
    t = Text(f"Warnings ({len(w)})\n", style="bold yellow")
    for line in w[:15]:
        t.append(f"  • {line}\n", style="yellow")
    if len(w) > 15:
        t.append(f"  … and {len(w) - 15} more (see --json or --html)\n", style="yellow")
    return t
