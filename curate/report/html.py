"""The report as one self-contained HTML file: inline CSS and SVG, no script, no network.

Everything comes from the facts dict (see collect.py), so the page says exactly what the JSON
says; sample texts are already shortened and redacted there. Same facts -> same bytes.
"""

from __future__ import annotations

import json
from html import escape
from importlib import resources
from typing import Any

from curate.report import svg
from curate.report.audit import html_audit
from curate.report.funnel import (
    MANY_FILES,
    dropped,
    folder_of,
    folders,
    outcome_keys,
    overall_adds_up,
    top_files,
)
from curate.report.provenance import LABEL, describe

OUTCOME_COLOR = {
    "exported": "#38a169",
    "rejected": "#c53030",
    "filtered": "#d69e2e",
    "duplicate": "#805ad5",
    "contaminated": "#d53f8c",
    "over_length": "#319795",
    "no_example": "#3182ce",
    "pending": "#a0aec0",
}
SECTIONS = (
    ("summary", "Summary"),
    ("funnel", "Funnel"),
    ("reasons", "Rejects & filters"),
    ("fields", "Fields"),
    ("languages", "Languages"),
    ("lengths", "Lengths"),
    ("duplicates", "Duplicates"),
    ("contamination", "Contamination"),
    ("pii", "PII"),
    ("balance", "Balance"),
    ("training", "Training"),
    ("run", "Run info"),
)


def _css() -> str:
    return (resources.files("curate") / "report_assets" / "report.css").read_text("utf-8")


def e(x: Any) -> str:
    return escape("" if x is None else str(x))


def n(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.0f}" if abs(x) >= 100 else f"{x:,.2f}".rstrip("0").rstrip(".")
    return f"{x:,}"


