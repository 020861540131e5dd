"""`make interop`: TRL's SFTTrainer on curate's chat and prompt-completion exports, as loaded
by `datasets`, with a tiny random model: the tokens it trains on are exactly the answers, and
a few optimizer steps run."""

from __future__ import annotations

import math

from common import OUT, Results, cases, files, read_jsonl, same, trained_runs

TRL_CASES = ("chat", "chat_last", "completion", "completion_conversational", "contracts_chat")


def check(case: str) -> str:
    import datasets
    import transformers
    import trl
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import SFTConfig, SFTTrainer

    tok = AutoTokenizer.from_pretrained(OUT / "model")
    model = AutoModelForCausalLM.from_pretrained(OUT / "model")
    _, _, path, want = next(f for f in files(case) if f[0] == "train")
    raw = read_jsonl(path)
    ds = datasets.load_dataset("json", data_files=str(path), split="train")
    chat = "messages" in ds.column_names
    args = SFTConfig(
        output_dir=str(OUT / "trl" / case),
        max_steps=2,
        per_device_train_batch_size=2,
        learning_rate=1e-3,
        report_to=[],
        logging_steps=1,
        save_strategy="no",
        assistant_only_loss=chat,  # prompt-completion: completion_only_loss (TRL's default)
        use_cpu=True,
        dataloader_num_workers=0,
        max_length=None,  # no truncation: every answer must be there to check
    )
    trainer = SFTTrainer(model=model, args=args, train_dataset=ds, processing_class=tok)
    processed = trainer.train_dataset
    # TRL folds assistant_masks / completion_mask into labels (-100 = not trained)
    mask_col = "assistant_masks" if chat else "completion_mask"
    prefix_breaks = 0
    for i, row in enumerate(processed):
        mask = (
            [x != -100 for x in row["labels"]]
            if "labels" in row
            else [bool(x) for x in row[mask_col]]
        )
        runs = trained_runs(
            lambda r: tok.decode(r, skip_special_tokens=True), row["input_ids"], mask
        )
        got = [r.strip() for r in runs if r.strip()]
        # prompt-completion trains the final answer (earlier turns are prompt); TRL ignores
        # the per-message weight of --train-on last: every answer is trained
        same(got, want[i]["answers"] if chat else want[i]["answers"][-1:], f"row {i} trained spans")
        text = tok.decode(row["input_ids"], skip_special_tokens=True)
        if want[i]["system"]:
            assert want[i]["system"] in text, f"row {i}: system prompt missing"
        for role, content in want[i]["turns"]:
            assert content in text, f"row {i}: {role} turn missing"
        if not chat and isinstance(raw[i]["prompt"], str):
            alone = tok(raw[i]["prompt"])["input_ids"]
            joined = tok(raw[i]["prompt"] + raw[i]["completion"])["input_ids"]
            prefix_breaks += joined[: len(alone)] != alone
    same(prefix_breaks, 0, "prompts whose tokens are not a prefix of prompt+completion")
    out = trainer.train()
    assert math.isfinite(out.training_loss), out.training_loss
    note = (
        " (per-message weight ignored: TRL trains every assistant turn)"
        if case == "chat_last"
        else ""
    )
    return (
        f"{len(processed)} train rows: {mask_col} = the answers{note}; 2 steps, loss "
        f"{out.training_loss:.2f} (trl {trl.__version__}, transformers {transformers.__version__})"
    )


def check_adapter() -> str:
    """curate's adapter folder with transformers 5.x and its peft (4.x: check_llamafactory)."""
    import peft
    import transformers
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(OUT / "adapter")
    assert tok.apply_chat_template([{"role": "user", "content": "hi"}], tokenize=False)
    base = AutoModelForCausalLM.from_pretrained(OUT / "model")
    model = PeftModel.from_pretrained(base, OUT / "adapter")
    assert any("lora_" in k for k in model.state_dict())
    return (
        f"tokenizer ({type(tok).__name__}) and adapter load with transformers "
        f"{transformers.__version__}, peft {peft.__version__}"
    )


if __name__ == "__main__":
    res = Results("trl")
    for case in cases():
        if case in TRL_CASES:
            res.run(case, lambda case=case: check(case))
        else:
            res.run(case, lambda: "n/a: TRL reads chat (messages) and prompt-completion only")
    res.run("adapter (transformers 5.x)", check_adapter)
    res.save()
