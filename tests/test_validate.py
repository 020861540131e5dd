"""`curate validate`: one test per error and warning kind, non-JSONL input, CLI exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from curate.cli import main
from curate.validate import ERRORS, WARNINGS, validate_file
from tests.test_tokens import make_tokenizer

DATA = Path(__file__).parent / "data" / "validate"
S = {"role": "system", "content": "You are helpful."}
U = {"role": "user", "content": "My router drops wifi."}
A = {"role": "assistant", "content": "Reset the router."}
GOOD = {"messages": [S, U, A]}
WEATHER_TOOL = {"type": "function", "function": {"name": "get_weather", "parameters": {}}}


def write(tmp_path: Path, *lines: Any, name: str = "f.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines))
    return path


ERROR_CASES: dict[str, tuple[Any, str]] = {
    "bad_json": ('{"messages": [', "invalid JSON: Expecting value: line 1 column 15 (char 14)"),
    "not_object": ("[1, 2]", "line is a JSON list, not an object"),
    "missing_messages": ({"tools": []}, "no 'messages' key"),
    "messages_not_list": ({"messages": "hi"}, "'messages' is str, not a list"),
    "message_not_object": ({"messages": [S, "hi", A]}, "messages[1] is str, not an object"),
    "missing_role": ({"messages": [S, {"content": "hi"}, A]}, "messages[1] has no 'role'"),
    "missing_content": (
        {"messages": [S, {"role": "user"}, A]},
        "messages[1] (user) has no 'content'",
    ),
    "unknown_key": ({"messages": [S, U, A], "label": 3}, "unrecognized key(s) label"),
    "unknown_role": (
        {"messages": [S, {"role": "human", "content": "hi"}, A]},
        "messages[1]: unrecognized role 'human' (expected system, user, assistant or tool)",
    ),
    "empty_content": (
        {"messages": [S, {"role": "user", "content": ""}, A]},
        "messages[1] (user) has empty content",
    ),
    "content_not_string": (
        {"messages": [S, {"role": "user", "content": 42}, A]},
        "messages[1] (user) content is int, not a string or a list of content parts",
    ),
    "no_assistant": ({"messages": [S, U]}, "no assistant message (nothing to train on)"),
    "consecutive_roles": ({"messages": [S, U, U, A]}, "messages[2]: two user messages in a row"),
    "bad_weight": (
        {"messages": [S, U, {**A, "weight": 0.5}]},
        "messages[2]: weight is 0.5; it must be 0 or 1",
    ),
    "lone_surrogate": (
        '{"messages": [{"role": "user", "content": "hi \\ud83d"}, '
        '{"role": "assistant", "content": "ok"}]}',
        "a string holds the lone surrogate \\ud83d, half of a UTF-16 pair: not valid "
        "Unicode, so `datasets` and UTF-8 writers cannot load the line",
    ),
    "undeclared_tool": (
        {
            "messages": [
                S,
                U,
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {"id": "c1", "type": "function", "function": {"name": "get_time"}}
                    ],
                },
                {"role": "tool", "content": "12:00", "tool_call_id": "c1"},
                A,
            ],
            "tools": [WEATHER_TOOL],
        },
        "messages[2]: tool call to 'get_time', which 'tools' does not declare (declared: get_weather)",
    ),
}


@pytest.mark.parametrize("code", sorted(ERROR_CASES))
def test_each_error_kind(tmp_path: Path, code: str) -> None:
    line, message = ERROR_CASES[code]
    report = validate_file(write(tmp_path, GOOD, line))
    assert not report.ok
    assert [(f.line, f.code, f.message) for f in report.errors] == [(2, code, message)]


def test_duplicates_warn_unless_asked_to_fail(tmp_path: Path) -> None:
    """No trainer refuses a repeated line: a warning, an error only with the flag."""
    path = write(tmp_path, GOOD, {"messages": [U, A]}, GOOD)
    report = validate_file(path)
    assert report.ok
    dup = (3, "duplicate", "exact duplicate of line 1")
    assert [(f.line, f.code, f.message) for f in report.warnings if f.code == "duplicate"] == [dup]
    strict = validate_file(path, fail_on_duplicates=True)
    assert [(f.line, f.code, f.message) for f in strict.errors] == [dup]
    assert CliRunner().invoke(main, ["validate", str(path)]).exit_code == 0
    res = CliRunner().invoke(main, ["validate", str(path), "--fail-on-duplicates"])
    assert res.exit_code == 1
    assert "line 3: exact duplicate of line 1" in res.output


def test_error_table_is_covered() -> None:
    tokenizer_codes = {
        "double_bos",
        "missing_end_of_turn",
        "answer_truncated",
        "not_jsonl",
        "bad_structure",
    }
    file_codes = {"empty_file", "unreadable"}
    assert set(ERRORS) == set(ERROR_CASES) | tokenizer_codes | file_codes | set(TOOL_CASES)


def test_valid_edge_cases_are_not_errors(tmp_path: Path) -> None:
    tool_call = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
            }
        ],
    }
    answer = {"role": "tool", "content": "sunny", "tool_call_id": "call_1"}
    parts = {"role": "user", "content": [{"type": "text", "text": "My router drops wifi."}]}
    lines = [
        {"messages": [S, U, tool_call, answer, A], "tools": [WEATHER_TOOL]},
        {"messages": [S, parts, A]},
        {"messages": [S, U, {**A, "weight": 0}, U, {**A, "weight": 1}]},
    ]
    report = validate_file(write(tmp_path, *lines))
    assert report.ok, report.errors
    assert report.warnings == []
    assert report.stats["examples"] == 3
    assert report.stats["messages_per_example"]["max"] == 5


WARNING_CASES: dict[str, tuple[Any, str]] = {
    "no_system": ({"messages": [U, A]}, "no system message"),
    "no_user": ({"messages": [S, A]}, "no user message"),
    "empty_assistant": (
        {"messages": [S, U, {"role": "assistant", "content": "  \n"}]},
        "messages[2]: assistant content is only whitespace",
    ),
    "blank_line": ("", "blank line (some loaders reject it)"),
    "ends_with_user": (
        {"messages": [S, A, U]},
        "the last message is the user's: nothing answers it, so it only costs tokens",
    ),
}


@pytest.mark.parametrize("code", sorted(WARNING_CASES))
def test_each_warning_kind(tmp_path: Path, code: str) -> None:
    line, message = WARNING_CASES[code]
    report = validate_file(write(tmp_path, GOOD, line))
    assert report.ok
    assert [(f.line, f.code, f.message) for f in report.warnings] == [(2, code, message)]


def test_over_token_limit_estimated_without_tokenizer(tmp_path: Path) -> None:
    report = validate_file(
        write(tmp_path, GOOD, {"messages": [S, U, {**A, "content": "x" * 400}]}), token_limit=100
    )
    assert report.ok
    (w,) = report.warnings
    assert (w.line, w.code) == (2, "over_token_limit")
    # 4 + 6 + 100 content tokens, 3 per message and 3 for the reply (OpenAI's count)
    assert w.message == (
        "122 tokens, over the limit of 100 "
        "(estimated per script; pass --tokenizer for exact counts)"
    )
    assert report.stats["tokens_exact"] is False
    assert report.stats["billed_tokens"] == 3 * (report.stats["tokens_per_example"]["min"] + 100)


def test_bom_on_the_first_line_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD, {"messages": [S, U, {**A, "content": "other"}]})
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    report = validate_file(path)
    assert [(f.line, f.code, f.message) for f in report.errors] == [
        (
            1,
            "bad_json",
            "starts with a UTF-8 byte-order mark (BOM), which JSON loaders reject; "
            "save the file as UTF-8 without BOM",
        )
    ]


def test_surrogate_pairs_and_escaped_backslashes_are_valid(tmp_path: Path) -> None:
    """Only a lone half of a pair is an error: a full pair is one character, and an escaped
    backslash before 'ud83d' is no escape at all."""
    pair = {"messages": [S, U, {**A, "content": "ok \U0001f600"}]}
    backslash = {"messages": [S, U, {**A, "content": "C:\\ud83d"}]}
    path = tmp_path / "f.jsonl"
    path.write_text(json.dumps(pair) + "\n" + json.dumps(backslash) + "\n")
    assert "\\ud83d\\ude00" in path.read_text() and "\\\\ud83d" in path.read_text()
    report = validate_file(path)
    assert report.ok, report.errors


def test_nesting_too_deep_is_a_line_error(tmp_path: Path) -> None:
    deep = '{"messages": ' + "[" * 5000 + "]" * 5000 + "}"
    report = validate_file(write(tmp_path, GOOD, deep, GOOD | {"metadata": {}}))
    assert [(f.line, f.code, f.message) for f in report.errors] == [
        (2, "bad_json", "nested too deeply to parse (JSON loaders stop at about 1,000 levels)")
    ]
    assert report.stats["examples"] == 2


def test_long_first_line_is_jsonl_not_pretty_printed(tmp_path: Path) -> None:
    """The sniffer reads on to the end of a first line longer than its 64 KB head."""
    long_line = {"messages": [S, {**U, "content": "é" * 40_000 + "x"}, A]}
    path = write(tmp_path, long_line, GOOD)
    assert len(path.read_bytes().split(b"\n")[0]) > 80_000
    report = validate_file(path)
    assert report.ok, report.errors
    assert report.stats["examples"] == 2


@pytest.mark.parametrize(
    ("content", "what"), [("", "is empty"), ("\n\n", "holds only blank lines")]
)
def test_empty_file_is_an_error(tmp_path: Path, content: str, what: str) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text(content)
    report = validate_file(path)
    assert [(f.line, f.code, f.message) for f in report.errors] == [
        (0, "empty_file", f"{path} {what}: there is nothing to train on")
    ]


def test_truncated_gzip_checks_the_lines_before_the_cut(tmp_path: Path) -> None:
    import gzip
    import random

    rng = random.Random(0)
    lines = [{"messages": [S, U, {**A, "content": f"{i} {rng.random()}"}]} for i in range(5000)]
    data = gzip.compress("".join(json.dumps(x) + "\n" for x in lines).encode())
    path = tmp_path / "f.jsonl.gz"
    path.write_bytes(data[: len(data) // 2])
    report = validate_file(path)
    (err,) = report.errors
    n = report.stats["examples"]
    assert 0 < n < 5000
    assert (err.line, err.code) == (n + 1, "unreadable")
    assert err.message == (
        f"cannot read past line {n}: "
        "Compressed file ended before the end-of-stream marker was reached"
    )


def test_warning_table_is_covered() -> None:
    assert set(WARNINGS) == set(WARNING_CASES) | {
        "over_token_limit",
        "tokenizer_adds_bos",
        "duplicate",
    }


# -- non-JSONL input: one error, not thousands ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("array.json", json.dumps([GOOD] * 3), "it is one JSON array, not JSON Lines"),
        (
            "pretty.json",
            json.dumps([GOOD] * 3, indent=2),
            "it is a JSON array spanning several lines",
        ),
        ("doc.json", json.dumps(GOOD, indent=2), "it is a pretty-printed JSON document"),
        (
            "data.csv",
            "role,content\nuser,hi\nassistant,hello\n" * 500,
            "it looks like CSV/TSV (first line: 'role,content'), not JSON Lines",
        ),
        ("notes.txt", "just some notes\nmore notes\n", "none of its first lines is JSON"),
    ],
)
def test_not_jsonl_is_one_error(tmp_path: Path, name: str, content: str, problem: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    report = validate_file(path)
    assert [f.code for f in report.errors] == ["not_jsonl"]
    assert report.errors[0].line == 0
    assert problem in report.errors[0].message


def test_binary_and_non_utf8(tmp_path: Path) -> None:
    binary = tmp_path / "model.bin"
    binary.write_bytes(bytes(range(256)) * 100)
    (err,) = validate_file(binary).errors
    assert (
        err.message
        == f"{binary} is not JSONL: it is a binary file (NUL bytes), not JSON Lines text"
    )
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes('{"x": "caf\xe9"}\n'.encode("latin-1") * 3)
    (err,) = validate_file(latin).errors
    assert (err.code, err.line) == ("not_jsonl", 0)
    assert "it is not UTF-8 text (invalid byte at offset 10)" in err.message
    latin.write_bytes(json.dumps(GOOD).encode() + b"\n" + '{"x": "caf\xe9"}\n'.encode("latin-1"))
    (err,) = validate_file(latin).errors
    assert (err.line, err.code) == (2, "bad_json")
    assert err.message == "not UTF-8 (invalid continuation byte at byte 10)"


def test_gzip_input(tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "f.jsonl.gz"
    with gzip.open(path, "wt") as f:
        f.write(json.dumps(GOOD) + "\n" + json.dumps({"messages": [S, U]}) + "\n")
    assert [(f.line, f.code) for f in validate_file(path).errors] == [(2, "no_assistant")]


# -- other formats -----------------------------------------------------------------------


def test_sharegpt_and_alpaca_formats(tmp_path: Path) -> None:
    good = {
        "conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}],
        "system": "Be brief.",
    }
    bad = {"conversations": [{"from": "robot", "value": "hi"}, {"from": "gpt", "value": "hello"}]}
    report = validate_file(write(tmp_path, good, bad), fmt="sharegpt")
    assert [(f.line, f.code) for f in report.errors] == [(2, "bad_structure")]
    assert report.errors[0].message.startswith("conversations.0.from: Input should be")
    alpaca = {"instruction": "Classify", "input": "text", "output": "Billing"}
    report = validate_file(
        write(tmp_path, alpaca, {"instruction": "x"}, name="a.jsonl"), fmt="alpaca"
    )
    assert [(f.line, f.code, f.message) for f in report.errors] == [
        (2, "bad_structure", "output: Field required")
    ]


# -- with a tokenizer --------------------------------------------------------------------


@pytest.fixture(scope="module")
def tok_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tokenizer(tmp_path_factory.mktemp("vtok"))


def test_exact_tokens_and_answer_truncated(tmp_path: Path, tok_dir: Path) -> None:
    long_user = {"role": "user", "content": "My router drops wifi every hour. " * 20}
    path = write(tmp_path, GOOD, {"messages": [S, long_user, A]})
    report = validate_file(path, tokenizer=tok_dir, max_tokens=100, token_limit=150)
    assert [(f.line, f.code) for f in report.errors] == [(2, "answer_truncated")]
    assert report.errors[0].message.startswith("the assistant answer starts at token ")
    assert [(f.line, f.code) for f in report.warnings] == [(2, "over_token_limit")]
    assert report.stats["tokens_exact"] is True
    from transformers import AutoTokenizer

    hf = AutoTokenizer.from_pretrained(str(tok_dir))
    ids = hf.apply_chat_template(GOOD["messages"], tokenize=True)
    ids = ids["input_ids"] if hasattr(ids, "keys") else ids
    assert report.stats["tokens_per_example"]["min"] == len(ids)


def test_double_bos_and_missing_end_of_turn(tmp_path: Path) -> None:
    plain = "{{ bos_token }}{% for m in messages %}{{ m['content'] }}\n{% endfor %}"
    folder = make_tokenizer(tmp_path / "plain", template=plain)
    path = write(tmp_path, {"messages": [{"role": "user", "content": "<s>hi"}, A]})
    report = validate_file(path, tokenizer=folder)
    codes = [f.code for f in report.errors]
    assert codes == ["double_bos", "missing_end_of_turn"]
    assert report.errors[1].message.startswith(
        "no end-of-turn token '</s>' after the assistant turn"
    )


def test_tokenizer_that_adds_bos_warns_once(tmp_path: Path) -> None:
    folder = make_tokenizer(tmp_path / "bos", add_bos=True)
    report = validate_file(
        write(tmp_path, GOOD, {"messages": [S, {**U, "content": "x"}, A]}), tokenizer=folder
    )
    assert report.ok
    assert [(f.line, f.code) for f in report.warnings] == [(0, "tokenizer_adds_bos")]


# -- CLI -----------------------------------------------------------------------------------


def test_cli_exit_codes_and_messages(tmp_path: Path) -> None:
    runner = CliRunner()
    good = write(tmp_path, GOOD, name="good.jsonl")
    res = runner.invoke(main, ["validate", str(good)])
    assert res.exit_code == 0, res.output
    assert "OK, 0 warnings" in res.output
    bad = write(tmp_path, GOOD, {"messages": [S, U]}, name="bad.jsonl")
    res = runner.invoke(main, ["validate", str(bad)])
    assert res.exit_code == 1
    assert "error no_assistant: 1 line" in res.output
    assert "line 2: no assistant message (nothing to train on)" in res.output
    res = runner.invoke(main, ["validate", str(bad), "--json"])
    data = json.loads(res.stdout)
    assert data["ok"] is False and data["error_counts"] == {"no_assistant": 1}
    res = runner.invoke(main, ["validate", str(tmp_path / "nope.jsonl")])
    assert res.exit_code == 2
    assert res.output.strip() == f"Error: {tmp_path / 'nope.jsonl'}: no such file"
    res = runner.invoke(main, ["validate", str(good), "--tokenizer", str(tmp_path / "nope")])
    assert res.exit_code == 2
    assert f"Error: --tokenizer {tmp_path / 'nope'}: no such file or directory" in res.output


def test_cli_empty_file_exits_1(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    res = CliRunner().invoke(main, ["validate", str(empty)])
    assert res.exit_code == 1
    assert res.output.startswith(
        f"error empty_file: the whole file\n  file: {empty} is empty: there is nothing to train on\n"
    )


def test_cli_non_utf8_file_name_exits_2(tmp_path: Path) -> None:
    name = os.fsdecode(b"caf\xe9.jsonl")
    path = tmp_path / name
    path.write_text(json.dumps(GOOD) + "\n")
    res = CliRunner().invoke(main, ["validate", str(path)])
    assert res.exit_code == 2
    assert res.output == (
        f"Error: {tmp_path}/caf\\xe9.jsonl: the file name is not valid UTF-8, "
        "so the report cannot name it\n"
        "Hint: rename the file to a UTF-8 name (e.g. `convmv -f latin1 -t utf8 --notest FILE`)\n"
    )


def test_cli_on_shipped_samples() -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["validate", str(DATA / "mixed.jsonl"), "--json"])
    assert res.exit_code == 1
    expected = json.loads((DATA / "mixed.expected.json").read_text())
    assert json.loads(res.stdout)["error_counts"] == expected["error_counts"]
    assert json.loads(res.stdout)["warning_counts"] == expected["warning_counts"]
    res = runner.invoke(main, ["validate", str(DATA / "array.json")])
    assert res.exit_code == 1
    assert res.output.count("not_jsonl") == 1


def test_cli_tokenizer_takes_the_model_alias(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--tokenizer smollm2`` as in export and curate.toml: the offline model's tokenizer."""
    from curate.train import models

    tok_dir = make_tokenizer(tmp_path / "model")
    monkeypatch.setattr(models, "smollm2_path", lambda: tok_dir)
    res = CliRunner().invoke(
        main, ["validate", str(write(tmp_path, GOOD)), "--tokenizer", "smollm2", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["stats"]["tokens_exact"] is True


def test_string_prompt_completion_has_no_system_to_miss(tmp_path: Path) -> None:
    """Export folds the system text into a string prompt: no line can have a system message."""
    line = {"prompt": "You are terse.\n\nUser: hi", "completion": "hello"}
    report = validate_file(write(tmp_path, line), fmt="completion")
    assert report.ok and report.warnings == []
    chat = {"messages": [U, A]}
    assert [f.code for f in validate_file(write(tmp_path, chat)).warnings] == ["no_system"]


# -- issue 23: tool calls, content parts, conversational completion, per-script estimates ------

CALL = {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{}"}}
TOOL_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "bad_tool_call": (
        {"role": "assistant", "content": None, "tool_calls": '[{"id": "c1"}]'},
        "messages[2]: tool_calls is str, not a list of calls (write "
        '[{"id": ..., "type": "function", "function": {"name": ..., "arguments": "{...}"}}])',
    ),
    "missing_tool_call_id": (
        {"role": "tool", "content": "sunny"},
        "messages[3]: tool message without 'tool_call_id'",
    ),
    "unknown_tool_call_id": (
        {"role": "tool", "content": "sunny", "tool_call_id": "c9"},
        "messages[3]: tool_call_id 'c9' answers no earlier tool call (call ids: c1)",
    ),
}


def _tool_line(call_msg: dict[str, Any] | None = None, reply: dict[str, Any] | None = None) -> Any:
    call_msg = call_msg or {"role": "assistant", "content": None, "tool_calls": [CALL]}
    reply = reply or {"role": "tool", "content": "sunny", "tool_call_id": "c1"}
    return {"messages": [S, U, call_msg, reply, A], "tools": [WEATHER_TOOL]}


@pytest.mark.parametrize("code", sorted(TOOL_CASES))
def test_each_tool_error(tmp_path: Path, code: str) -> None:
    msg, message = TOOL_CASES[code]
    line = _tool_line(reply=msg) if msg["role"] == "tool" else _tool_line(call_msg=msg)
    report = validate_file(write(tmp_path, GOOD, line))
    assert [(f.line, f.code, f.message) for f in report.errors if f.code == code] == [
        (2, code, message)
    ]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"city": "Oslo"},
            "is a JSON dict; it must be a string holding JSON (json.dumps the object)",
        ),
        ("{city: Oslo}", "is not valid JSON (Expecting property name enclosed in double quotes"),
    ],
)
def test_tool_call_arguments_must_be_a_json_string(
    tmp_path: Path, arguments: Any, message: str
) -> None:
    call = {**CALL, "function": {"name": "get_weather", "arguments": arguments}}
    line = _tool_line(call_msg={"role": "assistant", "content": None, "tool_calls": [call]})
    (err,) = validate_file(write(tmp_path, line)).errors
    assert err.code == "bad_tool_call"
    assert err.message.startswith(f"messages[2].tool_calls[0].function.arguments {message}")


