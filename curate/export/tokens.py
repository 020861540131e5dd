"""Exact token counts, as the model's chat template will render each example.

A tokenizer comes from a ``tokenizer.json``, a local model directory (``tokenizer.json`` plus
``tokenizer_config.json`` / ``chat_template.jinja``), a transformers tokenizer object, or a hub id
when the network allows. The chat template is rendered here with the same Jinja environment
transformers uses (sandboxed -- with render limits, curate/export/sandbox.py -- ``trim_blocks``/
``lstrip_blocks``, ``raise_exception``, ``tojson``),
then the text is encoded with ``add_special_tokens=False`` -- exactly what ``apply_chat_template``
does -- but in one Rust batch call per chunk, so counting runs at the tokenizer's speed and needs
no transformers install. User and assistant tokens are cut out of the ids at the template's added
tokens where that is exact (``_Layout``: no offsets, so ``encode_batch_fast``), else they come
from the rendered text's character spans (``char_to_token``); never from a second encode.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from curate.errors import UsageError

Message = dict[str, Any]
SPECIAL_KEYS = (
    "bos_token",
    "eos_token",
    "unk_token",
    "sep_token",
    "pad_token",
    "cls_token",
    "mask_token",
)
PLACEHOLDER = re.compile("\ue000(\\d+)\ue001")
# a template that looks inside message contents (methods, slicing, comparisons, membership,
# filters other than trim) may render differently per content: no substitution for it
CONTENT_INSPECTED = re.compile(
    r"""content['"]?\]?\s*(\.|\[|==|!=|\|\s*(?!trim\b)\w)|\bin\s+[\w.\['"]*content"""
)
MEASURE_CHUNK = 256  # examples per encode_batch call when measure() pipelines
MIN_USER_KEEP = 0.25  # fit() keeps at least this share of the last user message's tokens
HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


@dataclass(frozen=True)
class Count:
    """Tokens of one rendered example: total, and inside user / assistant message contents."""

    total: int
    user: int
    assistant: int
    chars: int


@dataclass(frozen=True)
class _Layout:
    """Where one conversation shape's contents sit among the template's added tokens.

    Added tokens (``<|im_start|>``, ``<|im_end|>``) are split out of the text before anything
    else runs, and the encoder never merges across them, so an example's ids can be cut at
    their positions: the tokens of a content are those between the added tokens around it,
    less the template's own text there (``user\\n``). Found with ``list.index`` on the ids, this
    needs no offsets, so the batch can go through ``encode_batch_fast``."""

    marks: tuple[int, ...]  # ids of the skeleton's added tokens, in order
    contents: tuple[tuple[int, int, int, str], ...]  # mark before (0 = start), after, own, role


_Prepared = tuple[str, list[tuple[int, int, str]], tuple[Any, ...] | None, "_Layout | None"]


def _added_tokens(backend: Any) -> dict[int, str]:
    try:
        return {i: t.content for i, t in backend.get_added_tokens_decoder().items()}
    except AttributeError:  # tokenizers < 0.14
        return {}


def _plain_added(backend: Any) -> bool:
    """Whether every added token is matched in the raw text and keeps its neighbours' spaces
    (no ``lstrip``/``rstrip``/``single_word``; ``normalized`` only without a normalizer)."""
    try:
        tokens = backend.get_added_tokens_decoder().values()
    except AttributeError:
        return False
    return all(
        not (t.lstrip or t.rstrip or t.single_word)
        and (not t.normalized or backend.normalizer is None)
        for t in tokens
    )


# -- the chat-template environment -----------------------------------------------------------


@lru_cache(maxsize=16)
def compile_chat_template(template: str) -> Any:
    """Compile like transformers does, so the rendered text (and so the count) is identical."""
    import jinja2
    from jinja2 import nodes
    from jinja2.ext import Extension, loopcontrols

    from curate.export.sandbox import BoundedSandbox

    class Generation(Extension):
        """``{% generation %}`` marks assistant spans for transformers' masks; render its body."""

        tags = {"generation"}  # noqa: RUF012

        def parse(self, parser: Any) -> Any:
            lineno = next(parser.stream).lineno
            body = parser.parse_statements(("name:endgeneration",), drop_needle=True)
            return nodes.CallBlock(self.call_method("_body"), [], [], body).set_lineno(lineno)

        def _body(self, caller: Any) -> str:
            return str(caller())

    def raise_exception(message: str) -> None:
        raise jinja2.exceptions.TemplateError(message)

    def tojson(
        x: Any,
        ensure_ascii: bool = False,
        indent: int | None = None,
        separators: Any = None,
        sort_keys: bool = False,
    ) -> str:
        return json.dumps(
            x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys
        )

    # bounded: a chat template from a model folder may not loop or grow without end
    env = BoundedSandbox(
        trim_blocks=True, lstrip_blocks=True, extensions=[Generation, loopcontrols]
    )
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return env.from_string(template)


