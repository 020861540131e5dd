"""No code shipped in a model or tokenizer folder ever runs, even when stdin answers "y".

transformers asks "Do you wish to run the custom code? [y/N]" on stdin when ``trust_remote_code``
is left unset; curate passes ``trust_remote_code=False`` everywhere and gives loaders no stdin.
The loaders run in a child process whose stdin is "y\\n", as a user's terminal would be.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("transformers")

EVIL = "from pathlib import Path\nPath({marker!r}).write_text('ran')\n"

CHILD = """
import json, sys
from curate.errors import CurateError
from curate.export.tokens import load_tokenizer
from curate.train import models

out = {}
for name, call in [
    ("tokens.load_tokenizer", lambda: load_tokenizer(sys.argv[1])),
    ("models.load_tokenizer", lambda: models.load_tokenizer(sys.argv[1])),
    ("models.load_model", lambda: models.load_model(sys.argv[2], dtype=None, device="cpu")),
    ("models.resolve_model", lambda: models.resolve_model(sys.argv[2])),
]:
    try:
        call()
        out[name] = "loaded"
    except CurateError as exc:
        out[name] = f"{type(exc).__name__}: {exc.message}"
print(json.dumps(out))
"""


def _evil_folder(folder: Path, marker: Path) -> Path:
    folder.mkdir()
    for module in ("tokenization_evil", "configuration_evil", "modeling_evil"):
        (folder / f"{module}.py").write_text(EVIL.format(marker=str(marker)))
    auto = {
        "AutoConfig": "configuration_evil.EvilConfig",
        "AutoModelForCausalLM": "modeling_evil.EvilModel",
        "AutoTokenizer": ["tokenization_evil.EvilTokenizer", None],
    }
    (folder / "config.json").write_text(json.dumps({"model_type": "evil", "auto_map": auto}))
    (folder / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "EvilTokenizer", "auto_map": auto})
    )
    return folder


def test_no_code_from_a_model_or_tokenizer_folder_runs(tmp_path: Path) -> None:
    marker = tmp_path / "ran-code-from-the-folder"
    tok_dir = _evil_folder(tmp_path / "tok", marker)
    model_dir = _evil_folder(tmp_path / "model", marker)
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(tok_dir), str(model_dir)],
        input="y\ny\ny\ny\n",
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert not marker.exists()
    assert "Do you wish to run the custom code" not in proc.stdout + proc.stderr
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    refused = "needs trust_remote_code; curate never runs code shipped with a model"
    assert got == {
        "tokens.load_tokenizer": (
            f"UsageError: tokenizer {tok_dir}: the directory has no tokenizer.json and its "
            "tokenizer is defined by code shipped in the folder; curate never runs that code"
        ),
        "models.load_tokenizer": f"UsageError: model {tok_dir} {refused}",
        "models.load_model": f"UsageError: model {model_dir} {refused}",
        "models.resolve_model": (
            f"UsageError: model {model_dir} needs trust_remote_code (its config.json maps to "
            "custom code: AutoConfig, AutoModelForCausalLM, AutoTokenizer); curate never runs "
            "code shipped with a model"
        ),
    }


def test_generate_refuses_an_adapter_that_is_not_lora(tmp_path: Path) -> None:
    from curate.errors import UsageError
    from curate.train.generate import generate

    (tmp_path / "adapter_config.json").write_text(
        json.dumps({"peft_type": "PROMPT_TUNING", "tokenizer_name_or_path": str(tmp_path)})
    )
    with pytest.raises(UsageError) as err:
        generate(tmp_path, ["hi"])
    assert err.value.message == (
        f"adapter {tmp_path}: adapter_config.json has peft_type 'PROMPT_TUNING'; "
        "curate loads LoRA adapters only"
    )
    assert err.value.param == "adapter"
