"""The vectorized MinHash core: stable hashes, signatures, LSH buckets, components."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.dedupe import lsh
from curate.dedupe import minhash as mh
from curate.dedupe.clusters import components

TEXTS = [
    "Hello, World! This is a test of the shingler.",
    "short one",
    "",
    "!!! ???",
    "Ünïcode wörds, here and THERE; naïve café",
    "a b c d e f g h i j k",
    "  leading   and trailing   ",
    "x" * 40 + " long-token " + "y" * 17,
]


def _sets(texts: list[str], sh: mh.Shingler) -> list[set[int]]:
    doc, h = sh.shingles(mh.encode(texts))
    return [set(h[doc == i].tolist()) for i in range(len(texts))]


@pytest.mark.parametrize(
    "sh",
    [
        mh.Shingler(5),
        mh.Shingler(1),
        mh.Shingler(char_ngrams=3),
        mh.Shingler(char_ngrams=5),
        mh.Shingler(char_ngrams=60),
    ],
)
def test_vectorized_shingles_match_reference(sh: mh.Shingler) -> None:
    got = _sets(TEXTS, sh)
    for text, g in zip(TEXTS, got, strict=True):
        assert g == mh.shingle_reference(text, sh.ngram, sh.char_ngrams), text


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet="ab cdé,.!\n1Z—", max_size=60), min_size=1, max_size=6),
    st.integers(1, 6),
    st.sampled_from([None, 2, 4]),
)
def test_reference_agreement_on_random_texts(texts: list[str], n: int, chars: int | None) -> None:
    sh = mh.Shingler(n, chars)
    for text, g in zip(texts, _sets(texts, sh), strict=True):
        assert g == mh.shingle_reference(text, n, chars)
        assert g, "every document gets at least one shingle"


def test_hashes_are_stable_constants() -> None:
    # Fixed values: a change here changes every stored index and every cluster; do it on purpose.
    assert mh.bytes_hash(b"hello") == 0x09C181AAAAF8A0D9
    assert mh.bytes_hash(b"") == 0
    words = mh.encode(["the quick brown fox jumps over the lazy dog"])
    doc, h = mh.Shingler(5).shingles(words)
    assert sorted(h.tolist())[:2] == [678717041096459107, 1456103487101335919]
    sig = mh.signatures(doc, h, 1, 16, seed=1)
    assert sig[0, :4].tolist() == [114273011, 677829033, 2017216388, 2946584831]


def test_normalization_ignores_case_and_punctuation() -> None:
    a, b, c = _sets(
        ["Refund issued, thanks!", "refund   ISSUED thanks", "refund denied thanks"], mh.Shingler(2)
    )
    assert a == b
    assert a != c


def test_short_and_wordless_documents_are_fingerprinted() -> None:
    sets = _sets(["two words", "!!!", "?!", ""], mh.Shingler(5))
    assert [len(s) for s in sets] == [1, 1, 1, 1]
    assert sets[1] != sets[2]


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b)


def test_signature_estimates_jaccard() -> None:
    rng = np.random.default_rng(0)
    vocab = [f"w{i}" for i in range(5000)]
    base = list(rng.choice(vocab, 300))
    texts = [" ".join(base)]
    for edits in (3, 10, 30, 100):
        w = list(base)
        for i in rng.choice(len(w), edits, replace=False):
            w[i] = "zz" + str(i)
        texts.append(" ".join(w))
    sh = mh.Shingler(3)
    enc = mh.encode(texts)
    doc, h = sh.shingles(enc)
    sig = mh.signatures(doc, h, enc.n, 256, seed=3)
    sets = _sets(texts, sh)
    for i in range(1, len(texts)):
        est = lsh.estimate_jaccard(sig, np.array([[0, i]]))[0]
        assert abs(est - _jaccard(sets[0], sets[i])) < 0.1


def test_signatures_identical_for_equal_docs_and_depend_on_seed() -> None:
    enc = mh.encode(["same text here again", "Same text, here again!", "other words entirely now"])
    doc, h = mh.Shingler(2).shingles(enc)
    s1 = mh.signatures(doc, h, enc.n, 64, seed=1)
    s2 = mh.signatures(doc, h, enc.n, 64, seed=2)
    assert (s1[0] == s1[1]).all()
    assert not (s1[0] == s2[0]).all()
    assert (s1 != mh.EMPTY).all()


def test_densify_single_shingle_fills_every_bin() -> None:
    sig = mh.signatures(np.array([0]), np.array([12345], np.uint64), 1, 32)
    assert len(set(sig[0].tolist())) == 1


def test_lsh_params_are_datasketchs() -> None:
    from datasketch import MinHashLSH

    ds = MinHashLSH(threshold=0.8, num_perm=128)
    assert lsh.lsh_params(0.8, 128, 0.5) == (ds.b, ds.r) == (9, 13)
    ds = MinHashLSH(threshold=0.7, num_perm=64, weights=(0.05, 0.95))
    assert lsh.lsh_params(0.7, 64) == (ds.b, ds.r)
    assert lsh.lsh_params(0.8, 128) == (16, 8)


def test_signatures_work_in_datasketch_lsh() -> None:
    from datasketch import MinHashLSH

    base = " ".join(f"w{i}" for i in range(200))
    texts = [base, base.replace("w50 ", "x50 "), " ".join(f"v{i}" for i in range(200))]
    enc = mh.encode(texts)
    doc, h = mh.Shingler(5).shingles(enc)
    sig = mh.signatures(doc, h, enc.n, 128)
    lsh = MinHashLSH(threshold=0.8, num_perm=128)
    lsh.insert("a", mh.to_lean_minhash(sig[0]))
    assert lsh.query(mh.to_lean_minhash(sig[1])) == ["a"]
    assert lsh.query(mh.to_lean_minhash(sig[2])) == []


def test_candidate_pairs_small_buckets_all_pairs_big_buckets_star() -> None:
    keys = np.array([[5], [5], [7], [5], [9]], np.uint64)
    assert lsh.candidate_pairs(keys).tolist() == [[0, 1], [0, 3], [1, 3]]
    big = np.zeros((12, 1), np.uint64)
    pairs = lsh.candidate_pairs(big, small=4)
    assert pairs.tolist() == [[0, i] for i in range(1, 12)]


def test_components_union_find() -> None:
    pairs = np.array([[3, 4], [1, 2], [2, 4], [6, 7]])
    assert components(8, pairs).tolist() == [0, 1, 1, 1, 1, 5, 6, 6]
    chain = np.stack([np.arange(999), np.arange(1, 1000)], 1)[::-1].copy()
    assert (components(1000, chain) == 0).all()


@settings(max_examples=40, deadline=None)
@given(
    texts=st.lists(
        st.text(alphabet=st.sampled_from("ab cdÉé!1 \n"), max_size=60), min_size=1, max_size=12
    ),
    n=st.integers(1, 6),
    chars=st.sampled_from([None, None, 3]),
    num_perm=st.sampled_from([8, 12, 64]),
)
def test_fused_signatures_and_sets_match_the_shingle_path(
    texts: list[str], n: int, chars: int | None, num_perm: int
) -> None:
    sh = mh.Shingler(n, chars)
    enc = mh.encode(texts)
    doc, h = sh.shingles(enc)
    sig, sets = sh.signatures_and_sets(enc, num_perm, seed=7)
    assert np.array_equal(sig, mh.signatures(doc, h, enc.n, num_perm, seed=7))
    assert np.array_equal(sh.signatures(enc, num_perm, seed=7), sig)
    assert sets is not None
    for i in range(enc.n):
        got = sets.values[sets.start[i] : sets.start[i] + sets.length[i]]
        assert set(got.tolist()) == set((h[doc == i] >> np.uint64(32)).tolist())


def _densify_reference(sig: np.ndarray, seed: int) -> np.ndarray:
    """Optimal densification one bin at a time: the definition ``mh.densify`` vectorizes."""
    num_perm = sig.shape[1]
    cand = mh._densify_table(num_perm, seed)
    out = sig.copy()
    for d in range(sig.shape[0]):
        for j in range(num_perm):
            if sig[d, j] != mh.EMPTY:
                continue
            tries = [cand[t, j] for t in range(mh._DENSIFY_TRIES)]
            rotation = [(j + step) % num_perm for step in range(1, num_perm)]
            out[d, j] = next(
                (sig[d, c] for c in tries + rotation if sig[d, c] != mh.EMPTY), mh.EMPTY
            )
    return out


@pytest.mark.parametrize("num_perm", [16, 24, 128])
def test_densify_matches_reference(num_perm: int) -> None:
    rng = np.random.default_rng(num_perm)
    sig = rng.integers(0, 2**32 - 1, (40, num_perm), dtype=np.uint64).astype(np.uint32)
    fill = rng.random((40, 1)) ** 3  # from nearly empty rows to full ones
    sig[rng.random(sig.shape) > fill] = mh.EMPTY
    sig[0] = mh.EMPTY  # no shingle at all: stays empty
    sig[1] = mh.EMPTY
    sig[1, 3] = 42  # one shingle: every bin borrows it
    got = mh.densify(sig, seed=5)
    assert np.array_equal(got, _densify_reference(sig, 5))
    assert (got[0] == mh.EMPTY).all() and (got[1] == 42).all()


def test_candidate_pairs_match_bucket_reference() -> None:
    rng = np.random.default_rng(3)
    keys = rng.integers(0, 60, (400, 3)).astype(np.uint64)
    keys[:30, 1] = 7  # one big bucket
    want = set()
    for band in range(keys.shape[1]):
        buckets: dict[int, list[int]] = {}
        for i, k in enumerate(keys[:, band].tolist()):
            buckets.setdefault(k, []).append(i)
        for members in buckets.values():
            if len(members) <= 8:
                want |= {(a, b) for x, a in enumerate(members) for b in members[x + 1 :]}
            else:
                want |= {(members[0], b) for b in members[1:]}
    assert [tuple(p) for p in lsh.candidate_pairs(keys).tolist()] == sorted(want)