def test_content_part_lists_are_accepted_and_checked(tmp_path: Path) -> None:
    parts = [{"type": "text", "text": "My router "}, {"type": "text", "text": "drops wifi."}]
    good = {"messages": [S, {"role": "user", "content": parts}, A]}
    bad = {"messages": [S, {"role": "user", "content": [{"type": "video", "url": "x"}]}, A]}
    report = validate_file(write(tmp_path, good, bad))
    assert [(f.line, f.code, f.message) for f in report.errors] == [
        (
            2,
            "content_not_string",
            "messages[1] (user): content[0] has type 'video' (expected one of file, image_url, "
            "input_audio, refusal, text)",
        )
    ]


def test_conversational_completion_export_validates(tmp_path: Path) -> None:
    """`--completion-style conversational` writes message lists; validate took it for the
    string style and reported two bad_structure findings per line."""
    line = {"prompt": [S, U], "completion": [A]}
    bad = {"prompt": [S, U], "completion": "Reset the router."}
    path = write(tmp_path, line, {"prompt": [U], "completion": [{**A, "content": "Ok."}]}, bad)
    report = validate_file(path, fmt="completion")
    assert [(f.line, f.code) for f in report.errors] == [(3, "bad_structure")]
    assert report.errors[0].message == (
        "completion: the prompt is a message list, so the completion must be a non-empty "
        "message list too (got str)"
    )
    assert report.stats["examples"] == 2


