"""Benchmark: `curate report` on a 1,000,000-record synthetic workspace.

Target: the full report (terminal facts + JSON + HTML) in <= 20 s on this machine and an HTML file
under 5 MB. Baseline, measured in the same run: reading every column of every workspace table
once with Polars (`pl.read_parquet`), i.e. the least any report built from those tables must do.

    .venv/bin/python bench/bench_report.py [--records N] [--rebuild]

The workspace is built once into bench/out/report_ws_<N> (seeded, about 2 minutes for 1M) and
reused by later runs.
"""

from __future__ import annotations

import argparse
import io
import shutil
import sys
import time
from pathlib import Path

import polars as pl
from rich.console import Console

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from curate.report import render_terminal, report  # noqa: E402
from tests.report_fixtures import build  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    ws = ROOT / "bench" / "out" / f"report_ws_{args.records}"
    if args.rebuild and ws.exists():
        shutil.rmtree(ws)
    if not (ws / "stages.jsonl").exists():
        t = time.perf_counter()
        build(ws, args.records, seed=1)
        print(
            f"built synthetic workspace ({args.records:,} records) in {time.perf_counter() - t:.1f} s"
        )

    t = time.perf_counter()
    for path in sorted(ws.rglob("*.parquet")):
        pl.read_parquet(path)
    baseline = time.perf_counter() - t

    out = ROOT / "bench" / "out"
    t = time.perf_counter()
    result = report(ws, html=out / "report_bench.html", json_path=out / "report_bench.json")
    render_terminal(result.facts, Console(file=io.StringIO(), width=100))
    elapsed = time.perf_counter() - t
    size = (out / "report_bench.html").stat().st_size
    ingested = result.facts["records"]["ingested"]

    print(f"records ingested        {ingested:,}  (input rows {result.facts['input_rows']:,})")
    print(f"baseline: read all tables  {baseline:6.2f} s")
    print(
        f"curate report (all three)  {elapsed:6.2f} s   = {elapsed / baseline:.2f}x the baseline read"
        f"   target <= 20 s: {'PASS' if elapsed <= 20 else 'FAIL'}"
    )
    print(
        f"HTML size                  {size / 1e6:6.2f} MB  target < 5 MB: {'PASS' if size < 5e6 else 'FAIL'}"
    )
    print(f"accounting ok              {result.accounting_ok}")


if __name__ == "__main__":
    main()