def _plain_content(content: Any) -> bool:
    """A non-empty string with nothing to strip at either end and no placeholder character,
    which a template skeleton can take by substitution."""
    return (
        type(content) is str
        and content != ""
        and not content[0].isspace()
        and not content[-1].isspace()
        and "\ue000" not in content
    )


def _token_text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) else None


class ChatTokenizer:
    """A fast tokenizer plus its chat template and special tokens."""

    def __init__(self, backend: Any, chat_template: str | None, special: dict[str, Any], name: str):
        self.backend = backend
        self.name = name
        self.chat_template = chat_template
        self.special: dict[str, Any] = {k: v for k, v in special.items() if v is not None}
        self._template = compile_chat_template(chat_template) if chat_template else None
        self._substitute = bool(chat_template) and not CONTENT_INSPECTED.search(chat_template or "")
        self._shapes: dict[tuple[Any, ...], list[Any] | None] = {}
        self._checked: dict[tuple[Any, ...], int] = {}
        self.bos_token_id = self.token_id(self.special.get("bos_token"))
        self.eos_token_id = self.token_id(self.special.get("eos_token"))
        self._eot: int | None = None
        self._eot_known = False
        added = _added_tokens(backend)
        self._added_ids = frozenset(added)
        self._added_text = (
            re.compile(
                "|".join(re.escape(t) for t in sorted(added.values(), key=len, reverse=True))
            )
            if added
            else None
        )
        # ids can be cut at added tokens only if none absorbs its neighbours' spaces and each
        # is matched in the text as written (see _Layout)
        self._cut_at_added = (
            self._substitute
            and bool(added)
            and hasattr(backend, "encode_batch_fast")
            and _plain_added(backend)
        )
        self._layouts: dict[tuple[Any, ...], _Layout | None] = {}
        self._layout_checked: dict[tuple[Any, ...], int] = {}

    def __repr__(self) -> str:
        return f"ChatTokenizer({self.name!r}, chat_template={self.chat_template is not None})"

    def token_id(self, token: str | None) -> int | None:
        return None if token is None else self.backend.token_to_id(token)

    # -- rendering ---------------------------------------------------------------------------
    def render(self, messages: Sequence[Message], tools: Any = None) -> str:
        """The example's text: the chat template's output, or the contents joined by blank lines."""
        if self._template is None:
            return "\n\n".join(str(m.get("content") or "") for m in messages)
        msgs = [{k: v for k, v in m.items() if v is not None} for m in messages]
        kwargs = dict(self.special)
        if tools is not None:
            kwargs["tools"] = tools
        try:
            return str(self._template.render(messages=msgs, add_generation_prompt=False, **kwargs))
        except Exception as exc:  # a template's raise_exception, or a bug in it
            raise ValueError(f"chat template of {self.name} failed: {exc}") from exc

    def render_spans(self, messages: Sequence[Message]) -> tuple[str, list[tuple[int, int, str]]]:
        """The rendered text and each content's character span.

        Rendering a sandboxed chat template costs more than a short example's encode, so the
        template is rendered once per conversation *shape* (roles and keys) with placeholder
        contents, and examples of that shape are assembled by substitution. This is used only
        when the template does not inspect contents (no ``.split``, ``in``, filters but ``trim``)
        and the contents are already stripped; the first renders of each shape are checked
        against the full render, and any mismatch turns substitution off for that shape."""
        text, spans, _ = self._render_shaped(messages)
        return text, spans

    def _render_shaped(
        self, messages: Sequence[Message]
    ) -> tuple[str, list[tuple[int, int, str]], tuple[Any, ...] | None]:
        """``render_spans`` plus the shape's key when the text was assembled from its skeleton."""
        if self._substitute and all(_plain_content(m.get("content")) for m in messages):
            key = tuple(
                (m["role"], *sorted(k for k, v in m.items() if v is not None)) for m in messages
            )
            if key in self._shapes:
                parts = self._shapes[key]
            else:
                parts = self._shapes[key] = self._skeleton(messages)
            if parts:
                text, spans = self._assemble(parts, messages)
                checked = self._checked.get(key, 0)
                if checked < 3:
                    if self.render(messages) != text:
                        self._shapes[key] = None
                        return (*self._render_and_find(messages), None)
                    self._checked[key] = checked + 1
                return text, spans, key
        return (*self._render_and_find(messages), None)

    def _render_and_find(
        self, messages: Sequence[Message]
    ) -> tuple[str, list[tuple[int, int, str]]]:
        text = self.render(messages)
        return text, self.spans(text, messages)

    def _skeleton(self, messages: Sequence[Message]) -> list[Any] | None:
        holders = [{**m, "content": f"\ue000{i}\ue001"} for i, m in enumerate(messages)]
        try:
            text = self.render(holders)
        except ValueError:
            return None
        pieces = PLACEHOLDER.split(text)
        indices = [int(x) for x in pieces[1::2]]
        if indices != list(range(len(messages))):
            return None  # a content dropped, repeated or reordered by the template
        return [int(x) if i % 2 else x for i, x in enumerate(pieces)]

    @staticmethod
    def _assemble(
        parts: list[Any], messages: Sequence[Message]
    ) -> tuple[str, list[tuple[int, int, str]]]:
        out: list[str] = []
        spans = []
        pos = 0
        for i, piece in enumerate(parts):
            if i % 2:
                m = messages[piece]
                content = m["content"]
                spans.append((pos, pos + len(content), m["role"]))
                piece = content
            out.append(piece)
            pos += len(piece)
        return "".join(out), spans

    @staticmethod
    def spans(text: str, messages: Sequence[Message]) -> list[tuple[int, int, str]]:
        """Character spans of each message's content in ``text``, found in order."""
        out, pos = [], 0
        for m in messages:
            content = m.get("content")
            if not isinstance(content, str) or not content:
                continue
            at = text.find(content, pos)
            if at < 0:
                content = content.strip()
                at = text.find(content, pos) if content else -1
            if at >= 0:
                out.append((at, at + len(content), str(m.get("role"))))
                pos = at + len(content)
        return out

    def encode(self, texts: list[str]) -> list[Any]:
        return list(self.backend.encode_batch(texts, add_special_tokens=self._template is None))

    @staticmethod
    def span_tokens(enc: Any, start: int, end: int) -> tuple[int, int]:
        """Token index range [first, last) of the tokens overlapping characters [start, end)."""
        first = last = None
        for c in range(start, end):
            first = enc.char_to_token(c)
            if first is not None:
                break
        for c in range(end - 1, start - 1, -1):
            last = enc.char_to_token(c)
            if last is not None:
                break
        if first is None or last is None:
            return (0, 0)
        # a character split over several byte tokens ("é" in a small vocabulary, most emoji)
        # maps to its first: take the rest of it too
        while last + 1 < len(enc):
            chars = enc.token_to_chars(last + 1)
            if chars is None or chars[0] >= end:
                break
            last += 1
        return first, last + 1

    def measure(self, conversations: Sequence[Sequence[Message]]) -> list[Count]:
        """Exact counts for many examples: one render each, one encode per chunk.

        The encode releases the GIL, so chunks are pipelined: while one chunk is encoded (in
        Rust, on every core), this thread renders the next and counts the previous, and the
        Python work hides behind the tokenizer's."""
        if len(conversations) <= MEASURE_CHUNK:
            prepared = [self._prepare(msgs) for msgs in conversations]
            return self._counts(prepared, conversations, self._encode_prepared(prepared))
        from concurrent.futures import ThreadPoolExecutor

        out: list[Count] = []
        pending = None
        with ThreadPoolExecutor(1, thread_name_prefix="curate-encode") as pool:
            for start in range(0, len(conversations), MEASURE_CHUNK):
                part = conversations[start : start + MEASURE_CHUNK]
                prepared = [self._prepare(msgs) for msgs in part]
                job = pool.submit(self._encode_prepared, prepared)
                if pending is not None:
                    out += self._counts(pending[0], pending[1], pending[2].result())
                pending = (prepared, part, job)
            assert pending is not None
            out += self._counts(pending[0], pending[1], pending[2].result())
        return out

    def _prepare(self, messages: Sequence[Message]) -> _Prepared:
        """Render one example and pick how its role counts will be found: from its ids and the
        shape's layout when it has one (and no content holds an added token's text), else from
        character offsets."""
        text, spans, key = self._render_shaped(messages)
        layout = None
        if key is not None and self._cut_at_added:
            if key in self._layouts:
                layout = self._layouts[key]
            else:
                parts = self._shapes.get(key)
                layout = self._layouts[key] = self._layout(parts, key) if parts else None
            if layout is not None and self._added_text is not None:
                search = self._added_text.search
                if any(search(m["content"]) for m in messages):
                    layout = None
        return text, spans, key, layout

    def _layout(self, parts: list[Any], key: tuple[Any, ...]) -> _Layout | None:
        """The shape's _Layout from its skeleton, or None when two contents share a stretch
        between added tokens (their tokens could not be told apart without offsets)."""
        pieces = []  # per skeleton text: its ids, and the indices of its added tokens
        for piece in parts[0::2]:
            ids = self.backend.encode(piece, add_special_tokens=False).ids if piece else []
            pieces.append((ids, [i for i, t in enumerate(ids) if t in self._added_ids]))
        marks = [t for ids, at in pieces for t in (ids[i] for i in at)]
        contents = []
        seen = 0  # added tokens up to and including the text before the content
        for i in range(len(pieces) - 1):
            (ids, at), (next_ids, next_at) = pieces[i], pieces[i + 1]
            seen += len(at)
            if at:
                before, own = seen, len(ids) - at[-1] - 1
            elif i == 0:
                before, own = 0, len(ids)
            else:
                return None
            if next_at:
                after, own = seen + 1, own + next_at[0]
            elif i + 1 == len(pieces) - 1:
                after, own = len(marks) + 1, own + len(next_ids)
            else:
                return None
            contents.append((before, after, own, str(key[i][0])))
        return _Layout(tuple(marks), tuple(contents))

    def _encode_prepared(self, prepared: list[_Prepared]) -> list[Any]:
        """Encodings in order: without offsets (``encode_batch_fast``, ~15% faster) for the
        examples with a layout, with offsets for the rest."""
        fast = [i for i, p in enumerate(prepared) if p[3] is not None]
        if len(fast) == len(prepared):
            return list(
                self.backend.encode_batch_fast([p[0] for p in prepared], add_special_tokens=False)
            )
        out: list[Any] = self.encode([p[0] for i, p in enumerate(prepared) if p[3] is None])
        if fast:
            done = iter(
                self.backend.encode_batch_fast(
                    [prepared[i][0] for i in fast], add_special_tokens=False
                )
            )
            slow = iter(out)
            fast_set = set(fast)
            out = [next(done) if i in fast_set else next(slow) for i in range(len(prepared))]
        return out

    def _counts(
        self,
        prepared: list[_Prepared],
        conversations: Sequence[Sequence[Message]],
        encodings: list[Any],
    ) -> list[Count]:
        out = []
        for (text, spans, key, layout), msgs, enc in zip(
            prepared, conversations, encodings, strict=True
        ):
            chars = sum(len(m.get("content") or "") for m in msgs)
            counted = None
            if layout is not None:
                assert key is not None
                # the shape's first examples are also counted with offsets; a difference means
                # this template's text merges with contents, so the shape goes back to offsets
                # (examples of it already encoded are re-encoded here, one by one)
                live = self._layouts.get(key) is not None
                counted = self._cut_counts(enc.ids, layout) if live else None
                checked = self._layout_checked.get(key, 0)
                if counted is None or checked < 3:
                    encoded = self.backend.encode(text, add_special_tokens=False)
                    exact = self._offset_counts(encoded, spans)
                    if counted is not None and counted != exact:
                        self._layouts[key] = None
                    counted = exact
                    self._layout_checked[key] = checked + 1
            else:
                counted = self._offset_counts(enc, spans)
            out.append(Count(len(enc), counted[0], counted[1], chars))
        return out

    @staticmethod
    def _cut_counts(ids: list[int], layout: _Layout) -> tuple[int, int] | None:
        """(user, assistant) tokens from the positions of the layout's added tokens in ``ids``."""
        found = [-1]
        pos = 0
        try:
            for mark in layout.marks:
                pos = ids.index(mark, pos)
                found.append(pos)
                pos += 1
        except ValueError:
            return None
        found.append(len(ids))
        user = assistant = 0
        for before, after, own, role in layout.contents:
            if role == "user":
                user += found[after] - found[before] - 1 - own
            elif role == "assistant":
                assistant += found[after] - found[before] - 1 - own
        return user, assistant

    def _offset_counts(self, enc: Any, spans: list[tuple[int, int, str]]) -> tuple[int, int]:
        user = assistant = 0
        for start, end, role in spans:
            if role == "user" or role == "assistant":
                a, b = self.span_tokens(enc, start, end)
                if role == "user":
                    user += b - a
                else:
                    assistant += b - a
        return user, assistant

    # -- fitting a budget --------------------------------------------------------------------
    def fit(
        self, messages: list[Message], max_tokens: int, cut_user: bool = True
    ) -> tuple[list[Message] | None, Count]:
        """Shorten an over-budget example: drop the oldest exchanges, then (``cut_user``) cut
        the last user message's tail (keeping at least MIN_USER_KEEP of it). The final assistant
        answer is never touched; ``None`` if it cannot fit. Without ``cut_user`` no message is
        changed, only whole earlier exchanges go: the answer's own question stays whole."""
        msgs = list(messages)
        count = self.measure([msgs])[0]
        head = 1 if msgs and msgs[0]["role"] == "system" else 0
        while count.total > max_tokens:
            users = [i for i in range(head, len(msgs)) if msgs[i]["role"] == "user"]
            if len(users) < 2:
                break
            msgs = msgs[:head] + msgs[users[1] :]
            count = self.measure([msgs])[0]
        last_user = max((i for i, m in enumerate(msgs) if m["role"] == "user"), default=None)
        if not cut_user:
            last_user = None
        for slack in (0, 2, 8, 32):
            if count.total <= max_tokens or last_user is None:
                break
            content = msgs[last_user]["content"]
            enc = self.backend.encode(content, add_special_tokens=False)
            keep = len(enc) - (count.total - max_tokens) - slack
            if keep < max(1, MIN_USER_KEEP * len(enc)):  # a question cut to a stub teaches nothing
                break
            cut = content[: enc.offsets[keep - 1][1]].rstrip()
            if not cut:
                break
            msgs = [*msgs[:last_user], {**msgs[last_user], "content": cut}, *msgs[last_user + 1 :]]
            count = self.measure([msgs])[0]
        return (msgs if count.total <= max_tokens else None), count

    # -- checks for `curate validate` --------------------------------------------------------
    def end_of_turn_id(self) -> int | None:
        """The special token the template writes after an assistant turn (or EOS)."""
        if self._eot_known:
            return self._eot
        eot = self.eos_token_id
        if self._template is not None:
            probe = "zqxj probe answer"
            try:
                text = self.render(
                    [{"role": "user", "content": "hello"}, {"role": "assistant", "content": probe}]
                )
            except ValueError:
                text = ""
            at = text.rfind(probe)
            if at >= 0:
                tail = self.backend.encode(text[at + len(probe) :], add_special_tokens=False)
                specials = {
                    t.content for t in self.backend.get_added_tokens_decoder().values() if t.special
                }
                for tok, tid in zip(tail.tokens, tail.ids, strict=True):
                    if tok in specials:
                        eot = tid
                        break
        self._eot, self._eot_known = eot, True
        return eot

    def adds_bos(self) -> bool:
        """Whether encoding with special tokens prepends BOS (a template with BOS then doubles it)."""
        if self.bos_token_id is None:
            return False
        ids = self.backend.encode("x", add_special_tokens=True).ids
        return bool(ids) and ids[0] == self.bos_token_id


