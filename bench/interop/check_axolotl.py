"""`make interop`: axolotl's own dataset loading (`load_dataset_with_config`), its dataset
config schema (`SFTDataset`, the `datasets:` entries of an axolotl YAML) and its
`chat_template` prompt strategy on curate's chat and sharegpt exports: the tokens it trains
on are the answers (with `message_field_training: weight`, only the weight-1 turns)."""

from __future__ import annotations

from common import OUT, Results, cases, files, same, trained_runs

# the `datasets:` entry of the axolotl config for each export (README per-tool recipes)
RECIPES = {
    "chat": {"type": "chat_template", "field_messages": "messages"},
    "chat_last": {
        "type": "chat_template",
        "field_messages": "messages",
        "message_field_training": "weight",
    },
    "sharegpt": {
        "type": "chat_template",
        "field_messages": "conversations",
        "message_property_mappings": {"role": "from", "content": "value"},
        "roles": {"user": ["human"], "assistant": ["gpt"]},
    },
    "contracts_chat": {"type": "chat_template", "field_messages": "messages"},
}


def check(case: str) -> str:
    import axolotl
    from axolotl.prompt_strategies import load
    from axolotl.utils.data.shared import load_dataset_with_config
    from axolotl.utils.dict import DictDefault
    from axolotl.utils.schemas.datasets import SFTDataset
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(OUT / "model")
    _, _, path, want = next(f for f in files(case) if f[0] == "train")
    entry = {"path": str(path), "ds_type": "json", **RECIPES[case]}
    ds_cfg = SFTDataset(**entry).model_dump(exclude_none=True)  # axolotl's own validation
    cfg = DictDefault(
        {"sequence_len": 8192, "train_on_inputs": False, "chat_template": "tokenizer_default"}
    )
    ds = load_dataset_with_config(DictDefault(ds_cfg), use_auth_token=False)
    strategy = load("chat_template", tok, cfg, ds_cfg)
    same(len(ds), len(want), "rows")
    for i, row in enumerate(ds):
        out = strategy.tokenize_prompt(row)
        mask = [x != -100 for x in out["labels"]]
        runs = trained_runs(
            lambda r: tok.decode(r, skip_special_tokens=True), out["input_ids"], mask
        )
        same([r.strip() for r in runs if r.strip()], want[i]["trained"], f"row {i} trained spans")
        text = tok.decode(out["input_ids"], skip_special_tokens=False)
        if want[i]["system"]:
            assert f"<|im_start|>system\n{want[i]['system']}<|im_end|>" in text, f"row {i}: system"
        pos = 0
        for role, content in want[i]["turns"]:
            at = text.find(f"<|im_start|>{role}\n{content}<|im_end|>", pos)
            assert at >= pos, f"row {i}: {role} turn missing or out of order"
            pos = at
    return f"{len(ds)} train rows: system, turns in order, labels = the trained answers (axolotl {axolotl.__version__})"


def check_sharegpt_type() -> str:
    """README used to recommend `type: sharegpt`: current axolotl refuses it."""
    from axolotl.utils.schemas.config import AxolotlInputConfig

    try:
        AxolotlInputConfig.deprecate_sharegpt_datasets([{"path": "x.jsonl", "type": "sharegpt"}])
    except ValueError as exc:
        return f"n/a: `type: sharegpt` refused by axolotl's config validation ({exc})"
    raise AssertionError("axolotl accepts type: sharegpt again")


if __name__ == "__main__":
    res = Results("axolotl")
    for case in cases():
        if case in RECIPES:
            res.run(case, lambda case=case: check(case))
        else:
            res.run(
                case, lambda: "n/a: not checked; use the chat or sharegpt export with chat_template"
            )
    res.run("type: sharegpt", check_sharegpt_type)
    res.save()
