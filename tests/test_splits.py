"""Split assignment: leak-free over clusters and groups, stratified, deterministic."""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.errors import UsageError
from curate.export.splits import assign_splits, units

records = st.integers(min_value=1, max_value=120).flatmap(
    lambda n: st.tuples(
        st.just([f"r{i:04d}" for i in range(n)]),
        st.lists(st.one_of(st.none(), st.sampled_from("abcdefgh")), min_size=n, max_size=n),
        st.lists(st.one_of(st.none(), st.sampled_from("ABCDEFGHIJKL")), min_size=n, max_size=n),
        st.lists(st.sampled_from(["billing", "tech", "other", None]), min_size=n, max_size=n),
    )
)
fractions = st.tuples(
    st.sampled_from([0.0, 0.1, 0.2, 0.3]), st.sampled_from([0.0, 0.1, 0.2]), st.integers(0, 5)
)


@settings(max_examples=60, deadline=None)
@given(records, fractions)
def test_no_cluster_or_group_in_two_splits(data: tuple, fr: tuple) -> None:
    ids, clusters, groups, strata = data
    val, test, seed = fr
    out = assign_splits(
        ids,
        clusters=clusters,
        groups=groups,
        strata=strata,
        val_fraction=val,
        test_fraction=test,
        seed=seed,
    )
    assert len(out) == len(ids) and set(out) <= {"train", "val", "test"}
    assert "train" in out
    for keys in (clusters, groups):
        seen: dict[str, set[str]] = defaultdict(set)
        for key, split in zip(keys, out, strict=True):
            if key is not None:
                seen[key].add(split)
        assert all(len(s) == 1 for s in seen.values())


@settings(max_examples=50, deadline=None)
@given(records, fractions, st.randoms(use_true_random=False))
def test_deterministic_and_independent_of_input_order(
    data: tuple, fr: tuple, rnd: random.Random
) -> None:
    ids, clusters, groups, strata = data
    val, test, seed = fr
    kw = {"val_fraction": val, "test_fraction": test, "seed": seed}
    out = assign_splits(ids, clusters=clusters, groups=groups, strata=strata, **kw)
    assert out == assign_splits(ids, clusters=clusters, groups=groups, strata=strata, **kw)
    order = list(range(len(ids)))
    rnd.shuffle(order)
    shuffled = assign_splits(
        [ids[i] for i in order],
        clusters=[clusters[i] for i in order],
        groups=[groups[i] for i in order],
        strata=[strata[i] for i in order],
        **kw,
    )
    assert [shuffled[order.index(i)] for i in range(len(ids))] == out


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(["billing", "tech", "other", "refund", None]), min_size=1, max_size=300
    ),
    st.sampled_from([0.05, 0.1, 0.25]),
    st.integers(0, 3),
)
def test_stratification_holds_for_single_records(strata: list, val: float, seed: int) -> None:
    ids = [f"id{i}" for i in range(len(strata))]
    out = assign_splits(ids, strata=strata, val_fraction=val, seed=seed)
    n = len(ids)
    total_val = out.count("val")
    if n > 1:
        assert total_val == math.floor(n * val + 0.5)
    per = Counter(strata)
    got = Counter(s for s, split in zip(strata, out, strict=True) if split == "val")
    for stratum, size in per.items():
        # each stratum gets floor or ceil of its share (largest remainder)
        assert math.floor(size * val) <= got[stratum] <= math.ceil(size * val) or n == 1


def test_threads_stay_together_and_fractions_roughly_hold() -> None:
    ids = [f"r{i:05d}" for i in range(3000)]
    groups = [f"thread{i // 3}" for i in range(3000)]  # 1,000 threads of 3 records
    clusters = [f"c{i // 7}" if i % 50 == 0 else None for i in range(3000)]
    out = assign_splits(ids, clusters=clusters, groups=groups, val_fraction=0.1, test_fraction=0.1)
    counts = Counter(out)
    assert abs(counts["val"] - 300) <= 3 and abs(counts["test"] - 300) <= 3
    for t in range(1000):
        assert len(set(out[3 * t : 3 * t + 3])) == 1


def test_seed_changes_assignment_and_union_find() -> None:
    ids = [f"r{i}" for i in range(200)]
    a = assign_splits(ids, val_fraction=0.2, seed=1)
    b = assign_splits(ids, val_fraction=0.2, seed=2)
    assert a != b and a.count("val") == b.count("val") == 40
    # a cluster linking two groups merges them: r0-r1 via group, r1-r2 via cluster
    roots = units([[None, "c", "c", None], ["g", "g", None, None]])
    assert roots[0] == roots[1] == roots[2] != roots[3]


def test_single_unit_goes_to_train() -> None:
    assert assign_splits(["a"], val_fraction=0.5) == ["train"]
    assert assign_splits(["a", "b"], groups=["g", "g"], val_fraction=0.5) == ["train", "train"]
    assert assign_splits([], val_fraction=0.5) == []


@pytest.mark.parametrize(
    ("val", "test", "message"),
    [
        (1.0, 0.0, "val_fraction must be in [0, 1), got 1.0"),
        (0.1, -0.1, "test_fraction must be in [0, 1), got -0.1"),
        (0.6, 0.5, "val_fraction + test_fraction must be below 1, got 1.1"),
    ],
)
def test_bad_fractions(val: float, test: float, message: str) -> None:
    """Library messages name the parameter (the CLI shows its flag)."""
    with pytest.raises(UsageError) as exc:
        assign_splits(["a"], val_fraction=val, test_fraction=test)
    assert exc.value.message == message
    assert exc.value.param == message.split()[0]


