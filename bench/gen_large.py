"""Generate large synthetic ticket exports (~1 KB per record) for the reader and ingest benches.

Usage: .venv/bin/python bench/gen_large.py OUT.csv|OUT.jsonl [--rows N | --gb G] [--seed S]

Records look like helpdesk tickets: a subject, a multi-sentence body with commas, quotes and the
occasional embedded newline (so CSV quoting is exercised), a resolution, category, priority and
timestamp. Written in a streaming way, so a 2 GB file needs no more memory than a 1 MB one.
Never commit the output; write it under /tmp and delete it afterwards.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path

_PROSE = (
    "account password reset login error invoice refund order shipping delay app crash update "
    "printer driver network router wifi billing charge subscription cancel upgrade license key "
    "screen battery warranty replacement email sync calendar backup restore server timeout "
    "customer agent ticket priority escalate resolved please thanks issue problem working again"
)
WORDS = _PROSE.split()
FIELDS = ["ticket_id", "subject", "body", "resolution", "category", "priority", "created_at"]


def _sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    if rng.random() < 0.3:
        i = rng.randrange(len(words))
        words[i] = f'"{words[i]}"'
    if rng.random() < 0.5:
        words[rng.randrange(len(words))] += ","
    return " ".join(words).capitalize() + "."


def records(n: int | None, seed: int = 0) -> Iterator[dict[str, str]]:
    """Ticket-like records of about 1 KB each (endless when n is None)."""
    rng = random.Random(seed)
    i = 0
    while n is None or i < n:
        body = " ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(rng.randint(7, 11)))
        if rng.random() < 0.1:
            body = body.replace(". ", ".\n", 1)
        yield {
            "ticket_id": str(100000 + i),
            "subject": _sentence(rng, rng.randint(4, 8)),
            "body": body,
            "resolution": " ".join(_sentence(rng, rng.randint(6, 12)) for _ in range(3)),
            "category": rng.choice(["billing", "technical", "account", "shipping"]),
            "priority": rng.choice(["low", "medium", "high", "urgent"]),
            "created_at": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00Z",
        }
        i += 1


def write(
    path: Path,
    rows: int | None = None,
    target_bytes: int | None = None,
    seed: int = 0,
    distinct: bool = False,
) -> int:
    """Write CSV or JSONL (by suffix) until ``rows`` records or ``target_bytes``; returns rows.

    A pool of 2,000 distinct records is serialized once and cycled with fresh ticket ids, so
    a multi-gigabyte file is written at disk speed rather than at record-generation speed.
    ``distinct``: every record generated afresh (needs ``rows``), for stages that drop copies
    (export writes no example twice).
    """
    fmt = "jsonl" if path.suffix in (".jsonl", ".ndjson") else "csv"
    pool = []
    for rec in records(rows if distinct and rows else 2000, seed):
        rec.pop("ticket_id")
        if fmt == "csv":
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\n").writerow(rec.values())
            pool.append("{}," + buf.getvalue().replace("{", "{{").replace("}", "}}"))
        else:
            pool.append(
                '{{"ticket_id": "{}", '
                + json.dumps(rec)[1:].replace("{", "{{").replace("}", "}}")
                + "\n"
            )
    count = size = 0
    with open(path, "w", newline="", encoding="utf-8") as f:
        if fmt == "csv":
            size += f.write(",".join(FIELDS) + "\n")
        while (rows is None or count < rows) and (target_bytes is None or size < target_bytes):
            n = 1000 if rows is None else min(1000, rows - count)
            ids = range(100000 + count, 100000 + count + n)
            size += f.write("".join(pool[i % len(pool)].format(i) for i in ids))
            count += n
    return count


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--rows", type=int)
    ap.add_argument("--gb", type=float)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    if not a.rows and not a.gb:
        a.rows = 100_000
    n = write(a.out, a.rows, int(a.gb * 1e9) if a.gb else None, a.seed)
    print(f"wrote {n:,} records, {a.out.stat().st_size / 1e6:,.1f} MB to {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
