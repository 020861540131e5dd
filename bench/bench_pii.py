"""PII detection quality and speed on real labelled data (not a test; prints figures).

    .venv/bin/python bench/bench_pii.py [--realdata ../shared/realdata] [--dump DIR] [--no-speed]

Quality: span-level recall and precision of curate's detectors against
  * pii/presidio_synth_dataset_v2.json (1,500 texts, char-offset spans), with the `default` pack
  * pii/physionet_deid_gold (2,434 nursing notes, surrogate PHI), with the `clinical` pack
A gold span counts as found when a predicted span overlaps it: `typed` when the prediction has
the matching type, `any` when any detector redacted it (what matters for privacy). Precision:
predicted spans that overlap some gold PII span (of any type) / all predicted spans.
Gold DATE_TIME spans that are only a year, a weekday or a time are not PHI under HIPAA Safe
Harbor (curate keeps them on purpose); they are listed apart as `date_other`.
Each figure is also given for the first (A) and second (B) half of each set: the detectors
were tuned on the misses and false positives of half A only (`--dump DIR` writes half A's,
per type; B's are never written), so B shows how well the rules carry over to unseen texts.

Speed: PII scanning MB/s on one core (POLARS_MAX_THREADS=1, one thread, regexes compiled
first, in a subprocess), against the
named baseline "python-re loop": Python's `re`, one record at a time, with the ASCII subset of
the same patterns (e-mail, URL, IPv4, SSN, dates, phones), which is what a per-record
implementation would do.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PRESIDIO_MAP = {
    "EMAIL_ADDRESS": "email",
    "PHONE_NUMBER": "phone",
    "US_SSN": "ssn",
    "CREDIT_CARD": "card",
    "IP_ADDRESS": "ip",
    "DATE_TIME": "date",
    "PERSON": "person",
    "STREET_ADDRESS": "address",
    "ZIP_CODE": "zip",
    "DOMAIN_NAME": "url",
    "IBAN_CODE": "account",
    "US_DRIVER_LICENSE": "license",
}
PHYSIONET_MAP = {
    "Date": "date",
    "DateYear": "date_other",
    "HCPName": "person",
    "PTName": "person",
    "PTNameInitial": "person",
    "RelativeProxyName": "person",
    "Phone": "phone",
    "Location": "location",
    "Age": "age",
    "Other": "other",
}
MONTHY = re.compile(
    r"\d{1,2}[/.-]\d{1,2}|\d{4}-\d{2}|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b",
    re.I,
)
TARGETS = {
    "email": 0.95,
    "phone": 0.95,
    "ssn": 0.95,
    "card": 0.95,
    "ip": 0.95,
    "date": 0.97,
    "person": 0.92,
}


def load_presidio(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    docs = []
    for d in json.loads(path.read_text()):
        gold = []
        for s in d["spans"]:
            t = PRESIDIO_MAP.get(s["entity_type"], s["entity_type"].lower())
            if t == "date" and not MONTHY.search(s["entity_value"]):
                t = "date_other"
            gold.append((s["start_position"], s["end_position"], t))
        docs.append((d["full_text"], gold))
    return docs


def load_physionet(folder: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    text = (folder / "id.text").read_text()
    recs = re.findall(
        r"START_OF_RECORD=(\d+)\|\|\|\|(\d+)\|\|\|\|\n(.*?)\|\|\|\|END_OF_RECORD", text, re.S
    )
    notes = {(int(p), int(n)): body for p, n, body in recs}
    gold: dict[tuple[int, int], list[tuple[int, int, str]]] = defaultdict(list)
    for line in (folder / "id-phi.phrase").read_text().splitlines():
        p, n, a, b, cat, *_ = line.split()
        gold[(int(p), int(n))].append((int(a), int(b), PHYSIONET_MAP.get(cat, cat.lower())))
    return [(notes[k], gold.get(k, [])) for k in sorted(notes)]


def predict(
    docs: list[tuple[str, list[tuple[int, int, str]]]], pack_name: str
) -> list[list[tuple[int, int, str]]]:
    import polars as pl

    from curate.rules import load_rule_pack
    from curate.rules.pii import PiiEngine

    engine = PiiEngine(load_rule_pack(pack_name).pii)
    scan = engine.scan(pl.Series([d[0] for d in docs]), keep_values=True)
    return [scan.spans(k) for k in range(len(docs))]


Span = tuple[int, int, str]
Docs = list[tuple[str, list[Span]]]
Lines = dict[str, list[str]]


def _context(text: str, a: int, b: int, width: int = 40) -> str:
    """A find or miss in its context, with the span in >>brackets<<, on one line."""
    s = text[max(0, a - width) : a] + ">>" + text[a:b] + "<<" + text[b : b + width]
    return s.replace("\n", "\\n")


def fully_masked(text: str, a: int, b: int, hit: list[Span]) -> bool:
    """Every letter and digit of the gold span ``text[a:b]`` is inside some predicted span
    (a name is only protected when all of it is masked: "[PERSON] Smith" leaks the surname)."""
    covered = bytearray(b - a)
    for p in hit:
        for k in range(max(p[0], a), min(p[1], b)):
            covered[k - a] = 1
    return all(covered[k] or not text[a + k].isalnum() for k in range(b - a))


Scores = tuple[dict[str, dict[str, float]], dict[str, list[int]], Lines, Lines]


def score(docs: Docs, preds: list[list[Span]]) -> Scores:
    """Recall per gold type, precision per predicted type, and the misses and false positives
    (with context) per type, for writing out."""
    per_gold: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # n, typed, any, full
    per_pred: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # n, correct
    misses: dict[str, list[str]] = defaultdict(list)
    false_pos: dict[str, list[str]] = defaultdict(list)
    for (text, gold), pred in zip(docs, preds, strict=True):
        for a, b, t in gold:
            hit = [p for p in pred if p[0] < b and a < p[1]]
            row = per_gold[t]
            row[0] += 1
            row[1] += any(
                p[2] == t or (t == "location" and p[2] in ("address", "zip")) for p in hit
            )
            row[2] += bool(hit)
            full = fully_masked(text, a, b, hit)
            row[3] += full
            if hit and not full:  # found, but a part of it left in the text
                misses[f"{t}.partial"].append(_context(text, a, b))
            if not hit:
                misses[t].append(_context(text, a, b))
        for a, b, t in pred:
            per_pred[t][0] += 1
            ok = any(g[0] < b and a < g[1] for g in gold)
            per_pred[t][1] += ok
            if not ok:
                false_pos[t].append(_context(text, a, b))
    recall = {
        t: {"n": r[0], "typed": r[1] / r[0], "any": r[2] / r[0], "full": r[3] / r[0]}
        for t, r in sorted(per_gold.items())
    }
    return recall, dict(per_pred), misses, false_pos


def report(
    name: str, docs: Docs, pack: str, show_misses: int, dump: Path | None
) -> dict[str, dict[str, float]]:
    """Recall/precision per type on all texts and on each half (A: first, B: second half;
    PhysioNet is sorted by patient, so the halves hold different patients' notes)."""
    t0 = time.perf_counter()
    preds = predict(docs, pack)
    dt = time.perf_counter() - t0
    mid = len(docs) // 2
    parts = {
        "all": score(docs, preds),
        "A": score(docs[:mid], preds[:mid]),
        "B": score(docs[mid:], preds[mid:]),
    }
    print(f"\n== {name}: {len(docs)} texts, pack '{pack}', {dt:.2f}s ==")
    print("recall is `any` (some detector redacted the span); A/B: first/second half of the texts")
    head = (
        f"{'gold type':<14}{'n':>6}{'typed':>8}{'any':>8}{'A':>8}{'B':>8}{'full A':>8}{'full B':>8}"
        f"{'target':>8}"
    )
    print(head)
    recall = parts["all"][0]
    for t, r in recall.items():
        target = TARGETS.get(t)
        flag = "" if target is None else ("  ok" if r["any"] >= target else "  BELOW")
        tgt = f"{target:.2f}" if target else "-"
        ra, rb = (parts[h][0].get(t, {"any": float("nan")})["any"] for h in "AB")
        fa, fb = (parts[h][0].get(t, {"full": float("nan")})["full"] for h in "AB")
        print(
            f"{t:<14}{r['n']:>6}{r['typed']:>8.3f}{r['any']:>8.3f}{ra:>8.3f}{rb:>8.3f}{fa:>8.3f}"
            f"{fb:>8.3f}{tgt:>8}{flag}"
        )
    print(f"{'pred type':<14}{'n':>6}{'precision':>10}{'A':>8}{'B':>8}")

    def prec(per_pred: dict[str, list[int]], t: str | None = None) -> float:
        rows = [v for k, v in per_pred.items() if t is None or k == t]
        n = sum(v[0] for v in rows)
        return sum(v[1] for v in rows) / n if n else float("nan")

    per_pred = parts["all"][1]
    for t, (n, _) in sorted(per_pred.items()):
        pa_, pb = (prec(parts[h][1], t) for h in "AB")
        print(f"{t:<14}{n:>6}{prec(per_pred, t):>10.3f}{pa_:>8.3f}{pb:>8.3f}")
    n_pred = sum(v[0] for v in per_pred.values())
    ok = sum(v[1] for v in per_pred.values())
    print(
        f"overall precision {ok / max(n_pred, 1):.3f} ({ok}/{n_pred}); "
        f"A {prec(parts['A'][1]):.3f}, B {prec(parts['B'][1]):.3f}; target 0.95"
    )
    misses = parts["A"][2]  # half A only: B's misses are not for reading (held out)
    shown = [f"{t}: {m}" for t in TARGETS for m in misses.get(t, [])]
    for m in shown[:show_misses]:
        print("  miss", m)
    if dump is not None:
        dump.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"\W+", "_", name).strip("_")
        _, _, hm, hf = parts["A"]  # half A only: B is held out, its misses are not for reading
        for kind, rows in (("miss", hm), ("fp", hf)):
            for t, lines in rows.items():
                (dump / f"{slug}.A.{kind}.{t}.txt").write_text("\n".join(lines) + "\n")
        print(f"half A's misses and false positives per type written to {dump}/{slug}.A.*")
    return parts["all"][0]


