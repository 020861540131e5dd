"""Dev sets for the clinical pack's dates and precision, built from PhysioNet half A only.

    .venv/bin/python bench/bench_pii_clinical_dev.py [forms|alikes|a|all] [--show N]

Half A of PhysioNet (what the rules were tuned on) is saturated, so these re-render it:

* ``forms``: every gold month/day(/year) date of half A re-written, in its own context, in
  the other forms nursing notes use ("8/14", "08-14", "Aug 14", "14 Aug", "the 14th",
  "[**2009-8-14**]", "8/14 0800", ...); recall per form (the span fully masked as a date).
* ``alikes``: clinical numbers that look like dates (vent settings, blood pressures, murmur
  grades, pain scores, doses, lab values, ratios, rooms, times), each put into a half A note
  on a line of its own; the share NOT redacted as a date, per class.
* ``a``: half A's own date recall and precision per type (half B is never scored here).

Prints figures only; the engine is the ``clinical`` pack's. Not a test.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# CURATE_TREE: an older checkout's folder holding its ``curate`` (git archive REV curate), for
# before/after figures
sys.path.insert(0, os.environ.get("CURATE_TREE", str(ROOT)))
sys.path.insert(0, str(ROOT / "bench"))
__import__("curate")  # first: importing bench_pii puts this checkout first on the path

from bench_pii import load_physionet, score  # noqa: E402

MONTHS = "January February March April May June July August September October November December"
MON = MONTHS.split()


def _engine():  # type: ignore[no-untyped-def]
    from curate.rules import load_rule_pack
    from curate.rules.pii import PiiEngine

    return PiiEngine(load_rule_pack("clinical").pii)


def scan(texts: list[str]) -> list[list[tuple[int, int, str]]]:
    import polars as pl

    s = _engine().scan(pl.Series(texts), keep_values=True)
    return [s.spans(k) for k in range(len(texts))]


def half_a() -> list[tuple[str, list[tuple[int, int, str]]]]:
    docs = load_physionet(ROOT.parent / "shared" / "realdata" / "pii" / "physionet_deid_gold")
    return docs[: len(docs) // 2]


def forms(m: int, d: int, y: int) -> dict[str, str]:
    """The forms one date takes in notes (y: a four-digit year)."""
    mn, yy = MON[m - 1], y % 100
    ordn = "th" if 10 <= d % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(d % 10, "th")
    return {
        "m/d": f"{m}/{d}",
        "mm/dd": f"{m:02d}/{d:02d}",
        "m/d/yy": f"{m}/{d}/{yy:02d}",
        "mm/dd/yyyy": f"{m:02d}/{d:02d}/{y}",
        "m-d": f"{m}-{d}",
        "mm-dd": f"{m:02d}-{d:02d}",
        "m-d-yy": f"{m}-{d}-{yy:02d}",
        "yyyy-mm-dd": f"{y}-{m:02d}-{d:02d}",
        "Mon d": f"{mn[:3]} {d}",
        "Mon. d": f"{mn[:3]}. {d}",
        "Month dth": f"{mn} {d}{ordn}",
        "Month d, yyyy": f"{mn} {d}, {y}",
        "d Mon": f"{d} {mn[:3]}",
        "dth of Month": f"{d}{ordn} of {mn}",
        "d-Mon-yy": f"{d}-{mn[:3]}-{yy:02d}",
        "MON d": f"{mn[:3].upper()} {d}",
        "mimic [**y-m-d**]": f"[**{y}-{m}-{d}**]",
        "mimic [**m-d**]": f"[**{m}-{d}**]",
        "m/d hhmm": f"{m}/{d} 0800",
        "m/d @ hh:mm": f"{m}/{d} @ 14:30",
        "m/d/yy hh:mm": f"{m}/{d}/{yy:02d} 22:15",
        "m/d am": f"{m}/{d} am",
        "m.d.yy": f"{m}.{d}.{yy:02d}",
        "d.m.yyyy": f"{d}.{m}.{y}",
        "yyyy/mm/dd": f"{y}/{m:02d}/{d:02d}",
        "m/yy": f"{m}/{yy:02d}",
    }


DATE = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?$")
# the part of a form that must be masked (the time of day next to a date is not PHI)
CORE = re.compile(r"^(.*?)(?: 0800| @ 14:30| 22:15| am)$")


def run_forms(show: int) -> None:
    rng = random.Random(18)
    texts, where = [], []  # where: (form, start, end) of the part that must be masked
    for text, gold in half_a():
        for a, b, t in gold:
            mt = DATE.match(text[a:b].strip())
            if t != "date" or not mt:
                continue
            m, d = int(mt[1]), int(mt[2])
            if not (1 <= m <= 12 and 1 <= d <= 31):
                continue
            y = int(mt[3]) if mt[3] else rng.choice([2009, 2011, 1998, 2021])
            y = y + 2000 if y < 30 else y + 1900 if y < 100 else y
            for name, f in forms(m, d, y).items():
                core = CORE.match(f)
                n_core = len(core[1]) if core else len(f)
                texts.append(text[:a] + f + text[b:])
                where.append((name, a, a + n_core))
    preds = scan(texts)
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    missed: dict[str, list[str]] = defaultdict(list)
    for text, (name, a, b), pred in zip(texts, where, preds, strict=True):
        cov = bytearray(b - a)
        for p0, p1, _t in pred:
            for k in range(max(p0, a), min(p1, b)):
                cov[k - a] = 1
        ok = all(cov[k] or not text[a + k].isalnum() for k in range(b - a))
        per[name][0] += 1
        per[name][1] += ok
        if not ok:
            missed[name].append(text[max(0, a - 40) : b + 30].replace("\n", "\\n"))
    tot = [sum(v[0] for v in per.values()), sum(v[1] for v in per.values())]
    print(f"== date forms (half A contexts): {tot[1] / tot[0]:.3f} ({tot[1]}/{tot[0]})")
    for name, (n, ok) in per.items():
        print(f"  {name:<22}{ok / n:>7.3f}  ({ok}/{n})")
        for s in missed[name][:show]:
            print("      miss:", s)


def _alikes(rng: random.Random) -> list[tuple[str, str]]:
    """(class, phrase) look-alikes with random values; the phrase must not become a date."""
    r = rng.randint

    def frac() -> str:
        return rng.choice(["1/2", "1/3", "2/3", "1/4", "3/4", "1/8"])

    return [
        ("bp", f"BP {r(90, 180)}/{r(40, 99)}"),
        ("bp", f"SBP {r(90, 180)}/{r(40, 99)}s"),
        ("bp", f"BP {r(90, 180)}/{r(40, 99)}, HR {r(60, 110)}"),
        ("bp", f"NBP {r(90, 130)}/{r(40, 70)} ({r(50, 90)})"),
        ("vent", f"PEEP {r(5, 12)}, PS {r(5, 20)}/{r(5, 10)}"),
        ("vent", f"CPAP {r(5, 10)}/{r(5, 10)}, FiO2 {r(3, 6)}0%"),
        ("vent", f"on PSV {r(5, 15)}/{r(5, 10)}, RR {r(12, 28)}"),
        ("vent", f"BiPAP {r(10, 18)}/{r(5, 8)}"),
        ("vent", f"vent settings {r(8, 20)}/{r(5, 10)} x {r(10, 18)}"),
        ("vent", f"weaned to {r(5, 12)}/{r(5, 8)} this am"),
        ("murmur", f"{r(1, 4)}/6 SEM at LUSB"),
        ("murmur", f"grade {r(1, 4)}/6 systolic murmur"),
        ("murmur", f"II/VI murmur, {r(2, 3)}/6 holosystolic"),
        ("pain", f"pain {r(1, 9)}/10"),
        ("pain", f"c/o pain {r(1, 9)}/10 at incision"),
        ("pain", f"rates pain {r(1, 9)}/10, medicated"),
        ("pain", f"{r(2, 9)}/10 abd pain"),
        ("pain", f"{r(2, 9)}/10 chest discomfort"),
        ("strength", f"strength {r(3, 5)}/5 bilat"),
        ("strength", f"{r(3, 5)}/5 strength in all extremities"),
        ("strength", f"MAE, {r(3, 5)}/5 grips"),
        ("dose", f"{frac()} tab po"),
        ("dose", f"NTG paste {frac()} inch"),
        ("dose", f"heparin {r(5, 9)}00 units/hr"),
        ("lab", f"K {r(3, 5)}.{r(0, 9)}, Mg {r(1, 2)}.{r(0, 9)}"),
        ("lab", f"Hct {r(25, 35)}.{r(0, 9)}, plt {r(100, 300)}"),
        ("lab", f"ABG {7}.{r(30, 45)}/{r(30, 60)}/{r(60, 200)}"),
        ("lab", f"lytes {r(130, 145)}/{r(3, 5)}.{r(0, 9)}/{r(95, 110)}/{r(20, 30)}"),
        ("ratio", f"I:E {r(1, 2)}:{r(2, 4)}"),
        ("ratio", f"I/O {r(1, 3)}00/{r(4, 9)}00"),
        ("ratio", f"CVP {r(5, 15)}-{r(8, 20)}"),
        ("ratio", f"UO {r(30, 90)}-{r(40, 120)}cc/hr"),
        ("room", f"moved to rm {r(4, 9)}{r(10, 40)}"),
        ("time", f"at {r(10, 23)}:{r(10, 59)}"),
        ("time", f"@ {r(1, 2)}{r(0, 3)}00"),
        ("pupils", f"pupils {r(2, 4)}/{r(2, 4)} brisk"),
        ("gcs", f"GCS {r(3, 15)}, E{r(1, 4)}V{r(1, 5)}M{r(1, 6)}"),
        ("apgar", f"apgars {r(7, 9)}/{r(8, 9)}"),
        ("spine", f"L{r(3, 4)}/{r(4, 5)} disc"),
        ("size", f"{r(1, 9)} x {r(1, 9)} cm"),
        ("fraction", f"{frac()} of meal taken"),
        ("fraction", f"ate {frac()} of dinner tray"),
        ("glucose", f"FS {r(90, 250)}, {r(90, 250)}"),
        ("temp", f"Tmax {r(98, 101)}.{r(0, 9)}"),
        ("dose", f"D5 1/2 NS @ {r(5, 15)}0cc/hr"),
        ("dose", f"IVF 1/2NS at {r(5, 15)}0"),
        ("dose", f"TF {frac()} strength at {r(2, 6)}0cc/hr"),
        ("blood", f"{r(1, 2)}/{r(2, 3)} units PRBC in"),
        ("orient", f"oriented x {r(1, 2)}/3"),
        ("orient", f"A&O x{r(1, 3)}"),
        ("pulses", f"pulses {r(1, 2)}+/{r(1, 2)}+"),
        ("ett", f"ETT 7.5/{r(21, 25)} at lip"),
        ("rate", f"TF at goal {r(4, 8)}0/hr"),
        ("rate", f"RR {r(12, 28)}/min"),
        ("vision", "vision 20/20"),
        ("bottles", f"{r(1, 2)}/4 bottles GPC"),
        ("lab", f"Hgb {r(8, 12)}.{r(0, 9)}/Hct {r(25, 35)}"),
        ("lab", f"K {r(3, 5)}/Mg {r(1, 2)}"),
    ]


def run_alikes(show: int) -> None:
    rng = random.Random(18)
    notes = [t for t, _ in half_a()]
    texts, where = [], []
    for k in range(1200):
        note = notes[k % len(notes)]
        starts = [0] + [m.end() for m in re.finditer(r"\n", note)]
        at = rng.choice(starts)
        for cls, phrase in _alikes(rng):
            if rng.random() < 0.25:
                texts.append(note[:at] + phrase + "\n" + note[at:])
                where.append((cls, at, at + len(phrase)))
    preds = scan(texts)
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    fps: dict[str, list[str]] = defaultdict(list)
    for text, (cls, a, b), pred in zip(texts, where, preds, strict=True):
        bad = [p for p in pred if p[0] < b and a < p[1]]
        per[cls][0] += 1
        per[cls][1] += not bad
        if bad:
            fps[cls].append(
                f"{text[a:b]!r} -> " + ", ".join(f"{text[p[0] : p[1]]!r}:{p[2]}" for p in bad)
            )
    tot = [sum(v[0] for v in per.values()), sum(v[1] for v in per.values())]
    print(f"== look-alikes kept (not redacted): {tot[1] / tot[0]:.3f} ({tot[1]}/{tot[0]})")
    for cls, (n, ok) in sorted(per.items()):
        print(f"  {cls:<12}{ok / n:>7.3f}  ({ok}/{n})")
        for s in fps[cls][:show]:
            print("      fp:", s)


def run_a() -> None:
    docs = half_a()
    preds = scan([t for t, _ in docs])
    recall, per_pred, _, _ = score(docs, preds)
    for t in ("date", "person", "phone"):
        print(f"A recall {t}: {recall[t]['any']:.3f} (full {recall[t]['full']:.3f})")
    n = sum(v[0] for v in per_pred.values())
    ok = sum(v[1] for v in per_pred.values())
    print(
        f"A precision {ok / n:.3f} ({ok}/{n})", {k: f"{v[1]}/{v[0]}" for k, v in per_pred.items()}
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", nargs="?", default="all", choices=["forms", "alikes", "a", "all"])
    ap.add_argument("--show", type=int, default=3)
    args = ap.parse_args()
    if args.what in ("forms", "all"):
        run_forms(args.show)
    if args.what in ("alikes", "all"):
        run_alikes(args.show)
    if args.what in ("a", "all"):
        run_a()


if __name__ == "__main__":
    main()
