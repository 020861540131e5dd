"""Tokenize a conversation with the model's own chat template and mark the tokens to train.

The assistant spans are found by rendering the conversation up to each assistant turn with and
without that turn (and once with a sentinel in its place, which separates the turn's header from
its end-of-turn suffix). This works for any template — ChatML, Llama-3, templates without
``{% generation %}`` markers or without generation-prompt support — and trains exactly the
assistant text plus its end-of-turn marker. When a template closes an assistant turn with nothing
at all, the tokenizer's EOS is appended so the model learns to stop. BOS is added only when the
template does not render it and the tokenizer would (never twice).

Models without a chat template get ``DEFAULT_CHAT_TEMPLATE`` (saved with the adapter)::

    <bos>### System:\\n{system}\\n\\n### User:\\n{user}\\n\\n### Assistant:\\n{answer}<eos>\\n\\n
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DEFAULT_CHAT_TEMPLATE = (
    "{% if bos_token %}{{ bos_token }}{% endif %}"
    "{% for m in messages %}"
    "{% if m['role'] == 'system' %}{{ '### System:\\n' + m['content'] + '\\n\\n' }}"
    "{% elif m['role'] == 'user' %}{{ '### User:\\n' + m['content'] + '\\n\\n' }}"
    "{% elif m['role'] == 'assistant' %}{{ '### Assistant:\\n' + m['content'] + eos_token + '\\n\\n' }}"
    "{% else %}{{ '### ' + m['role'] | capitalize + ':\\n' + m['content'] + '\\n\\n' }}{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '### Assistant:\\n' }}{% endif %}"
)
SENTINEL = "\u2063CURATE\u2063SPAN\u2063"
SKIP_REASONS = ("answer_truncated", "no_trainable_tokens", "template_error", "template_mismatch")


def ensure_chat_template(tokenizer: Any) -> str:
    """Give a template-less tokenizer the documented default; return ``model`` or ``default``."""
    if getattr(tokenizer, "chat_template", None):
        return "model"
    tokenizer.chat_template = DEFAULT_CHAT_TEMPLATE
    return "default"


@dataclass
class Encoded:
    """Token ids and, per token, whether the loss is taken on it."""

    input_ids: list[int]
    trained: list[bool]
    line: int = 0

    def __len__(self) -> int:
        return len(self.input_ids)


@dataclass
class TemplateInfo:
    """Facts about a tokenizer's template learned while encoding (reported in the card)."""

    adds_bos: bool
    eos_appended: int = 0
    end_markers: set[str] = field(default_factory=set)


