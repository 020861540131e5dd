"""Tokens/s of `curate train` against TRL's SFTTrainer, same model, LoRA, batch and length.

    .venv/bin/python bench/bench_train.py [--model smollm2] [--steps 6] [--data EXPORT_DIR]

Without --data, a chat export is built from the IBM Twitter customer-care conversations in
../shared/realdata (Apache-2.0): dev → train.jsonl, test → val.jsonl. Both trainers run on CPU in
this process, one after the other; the first step of each is warm-up and not timed. tokens/s
counts real (non-padding) tokens. TRL is run with its defaults for conversational data (loss on
every token, no length grouping), since its assistant-only mask needs {% generation %} markers
that the SmolLM2 template lacks.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from typing import Any

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata" / "support"


def ibm_chats(path: Path) -> list[dict[str, Any]]:
    """Conversations as chat messages: client → user, agent → assistant, last agent reply last."""
    out = []
    for conv in json.loads(path.read_text("utf-8")):
        company = conv["dialogHeader"]["company"]
        msgs = [
            {"role": "system", "content": f"You are {company}'s customer-care agent on Twitter."}
        ]
        turns = [
            ("assistant" if "agent" in m else "user", m["message"]) for m in conv["dialogContent"]
        ]
        turns.append(("assistant", conv["agentURL"]["url_utterance"]))
        for role, text in turns:
            if msgs[-1]["role"] == role:
                msgs[-1]["content"] += "\n" + text
            else:
                msgs.append({"role": role, "content": text})
        if msgs[1]["role"] == "user":
            out.append({"messages": msgs})
    return out


def build_export(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for split, name in (("train", "dev"), ("val", "test")):
        rows = ibm_chats(REALDATA / f"ibm_twitter_customer_care_{name}.json")
        (folder / f"{split}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return folder


def bench_curate(data: Path, model: str, args: argparse.Namespace, out: Path) -> dict[str, float]:
    from curate.train import TrainConfig, train

    config = TrainConfig(
        model=model,
        out=str(out),
        max_steps=args.steps + 1,
        batch_size=args.batch_size,
        max_tokens=args.max_tokens,
        lora_r=args.lora_r,
        lora_alpha=2 * args.lora_r,
        lora_dropout=0.05,
        eval_every=0,
        save_every=0,
        eval_examples=0,
        device="cpu",
        dtype="fp32",
    )
    result = train(data, config)
    steps = [json.loads(x) for x in (out / "metrics.jsonl").read_text().splitlines()]
    steps = [s for s in steps if s["event"] == "step"][1:]
    tokens = sum(s["tokens"] for s in steps)
    seconds = sum(s["tokens"] / s["tokens_per_s"] for s in steps)
    return {
        "tokens_per_s": tokens / seconds,
        "tokens": tokens,
        "padding_fraction": result.padding_fraction,
    }


def bench_trl(data: Path, model: str, args: argparse.Namespace, out: Path) -> dict[str, float]:
    import torch
    from datasets import load_dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from trl import SFTConfig, SFTTrainer

    tokenizer = AutoTokenizer.from_pretrained(model)
    dataset = load_dataset("json", data_files=str(data / "train.jsonl"), split="train")
    config = SFTConfig(
        output_dir=str(out),
        max_steps=args.steps + 1,
        per_device_train_batch_size=args.batch_size,
        max_length=args.max_tokens,
        learning_rate=2e-4,
        logging_steps=1,
        report_to=[],
        save_strategy="no",
        use_cpu=True,
        dataloader_num_workers=0,
        packing=False,
        bf16=False,
        fp16=False,
        seed=0,
    )
    lora = LoraConfig(
        r=args.lora_r,
        lora_alpha=2 * args.lora_r,
        lora_dropout=0.05,
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    trainer = SFTTrainer(
        model=AutoModelForCausalLM.from_pretrained(model, dtype=torch.float32),
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=lora,
    )
    counts: list[int] = []
    collate = trainer.data_collator

    def counting(features: list[dict[str, Any]]) -> Any:
        batch = collate(features)
        counts.append(
            int(batch["attention_mask"].sum())
            if "attention_mask" in batch
            else int(batch["input_ids"].numel())
        )
        return batch

    trainer.data_collator = counting
    times: list[float] = []

    class Clock(TrainerCallback):
        def on_step_begin(self, *a: Any, **k: Any) -> None:
            times.append(-time.perf_counter())

        def on_step_end(self, *a: Any, **k: Any) -> None:
            times[-1] += time.perf_counter()

    trainer.add_callback(Clock())
    trainer.train()
    # The collator runs before each step's timer starts; the first step is warm-up.
    tokens = sum(counts[1 : len(times)])
    return {"tokens_per_s": tokens / sum(times[1:]), "tokens": tokens}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2")
    ap.add_argument("--data", type=Path)
    ap.add_argument(
        "--steps", type=int, default=6, help="timed steps per trainer (plus one warm-up)"
    )
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--lora-r", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=2, help="alternating runs of each; best kept")
    args = ap.parse_args()
    from curate.train import resolve_model

    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or build_export(Path(tmp) / "export")
        t0 = time.perf_counter()
        model = str(resolve_model(args.model))
        print(f"model {args.model} ready in {time.perf_counter() - t0:.1f}s: {model}")
        best: dict[str, dict[str, float]] = {}
        for r in range(args.rounds):
            order = [("curate", bench_curate), ("trl", bench_trl)]
            for name, fn in order if r % 2 == 0 else order[::-1]:
                got = fn(data, model, args, Path(tmp) / f"{name}{r}")
                print(
                    f"round {r + 1} {name}: {got['tokens_per_s']:.1f} tokens/s ({got['tokens']} tokens)"
                )
                if got["tokens_per_s"] > best.get(name, {"tokens_per_s": 0.0})["tokens_per_s"]:
                    best[name] = got
        ours, trl = best["curate"], best["trl"]
        ratio = ours["tokens_per_s"] / trl["tokens_per_s"]
        print(
            f"best of {args.rounds}: curate train {ours['tokens_per_s']:.1f} tokens/s, "
            f"TRL SFTTrainer {trl['tokens_per_s']:.1f} tokens/s"
        )
        print(f"ratio curate/TRL: {ratio:.2f} (target >= 1.0)")
        print(
            f"padding fraction (curate, whole epoch): {ours['padding_fraction']:.1%} (target <= 10%)"
        )


if __name__ == "__main__":
    main()
