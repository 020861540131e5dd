"""Tokens/s of `curate train` against TRL's SFTTrainer, same model, LoRA, batch and length.

    .venv/bin/python bench/bench_train.py [--model smollm2] [--steps 4] [--rounds 2] [--data DIR]

Without --data, a chat export is built from the IBM Twitter customer-care conversations in
../shared/realdata (Apache-2.0): dev → train.jsonl, test → val.jsonl. Both trainers run on CPU in
this process, alternating for --rounds rounds, one torch thread each (this machine is shared);
the first step of each run is warm-up and not timed. tokens/s counts real (non-padding) tokens,
per wall second and per CPU second (the latter is steadier when other jobs share the cores). TRL is run with its defaults for conversational data (loss on
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
    marks: list[tuple[float, float, int]] = []  # (wall, cpu, tokens) at the end of each step

    def on_event(ev: dict[str, Any]) -> None:
        if ev["event"] == "step":
            marks.append((time.perf_counter(), time.process_time(), ev["tokens"]))

    result = train(data, config, progress=on_event)
    # Steps 2..N: the time between the end of step 1 and the end of the last step.
    tokens = sum(m[2] for m in marks[1:])
    return {
        "tokens_per_s": tokens / (marks[-1][0] - marks[0][0]),
        "tokens_per_cpu_s": tokens / (marks[-1][1] - marks[0][1]),
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
    counts: list[tuple[int, int]] = []
    collate = trainer.data_collator

    def counting(features: list[dict[str, Any]]) -> Any:
        batch = collate(features)
        counts.append((int(batch["attention_mask"].sum()), int(batch["input_ids"].numel())))
        return batch

    trainer.data_collator = counting
    marks: list[tuple[float, float]] = []

    class Clock(TrainerCallback):
        def on_step_end(self, *a: Any, **k: Any) -> None:
            marks.append((time.perf_counter(), time.process_time()))

    trainer.add_callback(Clock())
    trainer.train()
    # Same window as for curate: from the end of step 1 to the end of the last step.
    timed = counts[1 : len(marks)]
    tokens = sum(c[0] for c in timed)
    return {
        "tokens_per_s": tokens / (marks[-1][0] - marks[0][0]),
        "tokens_per_cpu_s": tokens / (marks[-1][1] - marks[0][1]),
        "tokens": tokens,
        "padding_fraction": 1 - tokens / sum(c[1] for c in timed),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="smollm2")
    ap.add_argument("--data", type=Path)
    ap.add_argument(
        "--steps", type=int, default=4, help="timed steps per trainer (plus one warm-up)"
    )
    ap.add_argument("--batch-size", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=256)
    ap.add_argument("--lora-r", type=int, default=8)
    ap.add_argument("--rounds", type=int, default=2, help="alternating runs of each; best kept")
    ap.add_argument("--threads", type=int, default=1, help="torch threads for both trainers")
    args = ap.parse_args()
    import torch

    # On a shared machine, multi-threaded torch collapses when other jobs take the cores;
    # one thread each keeps the two trainers comparable. Pass --threads 0 for torch's default.
    if args.threads:
        torch.set_num_threads(args.threads)
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
                    f"round {r + 1} {name}: {got['tokens_per_s']:.1f} tokens/s wall, "
                    f"{got['tokens_per_cpu_s']:.1f} tokens/CPU-s ({got['tokens']} tokens, "
                    f"padding {got['padding_fraction']:.1%})"
                )
                if got["tokens_per_s"] > best.get(name, {"tokens_per_s": 0.0})["tokens_per_s"]:
                    best[name] = got
        ours, trl = best["curate"], best["trl"]
        print(
            f"best of {args.rounds}: curate train {ours['tokens_per_s']:.1f} tokens/s, "
            f"TRL SFTTrainer {trl['tokens_per_s']:.1f} tokens/s"
        )
        print(
            f"ratio curate/TRL (wall): {ours['tokens_per_s'] / trl['tokens_per_s']:.2f} (target >= 1.0)"
        )
        print(f"ratio curate/TRL (CPU): {ours['tokens_per_cpu_s'] / trl['tokens_per_cpu_s']:.2f}")
        print(
            f"padding fraction (curate, whole run): {ours['padding_fraction']:.1%} (target <= 10%)"
        )


if __name__ == "__main__":
    main()
