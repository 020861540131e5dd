"""What makes a saved adapter usable on another machine: the hub id of its base model, a model
card (README.md) and a tokenizer_config.json that transformers 4.x and 5.x both load.

peft records ``base_model_name_or_path`` from the loaded model, which for the bundled GGUF is a
machine-local cache folder of its dequantized conversion; ``PeftModel.from_pretrained`` on
another machine cannot find it. We record the hub model the weights correspond to (the local
path stays in training_card.json). transformers 5 saves ``"tokenizer_class":
"TokenizersBackend"``, a class transformers 4 does not have; ``PreTrainedTokenizerFast`` reads
the same tokenizer.json in both.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

# model aliases and the hub repository whose weights they are (the GGUF is a quantization of it)
HUB_IDS = {"smollm2": "HuggingFaceTB/SmolLM2-135M-Instruct"}
_HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*/[\w.-]+")
_CACHE_DIR = re.compile(r"models--([\w.-]+)--([\w.-]+)")
# keys transformers 5 writes that transformers 4 would pass on to the tokenizer as arguments
_V5_ONLY = ("backend", "is_local", "local_files_only")


def hub_id(spec: str, model_path: Path | str) -> str | None:
    """The hub id the base model corresponds to, when known: an alias's source repository,
    a hub id given as --model, or a Hugging Face cache snapshot folder (models--org--name)."""
    if spec in HUB_IDS:
        return HUB_IDS[spec]
    if isinstance(model_path, str) and not Path(model_path).exists():
        return model_path if _HUB_ID.fullmatch(model_path) else None
    found = _CACHE_DIR.search(str(model_path))
    if found:
        return f"{found.group(1)}/{found.group(2)}"
    if _HUB_ID.fullmatch(spec) and not Path(spec).exists():
        return spec
    return None


def portable_tokenizer_config(folder: Path, chat_template: str | None) -> None:
    """Rewrite ``folder/tokenizer_config.json`` so transformers 4.4x and 5.x both load it:
    a class both know, no 5.x-only keys, and the chat template inline (4.4x does not read
    chat_template.jinja)."""
    path = folder / "tokenizer_config.json"
    config: dict[str, Any] = json.loads(path.read_text("utf-8"))
    if config.get("tokenizer_class") in (None, "TokenizersBackend"):
        config["tokenizer_class"] = "PreTrainedTokenizerFast"
    for key in _V5_ONLY:
        config.pop(key, None)
    if chat_template and "chat_template" not in config:
        config["chat_template"] = chat_template
    path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", "utf-8")


def _fmt(value: Any) -> str:
    return f"{value:.4f}" if isinstance(value, float) else str(value)


def model_card(card: dict[str, Any], base: str) -> str:
    """README.md for the adapter folder: what it is, on what data, how well, how to load it."""
    data = card["data"]
    metrics = card["metrics"]
    ex = card["examples"]
    cfg = card["config"]
    task = card.get("task") or {}
    files = "\n".join(f"| `{name}` | `{digest}` |" for name, digest in data["sha256"].items())
    rows = "\n".join(f"| {k} | {_fmt(v)} |" for k, v in metrics.items() if v is not None)
    skipped = ", ".join(f"{k}: {v}" for k, v in ex["skipped"].items()) or "none"
    what = ", ".join(
        f"{label} {value}"
        for label, value in (
            ("schema", f"`{task['schema']}`" if task.get("schema") else None),
            ("tasks", ", ".join(task.get("tasks") or []) or None),
            ("format", task.get("format")),
        )
        if value
    )
    source = f"a curate export ({what})" if what else "a curate export"
    return f"""---
base_model: {base}
library_name: peft
pipeline_tag: text-generation
tags:
- lora
- curate
- sft
---

# LoRA adapter for {base}

Trained by [curate](https://pypi.org/project/curate/) with LoRA (r={cfg["lora_r"]},
alpha={cfg["lora_alpha"]}) on the assistant turns only of {source}.

## Data

{ex["train"]} training and {ex["val"]} validation examples (skipped: {skipped}).

| file | sha256 |
|---|---|
{files}

## Metrics

| metric | value |
|---|---|
{rows}

## How to load

```python
from peft import PeftModel
from transformers import AutoModelForCausalLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained("path/to/this/folder")  # the template used in training
model = AutoModelForCausalLM.from_pretrained("{base}")
model = PeftModel.from_pretrained(model, "path/to/this/folder")
messages = [{{"role": "user", "content": "..."}}]
inputs = tokenizer.apply_chat_template(
    messages, add_generation_prompt=True, return_dict=True, return_tensors="pt"
)
out = model.generate(**inputs, max_new_tokens=128)
print(tokenizer.decode(out[0][inputs["input_ids"].shape[1]:], skip_special_tokens=True))
```

Render prompts with this folder's tokenizer: its chat template is the one training used.
The full record (config, versions, template hash) is in `training_card.json`.
"""


def task_summary(data: Path) -> dict[str, Any]:
    """Schema, tasks and format of the export trained on, from its manifest (if readable)."""
    try:
        manifest = json.loads((data / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    schema = manifest.get("schema")
    tasks = manifest.get("tasks")
    return {
        "schema": schema.get("name") if isinstance(schema, dict) else schema,
        "tasks": sorted(tasks) if isinstance(tasks, dict | list) else None,
        "format": manifest.get("format"),
    }


def write_portable(
    out: Path, model: Any, tokenizer: Any, card: dict[str, Any], base: str | None
) -> None:
    """After the adapter and tokenizer are saved: point adapter_config.json at the hub id,
    make the tokenizer config load in transformers 4 and 5, and write README.md."""
    config_path = out / "adapter_config.json"
    if base is not None and config_path.exists():
        config = json.loads(config_path.read_text("utf-8"))
        config["base_model_name_or_path"] = base
        config_path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", "utf-8")
    portable_tokenizer_config(out, getattr(tokenizer, "chat_template", None))
    shown = base or str(card["base_model"]["path"])
    (out / "README.md").write_text(model_card(card, shown), "utf-8")
