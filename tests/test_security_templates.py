"""Task templates and chat templates render with bounds: a runaway template errors, promptly."""

from __future__ import annotations

import contextlib
import json
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from curate.errors import ConfigError
from curate.export import export
from curate.export.sandbox import BoundedSandbox, RenderLimitError
from curate.export.tokens import load_tokenizer
from curate.ingest import ingest

NESTED = "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"
SCHEMA = """
name = "notes"
[fields.question]
type = "string"
text = true
side = "user"
[fields.answer]
type = "string"
text = true
side = "assistant"
[[layouts]]
name = "note_rows"
kind = "rows"
required = ["question", "answer"]
[[tasks]]
name = "answer_it"
requires = ["question", "answer"]
user = "{{{{ question }}}}"
assistant = '''{assistant}'''
"""


@contextlib.contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (rather than hang the suite) when the block runs past ``seconds``."""

    def expire(*_: object) -> None:
        raise AssertionError(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _workspace(tmp_path: Path, assistant: str) -> Path:
    schema = tmp_path / "notes.toml"
    schema.write_text(SCHEMA.format(assistant=assistant))
    data = tmp_path / "notes.jsonl"
    data.write_text(json.dumps({"question": "Why?", "answer": "Because."}) + "\n")
    ingest([data], str(schema), tmp_path / "ws", rules=None)
    return tmp_path / "ws"


@pytest.mark.parametrize(
    ("assistant", "message"),
    [
        (NESTED, "range() of 100,000 items (limit 10,000)"),
        (
            NESTED.replace("100000", "10000").replace("x", "{{ answer }}"),
            "the template ran over 200,000 steps (loop iterations and calls) in one render; "
            "it loops far more than a text needs (nested range() loops?)",
        ),
    ],
)
def test_a_runaway_task_template_is_a_prompt_clear_error(
    tmp_path: Path, assistant: str, message: str
) -> None:
    ws = _workspace(tmp_path, assistant)
    t0 = time.perf_counter()
    with deadline(30), pytest.raises(ConfigError) as err:
        export(ws, out=tmp_path / "out")
    assert time.perf_counter() - t0 < 10
    where = "schema 'notes', task 'answer_it', assistant template"
    if "answer" in assistant:  # rendered per record: the record is named too
        src = tmp_path / "notes.jsonl"
        where = f"task 'answer_it' failed to render record {src}:1: ConfigError: {where}"
    assert err.value.message.startswith(f"{where}: {message}")


def test_a_runaway_chat_template_is_a_prompt_clear_error(tmp_path: Path) -> None:
    from tests.test_tokens import make_tokenizer

    folder = make_tokenizer(tmp_path / "tok", template=NESTED + "{{ messages[0]['content'] }}")
    tok = load_tokenizer(folder)
    with deadline(30), pytest.raises(ValueError) as err:
        tok.render([{"role": "user", "content": "hi"}])
    assert str(err.value) == (
        f"chat template of {folder} failed: range() of 100,000 items (limit 10,000)"
    )


OK_TEMPLATE = (
    "{% for m in messages %}<|{{ m.role }}|>{{ m.content ~ '!' }}"
    "{% if loop.last %} {{ loop.length }}{% endif %}{% endfor %}"
    " {{ range(3)|list|length }} {{ 123456789012|string }} {{ 'ab' * 2 }} {{ 2 ** 10 }}"
    "{% for x in items recursive %}{{ x.n }}{{ loop(x.c) if x.c }}{% endfor %}"
)


def test_ordinary_templates_render_as_before() -> None:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    ctx = {
        "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}],
        "items": [{"n": 1, "c": [{"n": 2, "c": []}]}],
    }
    bounded = BoundedSandbox().from_string(OK_TEMPLATE).render(**ctx)
    assert bounded == ImmutableSandboxedEnvironment().from_string(OK_TEMPLATE).render(**ctx)
    assert bounded == "<|user|>hi!<|assistant|>yo! 2 3 123456789012 abab 102412"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "{% set ns = namespace(s='ab') %}{% for i in range(60) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
            "'~' would build a value of 16,777,216 items (limit 10,000,000)",
        ),
        (
            "{% set ns = namespace(s='ab') %}{% for i in range(60) %}"
            "{% set ns.s = ns.s + ns.s %}{% endfor %}",
            "'+' would build a value of 16,777,216 items (limit 10,000,000)",
        ),
        (
            "{% set ns = namespace(s='aa') %}{% for i in range(60) %}"
            "{% set ns.s = ns.s|replace('a', ns.s) %}{% endfor %}",
            "filter 'replace' would build a value of 4,294,967,296 items (limit 10,000,000)",
        ),
        ("{{ 'x'|center(1000000000) }}", "filter 'center' got the number 1,000,000,000"),
        ("{{ 'x'.ljust(1000000000) }}", "ljust() got the number 1,000,000,000"),
        ("{{ 'x' * 1000000000 }}", "'*' would build a value of 1,000,000,000 items"),
        ("{{ 10 ** (10 ** 10) }}", "'**' with the exponent 10,000,000,000 (limit 10,000)"),
        ("{{ '%1000000000d' % 1 }}", "format string '%1000000000d' asks for a huge width"),
        ("{{ '{:>1000000000}'.format(1) }}", "asks for a huge width"),
        (
            "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}"
            "{{ f(40) }}",
            "the template ran over 200,000 steps (loop iterations and calls) in one render",
        ),
        (
            "{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}",
            "the template ran over 200,000 steps",
        ),
    ],
)
def test_each_way_to_run_away_is_stopped(source: str, message: str) -> None:
    t0 = time.perf_counter()
    with deadline(30), pytest.raises(RenderLimitError) as err:
        BoundedSandbox().from_string(source).render()
    assert message in str(err.value)
    assert time.perf_counter() - t0 < 3
