"""Ingest throughput: read + map + normalize + validate (no rules, then the default pack).

Generates N single-row tickets of ~1 KB, runs `curate.ingest` on them, and as a reference
measures a plain-Python equivalent (csv.DictReader + unicodedata NFC + regex whitespace collapse
+ Pydantic per row) in the same run. Also measures peak RSS of a separate ingest process on a
large file to show memory is bounded by the batch size.

    python bench/bench_ingest.py [N] [--big-gb 2]
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

WORDS = [
    "router",
    "wifi",
    "refund",
    "order",
    "battery",
    "screen",
    "account",
    "billing",
    "password",
    "update",
    "app",
    "crash",
    "delivery",
    "warranty",
    "replacement",
    "connect",
    "reset",
    "firmware",
    "charge",
    "cable",
    "support",
    "thanks",
    "please",
    "hello",
    "issue",
    "problem",
    "still",
    "again",
    "since",
    "yesterday",
    "week",
    "customer",
    "device",
    "settings",
]


def make_csv(path: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(
            [
                "Ticket ID",
                "Ticket Subject",
                "Ticket Description",
                "Resolution",
                "Ticket Type",
                "Ticket Priority",
                "created",
            ]
        )
        for i in range(n):
            body = " ".join(rng.choice(WORDS) for _ in range(120))  # ~ 800 chars
            res = " ".join(rng.choice(WORDS) for _ in range(30))
            w.writerow(
                [
                    i,
                    "Help with " + rng.choice(WORDS),
                    body,
                    res,
                    "Technical",
                    "High",
                    f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)} 10:00:00",
                ]
            )


def baseline(path: Path) -> int:
    from pydantic import BaseModel

    class T(BaseModel):
        ticket_id: str
        subject: str | None
        body: str
        resolution: str | None

    n = 0
    ws = re.compile(r"[ \t]+")
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            body = ws.sub(" ", unicodedata.normalize("NFC", row["Ticket Description"])).strip()
            T(
                ticket_id=row["Ticket ID"],
                subject=row["Ticket Subject"],
                body=body,
                resolution=row["Resolution"],
            )
            n += 1
    return n


def timed(fn, *a, **k):  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    out = fn(*a, **k)
    return out, time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=100_000)
    ap.add_argument(
        "--big-gb", type=float, default=0.0, help="also measure peak RSS on a file this big"
    )
    args = ap.parse_args()
    from curate.ingest import ingest

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "tickets.csv"
        make_csv(src, args.n)
        mb = src.stat().st_size / 1e6
        print(f"input: {args.n:,} tickets, {mb:.0f} MB ({mb * 1e6 / args.n:.0f} B/record)")
        _, t_base = timed(baseline, src)
        print(f"plain-Python baseline (csv+NFC+regex+pydantic): {args.n / t_base:10,.0f} rec/s")
        workers = min(os.cpu_count() or 1, 4)
        for rules in (None, "default"):
            for w in (1, workers):
                ws = Path(tmp) / f"ws-{rules}-{w}"
                _, took = timed(ingest, [src], "tickets", ws, rules=rules, workers=w)
                label = f"curate ingest, {'no rules' if rules is None else rules + ' rules'}, "
                label += "1 process" if w == 1 else f"{w} workers"
                print(
                    f"{label:<48}{args.n / took:10,.0f} rec/s ({t_base / took:.2f}x baseline)",
                    flush=True,
                )
                shutil.rmtree(ws, ignore_errors=True)
        if args.big_gb:
            big = Path(tmp) / "big.csv"
            rows = int(args.big_gb * 1e9 / (mb * 1e6 / args.n))
            make_csv(big, rows, seed=1)
            code = (
                "import sys; from curate.ingest import ingest; "
                "ingest([sys.argv[1]], 'tickets', sys.argv[2], rules=None)"
            )
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-c", code, str(big), str(Path(tmp) / "ws3")], check=True
            )
            el = time.perf_counter() - t
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(
                f"large file: {big.stat().st_size / 1e9:.2f} GB, {rows:,} rows in {el:.0f}s "
                f"({rows / el:,.0f} rec/s), peak RSS {rss:.0f} MB"
            )


if __name__ == "__main__":
    main()
