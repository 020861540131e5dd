"""Tokens/s of `curate train` against TRL's SFTTrainer: TRL's defaults and TRL at its best.

    .venv/bin/python bench/bench_train.py [--model smollm2] [--steps 5] [--rounds 1]
    .venv/bin/python bench/bench_train.py --smoke                 # tiny random model, seconds
    .venv/bin/python bench/bench_train.py --device cuda --model-config 1b   # the GPU run

Same model, LoRA (all linear layers, alpha = 2r, dropout 0.05), rows per batch, sequence length,
learning rate and precision for all three; each runs in its own process (so peak memory is its own),
one torch thread on CPU (this machine is shared), in alternating order per round:

* curate      curate train as shipped (packing auto: several examples per row, attention isolated
              per example, assistant-only loss, LM head on trained positions only)
* trl-default SFTTrainer with SFTConfig's defaults (no packing, loss on every token, gradient
              checkpointing on, as TRL ships it)
* trl-best    SFTTrainer at its best documented settings: packing=True with packing_strategy="bfd"
              (which turns padding_free on: the batch is one flattened row, examples isolated by
              position ids), assistant_only_loss=True (SmolLM2's ChatML template with
              {% generation %} markers added; same rendered text), no gradient checkpointing where
              memory allows, fused AdamW, flash-attention-2 on a GPU that has flash_attn

The first step of each run is warm-up and not timed. tokens/s counts real tokens only (attention
mask ones, or the flattened row's tokens; never padding), identically for all. Padding fraction:
padded positions / all positions over the timed steps. Peak memory: the child's max RSS on CPU,
torch.cuda.max_memory_allocated on a GPU. MFU (GPU only): (6 N + 12 L h s) x tokens/s over the
device's peak dense bf16 FLOP/s (N all parameters, L layers, h width, s the row length), the
PaLM-paper approximation; --peak-tflops overrides the table.

Without --data, a chat export is built from the IBM Twitter customer-care conversations in
../shared/realdata (Apache-2.0): dev -> train.jsonl, test -> val.jsonl (--smoke: tests/data).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
REALDATA = ROOT.parent / "shared" / "realdata" / "support"
SMOKE_DATA = ROOT / "tests" / "data" / "train" / "chat"
TRAINERS = ("curate", "trl-default", "trl-best")
# Peak dense bf16 tensor FLOP/s by device name fragment (vendor datasheets; no sparsity).
PEAK_BF16 = {"H200": 989e12, "H100": 989e12, "A100": 312e12, "L40S": 362e12, "L4": 121e12}
# Random-init Llama-style models for the GPU run (1b: TinyLlama-1.1B's shape) and the smoke test.
MODEL_CONFIGS: dict[str, dict[str, int]] = {
    "1b": {
        "hidden_size": 2048,
        "intermediate_size": 5632,
        "num_hidden_layers": 22,
        "num_attention_heads": 32,
        "num_key_value_heads": 4,
    },
    "tiny": {
        "hidden_size": 64,
        "intermediate_size": 128,
        "num_hidden_layers": 2,
        "num_attention_heads": 4,
        "num_key_value_heads": 2,
    },
}
# SmolLM2's ChatML template with TRL's {% generation %} markers around what curate trains
# (the assistant text and its <|im_end|>); it renders the same text as the model's own template.
CHATML_GENERATION = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a helpful AI assistant named SmolLM, trained by Hugging "
    "Face<|im_end|>\\n' }}{% endif %}"
    "{% if message['role'] == 'assistant' %}{{ '<|im_start|>assistant\\n' }}{% generation %}"
    "{{ message['content'] + '<|im_end|>' }}{% endgeneration %}{{ '\\n' }}"
    "{% else %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}"
    "{% endif %}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)


def ibm_chats(path: Path) -> list[dict[str, Any]]:
    """Conversations as chat messages: client -> user, agent -> assistant, last agent reply last."""
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


def build_random_model(folder: Path, preset: str, tokenizer_from: str) -> Path:
    """A random-init Llama-style model of ``preset`` shape saved with ``tokenizer_from``'s tokenizer."""
    import torch
    from transformers import AutoTokenizer, LlamaConfig, LlamaForCausalLM

    tokenizer = AutoTokenizer.from_pretrained(tokenizer_from)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        max_position_embeddings=4096,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
        **MODEL_CONFIGS[preset],
    )
    torch.manual_seed(0)
    with torch.device("cuda" if torch.cuda.is_available() else "cpu"):
        model = LlamaForCausalLM(config).to(torch.bfloat16)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


