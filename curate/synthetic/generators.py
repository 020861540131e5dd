"""Generators: a local transformers model (a folder or a curate alias), or an OpenAI-compatible
chat endpoint. Nothing is downloaded: a local model is loaded with ``local_files_only``, and an
endpoint is only the URL the user gives."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from curate.errors import StageError, UsageError

Generate = Callable[[list[dict[str, str]], int], str]


def endpoint_generator(base_url: str, model: str, api_key_env: str | None = None) -> Generate:
    """``POST {base_url}/chat/completions`` (OpenAI's chat API, as vLLM, llama.cpp and Ollama
    serve it); the key, if any, is read from the environment variable named ``api_key_env``."""
    if not base_url.startswith(("http://", "https://")):
        raise UsageError(f"endpoint {base_url!r}: not an http(s) URL", param="endpoint")
    url = base_url.rstrip("/") + "/chat/completions"
    headers = {"Content-Type": "application/json"}
    if api_key_env:
        key = os.environ.get(api_key_env)
        if not key:
            raise UsageError(
                f"api_key_env {api_key_env}: the variable is not set", param="api_key_env"
            )
        headers["Authorization"] = f"Bearer {key}"

    def generate(messages: list[dict[str, str]], max_new_tokens: int) -> str:
        body = {
            "model": model,
            "messages": messages,
            "max_tokens": max_new_tokens,
            "temperature": 0,
        }
        req = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=120) as resp:
                reply: Any = json.loads(resp.read().decode("utf-8"))
            return str(reply["choices"][0]["message"]["content"] or "")
        except (urllib.error.URLError, OSError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise StageError(f"generator endpoint {url}: {exc}") from exc

    return generate


def local_generator(spec: str, device: str = "cpu") -> Generate:
    """A local causal LM (a model folder, or an alias such as ``smollm2``), greedy decoding with
    its own chat template."""
    from curate.train.models import (
        load_model,
        load_tokenizer,
        require_train_deps,
        resolve_model,
    )

    require_train_deps()
    import torch

    from curate.train.masking import encode_prompt

    path = resolve_model(spec)
    tokenizer = load_tokenizer(path)
    model = load_model(path, dtype=torch.float32, device=device).eval()

    def generate(messages: list[dict[str, str]], max_new_tokens: int) -> str:
        ids = encode_prompt(tokenizer, messages)  # the chat template, as training renders it
        x = torch.tensor([ids], device=device)
        with torch.no_grad():
            out = model.generate(
                input_ids=x,
                max_new_tokens=max_new_tokens,
                do_sample=False,
                pad_token_id=tokenizer.pad_token_id or tokenizer.eos_token_id or 0,
            )
        return str(tokenizer.decode(out[0, x.shape[1] :], skip_special_tokens=True))

    return generate
