"""How a run uses its device: precision, gradient checkpointing, fused optimizer, attention.

``choose_plan`` is a pure function of the device's facts (``DeviceFacts``, read once by
``device_facts``), the model's shape and the options, so every choice can be tested without the
hardware. ``auto`` takes what the device does well; an option the device cannot honour is a
``UsageError`` that says why and what to pass instead, never a silent downgrade. The plan, with
the reason for each choice, goes into training_card.json.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from curate.errors import UsageError

# Bytes of saved activations per token, per layer, per hidden unit (bf16, attention by sdpa or
# flash, no score matrix kept): about 34 (Korthikanti et al., 2022); doubled in fp32.
ACTIVATION_BYTES = 34
# Checkpointing turns on when weights + activations would fill more than this share of memory.
MEMORY_SHARE = 0.8


@dataclass(frozen=True)
class DeviceFacts:
    """What the device can do, as far as training choices go."""

    kind: str  # cpu | cuda | mps
    name: str = ""
    bf16: bool = False  # native bf16 arithmetic (CUDA: capability >= 8.0; CPU: AMX or AVX512-BF16)
    capability: tuple[int, int] | None = None  # CUDA compute capability
    fused_adamw: bool = False  # torch ships a fused AdamW kernel for this device
    flash_attn: bool = False  # the flash_attn package imports and the GPU runs it (sm80+)
    memory_gb: float | None = None  # device memory (None on CPU: not the constraint)


@dataclass(frozen=True)
class ModelShape:
    """What the memory estimate needs to know about the model."""

    params: int
    layers: int
    hidden: int


@dataclass
class Plan:
    """The choices; ``reasons`` says why each was made (written to the card)."""

    device: str
    dtype: str  # fp32 | bf16 | fp16: the weights and the autocast type
    autocast: bool
    gradient_checkpointing: bool
    fused_optimizer: bool
    attention: str  # sdpa | flash_attention_2
    packing: bool  # asked for (auto/on); the trainer still probes the model before packing
    reasons: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def device_facts(device: str) -> DeviceFacts:
    """Read the facts of ``device`` (cpu, cuda or mps) from torch."""
    import importlib.util

    import torch
    import torch.optim.optimizer as optimizer_module

    # torch names the devices its fused kernels support in a private helper; without it
    # (older torch) fused AdamW is CUDA-only
    supported = getattr(optimizer_module, "_get_fused_kernels_supported_devices", None)
    fused = device in supported() if supported else device == "cuda"
    if device == "cuda":
        cap = torch.cuda.get_device_capability()
        props = torch.cuda.get_device_properties(0)
        return DeviceFacts(
            kind="cuda",
            name=torch.cuda.get_device_name(),
            bf16=torch.cuda.is_bf16_supported(),
            capability=(int(cap[0]), int(cap[1])),
            fused_adamw=fused,
            flash_attn=cap >= (8, 0) and importlib.util.find_spec("flash_attn") is not None,
            memory_gb=props.total_memory / 2**30,
        )
    if device == "mps":
        return DeviceFacts(kind="mps", name="Apple GPU", bf16=True, fused_adamw=fused)
    return DeviceFacts(kind="cpu", name=_cpu_name(), bf16=_cpu_bf16(), fused_adamw=fused)


def _cpu_name() -> str:
    import platform

    return platform.processor() or platform.machine()


def _cpu_bf16() -> bool:
    """Whether the CPU multiplies bf16 natively (AMX tiles or AVX512-BF16), where oneDNN's bf16
    matmul runs several times faster than fp32; elsewhere torch emulates bf16, slower than fp32."""
    import torch

    probes = ("_is_amx_tile_supported", "_is_avx512_bf16_supported")
    return any(bool(getattr(torch.cpu, name, lambda: False)()) for name in probes)


def activation_gb(shape: ModelShape, tokens: int, dtype: str) -> float:
    """Activations a step keeps for the backward pass, without checkpointing (estimate)."""
    per = ACTIVATION_BYTES * (2 if dtype == "fp32" else 1)
    return shape.layers * tokens * shape.hidden * per / 2**30


def choose_plan(
    facts: DeviceFacts,
    *,
    dtype: str = "auto",
    gradient_checkpointing: bool = False,
    fused_optimizer: str = "auto",
    packing: str = "auto",
    shape: ModelShape | None = None,
    tokens_per_batch: int = 0,
) -> Plan:
    """The plan for this device and these options (see the module docstring)."""
    reasons: dict[str, str] = {}
    where = facts.name or facts.kind
    # precision
    if dtype == "auto":
        if facts.kind == "cuda":
            dtype = "bf16" if facts.bf16 else "fp16"
            reasons["dtype"] = (
                f"{where} supports bf16"
                if facts.bf16
                else f"{where} has no bf16: fp16 with loss scaling"
            )
        elif facts.kind == "cpu" and facts.bf16:
            dtype = "bf16"
            reasons["dtype"] = "the CPU multiplies bf16 natively (AMX/AVX512-BF16): bf16 autocast"
        else:
            dtype = "fp32"
            reasons["dtype"] = f"{facts.kind}: fp32 (half precision is emulated or slower here)"
    else:
        if dtype == "bf16" and facts.kind == "cuda" and not facts.bf16:
            cap = (
                f" (compute capability {facts.capability[0]}.{facts.capability[1]})"
                if facts.capability
                else ""
            )
            raise UsageError(
                f"dtype bf16: {where}{cap} does not support bf16",
                hint="pass dtype fp16 (or auto) on this GPU; bf16 needs compute capability 8.0 or newer",
                param="dtype",
            )
        if dtype == "fp16" and facts.kind == "cpu":
            raise UsageError(
                "dtype fp16 is not supported on CPU",
                hint="use dtype fp32 or bf16 (or auto)",
                param="dtype",
            )
        reasons["dtype"] = "requested" + (
            " (emulated on this CPU: slower than fp32)"
            if facts.kind == "cpu" and dtype == "bf16" and not facts.bf16
            else ""
        )
    # frozen base weights in dtype; LoRA weights stay fp32 (peft) and autocast runs their matmuls
    autocast = facts.kind in ("cuda", "cpu") and dtype != "fp32"
    # optimizer
    if fused_optimizer == "on" and not facts.fused_adamw:
        raise UsageError(
            f"fused_optimizer on: this torch has no fused AdamW kernel for {facts.kind}",
            hint="pass fused_optimizer auto (it uses the fused kernel where one exists)",
            param="fused_optimizer",
        )
    fused = fused_optimizer != "off" and facts.fused_adamw
    reasons["fused_optimizer"] = (
        "off: requested"
        if fused_optimizer == "off"
        else f"torch's fused AdamW runs on {facts.kind}"
        if fused
        else f"no fused AdamW kernel for {facts.kind} in this torch"
    )
    # attention: flash-attention's varlen kernel where it runs, else sdpa (block mask when packed)
    flash = facts.flash_attn and dtype in ("bf16", "fp16")
    attention = "flash_attention_2" if flash else "sdpa"
    reasons["attention"] = (
        f"flash_attn on {where}" if flash else "sdpa (flash_attn not installed or not usable here)"
    )
    # gradient checkpointing: asked for, or needed to fit the device's memory
    checkpointing = gradient_checkpointing
    if gradient_checkpointing:
        reasons["gradient_checkpointing"] = "requested"
    elif facts.memory_gb and shape and tokens_per_batch:
        weights = shape.params * (4 if dtype == "fp32" else 2) / 2**30
        need = weights + activation_gb(shape, tokens_per_batch, dtype)
        checkpointing = need > MEMORY_SHARE * facts.memory_gb
        reasons["gradient_checkpointing"] = (
            f"weights + activations ~{need:.1f} GB of {facts.memory_gb:.0f} GB"
            + (": recompute activations" if checkpointing else ": they fit")
        )
    else:
        reasons["gradient_checkpointing"] = f"off on {facts.kind} (memory is not the limit)"
    packed = packing != "off"
    reasons["packing"] = {
        "off": "off: requested",
        "on": "requested",
        "auto": "on unless the model's attention does not isolate packed examples",
    }[packing]
    return Plan(
        device=facts.kind,
        dtype=dtype,
        autocast=autocast,
        gradient_checkpointing=checkpointing,
        fused_optimizer=fused,
        attention=attention,
        packing=packed,
        reasons=reasons,
    )


def model_shape(model: Any) -> ModelShape:
    """Parameter count, layers and width of a transformers model (from its config)."""
    cfg = model.config
    params = sum(p.numel() for p in model.parameters())
    layers = int(getattr(cfg, "num_hidden_layers", 0) or getattr(cfg, "n_layer", 0) or 1)
    hidden = int(getattr(cfg, "hidden_size", 0) or getattr(cfg, "n_embd", 0) or 1)
    return ModelShape(params=params, layers=layers, hidden=hidden)