def peak_memory_gb(device: str) -> float:
    import torch

    if device == "cuda":
        return torch.cuda.max_memory_allocated() / 2**30
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB on Linux


def model_facts(model: Any) -> dict[str, int]:
    cfg = model.config
    return {
        "params": sum(p.numel() for p in model.parameters()),
        "layers": cfg.num_hidden_layers,
        "hidden": cfg.hidden_size,
    }


def run_curate(data: Path, model: str, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    from curate.train import TrainConfig, train

    config = TrainConfig(
        model=model,
        out=str(out),
        max_steps=args.steps + 1,
        batch_size=args.batch_size,
        max_tokens=args.max_tokens,
        lr=2e-4,
        lora_r=args.lora_r,
        lora_alpha=2 * args.lora_r,
        lora_dropout=0.05,
        eval_every=0,
        save_every=0,
        eval_examples=1,
        device=args.device,
        dtype=args.dtype,
    )
    marks: list[tuple[float, float, int, float]] = []  # wall, cpu, real tokens, padding share

    def on_event(ev: dict[str, Any]) -> None:
        if ev["event"] == "step":
            if args.device == "cuda":
                import torch

                torch.cuda.synchronize()
            marks.append(
                (time.perf_counter(), time.process_time(), ev["tokens"], ev["padding_fraction"])
            )

    result = train(data, config, progress=on_event)
    timed = marks[1:]
    tokens = sum(m[2] for m in timed)
    positions = sum(m[2] / (1 - m[3]) for m in timed)
    card = json.loads((out / "training_card.json").read_text("utf-8"))
    from transformers import AutoConfig

    cfg = AutoConfig.from_pretrained(model)
    return {
        "tokens_per_s": tokens / (marks[-1][0] - marks[0][0]),
        "tokens_per_cpu_s": tokens / (marks[-1][1] - marks[0][1]),
        "tokens": tokens,
        "padding_fraction": 1 - tokens / positions,
        "run_padding_fraction": result.padding_fraction,
        "plan": {k: v for k, v in card["device_plan"].items() if k != "reasons"},
        "layers": cfg.num_hidden_layers,
        "hidden": cfg.hidden_size,
    }


def run_trl(
    data: Path, model: str, args: argparse.Namespace, out: Path, best: bool
) -> dict[str, Any]:
    import importlib.util

    import torch
    from datasets import load_dataset
    from peft import LoraConfig
    from transformers import AutoModelForCausalLM, AutoTokenizer, TrainerCallback
    from trl import SFTConfig, SFTTrainer

    cuda = args.device == "cuda"
    bf16 = args.dtype == "bf16"
    tokenizer = AutoTokenizer.from_pretrained(model)
    dataset = load_dataset("json", data_files=str(data / "train.jsonl"), split="train")
    tuned: dict[str, Any] = {}
    attention = "sdpa"
    if best:
        tokenizer.chat_template = CHATML_GENERATION
        tuned = {
            "packing": True,
            "packing_strategy": "bfd",
            "padding_free": True,
            "assistant_only_loss": True,
            "gradient_checkpointing": False,
            "optim": "adamw_torch_fused",
        }
        if cuda and importlib.util.find_spec("flash_attn") is not None:
            attention = "flash_attention_2"
    config = SFTConfig(
        output_dir=str(out),
        max_steps=args.steps + 1,
        per_device_train_batch_size=args.batch_size,
        max_length=args.max_tokens,
        learning_rate=2e-4,
        logging_steps=1,
        report_to=[],
        save_strategy="no",
        use_cpu=not cuda,
        dataloader_num_workers=0,
        bf16=bf16,
        fp16=False,
        seed=0,
        **tuned,
    )
    lora = LoraConfig(
        r=args.lora_r,
        lora_alpha=2 * args.lora_r,
        lora_dropout=0.05,
        target_modules="all-linear",
        task_type="CAUSAL_LM",
    )
    base = AutoModelForCausalLM.from_pretrained(
        model, dtype=torch.bfloat16 if bf16 else torch.float32, attn_implementation=attention
    )
    facts = model_facts(base)
    trainer = SFTTrainer(
        model=base,
        args=config,
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=lora,
    )
    counts: list[tuple[int, int]] = []  # real tokens, positions
    collate = trainer.data_collator

    def counting(features: list[dict[str, Any]]) -> Any:
        batch = collate(features)
        if "attention_mask" in batch:
            counts.append((int(batch["attention_mask"].sum()), int(batch["input_ids"].numel())))
        else:  # padding-free: one flattened row, padded only up to pad_to_multiple_of
            real = sum(len(f["input_ids"]) for f in features)
            counts.append((real, int(batch["input_ids"].numel())))
        return batch

    trainer.data_collator = counting
    marks: list[tuple[float, float]] = []

    class Clock(TrainerCallback):  # type: ignore[misc]
        def on_step_end(self, *a: Any, **k: Any) -> None:
            if cuda:
                torch.cuda.synchronize()
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
        "plan": {
            "packing": bool(tuned),
            "attention": attention,
            "gradient_checkpointing": config.gradient_checkpointing,
            "optim": str(config.optim),
            "dtype": "bf16" if bf16 else "fp32",
        },
        "layers": facts["layers"],
        "hidden": facts["hidden"],
    }


