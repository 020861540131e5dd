"""Token counting: loading, chat-template rendering identical to transformers, budgets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.errors import UsageError
from curate.export.tokens import ChatTokenizer, load_tokenizer

CHATML = (
    "{{ bos_token }}{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
    "{{ message['content'] | trim }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
CORPUS = [
    "My router drops wifi every hour. Please reset the router and update the firmware.",
    "Where is my refund? The billing team issued it today; allow three business days.",
    "The contract terminates on thirty days written notice by either party.",
    "Patient reports chest pain for two days, no fever, blood pressure normal.",
] * 40


def make_tokenizer(folder: Path, template: str | None = CHATML, add_bos: bool = False) -> Path:
    """Train a tiny byte-level BPE with `tokenizers` and save it as a transformers model dir."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=600,
        show_progress=False,
        special_tokens=["<s>", "</s>", "<|im_start|>", "<|im_end|>"],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
    )
    tok.train_from_iterator(CORPUS, trainer)
    if add_bos:
        tok.post_processor = processors.TemplateProcessing(
            single="<s> $A", special_tokens=[("<s>", tok.token_to_id("<s>"))]
        )
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>")
    if template is not None:
        fast.chat_template = template
    folder.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tokenizer_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tokenizer(tmp_path_factory.mktemp("tok"))


CONVS = [
    [
        {"role": "user", "content": "My router drops wifi"},
        {"role": "assistant", "content": "Reset it."},
    ],
    [
        {"role": "system", "content": "You are a support agent."},
        {"role": "user", "content": "Where is my refund?"},
        {"role": "assistant", "content": "Issued today."},
        {"role": "user", "content": "Thanks — and the invoice?"},
        {"role": "assistant", "content": "  Sent by e-mail.  "},
    ],
]


def test_counts_equal_transformers_apply_chat_template(tokenizer_dir: Path) -> None:
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(str(tokenizer_dir))
    ours = load_tokenizer(tokenizer_dir)
    counts = ours.measure(CONVS)
    for conv, count in zip(CONVS, counts, strict=True):
        assert ours.render(conv) == hf.apply_chat_template(conv, tokenize=False)
        ids = hf.apply_chat_template(conv, tokenize=True)
        ids = ids["input_ids"] if hasattr(ids, "keys") else ids
        assert count.total == len(ids)
        assert 0 < count.assistant < count.total and 0 < count.user < count.total
    # the same object, passed in directly (what the trainer does)
    assert load_tokenizer(hf).measure(CONVS) == counts


def test_user_and_assistant_spans_are_the_contents(tokenizer_dir: Path) -> None:
    tok = load_tokenizer(tokenizer_dir)
    conv = CONVS[0]
    text = tok.render(conv)
    enc = tok.encode([text])[0]
    (us, ue, _), (as_, ae, _) = tok.spans(text, conv)
    a, b = tok.span_tokens(enc, as_, ae)
    assert tok.backend.decode(enc.ids[a:b]) == "Reset it."
    a, b = tok.span_tokens(enc, us, ue)
    assert tok.backend.decode(enc.ids[a:b]) == "My router drops wifi"


def test_tokenizer_json_alone_and_no_template(tmp_path: Path) -> None:
    folder = make_tokenizer(tmp_path / "t", template=None)
    tok = load_tokenizer(folder / "tokenizer.json")
    assert tok.chat_template is None
    count = tok.measure([CONVS[0]])[0]
    plain = tok.backend.encode("My router drops wifi\n\nReset it.").ids
    assert count.total == len(plain)


def test_template_from_tokenizer_config(tmp_path: Path) -> None:
    folder = tmp_path / "cfg"
    folder.mkdir()
    src = make_tokenizer(tmp_path / "src", template=None)
    (folder / "tokenizer.json").write_bytes((src / "tokenizer.json").read_bytes())
    (folder / "tokenizer_config.json").write_text(
        json.dumps(
            {
                "chat_template": [{"name": "default", "template": CHATML}],
                "bos_token": {"content": "<s>"},
            }
        )
    )
    tok = load_tokenizer(folder)
    assert tok.render(CONVS[0]).startswith("<s><|im_start|>user\n")


