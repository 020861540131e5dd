"""Streaming on one machine: time and peak RSS per stage as the input grows.

Generates ~1 KB ticket records (bench/gen_large.py; 5% of them near-copies of a recent record, so
dedupe has clusters to find), then runs ingest -> dedupe -> export on the local engine, each stage
in a fresh process, and reports seconds, records/s and that process's peak RSS. Baseline: the
smallest size in the same run; "RSS x" is peak RSS relative to it, which stays near 1 while the
stage streams (dedupe adds its signatures: 256 B + 8 B per band per record).

    python bench/bench_scale.py [--sizes 100000,1000000] [--rules default|none] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import gen_large

STAGES = ("ingest", "dedupe", "export")
# Each stage's call, run in a fresh interpreter by run_stage(); {engine} picks the engine.
# make_engine is timed too: with ray it connects (or starts Ray), as the CLI does.
STAGE_CODE = {
    "ingest": "curate.ingest([{data!r}], 'tickets', {ws!r}, rules={rules!r}, "
    "engine=make_engine({engine!r}))",
    "dedupe": "curate.dedupe({ws!r}, engine=make_engine({engine!r}))",
    "export": "curate.export({ws!r}, out={out!r}, seed=0, engine=make_engine({engine!r}))",
}


def make_data(path: Path, n: int, dup_rate: float = 0.05, seed: int = 0) -> None:
    """n ticket rows of ~1 KB, streamed to CSV; a fraction re-sends a recent ticket with one word changed."""
    rng = random.Random(seed + 1)
    recent: list[dict[str, str]] = []
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=gen_large.FIELDS, lineterminator="\n")
        w.writeheader()
        for i, rec in enumerate(gen_large.records(n, seed)):
            if recent and rng.random() < dup_rate:
                src = dict(rng.choice(recent))
                words = src["body"].split(" ")
                words[rng.randrange(len(words))] = rng.choice(gen_large.WORDS)
                src["body"], src["ticket_id"] = " ".join(words), str(100000 + i)
                rec = src
            recent = ([*recent, rec])[-1000:]
            w.writerow(rec)


def run_stage(stage: str, engine: str, setup: str = "", **fmt: str) -> tuple[float, float]:
    """(seconds, peak RSS in MiB) of one stage in a fresh process: the child's own ru_maxrss (wait4)."""
    code = (
        "import time, sys\n" + setup + "import curate\nfrom curate.engine import make_engine\n"
        "t = time.perf_counter()\n" + STAGE_CODE[stage].format(engine=engine, **fmt) + "\n"
        "print(time.perf_counter() - t, flush=True)\n"
    )
    r, w = os.pipe()
    pid = os.posix_spawn(
        sys.executable,
        [sys.executable, "-c", code],
        dict(os.environ),
        file_actions=[(os.POSIX_SPAWN_DUP2, w, 1), (os.POSIX_SPAWN_CLOSE, r)],
    )
    os.close(w)
    with os.fdopen(r) as f:
        out = f.read()
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{stage} ({engine}) failed with exit {os.waitstatus_to_exitcode(status)}")
    return float(out.strip().splitlines()[-1]), usage.ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--sizes", default="100000,1000000", help="comma-separated record counts")
    ap.add_argument("--rules", default="default", help="rule pack for ingest, or 'none'")
    ap.add_argument(
        "--keep", help="work in this directory and keep it (default: a temp dir, removed)"
    )
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="curate-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    rules = None if args.rules == "none" else args.rules
    rows = []
    try:
        for n in sizes:
            data = root / f"tickets_{n}.csv"
            t = time.perf_counter()
            if not data.exists():
                make_data(data, n)
            print(
                f"{n:,} records: {data.stat().st_size / 1e6:,.0f} MB CSV, generated in "
                f"{time.perf_counter() - t:.0f}s",
                flush=True,
            )
            ws = root / f"ws_{n}"
            shutil.rmtree(ws, ignore_errors=True)
            for stage in STAGES:
                secs, rss = run_stage(
                    stage, "local", data=str(data), ws=str(ws), out=str(ws / "out"), rules=rules
                )
                rows.append((n, stage, secs, rss))
                print(
                    f"  {stage:<7} {secs:8.1f} s  {n / secs:10,.0f} rec/s  peak RSS {rss:8,.0f} MiB",
                    flush=True,
                )
            shutil.rmtree(ws, ignore_errors=True)
            if not args.keep:
                data.unlink()
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    base = {stage: rss for n, stage, _, rss in rows if n == sizes[0]}
    print(
        f"\n{'records':>10} {'stage':<7} {'seconds':>8} {'rec/s':>9} {'peak RSS MiB':>13} "
        f"{'RSS x (vs ' + format(sizes[0], ',') + ')':>18}"
    )
    for n, stage, secs, rss in rows:
        print(
            f"{n:>10,} {stage:<7} {secs:8.1f} {n / secs:9,.0f} {rss:13,.0f} {rss / base[stage]:18.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