def child(args: argparse.Namespace) -> None:
    """One trainer in this process; prints one JSON line."""
    import torch

    if args.device == "cpu" and args.threads:
        torch.set_num_threads(args.threads)
    from curate.train.models import quiet_transformers

    quiet_transformers()
    out = Path(args.out)
    if args.child == "curate":
        got = run_curate(Path(args.data), args.model, args, out)
    else:
        got = run_trl(Path(args.data), args.model, args, out, best=args.child == "trl-best")
    from transformers import AutoModelForCausalLM

    if "params" not in got:
        with torch.device("meta"):
            meta = AutoModelForCausalLM.from_config(
                __import__("transformers").AutoConfig.from_pretrained(args.model)
            )
        got["params"] = sum(p.numel() for p in meta.parameters())
    got["peak_memory_gb"] = peak_memory_gb(args.device)
    print("RESULT " + json.dumps(got), flush=True)


def device_peak(args: argparse.Namespace) -> tuple[str, float | None]:
    import torch

    if args.device != "cuda":
        return "cpu", None
    name = torch.cuda.get_device_name()
    if args.peak_tflops:
        return name, args.peak_tflops * 1e12
    return name, next((v for k, v in PEAK_BF16.items() if k in name), None)


def mfu(got: dict[str, Any], seq: int, peak: float | None) -> float | None:
    if peak is None:
        return None
    per_token = 6 * got["params"] + 12 * got["layers"] * got["hidden"] * seq
    return float(got["tokens_per_s"] * per_token / peak)