def test_cli_counts_lines_not_findings(tmp_path: Path) -> None:
    two = {"prompt": 3, "completion": 4}  # two findings on one line
    res = CliRunner().invoke(
        main, ["validate", str(write(tmp_path, two)), "--format", "completion"]
    )
    assert res.exit_code == 1
    assert "error bad_structure: 2 findings on 1 line\n" in res.output


@pytest.mark.parametrize(
    ("text", "at_least"),
    [
        ("客服工单处理：用户反映路由器每小时断线一次。" * 1000, 21_000),  # 22,000 CJK characters
        ("4711 0815 2024-12-31 +49 30 1234567, " * 600, 8_000),  # digit-heavy
    ],
)
def test_estimate_counts_cjk_and_digits_per_script(
    tmp_path: Path, text: str, at_least: int
) -> None:
    """Characters/4 put 22,000 CJK characters at 5,500 tokens, under the 16,385 limit."""
    from curate.validate_tokens import estimate_text

    assert estimate_text(text) >= at_least > (len(text) + 3) // 4
    line = {"messages": [S, U, {**A, "content": text}]}
    report = validate_file(write(tmp_path, line), token_limit=at_least)
    assert [w.code for w in report.warnings] == ["over_token_limit"]


def test_estimate_of_english_prose_stays_characters_over_four() -> None:
    from curate.validate_tokens import estimate_text

    assert estimate_text("Please reset the router and update the firmware.") == 12


