"""Ray engine overhead: the same pipeline on the local engine and on a local 2-CPU Ray instance.

Generates N ~1 KB ticket records (5% near-copies; bench/bench_scale.py), runs ingest -> dedupe ->
export with ``--engine local`` (the baseline) and then ``--engine ray`` (a fresh
``ray.init(num_cpus=2)`` per stage, as a CLI run would start one; the start-up is reported apart),
each stage in its own process. Prints seconds per stage, the ratio ray / local (target: at most
1.5 at 1,000,000 records) and checks both engines wrote byte-identical tables and JSONL.

    python bench/bench_ray.py [--records 1000000] [--rules none|default] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import STAGES, make_data, run_stage

RAY_SETUP = (
    "import ray\n"
    "_t0 = time.perf_counter()\n"
    "ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level='ERROR')\n"
    "print('init', time.perf_counter() - _t0, file=sys.stderr)\n"
    "ray.data.DataContext.get_current().enable_progress_bars = False\n"
)
COMPARED = [
    "ingest/records.parquet",
    "ingest/rejects.parquet",
    "ingest/filtered.parquet",
    "dedupe/outcomes.parquet",
    "dedupe/clusters.parquet",
    "export/outcomes.parquet",
    "out/train.jsonl",
    "out/val.jsonl",
]


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument(
        "--rules", default="none", help="rule pack for ingest, or 'none' (default: none)"
    )
    ap.add_argument("--keep", help="work in this directory and keep it")
    args = ap.parse_args()
    try:
        import ray  # noqa: F401
    except ImportError:
        print("ray is not installed: pip install 'curate[ray]'")
        return 2
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="curate-ray-"))
    root.mkdir(parents=True, exist_ok=True)
    n = args.records
    rules = None if args.rules == "none" else args.rules
    data = root / f"tickets_{n}.csv"
    if not data.exists():
        make_data(data, n)
    print(
        f"{n:,} records, {data.stat().st_size / 1e6:,.0f} MB CSV, rules: {args.rules}", flush=True
    )
    times: dict[str, dict[str, float]] = {"local": {}, "ray": {}}
    try:
        for engine in ("local", "ray"):
            ws = root / f"ws_{engine}"
            shutil.rmtree(ws, ignore_errors=True)
            for stage in STAGES:
                secs, rss = run_stage(
                    stage,
                    engine,
                    RAY_SETUP if engine == "ray" else "",
                    data=str(data),
                    ws=str(ws),
                    out=str(ws / "out"),
                    rules=rules,
                )
                times[engine][stage] = secs
                print(
                    f"  {engine:<5} {stage:<7} {secs:8.1f} s  driver peak RSS {rss:7,.0f} MiB",
                    flush=True,
                )
        same = all(
            digest(root / "ws_local" / rel) == digest(root / "ws_ray" / rel) for rel in COMPARED
        )
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print(f"\n{'stage':<8} {'local s':>8} {'ray s':>8} {'ray/local':>10}")
    for stage in STAGES:
        lo, ra = times["local"][stage], times["ray"][stage]
        print(f"{stage:<8} {lo:8.1f} {ra:8.1f} {ra / lo:10.2f}")
    lo, ra = sum(times["local"].values()), sum(times["ray"].values())
    verdict = "ok" if ra / lo <= 1.5 else "OVER the 1.5x target"
    print(
        f"{'total':<8} {lo:8.1f} {ra:8.1f} {ra / lo:10.2f}  ({verdict}; Ray start-up excluded, see stderr 'init')"
    )
    print(f"outputs byte-identical across engines: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