def run_child(
    name: str, data: Path, model: str, args: argparse.Namespace, out: Path
) -> dict[str, Any]:
    cmd = [
        sys.executable,
        __file__,
        "--child",
        name,
        "--data",
        str(data),
        "--model",
        model,
        "--out",
        str(out),
        "--steps",
        str(args.steps),
        "--batch-size",
        str(args.batch_size),
        "--max-tokens",
        str(args.max_tokens),
        "--lora-r",
        str(args.lora_r),
        "--threads",
        str(args.threads),
        "--device",
        args.device,
        "--dtype",
        args.dtype,
    ]
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false", "PYTHONWARNINGS": "ignore"}
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-5000:])
        raise SystemExit(f"{name} failed (exit {proc.returncode})")
    return dict(json.loads(lines[-1][len("RESULT ") :]))


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--model", default="smollm2", help="model spec as for curate train")
    ap.add_argument(
        "--model-config", choices=sorted(MODEL_CONFIGS), help="random-init model of this shape"
    )
    ap.add_argument("--data", type=Path)
    ap.add_argument(
        "--steps", type=int, default=5, help="timed steps per trainer (plus one warm-up)"
    )
    ap.add_argument(
        "--batch-size", type=int, help="rows per batch (default 4; 8 with --model-config 1b)"
    )
    ap.add_argument("--max-tokens", type=int, help="sequence length (default 256; 2048 with 1b)")
    ap.add_argument("--lora-r", type=int, help="LoRA rank (default 8; 16 with 1b)")
    ap.add_argument("--rounds", type=int, default=1, help="rounds, trainers alternating order")
    ap.add_argument(
        "--threads", type=int, default=1, help="torch threads on CPU (0: torch's default)"
    )
    ap.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    ap.add_argument(
        "--dtype",
        choices=("auto", "fp32", "bf16"),
        default="auto",
        help="precision of all three (auto: what curate's device plan picks here)",
    )
    ap.add_argument("--peak-tflops", type=float, help="device peak dense bf16 TFLOP/s (for MFU)")
    ap.add_argument("--smoke", action="store_true", help="tiny random model, tests' data, 2 steps")
    ap.add_argument("--only", help="comma-separated trainers to run (default: all three)")
    ap.add_argument("--child", choices=TRAINERS, help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    big = args.model_config == "1b"
    args.batch_size = args.batch_size or (8 if big else 4)
    args.max_tokens = args.max_tokens or (2048 if big else 256)
    args.lora_r = args.lora_r or (16 if big else 8)
    if args.child:
        child(args)
        return
    if args.dtype == "auto":
        from curate.train.plan import choose_plan, device_facts

        args.dtype = choose_plan(device_facts(args.device)).dtype
    if args.smoke:
        args.model_config, args.steps, args.data = "tiny", 2, args.data or SMOKE_DATA
    from curate.train import resolve_model

    names = args.only.split(",") if args.only else list(TRAINERS)
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data or build_export(Path(tmp) / "export")
        t0 = time.perf_counter()
        model = str(resolve_model(args.model))
        if args.model_config:
            model = str(
                build_random_model(
                    Path(tmp) / f"random-{args.model_config}", args.model_config, model
                )
            )
        device, peak = device_peak(args)
        print(
            f"model {args.model_config or args.model} ready in {time.perf_counter() - t0:.1f}s; "
            f"device {device}, {args.dtype}; batch {args.batch_size} x {args.max_tokens} tokens, LoRA r={args.lora_r}, "
            f"{args.steps} timed steps"
        )
        for r in range(args.rounds):
            got: dict[str, dict[str, Any]] = {}
            for name in names if r % 2 == 0 else names[::-1]:
                got[name] = g = run_child(name, data, model, args, Path(tmp) / f"{name}{r}")
                u = mfu(g, args.max_tokens, peak)
                print(
                    f"round {r + 1} {name:11s} {g['tokens_per_s']:8.1f} tokens/s "
                    f"({g['tokens_per_cpu_s']:.1f}/CPU-s, {g['tokens']} tokens), padding "
                    f"{g['padding_fraction']:5.1%}, peak memory {g['peak_memory_gb']:.2f} GB"
                    + (f", MFU {u:.1%}" if u is not None else "")
                    + f"  {json.dumps(g['plan'], sort_keys=True)}",
                    flush=True,
                )
            if "curate" in got:
                for other, target in (("trl-default", None), ("trl-best", 1.2)):
                    if other in got:
                        ratio = got["curate"]["tokens_per_s"] / got[other]["tokens_per_s"]
                        cpu = got["curate"]["tokens_per_cpu_s"] / got[other]["tokens_per_cpu_s"]
                        print(
                            f"round {r + 1} curate / {other}: {ratio:.2f}x wall, {cpu:.2f}x CPU"
                            + (f" (target >= {target})" if target else "")
                        )
                print(
                    f"round {r + 1} curate padding (timed steps): "
                    f"{got['curate']['padding_fraction']:.1%} (target <= 5%)"
                )


if __name__ == "__main__":
    main()
