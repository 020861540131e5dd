"""Assistant-span masking on three chat-template styles, with tokenizers trained here.

Also home of the tiny-tokenizer/tiny-model builders the other training tests import.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("transformers")

from curate.train.masking import (
    DEFAULT_CHAT_TEMPLATE,
    TemplateSkip,
    encode,
    encode_prompt,
    ensure_chat_template,
    template_info,
)

INIT = 0.2  # large enough that LoRA on a random base learns in a few dozen steps
DATA = Path(__file__).parent / "data" / "train" / "chat"
SPECIALS = [
    "<pad>",
    "<s>",
    "</s>",
    "<|im_start|>",
    "<|im_end|>",
    "<|begin_of_text|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eot_id|>",
]

CHATML = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{% endif %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
LLAMA3 = (
    "{{ bos_token }}{% for message in messages %}"
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
)
# No generation markers, no add_generation_prompt support, no end-of-turn token.
PLAIN = (
    "{% for message in messages %}{% if message['role'] == 'user' %}{{ 'Question:\\n' + message['content'] + '\\n' }}"
    "{% elif message['role'] == 'assistant' %}{{ 'Answer:\\n' + message['content'] + '\\n' }}"
    "{% else %}{{ message['content'] + '\\n' }}{% endif %}{% endfor %}"
)
STYLES: dict[str, dict[str, Any]] = {
    "chatml": {
        "template": CHATML,
        "bos": None,
        "eos": "<|im_end|>",
        "pad": "<|im_end|>",
        "end": "<|im_end|>",
    },
    "llama3": {
        "template": LLAMA3,
        "bos": "<|begin_of_text|>",
        "eos": "<|eot_id|>",
        "pad": "<pad>",
        "end": "<|eot_id|>",
        "add_bos": True,
    },
    "plain": {
        "template": PLAIN,
        "bos": "<s>",
        "eos": "</s>",
        "pad": "<pad>",
        "end": "</s>",
        "add_bos": True,
    },
    "none": {"template": None, "bos": "<s>", "eos": "</s>", "pad": "<pad>", "end": "</s>"},
}


def conversations() -> list[dict[str, Any]]:
    return [json.loads(line) for line in (DATA / "train.jsonl").read_text().splitlines()]


def build_tokenizer(style: str) -> Any:
    """A byte-level BPE trained on the test data, wrapped as a transformers tokenizer."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    spec = STYLES[style]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    corpus = [m["content"] for c in conversations() for m in c["messages"]]
    corpus += [
        "Question: Answer: system user assistant You are a helpful assistant. Are you sure?"
    ] * 3
    trainer = trainers.BpeTrainer(
        vocab_size=400,
        special_tokens=SPECIALS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(corpus, trainer)
    if spec.get("add_bos"):
        bos = spec["bos"]
        tok.post_processor = processors.TemplateProcessing(
            single=f"{bos} $A",
            pair=f"{bos} $A {bos} $B",
            special_tokens=[(bos, tok.token_to_id(bos))],
        )
    else:
        tok.post_processor = processors.ByteLevel(trim_offsets=False)
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token=spec["bos"], eos_token=spec["eos"], pad_token=spec["pad"]
    )
    if spec["template"]:
        fast.chat_template = spec["template"]
    return fast