def test_fit_trims_earlier_turns_then_user_never_answer(tokenizer_dir: Path) -> None:
    tok = load_tokenizer(tokenizer_dir)
    conv = CONVS[1]
    full = tok.measure([conv])[0].total
    fitted, count = tok.fit(conv, full - 1)
    assert fitted is not None and count.total <= full - 1
    assert [m["role"] for m in fitted] == ["system", "user", "assistant"]
    assert fitted[-1] == conv[-1]
    # one exchange left: cut the user's text, keep the answer whole
    single = [
        {"role": "user", "content": " ".join(CORPUS[:3])},
        {"role": "assistant", "content": "Done."},
    ]
    n = tok.measure([single])[0].total
    fitted, count = tok.fit(single, n - 10)
    assert fitted is not None and count.total <= n - 10
    assert fitted[-1]["content"] == "Done."
    assert single[0]["content"].startswith(fitted[0]["content"])
    assert len(fitted[0]["content"]) < len(single[0]["content"])
    # an answer longer than the budget cannot fit
    answer = tok.measure(
        [[{"role": "user", "content": "x"}, {"role": "assistant", "content": "Done."}]]
    )
    assert tok.fit(single, answer[0].total - 1)[0] is None


def test_end_of_turn_and_bos(tmp_path: Path, tokenizer_dir: Path) -> None:
    tok = load_tokenizer(tokenizer_dir)
    assert tok.end_of_turn_id() == tok.token_id("<|im_end|>")
    assert not tok.adds_bos()
    assert load_tokenizer(make_tokenizer(tmp_path / "b", add_bos=True)).adds_bos()


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("missing/tokenizer.json", "tokenizer missing/tokenizer.json: no such file or directory"),
        ("not a tokenizer", "tokenizer not a tokenizer: no such file or directory"),
    ],
)
def test_missing_tokenizer_is_usage_error(spec: str, message: str) -> None:
    with pytest.raises(UsageError) as exc:
        load_tokenizer(spec)
    assert exc.value.message == message
    assert exc.value.param == "tokenizer"
    assert exc.value.exit_code == 2


def test_hub_id_offline_is_usage_error() -> None:
    with pytest.raises(UsageError, match="could not be fetched from the Hugging Face Hub"):
        load_tokenizer("no-such-org/no-such-model")


def test_not_a_tokenizer(tmp_path: Path) -> None:
    bad = tmp_path / "tokenizer.json"
    bad.write_text('{"hello": 1}')
    with pytest.raises(UsageError, match=r"tokenizer.json is not a tokenizer"):
        load_tokenizer(bad)
    (tmp_path / "d").mkdir()
    with pytest.raises(UsageError, match=r"the directory has no tokenizer\.json"):
        load_tokenizer(tmp_path / "d")


def test_template_errors_are_value_errors(tokenizer_dir: Path) -> None:
    tok = load_tokenizer(tokenizer_dir)
    strict = ChatTokenizer(tok.backend, "{{ raise_exception('roles must alternate') }}", {}, "t")
    with pytest.raises(ValueError, match="roles must alternate"):
        strict.render(CONVS[0])


def test_shape_substitution_matches_full_render(tokenizer_dir: Path) -> None:
    tok = load_tokenizer(tokenizer_dir)
    assert tok._substitute
    convs = [
        *CONVS,
        [{"role": "user", "content": "Other words"}, {"role": "assistant", "content": "Fine"}],
    ]
    for conv in convs * 4:
        text, spans = tok.render_spans(conv)
        assert text == tok.render(conv)
        stripped = [m for m in conv if m["content"] == m["content"].strip()]
        if len(stripped) == len(conv):  # assembled: spans are exact
            assert [text[a:b] for a, b, _ in spans] == [m["content"] for m in conv]
    inspecting = "{% for m in messages %}{{ m['content'].split('x')[0] }}{% endfor %}"
    assert not ChatTokenizer(tok.backend, inspecting, {}, "t")._substitute
    # a template that drops a message cannot be assembled, and falls back to full renders
    dropping = "{% for m in messages %}{% if m['role'] != 'system' %}{{ m['content'] }}{% endif %}{% endfor %}"
    t2 = ChatTokenizer(tok.backend, dropping, {}, "t")
    assert t2.render_spans(CONVS[1])[0] == t2.render(CONVS[1])


def _offset_counts(tok: ChatTokenizer, conv: list[dict[str, str]]) -> tuple[int, int, int]:
    """Total, user and assistant tokens the slow way: one encode with offsets."""
    text, spans = tok.render_spans(conv)
    enc = tok.backend.encode(text, add_special_tokens=False)
    user, assistant = tok._offset_counts(enc, spans)
    return len(enc), user, assistant


