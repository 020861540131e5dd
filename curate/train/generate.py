"""`curate generate`: the base model's and the tuned model's answers, side by side.

The prompt is rendered with the tokenizer and chat template saved with the adapter, i.e. exactly
what training used; the base answer comes from the same model with the adapter disabled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curate.errors import UsageError
from curate.train.models import ALIASES


@dataclass
class Answer:
    """One prompt with the base and tuned answers (and the reference answer for val samples)."""

    prompt: str
    base: str
    tuned: str
    reference: str | None = None


def _prompts_from_val(data_dir: Path, n: int) -> list[tuple[list[dict[str, str]], str | None]]:
    from curate.train.data import read_split, split_files

    if not split_files(data_dir, "val"):
        raise UsageError(f"val_samples: {data_dir} has no val.jsonl", param="val_samples")
    out: list[tuple[list[dict[str, str]], str | None]] = []
    for conv in read_split(data_dir, "val")[:n]:
        msgs = list(conv.messages)
        last = max(i for i, m in enumerate(msgs) if m["role"] == "assistant")
        out.append((msgs[:last], msgs[last]["content"]))
    return out


def adapter_base_model(adapter: Path) -> str:
    """The base model an adapter was trained on, from its training card or adapter config."""
    card = adapter / "training_card.json"
    if card.exists():
        base = json.loads(card.read_text("utf-8"))["base_model"]
        return str(base["spec"] if base["spec"] in ALIASES else base["path"])
    config = adapter / "adapter_config.json"
    if config.exists():
        return str(json.loads(config.read_text("utf-8"))["base_model_name_or_path"])
    raise UsageError(f"{adapter} is not an adapter directory (no adapter_config.json)")


def _require_lora(adapter: Path) -> None:
    """curate trains LoRA adapters only; any other adapter type is refused before peft reads it."""
    path = adapter / "adapter_config.json"
    try:
        peft_type = json.loads(path.read_text("utf-8")).get("peft_type")
    except (OSError, ValueError, AttributeError) as exc:
        raise UsageError(
            f"adapter {adapter}: unreadable {path.name} ({exc})", param="adapter"
        ) from exc
    if peft_type != "LORA":
        raise UsageError(
            f"adapter {adapter}: {path.name} has peft_type {peft_type!r}; "
            "curate loads LoRA adapters only",
            param="adapter",
        )


def generate(
    adapter: str | Path,
    prompts: list[str] | None = None,
    *,
    model: str | None = None,
    data_dir: str | Path | None = None,
    val_samples: int = 0,
    max_new_tokens: int = 128,
    device: str = "auto",
) -> list[Answer]:
    """Greedy answers of the base model and base + adapter for each prompt."""
    from curate.train.masking import encode_prompt
    from curate.train.models import (
        load_model,
        load_tokenizer,
        no_stdin,
        pick_device,
        require_train_deps,
        resolve_model,
    )

    adapter = Path(adapter)
    if not (adapter / "adapter_config.json").exists():
        raise UsageError(
            f"adapter {adapter}: no adapter_config.json (not a folder curate train or peft saved)",
            param="adapter",
        )
    _require_lora(adapter)  # other peft types may load tokenizers or pickles named in the config
    items: list[tuple[list[dict[str, str]], str | None]] = [
        ([{"role": "user", "content": p}], None) for p in prompts or []
    ]
    if val_samples:
        if data_dir is None:
            raise UsageError("val_samples needs data_dir", param="val_samples")
        items += _prompts_from_val(Path(data_dir), val_samples)
    if not items:
        raise UsageError("give a PROMPT or --val-samples N")
    require_train_deps()
    import torch
    from peft import PeftModel

    dev = pick_device(device)
    base_path = resolve_model(model or adapter_base_model(adapter))
    tokenizer = load_tokenizer(adapter)
    base = load_model(
        base_path, dtype=torch.bfloat16 if dev == "cuda" else torch.float32, device=dev
    )
    with no_stdin():
        # peft's generate is untyped: Any keeps mypy --strict quiet without an ignore
        tuned: Any = PeftModel.from_pretrained(base, str(adapter), is_trainable=False).eval()
    stop = [t for t in {tokenizer.eos_token_id, *_end_ids(adapter, tokenizer)} if t is not None]
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else stop[0] if stop else 0

    def run(ids: list[int]) -> str:
        x = torch.tensor([ids], device=dev)
        out = tuned.generate(
            input_ids=x,
            attention_mask=torch.ones_like(x),
            max_new_tokens=max_new_tokens,
            do_sample=False,
            eos_token_id=stop or None,
            pad_token_id=pad,
        )
        return str(tokenizer.decode(out[0, len(ids) :], skip_special_tokens=True)).strip()

    answers = []
    with torch.no_grad():
        for msgs, ref in items:
            ids = encode_prompt(tokenizer, msgs)
            with tuned.disable_adapter():
                base_answer = run(ids)
            answers.append(Answer(msgs[-1]["content"] if msgs else "", base_answer, run(ids), ref))
    return answers


def _end_ids(adapter: Path, tokenizer: Any) -> list[int]:
    """Token ids of the end-of-turn markers recorded at training time (e.g. <|eot_id|>)."""
    card = adapter / "training_card.json"
    if not card.exists():
        return []
    ids = []
    for marker in json.loads(card.read_text("utf-8"))["chat_template"]["end_of_turn"]:
        tok = tokenizer.convert_tokens_to_ids(marker)
        if isinstance(tok, int) and tok != tokenizer.unk_token_id:
            ids.append(tok)
    return ids


def greedy_generate(
    model: Any,
    prompts: list[list[int]],
    *,
    max_new_tokens: int,
    stop_ids: list[int],
    pad_id: int,
    batch_size: int = 8,
    device: str = "cpu",
    on_batch: Any = None,
) -> list[list[int]]:
    """Greedy continuations (token ids, stop token excluded) of many prompts, batched.

    Prompts are grouped by length (little padding), left-padded with matching position ids,
    and decoded one token per step from the KV cache; a row that has stopped leaves the batch
    (its cache rows are dropped), so the last long answer does not drag finished rows along.
    ``on_batch(done, total, tokens)`` hears progress after each batch (prompts done, of
    total, and tokens generated so far). Same tokens as ``model.generate(do_sample=False)``.
    """
    import torch

    order = sorted(range(len(prompts)), key=lambda i: (len(prompts[i]), i))
    results: list[list[int]] = [[] for _ in prompts]
    stop = set(stop_ids)
    generated = 0
    with torch.no_grad():
        for k in range(0, len(order), batch_size):
            idx = order[k : k + batch_size]
            outs = _greedy_batch(
                model, [prompts[i] for i in idx], max_new_tokens, stop, pad_id, device
            )
            for i, o in zip(idx, outs, strict=True):
                results[i] = o
                generated += len(o)
            if on_batch is not None:
                on_batch(min(k + batch_size, len(order)), len(order), generated)
    return results


def _greedy_batch(
    model: Any, batch: list[list[int]], max_new: int, stop: set[int], pad: int, device: str
) -> list[list[int]]:
    import torch
    from transformers import DynamicCache

    longest = max(len(p) for p in batch)
    ids = torch.full((len(batch), longest), pad, dtype=torch.long)
    mask = torch.zeros((len(batch), longest), dtype=torch.long)
    for r, p in enumerate(batch):
        if p:
            ids[r, longest - len(p) :] = torch.tensor(p)
            mask[r, longest - len(p) :] = 1
    ids, mask = ids.to(device), mask.to(device)
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    key = _cache_keyword(model)
    cache = DynamicCache()
    out = model(
        input_ids=ids,
        attention_mask=mask,
        position_ids=positions,
        use_cache=True,
        logits_to_keep=1,
        **{key: cache},
    )  # the model fills ``cache`` in place (reading it back off ``out`` warns in transformers 5)
    token = out.logits[:, -1].argmax(-1)
    last = positions[:, -1]
    rows = list(range(len(batch)))  # batch row of each live cache row
    generated: list[list[int]] = [[] for _ in batch]
    for step in range(max_new):
        picked = token.tolist()
        keep = []
        for j, (row, t) in enumerate(zip(rows, picked, strict=True)):
            if t in stop:
                continue
            generated[row].append(t)
            keep.append(j)
        if not keep or step == max_new - 1:
            break
        if len(keep) < len(rows):
            sel = torch.tensor(keep, device=device)
            cache.batch_select_indices(sel)
            mask, token, last = mask[sel], token[sel], last[sel]
            rows = [rows[j] for j in keep]
        mask = torch.cat([mask, mask.new_ones((len(rows), 1))], dim=1)
        last = last + 1
        out = model(
            input_ids=token[:, None],
            attention_mask=mask,
            position_ids=last[:, None],
            use_cache=True,
            **{key: cache},
        )
        token = out.logits[:, -1].argmax(-1)
    return generated


def _cache_keyword(model: Any) -> str:
    """The forward keyword of the KV cache: ``cache`` in newer transformers (which warn about
    ``past_key_values``), ``past_key_values`` before."""
    import inspect

    inner = model.get_base_model() if hasattr(model, "get_base_model") else model
    return "cache" if "cache" in inspect.signature(inner.forward).parameters else "past_key_values"
