"""Language ID agreement and speed on real text (not a test; prints figures).

    .venv/bin/python bench/bench_langid.py [--realdata ../shared/realdata] [--n 2000]

Labels we can derive from the real data we have:
  * English: MTS-Dialog dialogues, CUAD contract paragraphs, Presidio synth texts -> "en"
  * Japanese: TWCS tweets containing kana -> "ja" (the script decides)
  * no label: the other TWCS tweets, where we report agreement between the two backends
Speed: docs/s of fastText lite (one process) and langdetect on one core vs all cores (the
named baseline is langdetect on one core, measured in the same run); and curate's numpy
evaluation of the lite model against fastText's own C++ predict (the baseline) on the same
prepared texts, with how often the two agree.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def samples(realdata: Path, n: int) -> dict[str, list[str]]:
    csv.field_size_limit(1 << 30)
    en: list[str] = []
    with open(realdata / "clinical/MTS-Dialog-TrainingSet.csv", newline="") as f:
        en += [
            r["dialogue"].replace("Doctor:", "").replace("Patient:", "")[:400]
            for r in csv.DictReader(f)
        ][: n // 3]
    for p in sorted((realdata / "legal/cuad_full_contract_txt").glob("*.txt"))[:40]:
        paras = [
            x.strip() for x in p.read_text(errors="replace").split("\n\n") if len(x.strip()) > 200
        ]
        en += paras[:8]
    en += [
        d["full_text"]
        for d in json.loads((realdata / "pii/presidio_synth_dataset_v2.json").read_text())
    ][: n // 3]
    with open(realdata / "support/twcs_random5000.csv", newline="") as f:
        tweets = [re.sub(r"@\w+|https?://\S+", "", r["text"]).strip() for r in csv.DictReader(f)]
    kana = re.compile("[\u3040-\u30ff]")
    return {
        "en": en[:n],
        "ja": [t for t in tweets if kana.search(t)],
        "unlabelled": [t for t in tweets if not kana.search(t)][:n],
    }


def fasttext_vs_numpy(data: dict[str, list[str]]) -> None:
    """curate's numpy model against fastText's predict, texts prepared as langid does."""
    import fasttext
    import polars as pl

    from curate.rules.fasttext_lid import FastTextLid
    from curate.rules.langid import fasttext_model_path

    texts = [t for group in data.values() for t in group] * 4
    prepared = (
        pl.Series(texts, dtype=pl.Utf8)
        .fill_null("")
        .str.slice(0, 100)
        .str.replace_all(r"[\n\r\v\f]", " ")
        .str.to_lowercase()
    )
    lines = [t + "\n" for t in prepared.to_list()]
    reference = fasttext.load_model(str(fasttext_model_path()))
    ours = FastTextLid(fasttext_model_path())
    ours.predict(prepared.head(1000))  # load and warm like a long ingest (token cache)
    t0 = time.perf_counter()
    expected = [reference.f.predict(line, 1, 0.0, "strict")[0] for line in lines]
    base = len(lines) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    labels, probs = ours.predict(prepared)
    fast = len(lines) / (time.perf_counter() - t0)
    same = sum(
        lab == e[1].removeprefix("__label__") for lab, e in zip(labels, expected, strict=True)
    )
    diff = max(abs(min(e[0], 1.0) - p) for e, p in zip(expected, probs.tolist(), strict=True))
    print(
        f"fastText predict (baseline): {base:,.0f} docs/s; curate numpy model: {fast:,.0f} docs/s "
        f"({fast / base:.2f}x); same label {same}/{len(lines)}, largest probability gap {diff:.1e}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--realdata", type=Path, default=ROOT.parent / "shared" / "realdata")
    ap.add_argument("--n", type=int, default=1500)
    args = ap.parse_args()
    if not (args.realdata / "support").is_dir():
        sys.exit(f"no real data at {args.realdata}; pass --realdata")
    import polars as pl

    from curate.rules.langid import detect_languages

    data = samples(args.realdata, args.n)
    results: dict[tuple[str, str], list[str]] = {}
    for backend in ("fasttext", "langdetect"):
        for label, texts in data.items():
            t0 = time.perf_counter()
            out = detect_languages(pl.Series(texts, dtype=pl.Utf8), backend)
            dt = time.perf_counter() - t0
            results[(backend, label)] = out["language"].to_list()
            langs = out["language"].to_list()
            if label != "unlabelled":
                decided = [x for x in langs if x != "unknown"]
                acc = sum(x == label for x in langs) / len(langs)
                acc_decided = sum(x == label for x in decided) / max(len(decided), 1)
                print(
                    f"{backend:<10} {label:<3} n={len(texts):<5} accuracy {acc:.3f} "
                    f"(of decided: {acc_decided:.3f}, unknown {1 - len(decided) / len(langs):.3f})  {len(texts) / dt:,.0f} docs/s"
                )
            else:
                top = pl.Series(langs).value_counts(sort=True).head(6).rows()
                print(
                    f"{backend:<10} tweets n={len(texts):<5} top {top}  {len(texts) / dt:,.0f} docs/s"
                )
    a, b = results[("fasttext", "unlabelled")], results[("langdetect", "unlabelled")]
    both = [(x, y) for x, y in zip(a, b, strict=True) if x != "unknown" and y != "unknown"]
    agree = sum(x == y for x, y in both) / max(len(both), 1)
    print(f"fasttext vs langdetect agreement on {len(both)} tweets both decided: {agree:.3f}")

    fasttext_vs_numpy(data)

    from curate.rules.langid import _detect_langdetect

    texts = data["unlabelled"][:600]
    t0 = time.perf_counter()
    _detect_langdetect(texts, workers=1)
    one = len(texts) / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    _detect_langdetect(texts, workers=os.cpu_count())
    many = len(texts) / (time.perf_counter() - t0)
    print(
        f"langdetect 1 core (baseline): {one:,.0f} docs/s; {os.cpu_count()} cores: {many:,.0f} docs/s "
        f"(ratio {many / one:.2f}x, includes process start-up)"
    )


if __name__ == "__main__":
    main()