def build_model_dir(root: Path, style: str, seed: int = 0) -> Path:
    """A tiny random Llama-style model saved with the ``style`` tokenizer."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = build_tokenizer(style)
    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=len(tokenizer),
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        max_position_embeddings=256,
        bos_token_id=tokenizer.bos_token_id,
        eos_token_id=tokenizer.eos_token_id,
        pad_token_id=tokenizer.pad_token_id,
        tie_word_embeddings=False,
        initializer_range=INIT,
    )
    path = root / style
    LlamaForCausalLM(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def trained_runs(tokenizer: Any, ids: list[int], trained: list[bool]) -> list[str]:
    """Decoded text of each run of consecutive trained tokens."""
    runs: list[list[int]] = []
    for i, t in enumerate(trained):
        if t and (i == 0 or not trained[i - 1]):
            runs.append([])
        if t:
            runs[-1].append(ids[i])
    return [tokenizer.decode(r, skip_special_tokens=False) for r in runs]


@pytest.fixture(scope="module", params=sorted(STYLES))
def styled(request: pytest.FixtureRequest) -> tuple[str, Any]:
    tok = build_tokenizer(request.param)
    ensure_chat_template(tok)
    return request.param, tok


def test_trained_spans_are_exactly_assistant_turns_plus_end_of_turn(
    styled: tuple[str, Any],
) -> None:
    style, tok = styled
    info = template_info(tok)
    end = STYLES[style]["end"]
    for conv in conversations():
        msgs = conv["messages"]
        enc = encode(tok, msgs, None, 512, info)
        expected = [m["content"].strip() + end for m in msgs if m["role"] == "assistant"]
        assert trained_runs(tok, enc.input_ids, enc.trained) == expected
    if style == "plain":
        assert info.eos_appended > 0  # the template ends answers with nothing: EOS was added


def test_bos_exactly_once(styled: tuple[str, Any]) -> None:
    _, tok = styled
    info = template_info(tok)
    enc = encode(tok, conversations()[0]["messages"], None, 512, info)
    bos = tok.bos_token_id
    if bos is None:
        return
    assert enc.input_ids.count(bos) == 1 and enc.input_ids[0] == bos
    prompt = encode_prompt(tok, conversations()[0]["messages"][:1])
    assert prompt.count(bos) == 1 and prompt[0] == bos


def test_weight_zero_turn_is_not_trained(styled: tuple[str, Any]) -> None:
    _, tok = styled
    msgs = [
        {"role": "user", "content": "What color is the sky?"},
        {"role": "assistant", "content": "The sky is green."},
        {"role": "user", "content": "Are you sure about the sky?"},
        {"role": "assistant", "content": "Yes, the sky is blue."},
    ]
    enc = encode(tok, msgs, (1, 0, 1, 1), 512, template_info(tok))
    runs = trained_runs(tok, enc.input_ids, enc.trained)
    assert len(runs) == 1 and "blue" in runs[0] and "green" not in "".join(runs)
    with pytest.raises(TemplateSkip) as skip:
        encode(tok, msgs, (1, 0, 1, 0), 512, template_info(tok))
    assert skip.value.reason == "no_trainable_tokens"


def test_answer_cut_by_max_tokens_is_skipped(styled: tuple[str, Any]) -> None:
    _, tok = styled
    msgs = conversations()[0]["messages"]
    info = template_info(tok)
    full = encode(tok, msgs, None, 512, info)
    last = max(i for i, t in enumerate(full.trained) if t) + 1  # the end-of-turn token
    kept = encode(tok, msgs, None, last, info)  # only untrained tail tokens are cut
    assert kept.input_ids == full.input_ids[:last] and kept.trained[-1]
    with pytest.raises(TemplateSkip) as skip:
        encode(tok, msgs, None, last - 1, info)
    assert skip.value.reason == "answer_truncated"


def test_generation_prompt_ends_with_assistant_header(styled: tuple[str, Any]) -> None:
    style, tok = styled
    text = tok.decode(encode_prompt(tok, [{"role": "user", "content": "What color is the sun?"}]))
    header = {
        "chatml": "<|im_start|>assistant\n",
        "llama3": "assistant<|end_header_id|>\n\n",
        "plain": "Answer:\n",
        "none": "### Assistant:\n",
    }[style]
    assert text.endswith(header)


def test_default_template_only_when_missing() -> None:
    tok = build_tokenizer("none")
    assert ensure_chat_template(tok) == "default" and tok.chat_template == DEFAULT_CHAT_TEMPLATE
    tok = build_tokenizer("chatml")
    assert ensure_chat_template(tok) == "model" and tok.chat_template == CHATML


def test_template_that_rejects_a_conversation_is_skipped_with_reason() -> None:
    tok = build_tokenizer("chatml")
    tok.chat_template = "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('no system') }}{% endif %}{{ m['content'] }}{% endfor %}"
    msgs = [
        {"role": "system", "content": "x"},
        {"role": "user", "content": "a"},
        {"role": "assistant", "content": "b"},
    ]
    with pytest.raises(TemplateSkip) as skip:
        encode(tok, msgs, None, 512, template_info(tok))
    assert skip.value.reason == "template_error"