BASELINE_PATTERNS = [
    r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b",
    r"\b(?:https?://|www\.)\S+",
    r"\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b",
    r"\b\d{3}-\d{2}-\d{4}\b",
    r"\b\d{1,2}[/-]\d{1,2}[/-](?:\d{4}|\d{2})\b",
    r"(?:\(\d{3}\)|\b\d{3})[ .-]?\d{3}[ .-]?\d{4}\b",
    r"\b\d{2,4}(?:[ -]\d{2,4}){2,4}\b",
]


def speed_child(realdata: Path) -> None:
    """Runs with POLARS_MAX_THREADS=1: MB/s of the default pack's scan vs the python-re loop."""
    import polars as pl

    from curate.rules import load_rule_pack
    from curate.rules.pii import PiiEngine

    texts = [d[0] for d in load_presidio(realdata / "pii/presidio_synth_dataset_v2.json")]
    texts += [d[0] for d in load_physionet(realdata / "pii/physionet_deid_gold")]
    reps = max(1, int(8e6 // sum(len(t) for t in texts)))
    texts = texts * reps
    mb = sum(len(t.encode()) for t in texts) / 1e6
    series = pl.Series(texts)
    engine = PiiEngine(load_rule_pack("default").pii)
    engine.scan(series.head(100), keep_values=False, parallel=False)  # compile the regexes
    t0 = time.perf_counter()
    # what apply_rules does for placeholders, on one thread (apply_rules splits big batches
    # over the cores: see the apply_rules figure)
    scan = engine.scan(series, keep_values=False, parallel=False)
    scan.placeholders()
    scan.counts()
    ours = mb / (time.perf_counter() - t0)
    sub = texts[: max(1, len(texts) // 4)]
    regs = [re.compile(p) for p in BASELINE_PATTERNS]
    t0 = time.perf_counter()
    for t in sub:
        for r in regs:
            t = r.sub("[X]", t)
    base = sum(len(t.encode()) for t in sub) / 1e6 / (time.perf_counter() - t0)
    print(f"\n== PII scan speed, 1 core, {mb:.1f} MB ==")
    print(
        f"curate default pack (all {len(engine.types)} types, names): {ours:.1f} MB/s/core (target 5)"
    )
    print(f"baseline python-re loop ({len(regs)} ASCII patterns only): {base:.1f} MB/s/core")
    print(f"ratio curate / python-re loop: {ours / base:.2f}x")


def apply_speed(realdata: Path, n: int = 30_000) -> None:
    """apply_rules with the default pack on ~1 KB records built from real support tweets."""
    import csv

    import polars as pl

    from curate.rules import apply_rules, load_rule_pack

    with open(realdata / "support/twcs_random5000.csv", newline="") as f:
        tweets = [r["text"] for r in csv.DictReader(f)]
    qs, ans = [], []
    for i in range(n):
        k = (i * 7) % (len(tweets) - 8)
        qs.append(" ".join(tweets[k : k + 4]))
        ans.append(" ".join(tweets[k + 4 : k + 8]))
    df = pl.DataFrame({"record_id": [f"r{i}" for i in range(n)], "question": qs, "answer": ans})
    df = df.with_columns(
        turns=pl.lit([], dtype=pl.List(pl.Struct({"role": pl.Utf8, "content": pl.Utf8})))
    )
    kb = (df["question"].str.len_bytes() + df["answer"].str.len_bytes()).mean() / 1e3  # type: ignore[operator]
    pack = load_rule_pack("default")
    fields = {"question": "user", "answer": "assistant"}
    apply_rules(df.head(4_000), pack, fields)  # warm up: regexes compiled on the rules threads
    t0 = time.perf_counter()
    res = apply_rules(df, pack, fields)
    dt = time.perf_counter() - t0
    t0 = time.perf_counter()
    df.select(pl.col("question").str.len_chars(), pl.col("answer").str.to_lowercase())
    base = time.perf_counter() - t0
    print(
        f"\n== apply_rules, pack 'default', {n:,} records of {kb:.2f} KB, {os.cpu_count()} cores =="
    )
    print(
        f"{n / dt:,.0f} records/s (target 15,000); kept {res.kept.height:,}, filtered {res.filtered.height:,}"
    )
    print(
        f"baseline 'one Polars pass' (len + lowercase over both columns): {n / base:,.0f} records/s; "
        f"apply_rules costs {dt / base:.0f}x that pass"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    ap.add_argument("--misses", type=int, default=15, help="print this many missed gold spans")
    ap.add_argument(
        "--dump",
        type=Path,
        help="write half A's misses and false positives (with context) per type here",
    )
    ap.add_argument("--no-speed", action="store_true", help="quality figures only")
    ap.add_argument("--speed-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.speed_child:
        speed_child(args.realdata)
        return
    if not (args.realdata / "pii").is_dir():
        sys.exit(f"no real data at {args.realdata}/pii; pass --realdata")
    report(
        "presidio synth v2",
        load_presidio(args.realdata / "pii/presidio_synth_dataset_v2.json"),
        "default",
        args.misses,
        args.dump,
    )
    report(
        "physionet deid gold",
        load_physionet(args.realdata / "pii/physionet_deid_gold"),
        "clinical",
        args.misses,
        args.dump,
    )
    if args.no_speed:
        return
    apply_speed(args.realdata)
    env = {**os.environ, "POLARS_MAX_THREADS": "1"}
    subprocess.run(
        [sys.executable, __file__, "--speed-child", "--realdata", str(args.realdata)],
        env=env,
        check=True,
    )


if __name__ == "__main__":
    main()