def test_tiktoken_encoding_name_counts_as_openai_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--tokenizer cl100k_base``: tiktoken's count (here a tiny stand-in encoding, since
    the real file cannot be fetched offline), plus 3 per message and 3 for the reply."""
    tiktoken = pytest.importorskip("tiktoken")
    from curate import validate_tokens

    ranks = {bytes([b]): b for b in range(256)}
    tiny = tiktoken.Encoding("tiny", pat_str=r"\S+|\s+", mergeable_ranks=ranks, special_tokens={})
    monkeypatch.setattr(tiktoken, "get_encoding", lambda name: tiny)
    monkeypatch.setattr(validate_tokens, "_cache_path", lambda name: Path(__file__))
    report = validate_file(write(tmp_path, GOOD), tokenizer="cl100k_base")
    # bytes of role + content per message: (6+16) + (4+21) + (9+17), 3 each, 3 for the reply
    assert report.stats["tokens_exact"] is True
    assert report.stats["tokenizer"] == "cl100k_base"
    assert report.stats["tokens_per_example"]["max"] == 73 + 3 * 3 + 3


def test_tiktoken_encoding_file_missing_offline_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("tiktoken")
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "cache"))
    res = CliRunner().invoke(
        main, ["validate", str(write(tmp_path, GOOD)), "--tokenizer", "o200k_base"]
    )
    assert res.exit_code == 2
    assert res.output.startswith(
        "Error: --tokenizer o200k_base: the tiktoken encoding file is not available offline "
        f"(looked for {tmp_path / 'cache'}/"
    )
    from curate.errors import UsageError

    with pytest.raises(UsageError) as err:  # from Python: the parameter, not the flag
        validate_file(write(tmp_path, GOOD), tokenizer="o200k_base")
    assert err.value.param == "tokenizer"
    assert err.value.message.startswith("tokenizer o200k_base: the tiktoken encoding file")


@pytest.mark.parametrize(
    ("kwargs", "param", "message", "cli"),
    [
        (
            {"fmt": "xx"},
            "fmt",
            "fmt 'xx' is not one of chat, sharegpt, alpaca, completion",
            None,  # click's Choice refuses it first
        ),
        (
            {"max_tokens": 0},
            "max_tokens",
            "max_tokens must be at least 1, got 0",
            ["--max-tokens", "0"],
        ),
        ({"epochs": 0}, "epochs", "epochs must be at least 1, got 0", ["--epochs", "0"]),
    ],
)
def test_library_messages_name_the_parameter_and_the_cli_the_flag(
    tmp_path: Path, kwargs: dict[str, Any], param: str, message: str, cli: list[str] | None
) -> None:
    """Issue 22: `curate.validate_file(fmt='xx')` said "--format 'xx' is not one of"."""
    from curate.errors import UsageError

    path = write(tmp_path, GOOD)
    with pytest.raises(UsageError) as err:
        validate_file(path, **kwargs)
    assert (err.value.param, err.value.message) == (param, message)
    if cli is not None:
        res = CliRunner().invoke(main, ["validate", str(path), *cli])
        flag = cli[0]
        assert (res.exit_code, res.output) == (2, f"Error: {flag}{message[len(param) :]}\n")
