"""`make interop`, step 1 (curate's own venv): curate's outputs for the real tools to load.

Writes, under OUT (argv[1]):

* ``exports/<case>/``: one export per format (and per option that changes the files: the
  conversational completion style, ``--train-on last``, shards, a single-turn schema), made by
  curate from the tickets test fixture (single- and multi-turn threads) and the contracts
  sample (single-turn only);
* ``expected/<case>/<file>``: per line of each split file, the conversation it must
  come out as (system prompt, user/assistant turns, the answers trained on), from the
  chat messages curate rendered — what each tool's loader is checked against;
* ``model/``: a tiny random Llama model from a config and a byte-level BPE trained with
  ``tokenizers`` (ChatML template with ``{% generation %}`` markers for TRL); nothing is
  downloaded;
* ``adapter/``: ``curate train`` for 2 steps on the chat export with that model;
* ``cases.json``: the cases and their options.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n"
    "{% if m['role'] == 'assistant' %}{% generation %}{{ m['content'] }}<|im_end|>"
    "{% endgeneration %}{% else %}{{ m['content'] }}<|im_end|>{% endif %}\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
CASES: dict[str, dict[str, Any]] = {
    "chat": {"format": "chat"},
    "chat_last": {"format": "chat", "train_on": "last"},
    "sharegpt": {"format": "sharegpt"},
    "alpaca": {"format": "alpaca"},
    "alpaca_sharded": {"format": "alpaca", "shard_size": 10},
    "completion": {"format": "completion"},
    "completion_conversational": {"format": "completion", "completion_style": "conversational"},
    "contracts_alpaca": {"format": "alpaca", "schema": "contracts"},
    "contracts_chat": {"format": "chat", "schema": "contracts"},
}


def workspaces(out: Path) -> dict[str, Path]:
    from curate.ingest import ingest

    cwd = Path.cwd()
    os.chdir(ROOT)  # relative paths: stable record ids
    try:
        tickets = out / "ws-tickets"
        ingest(
            ["tests/data/export/tickets.csv", "tests/data/export/threads.csv"],
            "tickets",
            tickets,
            rules=None,
        )
        contracts = out / "ws-contracts"
        ingest(["sample_data/contracts"], "contracts", contracts, rules=None)
    finally:
        os.chdir(cwd)
    return {"tickets": tickets, "contracts": contracts}


def expected(messages: list[dict[str, Any]], train_on: str) -> dict[str, Any]:
    """What a loader must produce from this example: system, turns, answers trained on."""
    system = messages[0]["content"] if messages and messages[0]["role"] == "system" else None
    turns = [m for m in messages if m["role"] != "system"]
    answers = [m["content"] for m in turns if m["role"] == "assistant"]
    trained = [m["content"] for m in turns if m["role"] == "assistant" and m.get("weight", 1) == 1]
    return {
        "system": system,
        "turns": [[m["role"], m["content"]] for m in turns],
        "answers": answers,
        "trained": trained if train_on == "last" else answers,
    }


def export_cases(ws: dict[str, Path], out: Path) -> dict[str, Any]:
    from curate.export import export

    cases: dict[str, Any] = {}
    for case, opts in CASES.items():
        opts = dict(opts)
        schema = opts.pop("schema", "tickets")
        folder = out / "exports" / case
        kw: dict[str, Any] = {"val_fraction": 0.2, "test_fraction": 0.1, "seed": 3, **opts}
        export(ws[schema], out=folder, **kw)
        # the same export as chat: the messages every format was converted from, line by line
        ref = out / "exports" / f".{case}-ref"
        ref_kw = {**kw, "format": "chat", "completion_style": "standard"}
        export(ws[schema], out=ref, **ref_kw)
        manifest = json.loads((folder / "manifest.json").read_text("utf-8"))
        files: dict[str, list[str]] = {}
        for split, entry in manifest["files"].items():
            names = [s["path"] for s in entry["shards"]] if "shards" in entry else [entry["path"]]
            files[split] = names
            for name in names:
                lines = (ref / name).read_text("utf-8").splitlines()
                train_on = opts.get("train_on", "all")
                rows = [expected(json.loads(ln)["messages"], train_on) for ln in lines]
                target = out / "expected" / case / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(
                    "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8"
                )
        shutil.rmtree(ref)
        cases[case] = {"options": {"schema": schema, **kw}, "files": files}
    return cases


def validate_cases(out: Path, cases: dict[str, Any]) -> None:
    """`curate validate` on its own exports: no errors (it once rejected the conversational
    completion style it writes). Recorded like the tools' results."""
    from curate.validate import validate_file

    rows = []
    for case, spec in cases.items():
        fmt = spec["options"]["format"]
        names = [n for ns in spec["files"].values() for n in ns]
        errors = {}
        for name in names:
            report = validate_file(out / "exports" / case / name, fmt=fmt)
            errors.update({f"{name}:{k}": v for k, v in report.counts("errors").items()})
        status = "fail" if errors else "pass"
        detail = (
            f"{len(names)} files, errors {errors}" if errors else f"{len(names)} files, no errors"
        )
        rows.append({"tool": "curate validate", "case": case, "status": status, "detail": detail})
    (out / "results").mkdir(exist_ok=True)
    (out / "results" / "curate-validate.json").write_text(json.dumps(rows, indent=2) + "\n")


def tiny_model(out: Path, corpus: list[str]) -> Path:
    """A tiny random Llama and a BPE trained on the exports' own text (no download)."""
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    from curate.train.card import portable_tokenizer_config

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.post_processor = processors.ByteLevel(trim_offsets=False)
    trainer = trainers.BpeTrainer(
        vocab_size=1200,
        special_tokens=["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tok.train_from_iterator(corpus, trainer)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token="<|im_start|>",
        eos_token="<|im_end|>",
        pad_token="<|endoftext|>",
        unk_token="<|endoftext|>",
    )
    fast.chat_template = CHATML
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=len(fast),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=1024,
        bos_token_id=fast.bos_token_id,
        eos_token_id=fast.eos_token_id,
        pad_token_id=fast.pad_token_id,
    )
    path = out / "model"
    LlamaForCausalLM(config).save_pretrained(path)
    fast.save_pretrained(path)
    # as a hub model's folder is: loadable by transformers 4.x too (see curate/train/card.py)
    portable_tokenizer_config(path, CHATML)
    return path


def main(out: Path) -> None:
    from curate.train import train

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    ws = workspaces(out)
    cases = export_cases(ws, out)
    validate_cases(out, cases)
    corpus = [
        line
        for case in ("chat", "completion", "contracts_chat")
        for names in cases[case]["files"].values()
        for name in names
        for line in (out / "exports" / case / name).read_text("utf-8").splitlines()
    ]
    model = tiny_model(out, corpus)
    train(
        out / "exports" / "chat",
        model=str(model),
        out=str(out / "adapter"),
        max_steps=2,
        batch_size=4,
        eval_every=0,
        save_every=0,
        device="cpu",
        max_tokens=256,
    )
    (out / "cases.json").write_text(json.dumps(cases, indent=2) + "\n", "utf-8")
    print(f"interop fixtures: {len(cases)} exports, model and adapter in {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