# -- loading ---------------------------------------------------------------------------------


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _template_from(config: dict[str, Any]) -> str | None:
    tpl = config.get("chat_template")
    if isinstance(tpl, list):  # named templates: [{"name": "default", "template": ...}, ...]
        named = {t.get("name"): t.get("template") for t in tpl if isinstance(t, dict)}
        tpl = named.get("default") or next(iter(named.values()), None)
    return tpl if isinstance(tpl, str) else None


def _from_dir(folder: Path, tokenizer_file: Path, name: str) -> ChatTokenizer:
    from tokenizers import Tokenizer

    try:
        backend = Tokenizer.from_file(str(tokenizer_file))
    except Exception as exc:
        raise UsageError(
            f"tokenizer {name}: {tokenizer_file.name} is not a tokenizer ({exc})",
            param="tokenizer",
        ) from exc
    config = _read_json(folder / "tokenizer_config.json")
    special = {k: _token_text(v) for k, v in _read_json(folder / "special_tokens_map.json").items()}
    special |= {k: _token_text(config[k]) for k in SPECIAL_KEYS if k in config}
    template = None
    if (folder / "chat_template.jinja").exists():
        template = (folder / "chat_template.jinja").read_text("utf-8")
    else:
        template = _template_from(_read_json(folder / "chat_template.json")) or _template_from(
            config
        )
    return ChatTokenizer(
        backend, template, {k: v for k, v in special.items() if k in SPECIAL_KEYS}, name
    )