def reference_assign(
    record_ids: list[str],
    clusters: list[str | None],
    groups: list[str | None],
    strata: list[str | None] | None,
    val_fraction: float,
    test_fraction: float,
    seed: int,
) -> list[str]:
    """The original one-record-at-a-time implementation, kept to pin the columnar one to it."""
    import hashlib

    from curate.export.splits import _quotas

    n = len(record_ids)
    if n == 0:
        return []
    roots = units([clusters, groups])
    members: dict[int, list[int]] = {}
    for i, r in enumerate(roots):
        members.setdefault(r, []).append(i)
    table = []
    for idx in members.values():
        key = min(record_ids[i] for i in idx)
        votes = Counter("" if strata is None or strata[i] is None else strata[i] for i in idx)
        stratum = min(votes, key=lambda s: (-votes[s], s))
        digest = hashlib.sha256(f"{seed}\x00unit\x00{key}".encode()).digest()
        table.append((digest, len(idx), stratum, idx))
    table.sort(key=lambda u: u[0])
    sizes: Counter[str] = Counter()
    for _, size, stratum, _ in table:
        sizes[stratum] += size
    quotas = {
        "val": _quotas(sizes, val_fraction, n, seed),
        "test": _quotas(sizes, test_fraction, n, seed),
    }
    filled: dict[str, Counter[str]] = {"val": Counter(), "test": Counter()}
    out = ["train"] * n
    for _, size, stratum, idx in table:
        for split in ("val", "test"):
            have, want = filled[split][stratum], quotas[split][stratum]
            if have < want and (have + size) - want <= want - have:
                filled[split][stratum] += size
                for i in idx:
                    out[i] = split
                break
    if "train" not in out:
        for i in table[-1][3]:
            out[i] = "train"
    return out


@settings(max_examples=150, deadline=None)
@given(records, fractions, st.booleans())
def test_columnar_assignment_equals_the_reference(data: tuple, fr: tuple, stratify: bool) -> None:
    ids, clusters, groups, strata = data
    val, test, seed = fr
    strata = strata if stratify else None
    got = assign_splits(
        ids,
        clusters=clusters,
        groups=groups,
        strata=strata,
        val_fraction=val,
        test_fraction=test,
        seed=seed,
    )
    assert got == reference_assign(ids, clusters, groups, strata, val, test, seed)


def test_columnar_assignment_equals_the_reference_at_scale() -> None:
    rng = random.Random(4)
    n = 20_000
    ids = [f"rec{rng.getrandbits(40):012x}" for _ in range(n)]
    clusters = [f"c{rng.randrange(800)}" if rng.random() < 0.2 else None for _ in range(n)]
    groups = [f"g{i // 3}" if i % 5 else None for i in range(n)]
    strata = [rng.choice(["billing", "tech", "account", None]) for _ in range(n)]
    kw = {"val_fraction": 0.1, "test_fraction": 0.05, "seed": 9}
    got = assign_splits(ids, clusters=clusters, groups=groups, strata=strata, **kw)
    assert got == reference_assign(ids, clusters, groups, strata, 0.1, 0.05, 9)
    assert Counter(got)["val"] > 1000


def test_hash_collisions_fall_back_to_exact_key_grouping(monkeypatch: pytest.MonkeyPatch) -> None:
    import polars as pl

    rng = random.Random(2)
    ids = [f"r{i:04d}" for i in range(300)]
    clusters = [f"c{rng.randrange(100)}" if rng.random() < 0.2 else None for _ in ids]
    groups = [f"g{rng.randrange(400)}" for _ in ids]
    want = reference_assign(ids, clusters, groups, None, 0.2, 0.1, 1)
    # every key hashing alike: grouping by hash alone would merge all records into one unit
    monkeypatch.setattr(
        pl.Series, "hash", lambda self, seed=0: pl.Series([7] * len(self), dtype=pl.UInt64)
    )
    got = assign_splits(
        ids, clusters=clusters, groups=groups, val_fraction=0.2, test_fraction=0.1, seed=1
    )
    assert got == want and len(set(got)) == 3


def test_fixed_splits_hold_their_units_and_the_rest_is_drawn() -> None:
    """Issue 21: a record whose source published its split keeps it, and so does every record
    tied to it (a group or cluster member: test wins over val over train); the fractions draw
    from the other records only."""
    import numpy as np
    import polars as pl

    from curate.export.splits import SPLITS, split_codes

    n = 200
    ids = pl.Series([f"r{i:03d}" for i in range(n)])
    fixed = np.full(n, -1, np.int8)
    fixed[:20] = 2  # a published test set
    fixed[20:30] = 1  # a published validation set
    groups = pl.Series([f"g{i}" if i not in (5, 150) else "shared" for i in range(n)])
    codes = split_codes(ids, groups=groups, val_fraction=0.1, test_fraction=0.0, fixed=fixed)
    got = [SPLITS[c] for c in codes.tolist()]
    assert set(got[:20]) == {"test"} and set(got[20:30]) == {"val"}
    assert got[150] == "test"  # tied to test row 5 by its group
    drawn = [got[i] for i in range(30, n) if i != 150]
    assert Counter(drawn)["val"] == round(0.1 * 170)  # the fraction of the free records
    assert "test" not in drawn
    # without fixed splits, the same call is the plain draw
    plain = split_codes(ids, groups=groups, val_fraction=0.1)
    assert plain.tolist() == split_codes(ids, groups=groups, val_fraction=0.1, fixed=None).tolist()
