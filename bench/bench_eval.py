"""`curate eval` speed: batched greedy generation against a plain `model.generate` loop on the
same batches of the same model (ratio >= 1.0), and scoring examples/s (>= 10,000).

Generation runs on a small random Llama model by default (no download, seconds on a CPU);
``--model smollm2`` uses the bundled SmolLM2-135M-Instruct, ``--device cuda`` a GPU. Both
loops get identical prompt batches (length-grouped, as eval makes them) and must produce the
same tokens; the figure is generated tokens per second.
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any


def _model(spec: str, device: str) -> Any:
    import torch
    from transformers import AutoModelForCausalLM, LlamaConfig, LlamaForCausalLM

    if spec == "random":
        torch.manual_seed(0)
        config = LlamaConfig(
            vocab_size=8000,
            hidden_size=256,
            intermediate_size=688,
            num_hidden_layers=4,
            num_attention_heads=4,
            num_key_value_heads=2,
            max_position_embeddings=1024,
            bos_token_id=1,
            eos_token_id=2,
            pad_token_id=0,
        )
        return LlamaForCausalLM(config).eval().to(device)
    from curate.train.models import resolve_model

    return AutoModelForCausalLM.from_pretrained(str(resolve_model(spec))).eval().to(device)


def _plain(
    model: Any, batch: list[list[int]], max_new: int, eos: int, pad: int, device: str
) -> list[list[int]]:
    import torch

    longest = max(len(p) for p in batch)
    ids = torch.full((len(batch), longest), pad, dtype=torch.long)
    mask = torch.zeros_like(ids)
    for r, p in enumerate(batch):
        ids[r, longest - len(p) :] = torch.tensor(p)
        mask[r, longest - len(p) :] = 1
    out = model.generate(
        input_ids=ids.to(device),
        attention_mask=mask.to(device),
        max_new_tokens=max_new,
        do_sample=False,
        eos_token_id=eos,
        pad_token_id=pad,
    )[:, longest:].tolist()
    return [o[: o.index(eos)] if eos in o else o for o in out]


def bench_generation(args: argparse.Namespace) -> float:
    import torch

    from curate.train.generate import greedy_generate

    model = _model(args.model, args.device)
    vocab = model.config.vocab_size
    eos = 2 if args.model == "random" else model.config.eos_token_id
    eos = eos[0] if isinstance(eos, list) else eos
    rng = random.Random(0)
    prompts = [
        [rng.randrange(3, vocab) for _ in range(rng.randint(20, 120))] for _ in range(args.n)
    ]
    order = sorted(range(len(prompts)), key=lambda i: (len(prompts[i]), i))
    batches = [
        [prompts[i] for i in order[k : k + args.batch]] for k in range(0, len(order), args.batch)
    ]
    with torch.no_grad():
        greedy_generate(
            model, batches[0], max_new_tokens=4, stop_ids=[eos], pad_id=0, device=args.device
        )
        t0 = time.perf_counter()
        plain = [o for b in batches for o in _plain(model, b, args.max_new, eos, 0, args.device)]
        t_plain = time.perf_counter() - t0
        t0 = time.perf_counter()
        ours = [
            o
            for b in batches
            for o in greedy_generate(
                model,
                b,
                max_new_tokens=args.max_new,
                stop_ids=[eos],
                pad_id=0,
                batch_size=args.batch,
                device=args.device,
            )
        ]
        t_ours = time.perf_counter() - t0
    same = sum(a == b for a, b in zip(plain, ours, strict=True))
    tokens = sum(len(o) for o in ours)
    ratio = (tokens / t_ours) / (sum(len(o) for o in plain) / t_plain)
    print(
        f"generation ({args.model}, {args.device}, {args.n} prompts, batch {args.batch}, "
        f"{args.max_new} new tokens): plain generate {sum(len(o) for o in plain) / t_plain:,.0f} tok/s, "
        f"curate eval {tokens / t_ours:,.0f} tok/s, ratio {ratio:.2f}; identical outputs {same}/{len(ours)}"
    )
    return ratio


def bench_scoring(n: int) -> float:
    from curate.eval.metrics import REGISTRY

    rng = random.Random(1)
    words = [
        "refund",
        "order",
        "router",
        "reset",
        "account",
        "billing",
        "password",
        "the",
        "your",
        "we",
        "is",
        "to",
        "a",
        "and",
        "please",
    ]
    refs = [" ".join(rng.choice(words) for _ in range(rng.randint(20, 60))) for _ in range(n)]
    answers = [" ".join(rng.choice(words) for _ in range(rng.randint(10, 60))) for _ in range(n)]
    names = ["rouge_l", "chrf", "no_placeholder", "length_ratio"]  # the tickets tasks' metrics
    per: dict[str, float] = {}
    for name in names:  # best of 3: the machine may be shared
        runs = []
        for _ in range(3):
            t0 = time.perf_counter()
            REGISTRY[name].score_all(answers, refs)
            runs.append(time.perf_counter() - t0)
        per[name] = min(runs)
    rate = n / sum(per.values())
    each = ", ".join(f"{k} {v / n * 1e6:.1f}" for k, v in per.items())
    print(
        f"scoring ({n:,} examples of 10-60 words; best of 3): {rate:,.0f} examples/s "
        f"(µs/example: {each})"
    )
    return rate


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", default="random")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--n", type=int, default=32)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--max-new", type=int, default=48)
    ap.add_argument("--score-n", type=int, default=20000)
    args = ap.parse_args()
    rate = bench_scoring(args.score_n)
    ratio = bench_generation(args)
    print(
        f"targets: generation ratio {ratio:.2f} >= 1.0 {'ok' if ratio >= 1 else 'MISSED'}; "
        f"scoring {rate:,.0f} >= 10,000/s {'ok' if rate >= 10_000 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
