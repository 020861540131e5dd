"""Packing (several examples per row, attention kept per example) and the device plan.

The model is a tiny random Llama with a tokenizer trained here (see test_train_masking.py).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from click.testing import CliRunner  # noqa: E402
from test_train_masking import DATA, build_model_dir  # noqa: E402

from curate.errors import UsageError  # noqa: E402
from curate.train import TrainConfig, train  # noqa: E402
from curate.train.batching import IGNORE, epoch_batches, padding_fraction  # noqa: E402
from curate.train.masking import Encoded, encode, template_info  # noqa: E402
from curate.train.packing import (  # noqa: E402
    best_fit_decreasing,
    collate_packed,
    epoch_packs,
    isolates_examples,
    packed_padding,
)
from curate.train.plan import DeviceFacts, ModelShape, choose_plan  # noqa: E402


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, Any, list[Encoded]]:
    from transformers import AutoModelForCausalLM

    from curate.train.models import load_tokenizer

    path = build_model_dir(tmp_path_factory.mktemp("pack-model"), "chatml")
    tok = load_tokenizer(path)
    model = AutoModelForCausalLM.from_pretrained(path, attn_implementation="sdpa").eval()
    convs = [
        json.loads(line)["messages"] for line in (DATA / "train.jsonl").read_text().splitlines()
    ]
    examples = [encode(tok, c, None, 128, template_info(tok)) for c in convs[:8]]
    return path, tok, model, examples


def token_losses(model: Any, ids: Any, labels: Any, **kw: Any) -> Any:
    """Per-position loss of predicting labels[:, 1:] (0 where ignored)."""
    with torch.no_grad():
        logits = model(input_ids=ids, use_cache=False, **kw).logits[:, :-1].float()
    targets = labels[:, 1:]
    loss = torch.nn.functional.cross_entropy(
        logits.transpose(1, 2), targets.clamp(min=0), reduction="none"
    )
    return torch.where(targets != IGNORE, loss, 0.0)


def test_packed_loss_equals_unpacked_per_example(
    tiny: tuple[Path, Any, Any, list[Encoded]],
) -> None:
    _, tok, model, examples = tiny
    rows = [examples[:3], examples[3:7]]
    ids, pos, labels, _ = collate_packed(rows, tok.pad_token_id)
    packed = token_losses(model, ids, labels, position_ids=pos, attention_mask=None)
    for r, row in enumerate(rows):
        at = 0
        for e in row:
            alone_ids = torch.tensor([e.input_ids])
            alone_labels = torch.where(torch.tensor([e.trained]), alone_ids, IGNORE)
            alone = token_losses(model, alone_ids, alone_labels)[0]
            # packed position j predicts token j+1: the example's own targets are at[at : at+n-1]
            mine = packed[r, at : at + len(e) - 1]
            assert alone.sum() > 0
            torch.testing.assert_close(mine, alone, rtol=1e-4, atol=1e-5)
            at += len(e)


def test_no_token_attends_across_an_example_boundary(
    tiny: tuple[Path, Any, Any, list[Encoded]],
) -> None:
    _, tok, model, examples = tiny
    first, second = examples[0], examples[1]
    changed = Encoded([(t + 7) % len(tok) for t in first.input_ids], first.trained)

    def logits(a: Encoded, packed: bool) -> Any:
        ids, pos, _, _ = collate_packed([[a, second]], tok.pad_token_id)
        kw = {"position_ids": pos, "attention_mask": None} if packed else {}
        with torch.no_grad():
            return model(input_ids=ids, use_cache=False, **kw).logits[0, len(a) :]

    torch.testing.assert_close(logits(first, True), logits(changed, True), rtol=0, atol=1e-5)
    # without packed position ids the second example does see the first (the test can fail)
    assert not torch.allclose(logits(first, False), logits(changed, False), atol=1e-3)


def test_the_probe_tells_an_isolating_model_from_one_that_is_not(
    tiny: tuple[Path, Any, Any, list[Encoded]],
) -> None:
    _, tok, model, _ = tiny

    class IgnoresPositions(torch.nn.Module):  # type: ignore[misc]
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, position_ids: Any = None, **kw: Any) -> Any:
            return self.inner(**kw)

    assert isolates_examples(model, "cpu", len(tok))
    assert not isolates_examples(IgnoresPositions(model), "cpu", len(tok))


def test_labels_keep_the_assistant_mask_and_skip_each_first_token(
    tiny: tuple[Path, Any, Any, list[Encoded]],
) -> None:
    _, tok, _, examples = tiny
    row = examples[:3]
    ids, pos, labels, _ = collate_packed([row, examples[3:4]], tok.pad_token_id, multiple=8)
    at = 0
    for e in row:
        expect = [
            t if ok and k > 0 else IGNORE
            for k, (t, ok) in enumerate(zip(e.input_ids, e.trained, strict=True))
        ]
        assert labels[0, at : at + len(e)].tolist() == expect
        assert pos[0, at : at + len(e)].tolist() == list(range(len(e)))
        at += len(e)
    assert ids.shape[1] % 8 == 0 and ids.shape[1] >= at
    # padding closes the row as its own block (positions from 0) and is never a target
    assert labels[0, at:].eq(IGNORE).all() and pos[0, at:].tolist() == list(
        range(ids.shape[1] - at)
    )
    n = len(examples[3])
    assert labels[1, n:].eq(IGNORE).all() and ids[1, n:].eq(tok.pad_token_id).all()


def test_flattened_rows_carry_the_boundaries_for_varlen_attention(
    tiny: tuple[Path, Any, Any, list[Encoded]],
) -> None:
    _, tok, _, examples = tiny
    ids, pos, _, extra = collate_packed(
        [examples[:2], examples[2:3]], tok.pad_token_id, 8, flatten=True
    )
    lens = [len(e) for e in examples[:3]]
    assert ids.shape == (1, sum(lens))  # one row, no padding at all
    assert extra["cu_seq_lens_q"].tolist() == [0, lens[0], lens[0] + lens[1], sum(lens)]
    assert extra["max_length_q"] == max(lens) and pos[0, lens[0]] == 0


def realistic_lengths(n: int = 3000, seed: int = 0) -> list[int]:
    """Chat lengths with a long tail: log-normal around ~180 tokens, cut to 20..1024."""
    rng = random.Random(seed)
    return [min(1024, max(20, int(rng.lognormvariate(5.2, 0.8)))) for _ in range(n)]


def test_rows_hold_every_example_once_within_capacity() -> None:
    lengths = realistic_lengths(500)
    rows = best_fit_decreasing(range(len(lengths)), lengths, 1024)
    assert sorted(i for r in rows for i in r) == list(range(len(lengths)))
    assert max(sum(lengths[i] for i in r) for r in rows) <= 1024
    assert epoch_packs(lengths, 4, 1024, 3, 1) == epoch_packs(lengths, 4, 1024, 3, 1)
    assert epoch_packs(lengths, 4, 1024, 3, 1) != epoch_packs(lengths, 4, 1024, 3, 2)
    with pytest.raises(ValueError):
        best_fit_decreasing([0], [2000], 1024)


def test_padding_is_under_5_percent_on_a_realistic_length_mix() -> None:
    lengths = realistic_lengths()
    packed = packed_padding(epoch_packs(lengths, 4, 1024, 0, 0), lengths)
    grouped = padding_fraction(epoch_batches(lengths, 4, 0, 0), lengths)
    assert packed <= 0.05, packed
    assert packed < grouped  # what packing is for


A100 = DeviceFacts(
    "cuda", "A100", bf16=True, capability=(8, 0), fused_adamw=True, flash_attn=True, memory_gb=80
)
T4 = DeviceFacts("cuda", "Tesla T4", bf16=False, capability=(7, 5), fused_adamw=True, memory_gb=15)
CPU = DeviceFacts("cpu", "x86_64", bf16=True, fused_adamw=True)  # AMX / AVX512-BF16
OLD_CPU = DeviceFacts("cpu", "x86_64", bf16=False, fused_adamw=True)


def test_auto_plan_follows_the_device() -> None:
    a = choose_plan(A100)
    assert (a.dtype, a.autocast, a.fused_optimizer, a.attention, a.packing) == (
        "bf16",
        True,
        True,
        "flash_attention_2",
        True,
    )
    t = choose_plan(T4)
    assert (t.dtype, t.autocast, t.attention) == ("fp16", True, "sdpa")
    c = choose_plan(CPU)
    assert (c.dtype, c.autocast, c.gradient_checkpointing, c.attention) == (
        "bf16",
        True,
        False,
        "sdpa",
    )
    assert not choose_plan(DeviceFacts("cpu")).fused_optimizer
    old = choose_plan(OLD_CPU)
    assert (old.dtype, old.autocast) == ("fp32", False)
    # asked for, bf16 still runs on a CPU without it (emulated), and the card says so
    assert choose_plan(OLD_CPU, dtype="bf16").reasons["dtype"].endswith("slower than fp32)")
    assert choose_plan(CPU, packing="off").packing is False


def test_checkpointing_turns_on_only_when_memory_would_not_hold_the_activations() -> None:
    one_b = ModelShape(params=1_100_000_000, layers=22, hidden=2048)
    assert not choose_plan(A100, shape=one_b, tokens_per_batch=8 * 2048).gradient_checkpointing
    tight = choose_plan(T4, shape=one_b, tokens_per_batch=32 * 2048)
    assert tight.gradient_checkpointing and "recompute" in tight.reasons["gradient_checkpointing"]
    assert choose_plan(CPU, gradient_checkpointing=True).gradient_checkpointing


def test_options_the_device_cannot_honour_are_refused_with_the_reason() -> None:
    with pytest.raises(UsageError) as err:
        choose_plan(T4, dtype="bf16")
    assert (
        err.value.message == "dtype bf16: Tesla T4 (compute capability 7.5) does not support bf16"
    )
    assert err.value.hint == (
        "pass dtype fp16 (or auto) on this GPU; bf16 needs compute capability 8.0 or newer"
    )
    with pytest.raises(UsageError) as err:
        choose_plan(DeviceFacts("cpu", "old"), fused_optimizer="on")
    assert err.value.message == "fused_optimizer on: this torch has no fused AdamW kernel for cpu"
    with pytest.raises(UsageError) as err:
        choose_plan(CPU, dtype="fp16")
    assert err.value.message == "dtype fp16 is not supported on CPU"


def test_cli_exits_2_on_an_unsupported_precision(tmp_path: Path) -> None:
    from curate.cli import main

    result = CliRunner().invoke(
        main,
        [
            "train",
            str(DATA),
            "--model",
            "x",
            "--out",
            str(tmp_path / "o"),
            "--device",
            "cpu",
            "--dtype",
            "fp16",
        ],
    )
    assert result.exit_code == 2
    assert result.stderr.splitlines()[:2] == [
        "Error: --dtype fp16 is not supported on CPU",
        "Hint: use --dtype fp32 or bf16 (or auto)",
    ]


def test_a_packed_run_records_its_plan_and_padding(
    tiny: tuple[Path, Any, Any, list[Encoded]], tmp_path: Path
) -> None:
    path = tiny[0]
    opts = {"batch_size": 2, "max_tokens": 128, "device": "cpu", "max_steps": 2, "eval_every": 0}
    packed = train(DATA, TrainConfig(model=str(path), out=str(tmp_path / "p"), **opts))
    card = json.loads((tmp_path / "p" / "training_card.json").read_text())
    plan = card["device_plan"]
    assert plan["packing"] is True and card["metrics"]["packing"] is True
    from curate.train.plan import device_facts

    expected = "bf16" if device_facts("cpu").bf16 else "fp32"
    assert (plan["dtype"], plan["attention"], plan["fused_optimizer"]) == (expected, "sdpa", True)
    assert card["metrics"]["padding_fraction"] == packed.padding_fraction < 0.2
    plain = train(
        DATA, TrainConfig(model=str(path), out=str(tmp_path / "u"), packing="off", **opts)
    )
    assert plain.plan["packing"] is False and plain.plan["reasons"]["packing"] == "off: requested"


def test_packing_on_is_refused_for_a_model_that_does_not_isolate(
    tiny: tuple[Path, Any, Any, list[Encoded]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from curate.train import trainer

    monkeypatch.setattr(trainer, "isolates_examples", lambda *a: False)
    opts = {"batch_size": 2, "max_tokens": 128, "device": "cpu", "max_steps": 1, "eval_every": 0}
    auto = train(DATA, TrainConfig(model=str(tiny[0]), out=str(tmp_path / "a"), **opts))
    assert auto.plan["packing"] is False
    assert "does not isolate" in auto.plan["reasons"]["packing"]
    with pytest.raises(UsageError) as err:
        train(DATA, TrainConfig(model=str(tiny[0]), out=str(tmp_path / "b"), packing="on", **opts))
    assert err.value.message.startswith(f"packing on: {tiny[0]} lets packed examples attend")


def test_a_checkpoint_from_before_packing_resumes_only_unpacked(
    tiny: tuple[Path, Any, Any, list[Encoded]], tmp_path: Path
) -> None:
    """Old checkpoints name no packing option: they were trained on unpacked batches."""
    opts = {"batch_size": 2, "max_tokens": 128, "device": "cpu", "eval_every": 0}
    out = tmp_path / "old"
    cut = TrainConfig(
        model=str(tiny[0]), out=str(out), max_steps=2, save_every=1, packing="off", **opts
    )

    def stop(event: dict[str, Any]) -> None:
        if event["event"] == "step" and event["step"] == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        train(DATA, cut, progress=stop)
    state_file = out / "checkpoints" / "step-000001" / "trainer_state.json"
    state = json.loads(state_file.read_text())
    del state["options"]["packing"]
    state_file.write_text(json.dumps(state))
    again = TrainConfig(model=str(tiny[0]), out=str(out), max_steps=2, resume=True, **opts)
    with pytest.raises(UsageError) as err:
        train(DATA, again)
    assert "--packing 'off' → 'auto'" in err.value.message
    again.packing = "off"
    assert train(DATA, again).resumed_from == 1


def load_bench() -> Any:
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "bench" / "bench_train.py"
    spec = importlib.util.spec_from_file_location("bench_train", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_bench_gpu_model_is_about_1b_and_its_setup_runs_on_cpu(
    tiny: tuple[Path, Any, Any, list[Encoded]], tmp_path: Path
) -> None:
    """The GPU run's random Llama (--model-config 1b) at its real shape on the meta device, and
    the same builder at the tiny shape, trained one step by curate on CPU."""
    from transformers import AutoModelForCausalLM, LlamaConfig

    bench = load_bench()
    with torch.device("meta"):
        big = AutoModelForCausalLM.from_config(
            LlamaConfig(vocab_size=49152, tie_word_embeddings=False, **bench.MODEL_CONFIGS["1b"])
        )
    assert 1.0e9 < sum(p.numel() for p in big.parameters()) < 1.3e9
    model = bench.build_random_model(tmp_path / "m", "tiny", str(tiny[0]))
    opts = {"batch_size": 2, "max_tokens": 128, "device": "cpu", "max_steps": 1, "eval_every": 0}
    result = train(DATA, TrainConfig(model=str(model), out=str(tmp_path / "o"), **opts))
    assert result.steps == 1 and result.plan["packing"] is True
    assert bench.mfu(
        {"tokens_per_s": 1000.0, "params": 10**9, "layers": 22, "hidden": 2048}, 2048, 989e12
    ) == pytest.approx(1000 * (6e9 + 12 * 22 * 2048 * 2048) / 989e12)
