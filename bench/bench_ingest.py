"""Ingest throughput: read + map + normalize + validate (no rules, then the default pack).

Generates N single-row support tickets of ~1 KB, runs `curate.ingest` on them, and as a reference
measures a plain-Python equivalent (csv.DictReader + unicodedata NFC + regex whitespace collapse
+ Pydantic per row) in the same run. Also measures peak RSS of a separate ingest process on a
large file to show memory is bounded by the batch size.

What the tickets hold (``--data realistic``, the default): a subject, a body of ~800 characters
and a resolution of ~200, written as sentences (capitalized, punctuated) from a support-desk
vocabulary with product names, versions, prices, durations and quantities (numbers that look
like PII but are not). About 45% of records carry PII, 1-3 items each, in body or resolution:
a greeting or sign-off with a first name or full name ("Hi Sarah,", "Thanks,\nJohn Miller"), an
e-mail address, a US or international phone number, an order/ticket/case number, a date
(ISO, US numeric or "March 3"), a URL, a card-like or IP-like number, or "Mr./Ms. X". The PII
rules must look at every record, and the gates they use see realistic hits and near-misses.
``--data words`` is the older data set: 120 random lower-case words, no PII at all.

It ends with the CPU budget: CPU-seconds per record (every thread) of ingest without rules and
of the default pack alone, and the rate two fully busy cores would reach with both, which
bounds what any scheduling of this work can do on this machine.

    python bench/bench_ingest.py [N] [--data realistic|words] [--big-gb 2]
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


FIRST = [
    "Sarah",
    "John",
    "Maria",
    "David",
    "Emily",
    "James",
    "Linda",
    "Robert",
    "Aisha",
    "Carlos",
    "Mei",
    "Olga",
    "Pierre",
    "Fatima",
    "Kevin",
    "Laura",
    "Ahmed",
    "Sofia",
    "Daniel",
    "Grace",
    "Hiroshi",
    "Ana",
    "Thomas",
    "Priya",
    "Michael",
    "Jessica",
    "Lukas",
    "Chloe",
    "Omar",
    "Rachel",
]
LAST = [
    "Miller",
    "Johnson",
    "Garcia",
    "Smith",
    "Nguyen",
    "Brown",
    "Kowalski",
    "Lopez",
    "Chen",
    "Williams",
    "Petrov",
    "Martin",
    "Davis",
    "Anderson",
    "Okafor",
    "Rossi",
    "Schmidt",
    "Taylor",
    "Hernandez",
    "Wilson",
    "Moore",
    "Clark",
    "Patel",
    "Kim",
    "Lewis",
    "Walker",
    "Young",
    "King",
]
PRODUCTS = [
    "iPhone",
    "Galaxy",
    "Pixel",
    "MacBook",
    "ThinkPad",
    "GoPro",
    "Kindle",
    "Roku",
    "Echo",
    "Fitbit",
    "PlayStation",
    "Xbox",
    "Nest",
    "Surface",
    "AirPods",
]
FILLER = [
    "the",
    "my",
    "it",
    "is",
    "was",
    "and",
    "but",
    "to",
    "on",
    "with",
    "for",
    "after",
    "when",
    "again",
    "still",
    "since",
    "not",
    "now",
    "this",
    "that",
    "a",
    "an",
    "I",
    "we",
    "you",
]


def _sentence(rng: random.Random) -> str:
    """A support-desk sentence: words, a product name, maybe a harmless number."""
    words = [
        rng.choice(WORDS if rng.random() < 0.55 else FILLER) for _ in range(rng.randint(7, 14))
    ]
    r = rng.random()
    if r < 0.25:
        words.insert(rng.randrange(len(words)), rng.choice(PRODUCTS))
    elif r < 0.32:
        words += ["version", f"{rng.randint(1, 17)}.{rng.randint(0, 9)}.{rng.randint(0, 20)}"]
    elif r < 0.38:
        words += ["for", f"${rng.randint(5, 999)}.{rng.randint(0, 99):02d}"]
    elif r < 0.46:
        words += [str(rng.randint(2, 48)), rng.choice(["hours", "days", "minutes", "times"])]
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".....?!")


def _pii(rng: random.Random) -> tuple[str, str]:
    """One PII item and where it goes: ("greeting"|"signoff"|"body", text)."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    kind = rng.choices(
        ["greet", "signoff", "email", "phone", "order", "date", "url", "title", "ip", "card"],
        weights=[20, 16, 12, 10, 14, 12, 7, 5, 2, 2],
    )[0]
    if kind == "greet":
        return "greeting", rng.choice([f"Hi {first},", f"Hello {first} {last},", f"Dear {first},"])
    if kind == "signoff":
        return "signoff", rng.choice([f"Thanks,\n{first} {last}", f"Regards,\n{first}"])
    if kind == "email":
        user = f"{first.lower()}.{last.lower()}{rng.randint(1, 99)}"
        dom = rng.choice(["gmail.com", "example.org", "outlook.com", "corp.example.co.uk"])
        return "body", f"You can reach me at {user}@{dom} anytime."
    if kind == "phone":
        num = rng.choice(
            [
                f"({rng.randint(201, 989)}) {rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
                f"{rng.randint(201, 989)}-{rng.randint(200, 999)}-{rng.randint(0, 9999):04d}",
                f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
            ]
        )
        return "body", f"Please call me back on {num} after 5pm."
    if kind == "order":
        ref = rng.choice([f"#{rng.randint(10**6, 10**8)}", f"A{rng.randint(10**5, 10**7)}"])
        return "body", f"My {rng.choice(['order', 'ticket', 'case'])} number is {ref} by the way."
    if kind == "date":
        day = rng.randint(1, 28)
        when = rng.choice(
            [
                f"2024-0{rng.randint(1, 9)}-{day:02d}",
                f"{rng.randint(1, 12)}/{day}/2023",
                f"March {day}",
                f"{day} June 2024",
            ]
        )
        return "body", f"It was delivered on {when} but never worked."
    if kind == "url":
        return "body", f"I followed https://help.example.com/kb/{rng.randint(100, 99999)} already."
    if kind == "title":
        return "body", f"I spoke to {rng.choice(['Mr.', 'Ms.', 'Dr.'])} {last} last week."
    if kind == "ip":
        return "body", f"The router shows 192.168.{rng.randint(0, 255)}.{rng.randint(1, 254)}."
    return "body", "My card 4111 1111 1111 1111 was charged twice."


