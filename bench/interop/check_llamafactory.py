"""`make interop`: LLaMA-Factory's own loading of curate's exports — its dataset_info.json
parser, converters (aligner) and `get_dataset` (template rendering and label masking) — and
the adapter loaded with its transformers 4.x / peft pins."""

from __future__ import annotations

import importlib.machinery
import json
import sys
import types

# llamafactory.data.mm_plugin imports torchaudio at module level (for audio inputs only);
# PyPI has no torchaudio for torch 2.13, so an empty placeholder lets the text loaders
# import. No audio path runs in these checks.
_audio = types.ModuleType("torchaudio")
_audio.__spec__ = importlib.machinery.ModuleSpec("torchaudio", None)
sys.modules.setdefault("torchaudio", _audio)

from common import OUT, Results, cases, export_dir, files, read_jsonl, same, trained_runs  # noqa: E402

LF_CASES = (
    "chat", "chat_last", "sharegpt", "alpaca", "alpaca_sharded", "completion",
    "contracts_alpaca", "contracts_chat",
)  # fmt: skip


def _args(case: str, names: list[str]) -> tuple:  # type: ignore[type-arg]
    from llamafactory.hparams import get_train_args

    return get_train_args(
        {
            "model_name_or_path": str(OUT / "model"),
            "stage": "sft",
            "do_train": True,
            "finetuning_type": "lora",
            "dataset": ",".join(names),
            "dataset_dir": str(export_dir(case)),
            "template": "chatml",
            "cutoff_len": 8192,
            "output_dir": str(OUT / "lf" / case),
            "overwrite_cache": True,
            "overwrite_output_dir": True,
            "report_to": "none",
            "use_cpu": True,
        }
    )


def check(case: str) -> str:
    import llamafactory
    from llamafactory.data import get_dataset, get_template_and_fix_tokenizer
    from llamafactory.data.loader import _get_merged_dataset
    from llamafactory.model import load_tokenizer

    info = json.loads((export_dir(case) / "dataset_info.json").read_text("utf-8"))
    train_files = [n for s, n, _, _ in files(case) if s == "train"]
    names = [k for k, v in info.items() if v["file_name"] in train_files]
    same(len(names), len(train_files), "dataset_info entries for the train files")
    model_args, data_args, training_args, _, _ = _args(case, names)
    want = [row for s, _, _, rows in files(case) if s == "train" for row in rows]
    if case == "completion":  # the prompt string holds system prompt and history
        raw = [r for s, _, path, _ in files(case) if s == "train" for r in read_jsonl(path)]
        want = [
            {"system": None, "turns": [["user", r["prompt"]], ["assistant", r["completion"]]],
             "answers": [r["completion"]]}
            for r in raw
        ]  # fmt: skip
    # 1. the aligned (standard-format) rows: system prompt, history, answer
    aligned = _get_merged_dataset(names, model_args, data_args, training_args, "sft")
    same(len(aligned), len(want), "aligned rows")
    for i, row in enumerate(aligned):
        same(row["_system"] or None, want[i]["system"], f"row {i} system")
        turns = [[m["role"], m["content"]] for m in row["_prompt"] + row["_response"]]
        same(turns, want[i]["turns"], f"row {i} turns (history + query + response)")
    # 2. get_dataset: rendered with the template, labels on the answers only
    tokenizer = load_tokenizer(model_args)["tokenizer"]
    template = get_template_and_fix_tokenizer(tokenizer, data_args)
    module = get_dataset(template, model_args, data_args, training_args, "sft", tokenizer)
    ds = module["train_dataset"]
    same(len(ds), len(want), "tokenized rows")
    for i, row in enumerate(ds):
        mask = [x != -100 for x in row["labels"]]
        runs = trained_runs(
            lambda r: tokenizer.decode(r, skip_special_tokens=True), row["input_ids"], mask
        )
        # LLaMA-Factory trains every answer (no per-message weight; mask_history is off)
        same([r.strip() for r in runs if r.strip()], want[i]["answers"], f"row {i} trained spans")
    cols = sorted({c for n in names for c in info[n]["columns"]})
    return (
        f"{len(ds)} train rows via dataset {','.join(names)}: system, history and answers as "
        f"rendered; labels = the answers (columns {', '.join(cols)}; llamafactory "
        f"{llamafactory.__version__})"
    )


def check_file_name_list() -> str:
    """Issue 23 asked for one entry per split listing its shards: does 0.9.5 take a list?"""
    import shutil

    case = "alpaca_sharded"
    tmp = OUT / "lf" / "file-name-list"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(export_dir(case), tmp)
    info = json.loads((tmp / "dataset_info.json").read_text("utf-8"))
    shards = [v["file_name"] for k, v in info.items() if k.startswith("curate_train")]
    spec = dict(next(iter(info.values())), file_name=shards)
    (tmp / "dataset_info.json").write_text(json.dumps({"curate_train": spec}), "utf-8")
    from llamafactory.data.loader import _get_merged_dataset

    model_args, data_args, training_args, _, _ = _args(case, ["curate_train"])
    data_args.dataset_dir = str(tmp)
    try:
        _get_merged_dataset(["curate_train"], model_args, data_args, training_args, "sft")
    except Exception as exc:  # the answer we record
        return f"n/a: a file_name list is refused ({type(exc).__name__}: {exc}); curate writes one entry per shard"
    raise AssertionError("a file_name list loads: dataset_info could use one entry per split")


def check_adapter() -> str:
    import peft
    import transformers
    from peft import PeftModel
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(OUT / "adapter")
    text = tok.apply_chat_template(
        [{"role": "user", "content": "hi"}], tokenize=False, add_generation_prompt=True
    )
    assert text.endswith("<|im_start|>assistant\n"), text
    model = PeftModel.from_pretrained(
        AutoModelForCausalLM.from_pretrained(OUT / "model"), OUT / "adapter"
    )
    assert any("lora_" in k for k in model.state_dict())
    return (
        f"tokenizer ({type(tok).__name__}, chat template) and adapter load with transformers "
        f"{transformers.__version__}, peft {peft.__version__}"
    )


if __name__ == "__main__":
    res = Results("llamafactory")
    for case in cases():
        if case in LF_CASES:
            res.run(case, lambda case=case: check(case))
        else:
            res.run(
                case, lambda: "n/a: conversational prompt-completion has no LLaMA-Factory format"
            )
    res.run("file_name_list", check_file_name_list)
    res.run("adapter (transformers 4.x)", check_adapter)
    res.save()
