"""The codebase schema's five model-free tasks, rendered from the sample repository."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict

import pytest

import curate
from tests.conftest import SAMPLE

Examples = dict[str, list[list[dict[str, str]]]]
TASKS = ("doc_qa", "api_reference", "implement_from_spec", "explain_code", "usage_example")


@pytest.fixture(scope="module")
def examples(tmp_path_factory: pytest.TempPathFactory) -> Examples:
    """Exported examples per task (dedupe off: every definition of the fixture renders)."""
    base = tmp_path_factory.mktemp("tasks")
    repo = base / "tinykv"
    shutil.copytree(SAMPLE / "codebase", repo)
    ws = base / "ws"
    curate.ingest([str(repo)], schema="codebase", workspace=ws, rules="code")
    curate.export(ws, out=str(ws / "export"), metadata=True, val_fraction=0.0)
    out: dict[str, list[list[dict[str, str]]]] = defaultdict(list)
    for path in (ws / "export").glob("*.jsonl"):
        for line in path.read_text("utf-8").splitlines():
            row = json.loads(line)
            out[row["metadata"]["id"].rsplit(":", 1)[1]].append(row["messages"])
    return out


def turn(example: list[dict[str, str]], role: str) -> str:
    return next(m["content"] for m in example if m["role"] == role)


def find(examples: list[list[dict[str, str]]], needle: str) -> list[dict[str, str]]:
    return next(e for e in examples if needle in turn(e, "user"))


def test_every_task_renders(examples: Examples) -> None:
    assert set(examples) == set(TASKS)


def test_doc_qa_heading_as_question_section_as_answer(examples: Examples) -> None:
    ex = find(examples["doc_qa"], "How do I connect with credentials?")
    assert turn(ex, "user") == "How do I connect with credentials?"
    assert turn(ex, "assistant").startswith("Pass them in the URL.")
    assert '```python\nstore = Store("tinykv://user:pass@localhost:7070")\n```' in turn(
        ex, "assistant"
    )  # code block intact; a placeholder password is no secret
    rst = find(examples["doc_qa"], '"Writing your own codec" (in "Codecs")')
    assert "class UpperCodec(Codec):\n    def encode(self, value):" in turn(rst, "assistant")


def test_api_reference_signature_to_docstring(examples: Examples) -> None:
    ex = find(examples["api_reference"], "tinykv.store.Store.get(")
    assert turn(ex, "user") == "What does `tinykv.store.Store.get(self, key: str) -> Any` do?"
    assert turn(ex, "assistant").startswith("The value stored under ``key``.")
    module = find(examples["api_reference"], "module `tinykv.codec`")
    assert turn(module, "assistant") == "Codecs: how values become bytes on the wire and back."


def test_implement_from_spec_stub_to_body(examples: Examples) -> None:
    ex = find(examples["implement_from_spec"], "Implement `tinykv.store.Store.delete`")
    assert turn(ex, "user") == (
        "Implement `tinykv.store.Store.delete` in `src/tinykv/store.py`:\n\n```python\n"
        'def delete(self, key: str) -> bool:\n    """Remove ``key``; returns whether it was'
        ' there."""\n```'
    )
    assert turn(ex, "assistant") == (
        "```python\ndef delete(self, key: str) -> bool:\n"
        "    return self._data.pop(key, None) is not None\n```"
    )
    # Codec.encode only raises NotImplementedError: no body to learn, no example
    assert not any("Codec.encode`" in turn(e, "user") for e in examples["implement_from_spec"])


def test_explain_code_body_to_docstring(examples: Examples) -> None:
    ex = find(examples["explain_code"], "def purge(self) -> int:")
    assert '"""' not in turn(ex, "user")  # the docstring is the answer, not in the question
    assert turn(ex, "assistant") == "Drop every expired key and return how many were dropped."


def test_usage_example_prose_to_code(examples: Examples) -> None:
    ex = find(examples["usage_example"], '"Quickstart"')
    assert "Open a store, put a value and read it back." in turn(ex, "user")
    assert turn(ex, "assistant").startswith("```python\nfrom tinykv import Store\n\nstore = Store(")
