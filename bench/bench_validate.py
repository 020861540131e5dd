"""Benchmark `curate validate` (no tokenizer) against plain ``json.loads`` of the same lines.

Usage: .venv/bin/python bench/bench_validate.py [--lines N]

Target (issue 5): >= 50,000 lines/s on this machine. Lines are chat examples like curate export
writes (system + user + assistant, ~1 KB), built from bench/gen_large.py's ticket records.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen_large import records
from curate.validate import validate_file


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "train.jsonl"
        with open(path, "w", encoding="utf-8") as f:
            for i, r in enumerate(records(a.lines)):
                f.write(
                    json.dumps(
                        {
                            "messages": [
                                {"role": "system", "content": "You are a helpful support agent."},
                                {"role": "user", "content": f"{r['subject']}\n{r['body']} (#{i})"},
                                {"role": "assistant", "content": r["resolution"]},
                            ]
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
        size = path.stat().st_size

        def loads_only() -> None:
            with open(path, "rb") as f:
                for line in f:
                    json.loads(line)

        base = val = float("inf")
        report = None
        for _ in range(a.repeat):  # interleaved, best of each: the machine is shared
            t = time.perf_counter()
            loads_only()
            base = min(base, time.perf_counter() - t)
            t = time.perf_counter()
            report = validate_file(path)
            val = min(val, time.perf_counter() - t)
        assert report is not None and report.ok, report.errors[:3] if report else None
        print(f"{a.lines:,} lines, {size / a.lines:,.0f} bytes/line")
        print(f"json.loads alone: {a.lines / base:,.0f} lines/s")
        print(
            f"curate validate: {a.lines / val:,.0f} lines/s = {base / val:.2f}x json.loads "
            f"({a.lines / val / 50_000:.2f}x the 50,000 lines/s target)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
