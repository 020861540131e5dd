"""Output formats of `curate export`: one Pydantic model per format, and conversions.

Export renders every example to a list of chat messages first (``{"role", "content"}`` dicts,
optionally ``weight``), then converts it here, so all formats carry the same conversation:

* ``chat``: OpenAI chat JSONL, ``{"messages": [...]}`` (multi-turn, per-assistant ``weight``,
  ``tools`` / ``tool_calls`` passed through).
* ``sharegpt``: ``{"conversations": [{"from": "human"|"gpt", "value"}], "system"}``.
* ``alpaca``: ``{"instruction", "input", "output", "system", "history"}`` (LLaMA-Factory's
  multi-turn alpaca: earlier exchanges go to ``history``).
* ``completion``: TRL prompt-completion, standard (strings) or conversational (message lists).

The models forbid unknown keys, so a line holds only the format's own keys (plus ``metadata``
when asked), which is what trainers that fail on unexpected columns need.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, NotRequired

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter
from typing_extensions import TypedDict  # pydantic needs this one before Python 3.12

FORMATS = ("chat", "sharegpt", "alpaca", "completion")
COMPLETION_STYLES = ("standard", "conversational")
Format = Literal["chat", "sharegpt", "alpaca", "completion"]
Message = dict[str, Any]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Metadata(_Model):
    """Where a line came from, so any example can be traced to its source row."""

    record_id: str
    id: str
    source: str
    cluster_id: str | None = None
    split: str


class ChatMessage(_Model):
    """A chat message. Rules across fields (null content only with tool_calls, weight only on
    assistant turns) are per-line checks of curate.validate, kept out of here for speed."""

    role: Literal["system", "user", "assistant", "tool"]
    content: str | None = Field(default=None, pattern=r"\S")  # not blank
    weight: Literal[0, 1] | None = None
    tool_calls: list[dict[str, Any]] | None = None
    tool_call_id: str | None = None
    name: str | None = None


class ChatExample(_Model):
    messages: list[ChatMessage] = Field(min_length=2)
    tools: list[dict[str, Any]] | None = None
    metadata: Metadata | None = None


class ShareGPTTurn(_Model):
    from_: Literal["human", "gpt", "function_call", "observation"] = Field(alias="from")
    value: str = Field(min_length=1)


class ShareGPTExample(_Model):
    conversations: list[ShareGPTTurn] = Field(min_length=2)
    system: str | None = None
    tools: str | None = None
    metadata: Metadata | None = None


class AlpacaExample(_Model):
    instruction: str = Field(min_length=1)
    input: str = ""
    output: str = Field(min_length=1)
    system: str | None = None
    history: list[tuple[str, str]] | None = None
    metadata: Metadata | None = None


class CompletionExample(_Model):
    prompt: str = Field(min_length=1)
    completion: str = Field(min_length=1)
    metadata: Metadata | None = None


class ConversationalCompletionExample(_Model):
    prompt: list[ChatMessage] = Field(min_length=1)
    completion: list[ChatMessage] = Field(min_length=1)
    metadata: Metadata | None = None


def model_for(fmt: str, style: str = "standard") -> type[_Model]:
    if fmt == "completion":
        return ConversationalCompletionExample if style == "conversational" else CompletionExample
    models: dict[str, type[_Model]] = {
        "chat": ChatExample,
        "sharegpt": ShareGPTExample,
        "alpaca": AlpacaExample,
    }
    return models[fmt]


# -- batch validation ------------------------------------------------------------------------
# The same rules as the models above, as TypedDicts: pydantic-core checks a whole batch of plain
# dicts in one call without building a model instance per line and per message (5x faster).
# tests/test_export.py checks that both accept and reject the same lines.

_FORBID = ConfigDict(extra="forbid")
_Text = Annotated[str, StringConstraints(min_length=1)]


class _MetadataDict(TypedDict):
    __pydantic_config__ = _FORBID  # type: ignore[misc]
    record_id: str
    id: str
    source: str
    cluster_id: NotRequired[str | None]
    split: str


class _ChatMessageDict(TypedDict):
    __pydantic_config__ = _FORBID  # type: ignore[misc]
    role: Literal["system", "user", "assistant", "tool"]
    content: NotRequired[Annotated[str, StringConstraints(pattern=r"\S")] | None]
    weight: NotRequired[Literal[0, 1] | None]
    tool_calls: NotRequired[list[dict[str, Any]] | None]
    tool_call_id: NotRequired[str | None]
    name: NotRequired[str | None]


class _ChatDict(TypedDict):
    __pydantic_config__ = _FORBID  # type: ignore[misc]
    messages: Annotated[list[_ChatMessageDict], Field(min_length=2)]
    tools: NotRequired[list[dict[str, Any]] | None]
    metadata: NotRequired[_MetadataDict | None]


_ShareGPTTurnDict = TypedDict(
    "_ShareGPTTurnDict",
    {"from": Literal["human", "gpt", "function_call", "observation"], "value": _Text},
)
_ShareGPTTurnDict.__pydantic_config__ = _FORBID  # type: ignore[attr-defined]


class _ShareGPTDict(TypedDict):
    __pydantic_config__ = _FORBID  # type: ignore[misc]
    conversations: Annotated[list[_ShareGPTTurnDict], Field(min_length=2)]
    system: NotRequired[str | None]
    tools: NotRequired[str | None]
    metadata: NotRequired[_MetadataDict | None]


class _AlpacaDict(TypedDict):
    __pydantic_config__ = _FORBID  # type: ignore[misc]
    instruction: _Text
    input: NotRequired[str]
    output: _Text
    system: NotRequired[str | None]
    history: NotRequired[list[tuple[str, str]] | None]
    metadata: NotRequired[_MetadataDict | None]


class _CompletionDict(TypedDict):
    __pydantic_config__ = _FORBID  # type: ignore[misc]
    prompt: _Text
    completion: _Text
    metadata: NotRequired[_MetadataDict | None]


class _ConversationalCompletionDict(TypedDict):
    __pydantic_config__ = _FORBID  # type: ignore[misc]
    prompt: Annotated[list[_ChatMessageDict], Field(min_length=1)]
    completion: Annotated[list[_ChatMessageDict], Field(min_length=1)]
    metadata: NotRequired[_MetadataDict | None]


_BATCH_TYPES: dict[type[_Model], Any] = {
    ChatExample: _ChatDict,
    ShareGPTExample: _ShareGPTDict,
    AlpacaExample: _AlpacaDict,
    CompletionExample: _CompletionDict,
    ConversationalCompletionExample: _ConversationalCompletionDict,
}
_ADAPTERS: dict[type[_Model], TypeAdapter[Any]] = {}


def validate_batch(rows: list[dict[str, Any]], fmt: str, style: str = "standard") -> None:
    """Validate many converted examples at once against the format's rules (one pydantic-core
    call, no model instances; raises ValidationError with the same locations as the model)."""
    model = model_for(fmt, style)
    adapter = _ADAPTERS.get(model)
    if adapter is None:
        adapter = _ADAPTERS[model] = TypeAdapter(list[_BATCH_TYPES[model]])  # type: ignore[valid-type]
    adapter.validate_python(rows)


# -- conversion ------------------------------------------------------------------------------


def _split_system(messages: list[Message]) -> tuple[str | None, list[Message]]:
    if messages and messages[0]["role"] == "system":
        return messages[0]["content"], messages[1:]
    return None, messages


def _pairs(turns: list[Message]) -> list[tuple[str, str]]:
    """(user, assistant) exchanges; export guarantees strict alternation starting with user."""
    return [(turns[i]["content"], turns[i + 1]["content"]) for i in range(0, len(turns) - 1, 2)]


def plain_prompt(messages: list[Message]) -> str:
    """The string prompt (messages before the answer) for standard prompt-completion; TRL
    appends the completion to it directly and trains on the completion's tokens only.

    The prompt ends in exactly one newline after a non-blank character: a run of trailing
    whitespace ("\n\n", ": ") is one token when the prompt is tokenized alone but splits
    or merges differently once the answer follows (byte-level BPE gives ``ĊĊ`` alone,
    ``Ċ`` ``Ċ`` ``Sorry`` with the answer), so the model would train on a context it never
    sees at inference. A single newline tokenizes the same either way."""
    system, turns = _split_system(messages)
    head = f"{system.rstrip()}\n\n" if system else ""
    if len(turns) == 1:
        return f"{head}{turns[0]['content'].rstrip()}\n"
    labels = {"user": "User", "assistant": "Assistant"}
    body = "\n\n".join(
        f"{labels.get(m['role'], m['role'])}: {m['content'].rstrip()}" for m in turns
    )
    return f"{head}{body}\n\nAssistant:\n"


def convert(messages: list[Message], fmt: str, style: str = "standard") -> dict[str, Any]:
    """One example in ``fmt``; ``messages`` alternate user/assistant after an optional system
    message and end with the assistant answer."""
    if fmt == "chat":
        return {"messages": messages}
    system, turns = _split_system(messages)
    if fmt == "sharegpt":
        out: dict[str, Any] = {
            "conversations": [
                {"from": "human" if m["role"] == "user" else "gpt", "value": m["content"]}
                for m in turns
            ]
        }
        if system:
            out["system"] = system
        return out
    if fmt == "alpaca":
        pairs = _pairs(turns)
        out = {"instruction": pairs[-1][0], "input": "", "output": pairs[-1][1]}
        if system:
            out["system"] = system
        if len(pairs) > 1:
            out["history"] = [list(p) for p in pairs[:-1]]
        return out
    if fmt == "completion":
        if style == "conversational":
            return {"prompt": messages[:-1], "completion": messages[-1:]}
        return {"prompt": plain_prompt(messages[:-1]), "completion": messages[-1]["content"]}
    raise ValueError(f"unknown format {fmt!r}")


def to_messages(obj: dict[str, Any], fmt: str) -> list[Message]:
    """The chat messages of an already validated line of ``fmt`` (used by `curate validate`)."""
    if fmt == "chat":
        return list(obj["messages"])
    if fmt == "sharegpt":
        roles = {
            "human": "user",
            "gpt": "assistant",
            "observation": "tool",
            "function_call": "assistant",
        }
        msgs = [{"role": "system", "content": obj["system"]}] if obj.get("system") else []
        return msgs + [
            {"role": roles[t["from"]], "content": t["value"]} for t in obj["conversations"]
        ]
    if fmt == "alpaca":
        msgs = [{"role": "system", "content": obj["system"]}] if obj.get("system") else []
        for q, a in obj.get("history") or []:
            msgs += [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
        user = obj["instruction"] + (f"\n\n{obj['input']}" if obj.get("input") else "")
        return [
            *msgs,
            {"role": "user", "content": user},
            {"role": "assistant", "content": obj["output"]},
        ]
    if fmt == "completion":
        if isinstance(obj["prompt"], list):
            return list(obj["prompt"]) + list(obj["completion"])
        return [
            {"role": "user", "content": obj["prompt"]},
            {"role": "assistant", "content": obj["completion"]},
        ]
    raise ValueError(f"unknown format {fmt!r}")


OPTIONAL_COLUMNS = ("system", "history")  # keys a line of sharegpt/alpaca may lack


def dataset_info(
    fmt: str,
    style: str,
    files: dict[str, str],
    columns: dict[str, set[str]] | None = None,
) -> dict[str, Any]:
    """LLaMA-Factory's ``dataset_info.json`` entries for the written split files.

    ``columns``: per entry of ``files``, which of OPTIONAL_COLUMNS some line of that file has
    (None: all). LLaMA-Factory reads a mapped column with ``example[column]``, so mapping
    ``history`` for a file where no line has one (a single-turn schema, or a split that drew
    no multi-turn example) crashes its loader with ``KeyError: 'history'``.
    """
    if fmt == "chat":
        spec: dict[str, Any] = {
            "formatting": "sharegpt",
            "columns": {"messages": "messages"},
            "tags": {
                "role_tag": "role",
                "content_tag": "content",
                "user_tag": "user",
                "assistant_tag": "assistant",
                "system_tag": "system",
            },
        }
    elif fmt == "sharegpt":
        spec = {
            "formatting": "sharegpt",
            "columns": {"messages": "conversations", "system": "system"},
        }
    elif fmt == "alpaca":
        spec = {
            "formatting": "alpaca",
            "columns": {
                "prompt": "instruction",
                "query": "input",
                "response": "output",
                "system": "system",
                "history": "history",
            },
        }
    elif style == "standard":
        spec = {"formatting": "alpaca", "columns": {"prompt": "prompt", "response": "completion"}}
    else:  # conversational prompt-completion has no LLaMA-Factory equivalent
        return {}
    out: dict[str, Any] = {}
    for entry, name in files.items():
        have = None if columns is None else columns.get(entry, set())
        cols = {
            k: v
            for k, v in spec["columns"].items()
            if have is None or k not in OPTIONAL_COLUMNS or k in have
        }
        out[f"curate_{entry}"] = {"file_name": name, **spec, "columns": cols}
    return out