def table(head: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    """Rows are pre-escaped HTML strings (or numbers, formatted here)."""
    numeric = (
        numeric
        or {
            i
            for i, r in enumerate(zip(*rows, strict=False))
            if all(isinstance(c, int | float) for c in r)
        }
        if rows
        else set()
    )
    th = "".join(
        f'<th class="n">{e(h)}</th>' if i in numeric else f"<th>{e(h)}</th>"
        for i, h in enumerate(head)
    )
    body = []
    for r in rows:
        body.append(
            "<tr>"
            + "".join(
                f'<td class="n">{n(c) if isinstance(c, int | float) else c}</td>'
                if i in numeric
                else f"<td>{n(c) if isinstance(c, int | float) else c}</td>"
                for i, c in enumerate(r)
            )
            + "</tr>"
        )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(facts: dict[str, Any]) -> str:
    """The whole page as a string."""
    run = facts.get("run") or {}
    title = f"curate report — {facts.get('schema') or 'workspace'}"
    nav = "".join(f'<a href="#{k}">{v}</a>' for k, v in SECTIONS)
    parts = [_summary(facts)]
    if facts.get("records") is not None:
        parts += [
            _funnel(facts),
            _reasons(facts),
            _fields(facts),
            _languages(facts),
            _lengths(facts),
            _duplicates(facts),
            _contamination(facts),
            _pii(facts),
            _balance(facts),
        ]
    parts += [_training(facts), _evaluation(facts), _run(facts)]
    meta = (
        f"schema {e(facts.get('schema') or '–')} · rules {e(run.get('rules_pack') or '–')} · "
        f"curate {e((run.get('versions') or {}).get('curate', '?'))} · stage log sha256 "
        f"<span class='mono'>{e((run.get('stage_log_sha256') or '')[:16])}</span>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="curate report"><title>{e(title)}</title>'
        f"<style>{_css()}</style></head><body>"
        f'<header><h1>{e(title)}</h1><div class="meta">{meta}</div></header>'
        f"<nav>{nav}</nav><main>{''.join(p for p in parts if p)}</main></body></html>\n"
    )


def _evaluation(f: dict[str, Any]) -> str:
    from curate.report.evaluation import html_section  # the section lives in its own module

    return html_section(f)


def _section(key: str, body: str, title: str | None = None) -> str:
    name = title or dict(SECTIONS)[key]
    return f'<section id="{key}"><h2>{e(name)}</h2>{body}</section>'


def _summary(f: dict[str, Any]) -> str:
    acc = f.get("accounting") or {}
    failed = [c for c in acc.get("checks", []) if c["ok"] is False]
    out = []
    if failed:
        items = "".join(f"<li>{e(c['name'])}: {e(c['detail'])}</li>" for c in failed)
        out.append(
            f'<div class="banner bad" id="accounting">✗ Accounting failed: the outcomes do not match the input.<ul>{items}</ul></div>'
        )
    else:
        parts = (
            " + ".join(f"{n(v)} {e(k.replace('_', '-'))}" for k, v in f["outcomes"].items() if v)
            or "0"
        )
        out.append(
            f'<div class="banner ok" id="accounting">✓ Accounting holds: {n(f["input_rows"])} input rows = {parts}</div>'
        )
    if f.get("missing_stages"):
        out.append(
            f'<div class="banner warn">Not run yet: {e(", ".join(f["missing_stages"]))}. '
            "The report shows what the workspace holds so far.</div>"
        )
    rec = f.get("records")
    if rec is not None:
        cards = [
            ("input rows", f["input_rows"]),
            ("records ingested", rec["ingested"]),
            ("exported records", rec["outcomes"].get("exported", 0)),
        ]
        cards += [
            (f"{s} records", rec["splits"].get(s, 0))
            for s in ("train", "val", "test")
            if rec["splits"].get(s)
        ]
        dropped = sum(v for k, v in f["outcomes"].items() if k not in ("exported", "pending"))
        cards.append(("rows dropped", dropped))
        out.append(
            '<div class="cards">'
            + "".join(
                f'<div class="card"><div class="v">{n(v)}</div><div class="k">{e(k)}</div></div>'
                for k, v in cards
            )
            + "</div>"
        )
        shares = [
            (k.replace("_", "-"), float(v), OUTCOME_COLOR.get(k, "#718096"))
            for k, v in f["outcomes"].items()
            if v
        ]
        out.append(f'<div class="chart">{svg.stacked(shares, "Outcome of every input row")}</div>')
        if rec.get("expanded"):
            out.append(_expanded(f))
    return _section("summary", "".join(out))


def _expanded(f: dict[str, Any]) -> str:
    """Rows that became several records: rows in per outcome next to the records made."""
    x, made = f["records"]["expanded"], f["records"]["outcomes"]
    note = (
        f'<p class="muted">{n(x["rows"])} input rows became {n(x["records"])} records (wide rows, '
        "document sections). Such a row counts once, under the best outcome of its records: "
        "exported, else kept but not exported (duplicate, contaminated, over-length, no example), "
        "else filtered by a rule, else rejected.</p>"
    )
    rows = [
        [e(k.replace("_", "-")), v, made.get(k, 0)]
        for k, v in f["outcomes"].items()
        if v or made.get(k)
    ]
    return note + table(["outcome", "input rows", "records"], rows, {1, 2})


def _funnel(f: dict[str, Any]) -> str:
    """Every outcome a column and a sum check per row; many files: folders first, each
    expandable to its files by dropped rows."""
    rows = f["funnel"]
    keys = outcome_keys(f)
    head = ["rows read", *(k.replace("_", "-") for k in keys), "sum"]
    numeric = set(range(1, len(keys) + 2))

    def cells(r: dict[str, Any]) -> list[Any]:
        ok = r.get("adds_up")
        mark = "✓" if ok else ("–" if ok is None else '<b class="bad">✗</b>')
        read = r["rows_read"] if r["rows_read"] is not None else "–"
        return [read, *(r.get(k, 0) for k in keys), mark]

    tot = ["<b>total</b>", f["input_rows"], *(f["outcomes"].get(k, 0) for k in keys)]
    tot.append("✓" if overall_adds_up(f) else '<b class="bad">✗</b>')
    note = (
        '<p class="muted">Counts are input rows (a thread of 7 messages is 7 rows); every '
        'outcome is a column, and "sum" says whether a row\'s outcomes add up to its rows read.</p>'
    )
    if len(rows) > MANY_FILES:
        by_name = {r["source_file"]: r for r in rows}
        fold = f.get("funnel_folders") or folders(rows)
        body = table(
            ["folder", "files", *head],
            [[f"<code>{e(r['folder'])}</code>", r["files"], *cells(r)] for r in fold]
            + [[tot[0], len(rows), *tot[1:]]],
            numeric | {len(keys) + 2},
        )
        details = []
        for r in fold:
            members = sorted(
                (x for x in rows if folder_of(x["source_file"]) == r["folder"]),
                key=lambda x: (-dropped(x), x["source_file"]),
            )
            details.append(
                f"<details><summary><code>{e(r['folder'])}</code>: {_count(r['files'], 'file')}, "
                f"{_count(dropped(r), 'row')} dropped</summary>"
                + table(
                    ["source file", *head],
                    [[f"<code>{e(x['source_file'])}</code>", *cells(x)] for x in members],
                    numeric,
                )
                + "</details>"
            )
        top = top_files(rows)
        charts = "".join(
            f'<h3><code>{e(r["source_file"])}</code></h3><div class="chart">'
            + svg.stacked(
                _shares(by_name[r["source_file"]], keys), f"Outcomes of {r['source_file']}"
            )
            + "</div>"
            for r in top[:6]
        )
        title = f"Funnel per folder ({len(rows):,} files)"
        return _section("funnel", note + body + "".join(details) + charts, title)
    body = table(
        ["source file", *head],
        [[f"<code>{e(r['source_file'])}</code>", *cells(r)] for r in rows] + [tot],
        numeric,
    )
    charts = "".join(
        f'<h3><code>{e(r["source_file"])}</code></h3><div class="chart">'
        + svg.stacked(_shares(r, keys), f"Outcomes of {r['source_file']}")
        + "</div>"
        for r in rows[:12]
    )
    return _section("funnel", note + body + charts, "Funnel per source file")


def _count(k: int, word: str) -> str:
    return f"{k:,} {word}{'' if k == 1 else 's'}"


def _shares(r: dict[str, Any], keys: list[str]) -> list[tuple[str, float, str]]:
    return [
        (k.replace("_", "-"), float(r[k]), OUTCOME_COLOR.get(k, "#718096")) for k in keys if r[k]
    ]


def _reasons(f: dict[str, Any]) -> str:
    items = []
    for outcome in ("rejected", "filtered", "duplicate", "contaminated", "over_length"):
        for reason, v in sorted(
            (f["reasons"].get(outcome) or {}).items(), key=lambda kv: (-kv[1], kv[0])
        ):
            items.append((f"{outcome}: {reason}", float(v), OUTCOME_COLOR[outcome]))
    out = [
        f'<div class="chart">{svg.hbars(items[:24], "Rows dropped per reason")}</div>'
        if items
        else "<p>Nothing was dropped.</p>"
    ]
    rej = f.get("rejects") or {}
    if rej:
        out.append("<h3>Top reject reasons, with source lines</h3>")
        rows = []
        for reason, r in sorted(rej.items(), key=lambda kv: (-kv[1]["rows"], kv[0])):
            for i, x in enumerate(r["examples"]):
                rows.append(
                    [
                        f"<b>{e(reason)}</b>" if i == 0 else "",
                        r["records"] if i == 0 else "",
                        f"<code>{e(x['source'])}</code>",
                        e(x["message"]),
                        f'<div class="sample mono">{e(x["raw"])}</div>',
                    ]
                )
        out.append(table(["reason", "records", "source", "message", "raw row"], rows, {1}))
    rules = ((f.get("filters") or {}).get("rules")) or {}
    if rules:
        out.append(f"<h3>Rules (pack {e((f.get('filters') or {}).get('pack') or '–')})</h3>")
        rows = []
        for name, r in rules.items():
            ex = r["examples"][0] if r["examples"] else None
            ch = r["changes"][0] if r["changes"] else None
            sample = (
                f"<code>{e(ex['source'])}</code> {e(ex['detail'])}<div class='sample'>{e(ex['text'])}</div>"
                if ex
                else f"<div class='sample'><del>{e(ch['before'])}</del><br><ins>{e(ch['after'])}</ins></div>"
                if ch
                else ""
            )
            rows.append([f"<b>{e(name)}</b>", r["filtered"], r["changed"], sample])
        out.append(table(["rule", "filtered", "changed", "example"], rows, {1, 2}))
    return _section("reasons", "".join(out))


def _fields(f: dict[str, Any]) -> str:
    if not f.get("fields"):
        return _section("fields", "<p>No field columns.</p>")
    rows = []
    for r in f["fields"]:
        pct = 100 * (r["completeness"] or 0)
        cls = "" if pct >= 95 else " low" if pct >= 50 else " bad"
        rows.append(
            [
                f"<b>{e(r['field'])}</b>",
                f"<code>{e(r['type'])}</code>",
                f'{pct:.1f}% <span class="bar{cls}" style="width:{pct * 1.2:.0f}px"></span>',
                r["null"],
                r["empty"],
                e(", ".join(f"{k}: {v}" for k, v in r["rejected"].items())),
            ]
        )
    return _section(
        "fields",
        table(
            ["field", "type", "filled", "null", "empty", "rejected rows mentioning it"],
            rows,
            {3, 4},
        ),
        "Per-field completeness and type problems",
    )


def _languages(f: dict[str, Any]) -> str:
    kept, dropped = f["languages"]["kept"], f["languages"]["filtered"]
    if not kept and not dropped:
        return _section("languages", "<p>No language column.</p>")
    codes = sorted(set(kept) | set(dropped), key=lambda c: (-kept.get(c, 0), c))
    chart = svg.hbars(
        [(c, float(kept.get(c, 0)), svg.PALETTE[0]) for c in codes[:20]],
        "Records per language (kept)",
    )
    rows = [[f"<code>{e(c)}</code>", kept.get(c, 0), dropped.get(c, 0)] for c in codes]
    return _section(
        "languages",
        f'<div class="chart">{chart}</div>' + table(["language", "kept", "filtered"], rows, {1, 2}),
        "Language distribution",
    )


def _stats_rows(group: dict[str, Any], unit: str) -> list[list[Any]]:
    items = [(k, v) for k, v in group.items() if k != "by_split"] + list(
        (group.get("by_split") or {}).items()
    )
    return [
        [
            f"{unit} · {e(k)}",
            v["count"],
            v["min"],
            v["mean"],
            v["p50"],
            v["p90"],
            v["p99"],
            v["max"],
        ]
        for k, v in items
        if v.get("count")
    ]


def _lengths(f: dict[str, Any]) -> str:
    out, rows = [], []
    for unit, label in (("chars", "characters"), ("tokens", "tokens")):
        group = f["lengths"].get(unit) or {}
        items = [(k, v) for k, v in group.items() if k != "by_split"] + list(
            (group.get("by_split") or {}).items()
        )
        charts = [
            svg.histogram(
                v["hist"]["edges"],
                v["hist"]["counts"],
                v["hist"]["over"],
                f"{label}: {k} (n={v['count']:,})",
                svg.PALETTE[i % len(svg.PALETTE)],
            )
            for i, (k, v) in enumerate(items)
            if v.get("count")
        ]
        if charts:
            out.append(
                f"<h3>{label.capitalize()} per record</h3><div class='grid'>{''.join(charts)}</div>"
            )
        rows += _stats_rows(group, unit)
    if rows:
        out.append(
            table(
                ["measure", "count", "min", "mean", "p50", "p90", "p99", "max"],
                rows,
                set(range(1, 8)),
            )
        )
    out.append(_example_lengths(f))
    ex = f.get("extremes") or {}
    if any(ex.values()):
        out.append("<h3>Examples at the extremes</h3>")
        erows = [
            [
                e(k),
                r["chars"],
                f"<code>{e(r['source'])}</code>",
                f'<div class="sample">{e(r["text"])}</div>',
            ]
            for k in ("shortest", "longest")
            for r in ex.get(k, [])
        ]
        out.append(table(["", "chars", "source", "text"], erows, {1}))
    return _section("lengths", "".join(out) or "<p>No lengths yet.</p>", "Length distributions")


def _example_lengths(f: dict[str, Any]) -> str:
    """Per exported example (what the token budget applies to), overall and per task."""
    x = (f.get("lengths") or {}).get("examples")
    if not x or not x.get("examples"):
        return ""
    unit = "tokens" if x.get("tokens") else "chars"
    budget = x.get("budget")
    rows = []
    for name, v in [("all", x), *x["tasks"].items()] if len(x["tasks"]) > 1 else [("all", x)]:
        st = v.get(unit) or {}
        over = v.get("over_budget")
        rows.append(
            [
                e(name),
                v["examples"],
                *(st.get(k, "–") for k in ("p50", "p90", "p99", "max")),
                "–" if over is None else over,
            ]
        )
    note = (
        f'<p class="muted">Per example, in {unit}, against the export\'s token budget '
        f"({n(budget) if budget else 'none'}); the per-record figures above sum a record's "
        f"examples. {n(x.get('trimmed') or 0)} examples were trimmed to fit and "
        f"{n(x.get('dropped_over_length') or 0)} dropped as over-length.</p>"
    )
    head = ["examples of", "examples", "p50", "p90", "p99", "max", "over budget"]
    cases = x.get("cases") or {}
    listed = [
        [e(what), f"<code>{e(c['source'])}</code>", c["tokens"], e(c["reason"] or "")]
        for key, what in (("over_length", "over-length"), ("shortened", "shortened"))
        for c in cases.get(key) or []
    ]
    more = (
        "<h4>Over-length and shortened records (longest first)</h4>"
        + table(["", "source", "tokens", "reason"], listed, {2})
        if listed
        else ""
    )
    return (
        f"<h3>Lengths per example ({unit})</h3>" + note + table(head, rows, set(range(1, 7))) + more
    )


def _diff_html(ops: list[list[str]]) -> tuple[str, str]:
    a, b = [], []
    for tag, x, y in ops:
        if tag == "equal":
            a.append(e(x))
            b.append(e(y))
        else:
            if x:
                a.append(f"<del>{e(x)}</del>")
            if y:
                b.append(f"<ins>{e(y)}</ins>")
    return " ".join(a), " ".join(b)


def _duplicates(f: dict[str, Any]) -> str:
    d = f.get("duplicates")
    if d is None:
        return _section("duplicates", "<p class='warn'>dedupe has not run.</p>")
    out = [
        f"<p>{n(d['clusters'])} clusters holding {n(d['records_in_clusters'])} records; dropped as duplicate: "
        f"{e(', '.join(f'{k} {v:,}' for k, v in d['by_reason'].items()) or 'none')}.</p>"
    ]
    if d["size_hist"]:
        sizes = sorted(d["size_hist"].items(), key=lambda kv: int(kv[0]))
        out.append(
            '<div class="chart">'
            + svg.hbars(
                [(f"size {k}", float(v), svg.PALETTE[3]) for k, v in sizes[:20]],
                "Clusters per size",
                unit=" clusters",
            )
            + "</div>"
        )
    for c in d["largest"]:
        out.append(
            f"<h3>Cluster <code>{e(c['cluster_id'])}</code> · {c['size']} records · kept "
            f"<code>{e(c.get('kept_source') or c['kept'])}</code></h3>"
        )
        for m in c["members"]:
            left, right = _diff_html(m.get("diff") or [])
            out.append(
                f'<div class="diff"><div><span class="h">kept · {e(c.get("kept_source"))}</span>{left}</div>'
                f'<div><span class="h">duplicate · {e(m.get("source"))} · similarity {n(m.get("similarity"))}</span>{right}</div></div>'
            )
    return _section("duplicates", "".join(out), "Duplicates")


def _contamination(f: dict[str, Any]) -> str:
    c = f.get("contamination")
    if c is None:
        return _section(
            "contamination", "<p class='warn'>dedupe has not run.</p>", "Decontamination"
        )
    if not c["hits"]:
        return _section(
            "contamination",
            "<p class='ok'>No record matched the evaluation data.</p>",
            "Decontamination",
        )
    out = [
        f"<p><b>{n(c['hits'])}</b> records matched evaluation items and were dropped "
        f"({e(', '.join(f'{k} {v}' for k, v in c['by_reason'].items()))}).</p>",
        table(
            ["evaluation file", "hits"],
            [[f"<code>{e(k)}</code>", v] for k, v in c["by_file"].items()],
            {1},
        ),
    ]
    rows = [
        [
            f"<code>{e(h['source'])}</code>",
            e(h["reason"]),
            f"<code>{e(h['match'])}</code>",
            f'<div class="sample">{e(h.get("text"))}</div>'
            + (
                f'<div class="sample muted">eval: {e(h["match_text"])}</div>'
                if h.get("match_text")
                else ""
            ),
        ]
        for h in c["examples"]
    ]
    out.append(table(["record", "reason", "matching evaluation item", "text"], rows, set()))
    return _section("contamination", "".join(out), "Decontamination")


def _pii(f: dict[str, Any]) -> str:
    p = f.get("pii") or {}
    if not p.get("types"):
        return _section("pii", "<p>No PII found (or the rules stage did not record any).</p>")
    out = []
    if p.get("records_affected") is not None:
        out.append(f"<p><b>{n(p['records_affected'])}</b> kept records had PII redacted.</p>")
    out.append(
        table(
            ["type", "matches", "records"],
            [[f"<code>{e(k)}</code>", v["matches"], v["records"]] for k, v in p["types"].items()],
            {1, 2},
        )
    )
    if p.get("samples"):
        out.append("<h3>Before / after (redacted again for this report)</h3>")
        out.append(
            table(
                ["rule", "source", "before", "after"],
                [
                    [
                        e(s["rule"]),
                        f"<code>{e(s['source'])}</code>",
                        f'<div class="sample">{e(s["before"])}</div>',
                        f'<div class="sample">{e(s["after"])}</div>',
                    ]
                    for s in p["samples"]
                ],
                set(),
            )
        )
    out.append(html_audit(p.get("audit")))  # which strings were redacted (its own module)
    return _section("pii", "".join(out), "PII / PHI")


def _balance(f: dict[str, Any]) -> str:
    b = f.get("balance")
    if not b:
        return _section("balance", "<p>No category/label field to balance on.</p>", "Class balance")
    rows = []
    for cls, per in b["table"].items():
        cells = [
            f'<span class="{"warn" if per[s] < b["min_class"] else ""}">{per[s]:,}</span>'
            for s in b["splits"]
        ]
        rows.append([f"<b>{e(cls)}</b>", *cells])
    out = [table(["class", *b["splits"]], rows, set(range(1, len(b["splits"]) + 1)))]
    for s in b["splits"]:
        items = [
            (cls, float(per[s]), svg.PALETTE[i % len(svg.PALETTE)])
            for i, (cls, per) in enumerate(b["table"].items())
        ]
        chart = svg.stacked(items, f"{b['field']} in {s}")
        out.append(f"<h3>{e(s)}</h3><div class='chart'>{chart}</div>")
    if b["warnings"]:
        items_html = "".join(f"<li>{e(w)}</li>" for w in b["warnings"][:30])
        more = f"<li>… and {len(b['warnings']) - 30} more</li>" if len(b["warnings"]) > 30 else ""
        out.append(
            f'<div class="banner warn">Classes under the minimum of {b["min_class"]} records:<ul>{items_html}{more}</ul></div>'
        )
    title = f"Class balance by {b['field']} per split"
    if b.get("stratified"):
        out.insert(0, f"<p class='muted'>The export stratified its splits by {e(b['field'])}.</p>")
    return _section("balance", "".join(out), title)


def _training(f: dict[str, Any]) -> str:
    tr = f.get("training")
    if tr is None:
        return _section("training", "<p class='muted'>No training run in this workspace.</p>")
    if tr.get("warning"):
        return _section("training", f"<p class='warn'>{e(tr['warning'])}</p>")
    series = [("loss", tr["loss"], svg.PALETTE[0]), ("eval loss", tr["eval_loss"], svg.PALETTE[1])]
    chart = svg.lines([s for s in series if s[1]], "Training loss and evaluation loss per step")
    facts = [
        ("steps", tr["steps"]),
        ("loss", f"{n(tr.get('first_loss'))} → {n(tr.get('final_loss'))}"),
        ("eval loss", f"{n(tr.get('first_eval_loss'))} → {n(tr.get('final_eval_loss'))}"),
        ("tokens/s (mean)", n(tr.get("mean_tokens_per_s"))),
        (
            "padding (mean)",
            f"{100 * tr['mean_padding_fraction']:.1f}%"
            if tr.get("mean_padding_fraction") is not None
            else "–",
        ),
    ]
    cards = (
        '<div class="cards">'
        + "".join(
            f'<div class="card"><div class="v">{v if isinstance(v, str) else n(v)}</div><div class="k">{e(k)}</div></div>'
            for k, v in facts
        )
        + "</div>"
    )
    return _section("training", cards + f'<div class="chart">{chart}</div>')


def _run(f: dict[str, Any]) -> str:
    run = f.get("run") or {}
    out = [
        table(
            ["stage", "finished", "seconds", "timings", "counts"],
            [
                [
                    f"<b>{e(s['stage'])}</b>",
                    e(s["finished_at"]),
                    s["seconds"],
                    e(", ".join(f"{k} {v}" for k, v in s["timings"].items())),
                    e(
                        ", ".join(
                            f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
                            for k, v in s["counts"].items()
                        )
                    ),
                ]
                for s in run.get("stages", [])
            ],
            {2},
        )
    ]
    out.append(
        "<h3>Versions</h3>"
        + table(
            ["package", "version"],
            [[e(k), f"<code>{e(v)}</code>"] for k, v in run.get("versions", {}).items()],
            set(),
        )
    )
    out.append(
        f"<h3>Schema and rules</h3><p>schema <code>{e(run.get('schema') or f.get('schema'))}</code>, "
        f"rule pack <code>{e(run.get('rules_pack'))}</code></p>"
    )
    prov = run.get("provenance") or {}
    rows = [
        [e(LABEL[k]), f"<code>{e(describe(prov.get(k)))}</code>"]
        for k in ("rules", "schema", "tokenizer")
        if prov.get(k)
    ]
    if rows:
        out.append(table(["made with", "name (path, content SHA-256)"], rows, set()))
    for s in run.get("stages", []):
        if s["config"]:
            out.append(
                f"<h3>{e(s['stage'])} config</h3><pre>{e(json.dumps(s['config'], indent=1, sort_keys=True, default=str)[:4000])}</pre>"
            )
    acc = f.get("accounting") or {}
    mark = {
        True: "<span class='ok'>✓ pass</span>",
        False: "<span class='bad'>✗ FAIL</span>",
        None: "<span class='muted'>– not checked</span>",
    }
    out.append(
        "<h3>Accounting checks</h3>"
        + table(
            ["check", "result", "detail"],
            [[e(c["name"]), mark[c["ok"]], e(c["detail"])] for c in acc.get("checks", [])],
            set(),
        )
    )
    files = [
        [
            f"<code>{e(x['path'])}</code>",
            f"<code>{e(x['sha256'])}</code>",
            {
                "ok": "<span class='ok'>matches log</span>",
                "modified": "<span class='bad'>MODIFIED</span>",
            }.get(x["status"], e(x["status"])),
        ]
        for x in run.get("files", [])
    ]
    files += [
        [f"<code>{e(k)}</code> (input)", f"<code>{e(v)}</code>", ""]
        for k, v in (run.get("inputs") or {}).items()
    ]
    if files:
        out.append(
            "<h3>File hashes (SHA-256)</h3>" + table(["file", "sha256", "status"], files, set())
        )
    out.append(
        f"<p class='muted'>Stage log <code>stages.jsonl</code> sha256 <code>{e(run.get('stage_log_sha256'))}</code></p>"
    )
    return _section("run", "".join(out), "Run info")
