"""Where apply_rules' time goes, per part, on bench_pii_ingest's workload (issue 18's speed).

    .venv/bin/python bench/profile_rules.py [N] [--reps 2] [--passes]

Ingests N generated tickets once (bench_ingest's generator) to capture the batches that
ingest hands to apply_rules, then applies the `default` pack to them ``--reps`` times with
every part run in turn (language ID and the examples on their own threads, as in ingest, but
waited for at once), and prints process CPU and wall-clock per record for each part: the PII
scan, quality checks, language ID, the audit, the examples; and apart, what ingest spends once
per run merging the batches' stats into rules.json. CPU is the figure to compare on a
shared machine (wall-clock there mostly measures the other jobs). ``CURATE_RULES_THREADS``
applies as in ingest. ``--passes``: then the PII scan alone, on one thread, per pass: its gate,
its regex, its Python checks (resolve) and the names spread through records, as thread CPU
per record (what each detector group costs; a slow gate costs as much as a pass).
"""

from __future__ import annotations

import argparse
import collections
import functools
import gc
import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, nargs="?", default=20_000)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--passes", action="store_true", help="the PII scan's cost per pass")
    ap.add_argument(
        "--gc-off",
        action="store_true",
        help="no garbage collection while timing: a GC pass is paid by whichever part "
        "allocates when it fires, so a change in one part moves ~1.5 us/rec between others",
    )
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_ingest import make_csv

    import curate.rules as rules
    from curate.ingest import ingest
    from curate.rules import _pool
    from curate.rules import apply as apply_mod
    from curate.rules.pii import PiiEngine, Scan

    batches: list[tuple[Any, ...]] = []
    real_apply = rules.apply_rules

    def capture(records: Any, pack: Any, fields: Any, **kw: Any) -> Any:
        batches.append((records, fields, kw))
        return real_apply(records, pack, fields, **kw)

    rules.apply_rules = capture  # type: ignore[assignment]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "tickets.csv"
        make_csv(src, args.n)
        ingest([src], "tickets", Path(tmp) / "ws", rules="default", workers=1)
    rules.apply_rules = real_apply

    spent: dict[str, list[float]] = collections.defaultdict(lambda: [0.0, 0.0])
    depth = [0]

    def timed(key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def call(*a: Any, **kw: Any) -> Any:
            depth[0] += 1
            c0, t0 = _cpu(), time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                depth[0] -= 1
                if depth[0] == 0:  # a part's own time, not that of a part inside it
                    spent[key][0] += _cpu() - c0
                    spent[key][1] += time.perf_counter() - t0

        return call

    real_pool = _pool.pool

    class _Waited:
        """A pool whose jobs are waited for at once: parts do not overlap, so each one's
        process CPU is its own."""

        def __init__(self, name: str) -> None:
            self.pool = real_pool(name, 1)

        def submit(self, fn: Callable[..., Any], *a: Any, **kw: Any) -> Future[Any]:
            done: Future[Any] = Future()
            done.set_result(self.pool.submit(fn, *a, **kw).result())
            return done

    def waited(name: str, workers: int) -> Any:
        return _Waited(name) if name in ("langid", "examples") else real_pool(name, workers)

    _pool.pool = waited
    for name in ("audit_batch", "quality_reasons", "_redaction_examples", "detect_languages"):
        setattr(apply_mod, name, timed(name, getattr(apply_mod, name)))
    PiiEngine.scan = timed("pii scan", PiiEngine.scan)  # type: ignore[method-assign]
    Scan.counts = timed("pii counts", Scan.counts)  # type: ignore[method-assign]
    Scan.redacted = timed("pii redacted", Scan.redacted)  # type: ignore[method-assign]
    pack = rules.load_rule_pack("default")
    for records, fields, kw in batches:  # warm: compiled regexes, the fastText cache
        apply_mod.apply_rules(records, pack, fields, **kw)
    spent.clear()
    if args.gc_off:
        gc.collect()
        gc.disable()
    c0, t0 = _cpu(), time.perf_counter()
    stats = []  # the first repeat's only: more live objects would make every GC pass dearer
    for rep in range(args.reps):
        for records, fields, kw in batches:
            res = apply_mod.apply_rules(records, pack, fields, **kw)
            if not rep:
                stats.append(res.stats)
    total = (_cpu() - c0, time.perf_counter() - t0)
    # ingest then merges the batches' stats into rules.json, once per run (not apply_rules)
    from curate.ingest.summary import merge_stats
    from curate.rules.audit import finish_rule_stats

    c1, t1 = _cpu(), time.perf_counter()
    for _ in range(args.reps):
        finish_rule_stats(stats, merge_stats)
    merged = (_cpu() - c1, time.perf_counter() - t1)
    per = 1e6 / (args.n * args.reps)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    cores = getattr(_pool, "cores", _pool.threads)()  # an older tree has no cores()
    gc_note = ", GC off" if args.gc_off else ""
    print(
        f"{args.n:,} tickets, {len(batches)} batches, rules threads {cores}, load {load}{gc_note}"
    )
    print(f"  {'apply_rules':22s} CPU {total[0] * per:6.1f}  wall {total[1] * per:6.1f} us/rec")
    for key, (c, w) in sorted(spent.items(), key=lambda kv: -kv[1][0]):
        print(f"  {key:22s} CPU {c * per:6.1f}  wall {w * per:6.1f}")
    rest_c = total[0] - sum(v[0] for v in spent.values())
    rest_w = total[1] - sum(v[1] for v in spent.values())
    print(f"  {'(the rest)':22s} CPU {rest_c * per:6.1f}  wall {rest_w * per:6.1f}")
    print(
        f"  {'merged for rules.json':22s} CPU {merged[0] * per:6.1f}  wall {merged[1] * per:6.1f}"
    )
    if args.passes:
        by_pass(batches, pack, args.n, args.reps)


def by_pass(batches: list[tuple[Any, ...]], pack: Any, n: int, reps: int) -> None:
    """Thread CPU per pass of one-thread scans of the batches' texts (see the docstring)."""
    import numpy as np
    import polars as pl

    from curate.rules.pii import engine as engine_mod
    from curate.rules.pii import engine_for
    from curate.rules.pii.resolve import _ScanState

    engine = engine_for(pack.pii)
    spent: dict[str, float] = collections.defaultdict(float)
    owner = {p.gates: p.index for p in engine.passes if p.gates}

    def label(i: int) -> str:
        d = engine.passes[i].dets
        return f"{i:2d} {d[0].type}/{d[0].check or '-'} ({len(d)} det.)"

    def timed(fn: Callable[..., Any], key: Callable[..., str]) -> Callable[..., Any]:
        def call(*a: Any, **kw: Any) -> Any:
            t0 = time.thread_time()
            try:
                return fn(*a, **kw)
            finally:
                spent[key(*a)] += time.thread_time() - t0

        return call

    patches = [
        (engine_mod, "_replace_pass", lambda m, p, *_: label(p.index)),
        (engine_mod, "_gate_hits", lambda t, c, g: label(owner[g]) + " gate"),
        (engine_mod, "_hold", lambda *_: "(public links held out)"),
        (_ScanState, "resolve", lambda s, m, p, *_: label(p.index) + " resolve"),
        (_ScanState, "propagate_names", lambda *_: "(names spread in records)"),
    ]
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in patches]
    for obj, name, key in patches:
        setattr(obj, name, timed(getattr(obj, name), key))
    texts = []
    for records, fields, _ in batches:
        cols = [c for c in fields if c in records.columns]
        flat = pl.concat([records[c].cast(pl.Utf8) for c in cols])
        texts.append((flat, np.concatenate([np.arange(records.height)] * len(cols))))
    try:
        for flat, groups in texts:  # warm
            engine.scan(flat, groups, keep_values=False, parallel=False)
        spent.clear()
        # the process's CPU, not this thread's: a scan's later stages run on threads of
        # their own (engine.stages), and their passes are in ``spent``
        t0 = time.process_time()
        for _ in range(reps):
            for flat, groups in texts:
                engine.scan(flat, groups, keep_values=False, parallel=False)
        total = time.process_time() - t0
    finally:
        for obj, name, fn in saved:
            setattr(obj, name, fn)
    per = 1e6 / (n * reps)
    print(f"\nPII scan by pass, one part (process CPU): {total * per:.1f} us CPU/rec")
    for part, v in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {part:44s} {v * per:6.2f}")
    print(f"  {'(the rest)':44s} {(total - sum(spent.values())) * per:6.2f}")


if __name__ == "__main__":
    main()