def _text(rng: random.Random, chars: int, items: list[tuple[str, str]]) -> str:
    """Sentences up to ``chars``, with the PII items at their places."""
    parts = [t for w, t in items if w == "greeting"]
    body: list[str] = []
    while sum(len(b) + 1 for b in body) < chars:
        body.append(_sentence(rng))
    for w, t in items:
        if w == "body":
            body.insert(rng.randrange(len(body) + 1), t)
    parts.append(" ".join(body))
    parts += [t for w, t in items if w == "signoff"]
    return "\n".join(parts)


def make_csv(path: Path, n: int, seed: int = 0, data: str = "realistic") -> float:
    """Write ``n`` tickets; returns the share of records with PII (see the module docstring)."""
    rng = random.Random(seed)
    with_pii = 0
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
            if data == "words":
                body = " ".join(rng.choice(WORDS) for _ in range(120))  # ~ 800 chars
                res = " ".join(rng.choice(WORDS) for _ in range(30))
            else:
                items = [_pii(rng) for _ in range(rng.randint(1, 3))] if rng.random() < 0.45 else []
                with_pii += bool(items)
                split = rng.randrange(len(items) + 1)
                body = _text(rng, 760, items[:split])
                res = _text(rng, 170, items[split:])
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
    return with_pii / max(n, 1)


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


def _cpu_s() -> float:
    """CPU seconds of this process, every thread (Polars', the rules') included."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _rules_cpu_us(ws: Path, n: int) -> float:
    """CPU per input record of the default pack alone, on the records a no-rules ingest wrote,
    applied in ingest's 10,000-record batches."""
    import polars as pl

    from curate.rules import apply_rules, load_rule_pack
    from curate.schema import load_schema

    recs = pl.read_parquet(ws / "ingest" / "records.parquet")
    pack, fields = load_rule_pack("default"), load_schema("tickets").text_fields()
    c0 = _cpu_s()
    for start in range(0, recs.height, 10_000):
        apply_rules(recs.slice(start, 10_000), pack, fields)
    return (_cpu_s() - c0) * 1e6 / n


def _print_budget(cpu_us: dict[str, float], util: float) -> None:
    """Why the rate is what it is: what the work costs in CPU, and the most two cores can do."""
    cores = os.cpu_count() or 1
    both = cpu_us["None"] + cpu_us["rules alone"]
    print(f"CPU per record, all threads, 1 process (this machine has {cores} cores):")
    print(f"  ingest without rules {cpu_us['None']:6.0f} us")
    print(f"  default pack alone   {cpu_us['rules alone']:6.0f} us (apply_rules, 10,000 a batch)")
    print(f"  sum                  {both:6.0f} us -> at most {cores * 1e6 / both:,.0f} rec/s")
    print(f"  ingest with rules    {cpu_us['default']:6.0f} us, using {util:.2f} of {cores} cores")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, nargs="?", default=100_000)
    ap.add_argument(
        "--big-gb", type=float, default=0.0, help="also measure peak RSS on a file this big"
    )
    ap.add_argument(
        "--data",
        choices=("realistic", "words"),
        default="realistic",
        help="tickets with PII in ~45%% of records (default), or random words without any",
    )
    args = ap.parse_args()
    from curate.ingest import ingest

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "tickets.csv"
        share = make_csv(src, args.n, data=args.data)
        mb = src.stat().st_size / 1e6
        print(
            f"input: {args.n:,} tickets ({args.data}), {mb:.0f} MB "
            f"({mb * 1e6 / args.n:.0f} B/record), {share:.0%} of records with PII"
        )
        _, t_base = timed(baseline, src)
        print(f"plain-Python baseline (csv+NFC+regex+pydantic): {args.n / t_base:10,.0f} rec/s")
        workers = min(os.cpu_count() or 1, 4)
        cpu_us: dict[str, float] = {}  # CPU per record (all threads), 1-process runs
        util = 0.0
        for rules in (None, "default"):
            for w in (1, workers):
                ws = Path(tmp) / f"ws-{rules}-{w}"
                c0 = _cpu_s()
                _, took = timed(ingest, [src], "tickets", ws, rules=rules, workers=w)
                label = f"curate ingest, {'no rules' if rules is None else rules + ' rules'}, "
                label += "1 process" if w == 1 else f"{w} workers"
                print(
                    f"{label:<48}{args.n / took:10,.0f} rec/s ({t_base / took:.2f}x baseline)",
                    flush=True,
                )
                if w == 1:
                    spent = _cpu_s() - c0
                    cpu_us[str(rules)] = spent * 1e6 / args.n
                    util = spent / took
                if w == 1 and rules is None:
                    cpu_us["rules alone"] = _rules_cpu_us(ws, args.n)
                shutil.rmtree(ws, ignore_errors=True)
        _print_budget(cpu_us, util)
        if args.big_gb:
            big = Path(tmp) / "big.csv"
            rows = int(args.big_gb * 1e9 / (mb * 1e6 / args.n))
            make_csv(big, rows, seed=1, data=args.data)
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
