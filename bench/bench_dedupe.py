"""Benchmark `curate dedupe` against datasketch's README path, on the same generated corpus.

    .venv/bin/python bench/bench_dedupe.py [--docs 50000] [--baseline-docs 5000]
        [--rss-docs 200000 1000000] [--no-real]

Prints, from one run on one machine (with the load average, as the machine may be shared):
* throughput: curate end to end (records.parquet read -> outcomes and clusters written, best of
  --repeat) vs datasketch as its README shows (MinHash per document with ``update_batch`` over
  word 5-gram shingles, ``MinHashLSH(threshold=0.8, num_perm=128)``, query then insert), on the
  first --baseline-docs documents (its cost per document is flat), and rensa if installed; the
  ratio of docs/s, and of docs per CPU-second (which load from other processes disturbs less);
* quality on a 10,000-document sample: recall and precision against every pair whose exact
  word 5-gram Jaccard is >= the threshold (computed exactly via an inverted index), for curate's
  default and --verify modes and for the datasketch path;
* for each --rss-docs size, the peak RSS of ``dedupe`` in a child process, measured one way for
  every size: the child's ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` as seen by a fresh parent;
* recall on real near-duplicate pairs in ../shared/realdata/neardup when present.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from neardup_gen import generate, write_workspace

from curate.dedupe import dedupe
from curate.dedupe import minhash as mh
from curate.workspace import Workspace

REAL = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "neardup"


def datasketch_readme(
    texts: list[str], threshold: float = 0.8
) -> tuple[float, list[tuple[int, int]]]:
    """datasketch as documented: one MinHash per doc, update_batch, LSH query then insert."""
    from datasketch import MinHash, MinHashLSH

    t = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    pairs: list[tuple[int, int]] = []
    for i, text in enumerate(texts):
        words = text.split()
        shingles = {" ".join(words[j : j + 5]) for j in range(max(len(words) - 4, 1))}
        m = MinHash(num_perm=128)
        m.update_batch([s.encode("utf8") for s in shingles])
        pairs.extend((int(k), i) for k in lsh.query(m))
        lsh.insert(str(i), m)
    return time.perf_counter() - t, pairs


def rensa_rate(texts: list[str]) -> float | None:
    try:
        from rensa import RMinHash, RMinHashLSH
    except ImportError:
        return None
    t = time.perf_counter()
    lsh = RMinHashLSH(threshold=0.8, num_perm=128, num_bands=16)
    for i, text in enumerate(texts):
        words = text.split()
        m = RMinHash(num_perm=128, seed=1)
        m.update([" ".join(words[j : j + 5]) for j in range(max(len(words) - 4, 1))])
        lsh.query(m)
        lsh.insert(i, m)
    return len(texts) / (time.perf_counter() - t)


def exact_pairs(texts: list[str], threshold: float) -> set[tuple[int, int]]:
    """Every pair with exact word 5-gram Jaccard >= threshold (curate's shingle definition)."""
    enc = mh.encode(texts)
    doc, h = mh.Shingler(5).shingles(enc)
    df = pl.DataFrame({"doc": doc, "h": h}).unique()
    size = df.group_by("doc").len().rename({"len": "n"})
    groups = df.group_by("h").agg(pl.col("doc").sort()).filter(pl.col("doc").list.len() > 1)
    pairs = (
        groups.select(pl.col("doc").alias("a"), pl.col("doc").alias("b"))
        .explode("a")
        .explode("b")
        .filter(pl.col("a") < pl.col("b"))
        .group_by("a", "b")
        .len()
        .join(size.rename({"doc": "a", "n": "na"}), on="a")
        .join(size.rename({"doc": "b", "n": "nb"}), on="b")
        .filter(pl.col("len") / (pl.col("na") + pl.col("nb") - pl.col("len")) >= threshold)
    )
    return set(pairs.select("a", "b").iter_rows())


def cluster_pairs(ws: Workspace, n: int) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(pairs in one cluster, (duplicate, kept) pairs) as row numbers."""
    rec = ws.read_table("ingest", "records").select("record_id").with_row_index("row")
    cl = ws.read_table("dedupe", "clusters").join(rec, on="record_id")
    together: set[tuple[int, int]] = set()
    claimed: set[tuple[int, int]] = set()
    for (_cid,), g in cl.group_by("cluster_id"):
        rows = sorted(g["row"].to_list())
        kept = g.filter(pl.col("is_kept"))["row"].to_list()
        together.update((a, b) for i, a in enumerate(rows) for b in rows[i + 1 :])
        if kept:
            claimed.update(tuple(sorted((r, kept[0]))) for r in rows if r != kept[0])
    return together, claimed


def pr(
    truth: set[tuple[int, int]], together: set[tuple[int, int]], claimed: set[tuple[int, int]]
) -> str:
    recall = len(truth & together) / max(len(truth), 1)
    precision = len(claimed & truth) / max(len(claimed), 1)
    return f"recall {recall:.3f}  precision {precision:.3f}  ({len(truth)} true pairs, {len(claimed)} claimed)"


def peak_rss(ws: Path) -> tuple[float, float]:
    """(peak RSS MiB, seconds) of ``dedupe(ws)`` in a child process.

    One method for every size: a fresh wrapper process runs the stage as its only child and
    reports ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` (KiB on Linux), so no earlier child or
    this process's own memory can leak into the figure.
    """
    root = str(Path(__file__).resolve().parents[1])
    child = (
        f"import sys,time;sys.path.insert(0,{root!r});from curate.dedupe import dedupe;"
        f"t=time.perf_counter();dedupe({str(ws)!r});print(time.perf_counter()-t)"
    )
    wrapper = (
        "import resource,subprocess,sys;"
        f"o=subprocess.run([sys.executable,'-c',{child!r}],check=True,capture_output=True,text=True);"
        "print(o.stdout.strip().splitlines()[-1],resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper], check=True, capture_output=True, text=True
    )
    secs, kib = out.stdout.split()
    return int(kib) / 1024, float(secs)


def real_recall() -> None:
    if not REAL.exists():
        print("real data: ../shared/realdata/neardup absent, skipped")
        return
    sets: dict[str, list[tuple[str, str]]] = {}
    mrpc = pl.read_csv(
        REAL / "mrpc_msr_paraphrase_train.txt",
        separator="\t",
        quote_char=None,
        encoding="utf8-lossy",
        infer_schema=False,
    )
    mrpc = mrpc.rename({mrpc.columns[0]: "q"}).filter(pl.col("q") == "1")
    sets["MRPC equivalent"] = list(zip(mrpc["#1 String"], mrpc["#2 String"], strict=True))
    sts = []
    for part in ("train", "dev", "test"):
        for line in (REAL / f"stsbenchmark_sts-{part}.csv").read_text("utf-8").splitlines():
            f = line.split("\t")
            if len(f) >= 7 and float(f[4]) >= 4.8:
                sts.append((f[5], f[6]))
    sets["STS >= 4.8"] = sts
    cs = REAL / "clough_stevenson_plagiarised_short_answers"
    info = pl.read_csv(cs / "file_information.csv")
    orig = {
        r["Task"]: (cs / r["File"]).read_text("latin-1")
        for r in info.filter(pl.col("Category") == "orig").iter_rows(named=True)
    }
    for cat in ("cut", "light", "heavy"):
        sets[f"Clough {cat}"] = [
            (orig[r["Task"]], (cs / r["File"]).read_text("latin-1"))
            for r in info.filter(pl.col("Category") == cat).iter_rows(named=True)
        ]
    settings = [
        ("word 5-gram t=0.8", {}),
        ("word 3-gram t=0.5", {"ngram": 3, "threshold": 0.5}),
        ("char 5-gram t=0.8", {"char_ngrams": 5}),
        ("char 5-gram t=0.5", {"char_ngrams": 5, "threshold": 0.5}),
    ]
    print("real near-duplicate pairs, recall (pair ends up in one cluster):")
    print(f"  {'set':18s} {'pairs':>6s}  " + "  ".join(f"{s:>18s}" for s, _ in settings))
    with tempfile.TemporaryDirectory() as d:
        for name, pairs in sets.items():
            texts = [t for p in pairs for t in p]
            path = Path(d) / name.replace(" ", "_").replace(">=", "ge")
            write_workspace(pl.DataFrame({"text": texts}), path)
            ws = Workspace(path)
            cells = []
            for _label, kw in settings:
                dedupe(ws, keep="first", **kw)  # type: ignore[arg-type]
                o = ws.read_table("dedupe", "outcomes")
                cid = o["cluster_id"].to_list()
                hit = sum(
                    1
                    for i in range(len(pairs))
                    if cid[2 * i] is not None and cid[2 * i] == cid[2 * i + 1]
                )
                cells.append(f"{hit / len(pairs):18.3f}")
            print(f"  {name:18s} {len(pairs):6d}  " + "  ".join(cells))


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--docs", type=int, default=50_000)
    ap.add_argument("--baseline-docs", type=int, default=5_000)
    ap.add_argument("--sample", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument(
        "--rss-docs", type=int, nargs="*", default=[], help="sizes, e.g. 200000 1000000"
    )
    ap.add_argument("--no-real", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = generate(args.docs, seed=1)
        mean_bytes = corpus["text"].str.len_bytes().mean()
        ws_path = write_workspace(corpus, Path(tmp) / "ws")
        print(
            f"corpus: {args.docs:,} docs, mean {mean_bytes:.0f} bytes, "
            f"{dict(corpus['kind'].value_counts().iter_rows())}; cpus {os.cpu_count()}, {_load()}"
        )
        dedupe(ws_path)  # warm up imports (datasketch, scipy) outside the timing
        runs = [_timed(lambda: dedupe(ws_path))[:2] for _ in range(args.repeat)]
        best, best_cpu = min(runs)
        res = dedupe(ws_path)
        ours = args.docs / best
        texts = corpus["text"].to_list()
        _, ds_cpu, (ds_secs, _) = _timed(lambda: datasketch_readme(texts[: args.baseline_docs]))
        ds = args.baseline_docs / ds_secs
        print(
            f"curate dedupe   {ours:10,.0f} docs/s  (best of {args.repeat}: {best:.2f} s wall, "
            f"{best_cpu:.2f} s cpu; {res.counts})"
        )
        print(
            f"datasketch      {ds:10,.0f} docs/s  (README path, first {args.baseline_docs:,} docs, "
            f"{ds_cpu:.2f} s cpu)"
        )
        print(f"ratio           {ours / ds:10.1f} x   (target >= 30x, >= 50,000 docs/s)")
        cpu_ratio = (args.docs / best_cpu) / (args.baseline_docs / ds_cpu)
        print(
            f"ratio per cpu-s {cpu_ratio:10.1f} x   (docs per CPU-second; less sensitive to load)"
        )
        rr = rensa_rate(texts[: args.baseline_docs])
        print(f"rensa           {rr:10,.0f} docs/s" if rr else "rensa           not installed")
        print(f"curate stage timings (s): {res.timings}; {_load()}")

        n = min(args.sample, args.docs)
        sample = texts[:n]
        truth = exact_pairs(sample, 0.8)
        sws = write_workspace(pl.DataFrame({"text": sample}), Path(tmp) / "sample")
        print(f"quality on {n:,} docs vs exact Jaccard >= 0.8:")
        for label, kw in (("curate default", {}), ("curate --verify", {"verify": True})):
            dedupe(sws, keep="first", **kw)  # type: ignore[arg-type]
            print(f"  {label:16s}", pr(truth, *cluster_pairs(Workspace(sws), n)))
        _, ds_pairs = datasketch_readme(sample)
        claimed = {tuple(sorted(p)) for p in ds_pairs}
        print(f"  {'datasketch':16s}", pr(truth, claimed, claimed))  # type: ignore[arg-type]

    for size in args.rss_docs:
        with tempfile.TemporaryDirectory() as tmp:
            big = write_workspace(generate(size, seed=2), Path(tmp) / "big")
            rss, secs = peak_rss(big)
            print(
                f"{size:,} docs: peak RSS {rss:,.0f} MiB (child ru_maxrss; target <= 1,536 at 1M), "
                f"{size / secs:,.0f} docs/s; {_load()}"
            )
    if not args.no_real:
        real_recall()


def _load() -> str:
    return "load " + " ".join(f"{x:.1f}" for x in os.getloadavg())


def _timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, result) of one call."""
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - t, time.process_time() - c, out


if __name__ == "__main__":
    np.seterr(over="ignore")
    main()