class TemplateSkip(Exception):
    """An example the template cannot be used on; ``reason`` is one of SKIP_REASONS."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def template_info(tokenizer: Any) -> TemplateInfo:
    """Whether this tokenizer puts BOS in front of plain text (the model expects one then)."""
    bos = tokenizer.bos_token_id
    probe = tokenizer("a", add_special_tokens=True)["input_ids"]
    return TemplateInfo(adds_bos=bos is not None and bool(probe) and probe[0] == bos)


def _render(tokenizer: Any, messages: list[dict[str, str]], gen: bool = False) -> str:
    if not messages:
        try:
            return str(tokenizer.apply_chat_template([], tokenize=False, add_generation_prompt=gen))
        except Exception:
            return ""
    return str(tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=gen))


def assistant_parts(tokenizer: Any, prefix: list[dict[str, str]]) -> tuple[str, str, str]:
    """(rendered prefix, the assistant header, the end-of-turn suffix) after ``prefix``."""
    before = _render(tokenizer, prefix)
    with_sentinel = _render(tokenizer, [*prefix, {"role": "assistant", "content": SENTINEL}])
    at = with_sentinel.find(SENTINEL, len(before))
    if not with_sentinel.startswith(before) or at < 0:
        raise TemplateSkip("template_mismatch")
    return before, with_sentinel[len(before) : at], with_sentinel[at + len(SENTINEL) :]


def generation_prompt(tokenizer: Any, messages: list[dict[str, str]]) -> str:
    """The prompt text to generate the next assistant turn, also for templates that ignore
    ``add_generation_prompt`` (their assistant header is appended by hand)."""
    plain = _render(tokenizer, messages)
    with_gen = _render(tokenizer, messages, gen=True)
    if with_gen != plain:
        return with_gen
    before, header, _ = assistant_parts(tokenizer, messages)
    return before + header


def encode(
    tokenizer: Any,
    messages: list[dict[str, str]] | tuple[dict[str, str], ...],
    weights: tuple[int, ...] | None,
    max_tokens: int,
    info: TemplateInfo,
) -> Encoded:
    """Encode one conversation; raise TemplateSkip when it cannot be trained as is."""
    msgs = list(messages)
    weights = weights or tuple(1 for _ in msgs)
    try:
        full = _render(tokenizer, msgs)
        spans: list[tuple[int, int]] = []
        inserts: list[int] = []  # positions where EOS text must be inserted
        cursor = 0
        for i, m in enumerate(msgs):
            if m["role"] != "assistant" or not weights[i]:
                continue
            before, header, suffix = assistant_parts(tokenizer, msgs[:i])
            turn = _render(tokenizer, msgs[: i + 1])
            delta = turn[len(before) :]
            if not (
                turn.startswith(before) and delta.startswith(header) and delta.endswith(suffix)
            ):
                raise TemplateSkip("template_mismatch")
            body = delta[len(header) : len(delta) - len(suffix)]
            marker = suffix.rstrip()
            piece = header + body + marker
            at = len(before) if full.startswith(turn) else full.find(piece, cursor)
            if at < 0:
                raise TemplateSkip("template_mismatch")
            start, end = at + len(header), at + len(piece)
            spans.append((start, end))
            cursor = end
            if marker:
                info.end_markers.add(marker)
            elif tokenizer.eos_token:
                inserts.append(end)
    except TemplateSkip:
        raise
    except Exception as exc:  # a template that raises on this conversation (role order, ...)
        raise TemplateSkip("template_error") from exc
    if inserts:
        full, spans = _insert_eos(full, spans, inserts, tokenizer.eos_token)
        info.eos_appended += len(inserts)
    enc = tokenizer(full, add_special_tokens=False, return_offsets_mapping=True)
    ids: list[int] = list(enc["input_ids"])
    offsets: list[tuple[int, int]] = [tuple(o) for o in enc["offset_mapping"]]
    bos = tokenizer.bos_token_id
    if info.adds_bos and (not ids or ids[0] != bos):
        ids, offsets = [bos, *ids], [(0, 0), *offsets]
    while len(ids) > 1 and bos is not None and ids[0] == bos and ids[1] == bos:
        ids, offsets = ids[1:], offsets[1:]
    trained = _mark(offsets, spans)
    if not any(trained):
        raise TemplateSkip("no_trainable_tokens")
    if len(ids) > max_tokens:
        if any(trained[max_tokens:]):
            raise TemplateSkip("answer_truncated")
        ids, trained = ids[:max_tokens], trained[:max_tokens]
    return Encoded(ids, trained)


def _insert_eos(
    text: str, spans: list[tuple[int, int]], inserts: list[int], eos: str
) -> tuple[str, list[tuple[int, int]]]:
    """Insert ``eos`` at each position in ``inserts`` (span ends) and shift the spans."""
    points = set(inserts)
    out: list[str] = []
    new_spans: list[tuple[int, int]] = []
    last = shift = 0
    for s, e in spans:
        grow = len(eos) if e in points else 0
        new_spans.append((s + shift, e + shift + grow))
        if grow:
            out.append(text[last:e] + eos)
            last, shift = e, shift + grow
    out.append(text[last:])
    return "".join(out), new_spans


def _mark(offsets: list[tuple[int, int]], spans: list[tuple[int, int]]) -> list[bool]:
    """True for tokens whose characters overlap an assistant span (spans are sorted)."""
    trained = [False] * len(offsets)
    k = 0
    for t, (s, e) in enumerate(offsets):
        if e <= s:
            continue
        while k < len(spans) and spans[k][1] <= s:
            k += 1
        if k < len(spans) and s < spans[k][1] and e > spans[k][0]:
            trained[t] = True
    return trained


def encode_prompt(tokenizer: Any, messages: list[dict[str, str]]) -> list[int]:
    """Token ids of a generation prompt, with the same BOS rule as training."""
    ensure_chat_template(tokenizer)
    ids: list[int] = list(
        tokenizer(generation_prompt(tokenizer, messages), add_special_tokens=False)["input_ids"]
    )
    bos = tokenizer.bos_token_id
    if template_info(tokenizer).adds_bos and (not ids or ids[0] != bos):
        ids = [bos, *ids]
    while len(ids) > 1 and bos is not None and ids[0] == ids[1] == bos:
        ids = ids[1:]
    return ids
