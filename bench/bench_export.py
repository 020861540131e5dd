"""Benchmark `curate export`: examples/s without tokens, and with exact token counts against the
tokenizer's own ``encode_batch`` on the same rendered texts (measured in the same run).

Usage: .venv/bin/python bench/bench_export.py [--rows N] [--token-rows N] [--tokenizer PATH]
       [--rss 100000,400000]

Targets (issue 5): >= 20,000 examples/s without tokens; >= 0.8x encode_batch with tokens. Export
counts with ``encode_batch_fast`` (ids only) where the chat template's added tokens let it cut the
ids per message (curate.export.tokens._Layout), so the stricter ratio against ``encode_batch_fast`` on the
same texts is printed too.
Issue 9: export streams row groups, so its peak RSS should stay flat as input grows; ``--rss``
exports workspaces of the given sizes, each in a fresh child process, and prints its peak RSS.
The tokenizer defaults to a cached SmolLM2 tokenizer (49k BPE) if curate train has fetched one,
else a 49k byte-level BPE trained here with `tokenizers` on the benchmark texts (ChatML template).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.gen_large import records, write
from curate.export import export
from curate.export.kept import kept_records
from curate.export.render import render_records
from curate.export.templates import compile_tasks
from curate.export.tokens import load_tokenizer
from curate.ingest import ingest
from curate.schema import load_workspace_schema
from curate.workspace import Workspace

CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}"
    "<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def find_tokenizer(tmp: Path) -> str:
    cached = sorted(Path.home().glob(".cache/curate/models/*/tokenizer.json"))
    if cached:
        return str(cached[0].parent)
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=49_152,
        show_progress=False,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator((r["body"] + " " + r["resolution"] for r in records(2000)), trainer)
    folder = tmp / "bpe"
    folder.mkdir()
    tok.save(str(folder / "tokenizer.json"))
    (folder / "chat_template.jinja").write_text(CHATML)
    return str(folder)


def best_of(n: int, fn: object) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times)


CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from curate.export import export
started = time.perf_counter()
result = export({ws!r}, out={out!r})
print(json.dumps({{
    "seconds": time.perf_counter() - started,
    "examples": result.extra["examples"],
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}}))
"""


def peak_rss(tmp: Path, sizes: list[int]) -> None:
    """Export workspaces of each size in a fresh process; print time and peak RSS."""
    root = str(Path(__file__).resolve().parent.parent)
    rows = []
    for n in sizes:
        src, ws = tmp / f"rss{n}.csv", tmp / f"rss{n}"
        write(src, n, distinct=True)  # export drops repeated examples
        ingest([str(src)], "tickets", ws, rules=None)
        src.unlink()
        code = CHILD.format(root=root, ws=str(ws), out=str(tmp / f"rss{n}-out"))
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if done.returncode:
            raise SystemExit(done.stderr)
        got = json.loads(done.stdout.strip().splitlines()[-1])
        rows.append((n, got))
        print(
            f"export of {n:,} records: {got['seconds']:.1f}s, peak RSS {got['peak_rss_mb']:,.0f} MB"
        )
    (n0, a), (n1, b) = rows[0], rows[-1]
    grow = (b["peak_rss_mb"] - a["peak_rss_mb"]) * 2**20 / max(1, n1 - n0)
    print(
        f"peak RSS x{b['peak_rss_mb'] / a['peak_rss_mb']:.2f} for x{n1 / n0:.0f} the records "
        f"({grow:,.0f} bytes per added record)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=30_000)
    ap.add_argument("--tokenizer", default=None)
    ap.add_argument("--token-rows", type=int, default=5_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rss", default=None, help="comma-separated record counts: peak RSS only")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        if a.rss:
            peak_rss(tmp, [int(x) for x in a.rss.split(",")])
            return 0
        src = tmp / "tickets.csv"
        write(src, a.rows, distinct=True)  # export drops repeated examples
        ws = tmp / "ws"
        ingest([str(src)], "tickets", ws, rules=None)
        out = tmp / "out"

        secs = best_of(a.repeat, lambda: export(ws, out=out))
        n = sum(len((out / f).read_bytes().splitlines()) for f in ("train.jsonl", "val.jsonl"))
        rate = n / secs
        print(
            f"export, no tokens: {n:,} examples in {secs:.2f}s = {rate:,.0f} examples/s "
            f"({rate / 20_000:.2f}x the 20,000/s target)"
        )

        # with tokens: a smaller workspace; baseline and export interleaved, best of each
        src2, ws2 = tmp / "small.csv", tmp / "ws2"
        write(src2, a.token_rows, seed=1)
        ingest([str(src2)], "tickets", ws2, rules=None)
        spec = a.tokenizer or find_tokenizer(tmp)
        tok = load_tokenizer(spec)
        df, _ = kept_records(Workspace(ws2))
        examples, _ = render_records(df, compile_tasks(load_workspace_schema(ws2)))
        texts = [tok.render(e.messages) for e in examples]
        n_tokens = sum(len(e) for e in tok.backend.encode_batch(texts, add_special_tokens=False))
        enc_secs = fast_secs = exp_secs = float("inf")
        for _ in range(a.repeat):
            enc_secs = min(
                enc_secs,
                best_of(1, lambda: tok.backend.encode_batch(texts, add_special_tokens=False)),
            )
            fast_secs = min(
                fast_secs,
                best_of(1, lambda: tok.backend.encode_batch_fast(texts, add_special_tokens=False)),
            )
            exp_secs = min(exp_secs, best_of(1, lambda: export(ws2, out=out, tokenizer=tok)))
        enc_rate, exp_rate = len(texts) / enc_secs, len(texts) / exp_secs
        fast_rate = len(texts) / fast_secs
        print(
            f"tokenizer {spec} (vocab {tok.backend.get_vocab_size():,}): {len(texts):,} examples, "
            f"{n_tokens / len(texts):,.0f} tokens/example"
        )
        print(
            f"encode_batch alone on the rendered texts: {enc_rate:,.0f} examples/s "
            f"({n_tokens / enc_secs:,.0f} tokens/s)"
        )
        print(
            f"encode_batch_fast (ids only, no offsets): {fast_rate:,.0f} examples/s "
            f"({n_tokens / fast_secs:,.0f} tokens/s)"
        )
        print(
            f"export with exact tokens: {exp_rate:,.0f} examples/s = "
            f"{exp_rate / enc_rate:.2f}x encode_batch (target >= 0.8x), "
            f"{exp_rate / fast_rate:.2f}x encode_batch_fast"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