PIECES = [*"ab xyZ.,:;!?'\"\n\t-_/0129é中😀", "<|im_end|>", "<s>", "'s", "user"]
CONTENT = st.lists(st.sampled_from(PIECES), min_size=1, max_size=20).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    system=st.one_of(st.none(), CONTENT),
    turns=st.lists(st.tuples(CONTENT, CONTENT), min_size=1, max_size=3),
)
def test_counts_cut_at_added_tokens_equal_offset_counts(
    tokenizer_dir: Path, system: str | None, turns: list[tuple[str, str]]
) -> None:
    """The ids-only path (encode_batch_fast, cut at <|im_start|>/<|im_end|>) gives the counts
    the offsets give, with the per-shape check bypassed: the layout itself must be right."""
    tok = load_tokenizer(tokenizer_dir)
    assert tok._cut_at_added
    conv = [{"role": "system", "content": system}] if system is not None else []
    for user, answer in turns:
        conv += [{"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    text, _spans, key, layout = tok._prepare(conv)
    total, user_n, assistant_n = _offset_counts(tok, conv)
    if layout is not None:
        enc = tok.backend.encode_batch_fast([text], add_special_tokens=False)[0]
        assert len(enc) == total
        assert tok._cut_counts(enc.ids, layout) == (user_n, assistant_n)
    else:  # not assembled from the skeleton, or a content holds an added token's text
        assert key is None or any(t in m["content"] for m in conv for t in ("<|im_end|>", "<s>"))
    # and measure(), checks included, always agrees with the slow way
    assert [(c.total, c.user, c.assistant) for c in tok.measure([conv] * 5)] == [
        (total, user_n, assistant_n)
    ] * 5


def test_shape_whose_tokens_merge_across_a_content_edge_falls_back(tokenizer_dir: Path) -> None:
    """A template text glued to the content ("Pa" + "tient ...") makes one token ("Patient")
    across the content's edge, so ids cut at the added tokens would miscount: the first check
    of the shape catches it and turns the ids-only path off for that shape."""
    tok = load_tokenizer(tokenizer_dir)
    glued = ChatTokenizer(
        tok.backend,
        "{% for m in messages %}<|im_start|>Pa{{ m['content'] }}<|im_end|>{% endfor %}",
        {},
        "t",
    )
    conv = [{"role": "user", "content": "tient reports"}, {"role": "assistant", "content": "fine"}]
    text, _, _, layout = glued._prepare(conv)
    assert layout is not None
    ids = tok.backend.encode(text, add_special_tokens=False).ids
    assert glued._cut_counts(ids, layout) != _offset_counts(glued, conv)[1:]  # the premise
    counts = glued.measure([conv] * 4)
    assert {(c.total, c.user, c.assistant) for c in counts} == {_offset_counts(glued, conv)}
    assert list(glued._layouts.values()) == [None]


def test_contents_sharing_a_stretch_without_added_tokens_use_offsets(
    tokenizer_dir: Path,
) -> None:
    tok = load_tokenizer(tokenizer_dir)
    plain = ChatTokenizer(
        tok.backend,
        "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}",
        {},
        "t",
    )
    conv = [{"role": "user", "content": "Where is it?"}, {"role": "assistant", "content": "Here."}]
    assert plain._prepare(conv)[3] is None
    assert [(c.total, c.user, c.assistant) for c in plain.measure([conv])] == [
        _offset_counts(plain, conv)
    ]


def test_added_tokens_that_strip_spaces_turn_the_ids_only_path_off(tokenizer_dir: Path) -> None:
    from tokenizers import AddedToken, Tokenizer

    backend = Tokenizer.from_file(str(tokenizer_dir / "tokenizer.json"))
    assert ChatTokenizer(backend, CHATML, {}, "t")._cut_at_added
    backend.add_special_tokens([AddedToken("<eot>", lstrip=True)])
    assert not ChatTokenizer(backend, CHATML, {}, "t")._cut_at_added


def test_fit_without_cutting_the_user_drops_whole_exchanges_only(tokenizer_dir: Path) -> None:
    """over_length 'drop_turns': earlier exchanges may go, no message is shortened."""
    tok = load_tokenizer(tokenizer_dir)
    conv = CONVS[1]
    full = tok.measure([conv])[0].total
    fitted, _ = tok.fit(conv, full - 1, cut_user=False)
    assert fitted is not None and all(m in conv for m in fitted)
    single = [
        {"role": "user", "content": " ".join(CORPUS[:3])},
        {"role": "assistant", "content": "Done."},
    ]
    n = tok.measure([single])[0].total
    assert tok.fit(single, n - 10, cut_user=False)[0] is None  # only a cut could fit it
    assert tok.fit(single, n - 10)[0] is not None