def from_transformers(tok: Any, name: str | None = None) -> ChatTokenizer:
    """Wrap a transformers fast tokenizer (the trainer's) without copying its files."""
    backend = getattr(tok, "backend_tokenizer", None)
    if backend is None:
        raise UsageError(
            f"tokenizer {type(tok).__name__} is not a fast tokenizer (no tokenizer.json)",
            param="tokenizer",
        )
    special = {k: v for k, v in dict(tok.special_tokens_map).items() if k in SPECIAL_KEYS}
    return ChatTokenizer(
        backend,
        getattr(tok, "chat_template", None),
        special,
        name or getattr(tok, "name_or_path", "") or type(tok).__name__,
    )


def load_tokenizer(spec: str | Path | Any) -> ChatTokenizer:
    """A ChatTokenizer from a tokenizer.json, a model directory, a model alias (``smollm2``),
    a tokenizer object or a hub id."""
    if isinstance(spec, ChatTokenizer):
        return spec
    if not isinstance(spec, str | Path):
        return from_transformers(spec)
    name = str(spec)
    path = Path(spec)
    if not path.exists():
        from curate.train.models import ALIASES, resolve_model

        if name in ALIASES:  # "smollm2": the offline model's own tokenizer, as for training
            path = Path(resolve_model(name))
    if path.is_file():
        return _from_dir(path.parent, path, name)
    if path.is_dir():
        if (path / "tokenizer.json").exists():
            return _from_dir(path, path / "tokenizer.json", name)
        try:  # a slow (sentencepiece) tokenizer that transformers can convert
            from transformers import AutoTokenizer

            from curate.train.models import no_stdin

            with no_stdin():  # never run the folder's code, never ask on stdin whether to
                tok = AutoTokenizer.from_pretrained(
                    str(path), trust_remote_code=False, local_files_only=True
                )
            return from_transformers(tok, name)
        except Exception as exc:
            if "trust_remote_code" in str(exc):
                raise UsageError(
                    f"tokenizer {name}: the directory has no tokenizer.json and its tokenizer "
                    "is defined by code shipped in the folder; curate never runs that code",
                    hint="pass a folder with a tokenizer.json (a fast tokenizer)",
                    param="tokenizer",
                ) from exc
            raise UsageError(
                f"tokenizer {name}: the directory has no tokenizer.json "
                f"and transformers cannot load it ({type(exc).__name__})",
                param="tokenizer",
            ) from exc
    if HUB_ID.match(name) and name.count("/") == 1 and not name.endswith(".json"):
        if os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0", "false"):
            raise UsageError(
                f"tokenizer {name}: no such file or directory, and it could not be "
                f"fetched from the Hugging Face Hub (HF_HUB_OFFLINE is set)",
                param="tokenizer",
            )
        try:
            from huggingface_hub import hf_hub_download

            file = Path(hf_hub_download(name, "tokenizer.json"))
            for extra in (
                "tokenizer_config.json",
                "special_tokens_map.json",
                "chat_template.jinja",
            ):
                try:
                    hf_hub_download(name, extra)
                except Exception:
                    continue
            return _from_dir(file.parent, file, name)
        except UsageError:
            raise
        except Exception as exc:
            raise UsageError(
                f"tokenizer {name}: no such file or directory, and it could not be "
                f"fetched from the Hugging Face Hub ({type(exc).__name__})",
                param="tokenizer",
            ) from exc
    raise UsageError(
        f"tokenizer {name}: no such file or directory",
        hint="pass a tokenizer.json, a local model directory, or a hub id like org/name",
        param="tokenizer",
    )
